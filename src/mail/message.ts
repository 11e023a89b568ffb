/** Turns the digest engine's {@link OutgoingMail} into the raw MIME message every adapter delivers. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMail } from '../digest/mailer.js';

/** A message as delivered: SMTP envelope and the RFC 5322 bytes (CRLF line ends). */
export interface BuiltMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/** Base64 lines are at most 76 characters (RFC 2045). */
const BASE64_LINE = 76;

/**
 * Builds the message once, so an adapter only moves bytes. Nodemailer builds and encodes every
 * header from the fields (folding, RFC 2047 words), so no value can start a header line of its
 * own; one-click unsubscribe follows RFC 8058. The bodies are encoded here instead: nodemailer's
 * streaming encoder costs several times more than the rest of a send, and a part whose own
 * headers are constants needs none of its care.
 */
export async function buildMessage(mail: OutgoingMail): Promise<BuiltMessage> {
  const root = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    // A raw part replaces its whole node, so only the parts of a multipart message can be raw; a
    // text-only message (a notice, which is rare) is its root, whose headers nodemailer must write.
    ...(mail.html === undefined
      ? { text: mail.text }
      : { text: base64Part('text/plain', mail.text), html: base64Part('text/html', mail.html) }),
    // Base64 is encoded natively; quoted-printable in JavaScript costs more than the rest of a send.
    textEncoding: 'base64',
    messageId: `<${mail.messageId}>`,
    date: mail.date,
    // One List-Unsubscribe header with both targets, as RFC 2369 and the large mailbox providers expect.
    ...(mail.unsubscribe && {
      headers: {
        'List-Unsubscribe': `<${mail.unsubscribe.url}>, <${mail.unsubscribe.mailto}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    }),
  }).compile();
  const envelope = root.getEnvelope();
  return { envelope: { from: envelope.from || '', to: envelope.to }, raw: await root.build() };
}

/** A whole MIME part, headers and body, that nodemailer inserts as it is. */
function base64Part(type: string, content: string): { raw: string } {
  const encoded = Buffer.from(content, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += BASE64_LINE) lines.push(encoded.slice(at, at + BASE64_LINE));
  return { raw: `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines.join('\r\n')}` };
}
