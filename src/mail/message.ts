/** Turns the digest engine's {@link OutgoingMail} into nodemailer's message options, for every adapter. */
import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMail } from '../digest/mailer.js';

/**
 * Nodemailer builds and encodes every header from these fields (folding, RFC 2047 words), so no
 * value can start a header line of its own. One-click unsubscribe follows RFC 8058.
 */
export function toMessageOptions(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined && { html: mail.html }),
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
  };
}
