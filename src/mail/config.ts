/** Mail settings, from `PAPERFEED_*` environment variables, validated once. */
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnvironment } from '../environment.js';
import type { Mailer } from '../digest/mailer.js';
import { OutboxMailer } from './outbox.js';
import { SmtpMailer } from './smtp.js';

export interface MailConfig {
  /** The SMTP relay; without it, mail goes to {@link MailConfig.outboxDir}. */
  smtpUrl?: string;
  /** The From header, e.g. `paperfeed <digest@example.org>`. */
  from: string;
  /** The public site address that links in emails point to, without a trailing slash. */
  baseUrl: string;
  outboxDir: string;
  /** Emails per second at most; 0 for no limit. */
  rate: number;
  /** Messages in flight at once (SMTP connections). */
  concurrency: number;
  /** How long a digest send's claim holds before another node may take it over (default 10 minutes). */
  claimLeaseSeconds?: number;
}

/** No CR, LF or other control characters: these values go into headers. */
const HeaderSafe = z.string().regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

const Env = z.object({
  PAPERFEED_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'expected smtp://… or smtps://…').optional(),
  PAPERFEED_MAIL_FROM: HeaderSafe.regex(/^([^<>@]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, 'expected "Name <address>" or an address').default('paperfeed <digest@localhost>'),
  PAPERFEED_BASE_URL: z.string().regex(/^https?:\/\/[^\s]+$/, 'expected an http(s) URL').optional(),
  PAPERFEED_OUTBOX: z.string().min(1).optional(),
  PAPERFEED_MAIL_RATE: z.coerce.number().min(0).max(100_000).default(0),
  PAPERFEED_MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  PAPERFEED_DIGEST_LEASE: z.coerce.number().int().min(10).max(86_400).optional(),
});

/**
 * Resolves mail settings. The outbox defaults to `outbox/` next to the database, and links to
 * `http://localhost:<port>`.
 */
export function resolveMailConfig(env: NodeJS.ProcessEnv, dbFile: string, port: number): MailConfig {
  const settings = parseEnvironment(Env, env);
  return {
    ...(settings.PAPERFEED_SMTP_URL && { smtpUrl: settings.PAPERFEED_SMTP_URL }),
    from: settings.PAPERFEED_MAIL_FROM,
    baseUrl: (settings.PAPERFEED_BASE_URL ?? `http://localhost:${port || 8080}`).replace(/\/+$/, ''),
    outboxDir: resolve(settings.PAPERFEED_OUTBOX ?? join(dirname(dbFile), 'outbox')),
    rate: settings.PAPERFEED_MAIL_RATE,
    concurrency: settings.PAPERFEED_MAIL_CONCURRENCY,
    ...(settings.PAPERFEED_DIGEST_LEASE !== undefined && { claimLeaseSeconds: settings.PAPERFEED_DIGEST_LEASE }),
  };
}

/** The mailer the settings call for: SMTP when a relay is configured, else the outbox. */
export function createMailer(config: MailConfig): Mailer {
  return config.smtpUrl ? new SmtpMailer(config.smtpUrl, { connections: config.concurrency }) : new OutboxMailer(config.outboxDir);
}
