/** Factories and helpers for digest tests: a small real catalog, a real server, a cookie-keeping client. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { importSource } from '../../src/catalog/import.js';
import type { SourceRecord } from '../../src/catalog/paper.js';
import type { MailConfig } from '../../src/mail/config.js';
import { digestWebOptions, type DigestRouteOptions } from '../../src/web/digest-routes.js';
import { communityRoutes, type CommunityRouteOptions } from '../../src/web/community-routes.js';
import { createWebApp } from '../../src/web/server.js';
import { after, before } from 'node:test';
import { tempDir } from '../support.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/digest/subscription.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteDigestStore } from '../../src/store/sqlite/digest-store.js';

export const at = (iso: string) => new Date(iso);

/** A Hugging Face–style record of a paper featured on `day` with `upvotes` observed at noon. */
export function featured(id: string, day: string, upvotes: number, fields: Partial<SourceRecord['fields']> = {}): SourceRecord {
  return {
    source: 'hf-daily',
    id,
    observedAt: `${day}T12:00:00.000Z`,
    featuredAt: `${day}T00:00:00.000Z`,
    versions: [{ version: 1, date: `${day}T00:00:00.000Z` }],
    fields: {
      title: `Paper ${id}`,
      abstract: `We study ${id}. `.repeat(30),
      authors: [{ name: 'Ada Lovelace' }],
      categories: ['cs.LG'],
      ...fields,
    },
    signals: [{ source: 'hf', kind: 'upvotes', value: upvotes, observedAt: `${day}T12:00:00.000Z` }],
    ref: `test:${id}`,
  };
}

/** Three papers featured on 2026-11-27: two about diffusion LLMs (one with code) and one on sparse attention. */
export function diffusionPapers(): SourceRecord[] {
  return [
    featured('2611.00001', '2026-11-27', 40, { title: 'Block Diffusion Language Models', abstract: 'We propose diffusion LLM decoding in blocks. '.repeat(12), codeUrl: 'https://github.com/example/bd' }),
    featured('2611.00002', '2026-11-27', 10, { title: 'Sparse Attention at Scale', categories: ['cs.CL'] }),
    featured('2611.00003', '2026-11-27', 2, { title: 'A Quiet Paper on Diffusion LLM Sampling', abstract: 'Sampling for diffusion LLM models.' }),
  ];
}

/** Imports records through the real import path. */
export async function seed(app: App, records: SourceRecord[]): Promise<void> {
  await importSource(app.store, (async function* () {
    for (const record of records) yield { record };
  })());
}

/** A fake clock the tests move by hand. */
export function clock(start: string) {
  let current = new Date(start);
  return { now: () => current, set: (iso: string) => { current = new Date(iso); } };
}

/** The real app on a temp SQLite file, mail to `smtpUrl` (else the outbox), served on 127.0.0.1. */
export async function digestSite(options: { smtpUrl?: string; now: () => Date; routes?: DigestRouteOptions | ((app: App) => DigestRouteOptions); community?: CommunityRouteOptions; rate?: number }) {
  const { dir, cleanup } = tempDir();
  const dbFile = join(dir, 'paperfeed.db');
  const mail: MailConfig = {
    ...(options.smtpUrl && { smtpUrl: options.smtpUrl }),
    from: 'paperfeed <digest@paperfeed.test>',
    baseUrl: 'http://paperfeed.test',
    outboxDir: join(dir, 'outbox'),
    rate: options.rate ?? 0,
    concurrency: 2,
  };
  const app = createApp({ dbFile, port: 0, mail }, options.now);
  // The site as `paperfeed serve` composes it: digest and community pages.
  const routes = typeof options.routes === 'function' ? options.routes(app) : options.routes;
  const digest = digestWebOptions(app, { now: options.now, ...routes });
  const web = createWebApp(app, { now: options.now, ...digest, extensions: [...digest.extensions, communityRoutes(app, {
    // Every test client shares one address; tests of the sign-in limit pass their own limiter.
    now: options.now, perClient: app.rateLimiter('test-signin', { perMinute: 600, burst: 100 }), ...options.community,
  })] });
  const server = serve({ fetch: web.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app, dir, dbFile, origin,
    /** Rewrites a link from an email (on the public base URL) to this server. */
    local: (url: string) => url.replace(mail.baseUrl, origin),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      app.close();
      cleanup();
    },
  };
}

/** A browser-like client: keeps its cookies (CSRF, session) and fills the CSRF field of forms. */
export function browser(origin: string) {
  const jar = new Map<string, string>();
  let csrf = '';
  const request = async (method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(path.startsWith('http') ? path : `${origin}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(jar.size > 0 && { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }), ...(form && { 'content-type': 'application/x-www-form-urlencoded' }), ...headers },
      ...(form && { body: new URLSearchParams({ csrf, ...form }).toString() }),
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value === '' || attributes.some((attribute) => /max-age=0\b/i.test(attribute.trim()))) jar.delete(name);
      else jar.set(name, value);
    }
    const body = await response.text();
    const token = /name="csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token) csrf = token;
    return { status: response.status, body, headers: response.headers };
  };
  return {
    /** The cookies this client holds, by name. */
    jar,
    /** The CSRF token of the last page with a form. */
    csrf: () => csrf,
    request,
    get: (path: string) => request('GET', path),
    post: (path: string, form: Record<string, string> = {}, headers?: Record<string, string>) => request('POST', path, form, headers),
  };
}

/** The first link in a text that starts with this prefix. */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^\\s>"]+`).exec(text);
  if (!match) throw new Error(`no link starting ${prefix} in:\n${text}`);
  return match[0];
}

/** Adds confirmed subscribers `reader<i>@example.org` straight to the store, as if they had confirmed. */
export async function addActiveSubscribers(dbFile: string, count: number, prefs: (index: number) => Preferences = () => DEFAULT_PREFERENCES): Promise<void> {
  const db = openSqlite(dbFile);
  const store = new SqliteDigestStore(db);
  for (let index = 0; index < count; index++) {
    const subscriber = await store.addSubscriber({
      key: `key-${index}`, email: `reader${index}@example.org`, status: 'pending', prefs: prefs(index), createdAt: '2026-11-01T00:00:00Z', hardBounces: 0,
    });
    await store.updateSubscriber(subscriber.id, { status: 'active' });
  }
  db.close();
}

/**
 * Registers a suite's hooks: before it, a real SMTP sink and a site seeded with
 * {@link diffusionPapers}; after it, both closed. The returned object is filled in as the suite starts.
 */
export function seededSiteSuite(time: ReturnType<typeof clock>) {
  const env = {} as { sink: SmtpSink; site: Awaited<ReturnType<typeof digestSite>> };
  before(async () => {
    env.sink = await startSmtpSink();
    env.site = await digestSite({ smtpUrl: env.sink.url, now: time.now });
    await seed(env.site.app, diffusionPapers());
  });
  after(async () => {
    await env.site.close();
    await env.sink.close();
  });
  return env;
}
