/** A real SMTP peer on 127.0.0.1 for tests and benchmarks: smtp-server receives, mailparser reads. */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One accepted message: its envelope recipients, raw bytes and (when parsing) the parsed form. */
export interface Received {
  to: string[];
  raw: Buffer;
  parsed?: ParsedMail;
}

export interface SmtpSink {
  url: string;
  received: Received[];
  /** Resolves once `count` messages have been accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * Starts a sink. `reply` may refuse a message (return an SMTP code and text) or do something
 * before it is accepted; `parse: false` keeps only the raw bytes, for benchmarks.
 */
export async function startSmtpSink(options: {
  parse?: boolean;
  /** Requires a login with these credentials (AUTH PLAIN or LOGIN, over plain TCP). */
  credentials?: { user: string; pass: string };
  reply?: (message: { to: string[]; index: number }) => { code: number; message: string } | 'hang' | undefined;
} = {}): Promise<SmtpSink> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let index = 0;
  const server = new SMTPServer({
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    disabledCommands: options.credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    onAuth(auth, _session, callback) {
      const { user, pass } = options.credentials ?? {};
      if (auth.username === user && auth.password === pass) callback(null, { user });
      else callback(Object.assign(new Error('authentication failed'), { responseCode: 535 }));
    },
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        const decision = options.reply?.({ to, index: index++ });
        if (decision === 'hang') return;
        if (decision) {
          callback(Object.assign(new Error(decision.message), { responseCode: decision.code }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const message: Received = { to, raw, ...(options.parse !== false && { parsed: await simpleParser(raw) }) };
        received.push(message);
        callback();
        for (const waiter of waiters.filter((candidate) => received.length >= candidate.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 10_000) {
      if (received.length < count) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`waited for ${count} messages, got ${received.length}`)), timeoutMs);
          waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
        });
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
