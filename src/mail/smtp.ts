/** The SMTP adapter of the mailer port: a small pool of nodemailer SMTP connections, TLS when the URL or server asks. */
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { Mailer, OutgoingMail } from '../digest/mailer.js';
import { PaperfeedError } from '../errors.js';
import { MessageBuilder, type BuiltMessage } from './message.js';

/**
 * A connection idle longer than this is closed instead of reused: servers drop idle clients after
 * a minute or more, and a message that meets a connection the server has just closed would fail.
 */
const IDLE_MS = 15_000;

interface Idle {
  connection: SMTPConnection;
  since: number;
}

/**
 * Sends through an SMTP relay named by URL: `smtps://user:pass@host:465` (implicit TLS) or
 * `smtp://user:pass@host:587` (STARTTLS when offered). Up to `connections` connections are opened
 * and reused; each sends a built message as it is, its envelope pipelined (RFC 2920) when offered.
 * nodemailer's own pool is not used: per message it composes, streams and queues again what
 * {@link MessageBuilder} already built, which cost more CPU than the rest of a digest's send.
 *
 * @example new SmtpMailer('smtp://127.0.0.1:2525', { connections: 4 })
 */
export class SmtpMailer implements Mailer {
  private readonly options: SMTPConnection.Options;
  private readonly credentials: SMTPConnection.Credentials | undefined;
  /** Connected connections, busy or idle. */
  private readonly live = new Set<SMTPConnection>();
  private readonly idle: Idle[] = [];
  private readonly messages = new MessageBuilder();
  private readonly waiting: { resolve: (connection: SMTPConnection) => void; reject: (error: Error) => void }[] = [];
  private connecting = 0;
  private closed = false;

  constructor(url: string, private readonly limits: { connections: number }) {
    const parsed = new URL(url);
    this.options = {
      host: parsed.hostname,
      port: Number(parsed.port) || (parsed.protocol === 'smtps:' ? 465 : 587),
      secure: parsed.protocol === 'smtps:',
      connectionTimeout: 30_000,
      socketTimeout: 60_000,
    };
    this.credentials = parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined;
  }

  async send(mail: OutgoingMail): Promise<void> {
    const message = this.messages.build(mail);
    let connection: SMTPConnection | undefined;
    try {
      connection = await this.acquire();
      await transfer(connection, message);
    } catch (error) {
      const failure = error as SMTPConnection.SMTPError;
      // A refused message leaves the session usable once reset; anything else ends the connection.
      if (connection && (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') && failure.responseCode !== 421) {
        const refused = connection;
        refused.reset((resetError) => (resetError ? this.discard(refused) : this.release(refused)));
      } else if (connection) {
        this.discard(connection);
      }
      throw smtpFailure(failure);
    }
    this.release(connection);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { connection } of this.idle.splice(0)) connection.quit();
    for (const waiter of this.waiting.splice(0)) waiter.reject(closedError());
  }

  /** An idle connection, a new one while fewer than the limit are open, else the next one released. */
  private acquire(): Promise<SMTPConnection> {
    if (this.closed) return Promise.reject(closedError());
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      if (Date.now() - idle.since <= IDLE_MS) return Promise.resolve(idle.connection);
      this.discard(idle.connection);
    }
    if (this.hasRoom()) return this.connect();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private hasRoom(): boolean {
    return this.live.size + this.connecting < Math.max(1, this.limits.connections);
  }

  private async connect(): Promise<SMTPConnection> {
    this.connecting += 1;
    const connection = new SMTPConnection(this.options);
    try {
      // Errors reach the send in flight through its callback; a connection that ends, idle or
      // not, gives its place up here.
      connection.on('error', () => undefined);
      connection.once('end', () => this.forget(connection));
      await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
      if (this.credentials && connection.allowsAuth) {
        await new Promise<void>((resolve, reject) => connection.login(this.credentials!, (error) => (error ? reject(error) : resolve())));
      }
    } catch (error) {
      connection.close();
      throw error;
    } finally {
      this.connecting -= 1;
    }
    this.live.add(connection);
    return connection;
  }

  private release(connection: SMTPConnection): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(connection);
    else if (this.closed) this.discard(connection);
    else this.idle.push({ connection, since: Date.now() });
  }

  private discard(connection: SMTPConnection): void {
    connection.close();
    this.forget(connection);
  }

  /** Frees a closed connection's place, once however many ways it closed, for a send that waits. */
  private forget(connection: SMTPConnection): void {
    if (!this.live.delete(connection)) return;
    const index = this.idle.findIndex((idle) => idle.connection === connection);
    if (index >= 0) this.idle.splice(index, 1);
    if (this.waiting.length === 0 || this.closed || !this.hasRoom()) return;
    const waiter = this.waiting.shift()!;
    this.connect().then(waiter.resolve, waiter.reject);
  }
}

function closedError(): Error {
  return Object.assign(new Error('the mailer is closed'), { code: 'ECONNECTION' });
}

function transfer(connection: SMTPConnection, message: BuiltMessage): Promise<void> {
  return new Promise((resolve, reject) => connection.send(message.envelope, message.raw, (error) => (error ? reject(error) : resolve())));
}

/**
 * A 5xx reply to the envelope or the message is permanent (a hard bounce). Everything else is
 * transient: 4xx replies, connection failures, and 5xx replies to the greeting or the login,
 * which are the relay's problem (a wrong password, say), not the recipient's, so they must not
 * count toward suspending a subscriber.
 */
function smtpFailure(error: Error & { code?: string; responseCode?: number }): PaperfeedError {
  const aboutTheMessage = error.code === 'EENVELOPE' || error.code === 'EMESSAGE';
  const permanent = aboutTheMessage && typeof error.responseCode === 'number' && error.responseCode >= 500;
  return new PaperfeedError('remote', `SMTP: ${error.message}`, { permanent, smtpCode: error.responseCode });
}
