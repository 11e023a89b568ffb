/** Turns the digest engine's {@link OutgoingMail} into the raw MIME message every adapter delivers. */
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type { OutgoingMail } from '../digest/mailer.js';

/** A message as delivered: SMTP envelope and the RFC 5322 bytes (CRLF line ends). */
export interface BuiltMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/** Base64 lines are at most 76 characters (RFC 2045). */
const BASE64_LINE = 76;
/** What 7bit cannot carry besides lines over 998 octets (RFC 2045 §2.7): 8-bit bytes, NUL, a bare CR. */
const NOT_SEVEN_BIT = /[^\x01-\x7f]|\r(?!\n)/;
const MAX_LINE = 998;

/**
 * Builds the message once, as bytes, so an adapter only moves them. Nodemailer builds and encodes
 * every header from the fields (folding, RFC 2047 words), so no value can start a header line of
 * its own; one-click unsubscribe follows RFC 8058. The body is put together here: nodemailer's
 * streaming encoders cost several times more than the rest of a send, and a part is sent as it
 * is (7bit) when it can be, as HTML that escapes non-ASCII characters always can, which also
 * keeps it a quarter smaller than in base64.
 */
export function buildMessage(mail: OutgoingMail): BuiltMessage {
  const parts = [part('text/plain', mail.text), ...(mail.html === undefined ? [] : [part('text/html', mail.html)])];
  // Base64 is encoded natively; quoted-printable in JavaScript costs more than the rest of a send.
  const root = new MimeNode(parts.length === 1 ? parts[0]!.type : 'multipart/alternative', { textEncoding: 'B' });
  root.setHeader({
    From: mail.from,
    To: mail.to,
    Subject: mail.subject,
    'Message-ID': `<${mail.messageId}>`,
    Date: mail.date.toUTCString().replace(/GMT$/, '+0000'),
    // One List-Unsubscribe header with both targets, as RFC 2369 and the large mailbox providers expect.
    ...(mail.unsubscribe && {
      'List-Unsubscribe': `<${mail.unsubscribe.url}>, <${mail.unsubscribe.mailto}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    }),
  });
  if (parts.length === 1) root.setHeader('Content-Transfer-Encoding', parts[0]!.encoding);
  // Building the headers picks the multipart boundary.
  const headers = root.buildHeaders();
  const body = parts.length === 1 ? `${parts[0]!.body}\r\n` : multipart(`--${root.boundary}`, parts);
  const envelope = root.getEnvelope();
  return { envelope: { from: envelope.from || '', to: envelope.to }, raw: Buffer.from(`${headers}\r\n\r\n${body}`) };
}

function multipart(delimiter: string, parts: ReturnType<typeof part>[]): string {
  return `${parts.map((one) => `${delimiter}\r\nContent-Type: ${one.type}\r\nContent-Transfer-Encoding: ${one.encoding}\r\n\r\n${one.body}\r\n`).join('')}${delimiter}--\r\n`;
}

/** One body part, encoded: only ASCII leaves here, so the message is bytes as they are. */
function part(type: string, content: string): { type: string; encoding: '7bit' | 'base64'; body: string } {
  const lines = content.replace(/\r?\n/g, '\r\n');
  if (!NOT_SEVEN_BIT.test(lines) && !hasLongLine(lines)) return { type: `${type}; charset=us-ascii`, encoding: '7bit', body: lines };
  const encoded = Buffer.from(content, 'utf8').toString('base64');
  const wrapped: string[] = [];
  for (let at = 0; at < encoded.length; at += BASE64_LINE) wrapped.push(encoded.slice(at, at + BASE64_LINE));
  return { type: `${type}; charset=utf-8`, encoding: 'base64', body: wrapped.join('\r\n') };
}

/** Scans for line ends instead of matching long lines with a regex, which would restart at every character. */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    if (end - start > MAX_LINE + 1) return true;
    start = end + 1;
  }
  return text.length - start > MAX_LINE;
}
