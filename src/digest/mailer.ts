/** The mailer port of the digest engine: SMTP and the local outbox implement it (src/mail/). */

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
  text: string;
  html?: string;
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
