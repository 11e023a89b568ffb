/** The mailer port of the digest engine: SMTP and the local outbox implement it (src/mail/). */

/**
 * Text that many messages carry alike, such as one paper's block in thousands of digests: an
 * adapter may encode it once and reuse the bytes for as long as the object lives.
 */
export class SharedText {
  constructor(readonly text: string) {}
}

/**
 * A body part as a list of pieces, each shared or not. Every piece but the last ends with a line
 * break, so that pieces can be encoded apart (line by line) and the bytes joined.
 */
export type MailBody = string | readonly (string | SharedText)[];

/** The text of a body, its pieces joined. */
export function bodyText(body: MailBody): string {
  return typeof body === 'string' ? body : body.map((piece) => (typeof piece === 'string' ? piece : piece.text)).join('');
}

/** One message, ready to go. Headers are built by the adapter from these fields, never from raw text. */
export interface OutgoingMail {
  /**
   * Unique per message and stable across retries (e.g. `digest-<period>-<subscriber>`): adapters
   * that can tell use it to deliver a retried message once.
   */
  key: string;
  from: string;
  to: string;
  subject: string;
  text: MailBody;
  html?: MailBody;
  /** Without angle brackets, e.g. `digest.d-2026-11-28.k3Yc@paperfeed.example`. */
  messageId: string;
  date: Date;
  /** Becomes List-Unsubscribe (both) and List-Unsubscribe-Post: List-Unsubscribe=One-Click. */
  unsubscribe?: { url: string; mailto: string };
}

/**
 * Delivers one message or throws a `PaperfeedError('remote', …, { permanent })`: permanent for a
 * hard bounce (SMTP 5xx), transient for 4xx and connection failures, which are retried.
 */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}
