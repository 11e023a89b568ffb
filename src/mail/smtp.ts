/** The SMTP adapter of the mailer port: nodemailer, pooled, TLS when the URL or server asks. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, OutgoingMail } from '../digest/mailer.js';
import { PaperfeedError } from '../errors.js';
import { buildMessage } from './message.js';

/**
 * Sends through an SMTP relay named by URL: `smtps://user:pass@host:465` (implicit TLS) or
 * `smtp://user:pass@host:587` (STARTTLS when offered). Connections are pooled and reused.
 *
 * @example new SmtpMailer('smtp://127.0.0.1:2525', { connections: 4 })
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(url: string, options: { connections: number }) {
    const parsed = new URL(url);
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: options.connections,
      maxMessages: Infinity,
      host: parsed.hostname,
      port: Number(parsed.port) || (parsed.protocol === 'smtps:' ? 465 : 587),
      secure: parsed.protocol === 'smtps:',
      ...(parsed.username && { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }),
      connectionTimeout: 30_000,
      socketTimeout: 60_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      // Sent as built: nodemailer would otherwise stream each header and body line to the socket on its own.
      await this.transport.sendMail(buildMessage(mail));
    } catch (error) {
      throw smtpFailure(error as Error & { responseCode?: number });
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** 5xx replies are permanent (a hard bounce); 4xx replies and connection failures are transient. */
function smtpFailure(error: Error & { responseCode?: number }): PaperfeedError {
  const permanent = typeof error.responseCode === 'number' && error.responseCode >= 500;
  return new PaperfeedError('remote', `SMTP: ${error.message}`, { permanent, smtpCode: error.responseCode });
}
