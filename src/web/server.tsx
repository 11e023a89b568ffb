import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { App } from '../app.js';
import { PaperfeedError, httpStatusOf } from '../errors.js';
import { registerHfApi } from './api/hf.js';
import { registerOpenApi } from './api/openapi.js';
import { registerV1Api } from './api/v1.js';
import { registerFeeds } from './feeds.js';
import { wantsJson, type WebEnv } from './http.js';
import { registerPages } from './pages.js';
import type { RateLimiter } from './ports.js';
import { rateLimit } from './rate-limit.js';
import { renderPage, sendPage } from './render.js';
import { csrfProtection, loadCsrfSecret, securityHeaders } from './security.js';
import { Site } from './site.js';
import { VersionedCache } from './cache.js';

/** What other subsystems get to add their own routes and pages to the site. */
export interface WebKit {
  renderPage: typeof renderPage;
  sendPage: typeof sendPage;
}

/**
 * Adds routes to the site, e.g. the digest subsystem's `POST /subscribe`. Every unsafe request
 * has already passed the CSRF check when it reaches an extension's handler; its pages can use
 * {@link WebKit.renderPage} to share the layout (and its subscribe box with a valid token).
 */
export type WebExtension = (web: Hono<WebEnv>, kit: WebKit) => void;

export interface WebOptions {
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  /** Per client address; the default allows bursts of 120 and 600 requests a minute, for the API and the feeds each. */
  rateLimiter?: RateLimiter;
  /** Other subsystems' routes (e.g. the digest pages), registered after the CSRF check. */
  extensions?: WebExtension[];
  /**
   * Routes whose URL carries its own signed token and that must accept POSTs without a CSRF
   * token: RFC 8058 one-click unsubscribe, which mail providers send without cookies.
   */
  signedExtensions?: WebExtension[];
}

/**
 * The HTTP surface, one route table:
 *
 * | path | what |
 * |---|---|
 * | `/`, `/papers/date/{day}`, `/search`, `/papers/{id}`, `/authors/{name}`, `/categories[/{c}]` | pages |
 * | `/api/daily_papers`, `/api/papers/search`, `/api/papers/{id}`, `/papers/{id}.md` | Hugging Face–compatible |
 * | `/api/v1/…` | paperfeed's API; `/api/openapi.json`, `/api/docs` describe both |
 * | `/feeds/{trending,daily,search,author,category}.{rss,atom,json}` | feeds |
 * | `/healthz`, `/static/…` | health, CSS and KaTeX fonts |
 *
 * Errors of any route become `{error:{code,message}}` (API and feeds) or an error page, with
 * the status of their code, never a bare 500 with a stack.
 *
 * @example serve({ fetch: createWebApp(app).fetch, port: 8080 })
 */
export function createWebApp(app: App, options: WebOptions = {}): Hono<WebEnv> {
  const now = options.now ?? (() => new Date());
  const site = new Site({
    catalog: app.store,
    trending: app.trendingStore,
    web: app.webStore,
    search: app.search,
  }, now);
  let secret: Promise<Buffer> | undefined;
  const web = new Hono<WebEnv>();

  web.use('*', securityHeaders());
  web.use('/api/*', ...machineReadable(site, options.rateLimiter ?? app.rateLimiter('api', API_LIMITS), now));
  web.use('/feeds/*', ...machineReadable(site, options.rateLimiter ?? app.rateLimiter('feeds', API_LIMITS), now));
  for (const extend of options.signedExtensions ?? []) extend(web, { renderPage, sendPage });
  web.use('*', csrfProtection(() => (secret ??= loadCsrfSecret(app.store))));

  web.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ ok: true, papers: await app.store.countPapers() });
  });
  registerStatic(web);
  registerPages(web, site);
  registerHfApi(web, site);
  registerV1Api(web, site);
  registerOpenApi(web);
  registerFeeds(web, site);
  for (const extend of options.extensions ?? []) extend(web, { renderPage, sendPage });

  web.notFound((c) => respondError(c, new PaperfeedError('not_found', `no page at ${c.req.method} ${c.req.path}`)));
  web.onError((error, c) => {
    if (error instanceof PaperfeedError) return respondError(c, error);
    console.error(error);
    return respondError(c, new PaperfeedError('internal', 'something went wrong on our side'));
  });
  return web;
}

/** What one client address may ask of the API, and of the feeds. */
const API_LIMITS = { perMinute: 600, burst: 120 };

/** CORS, rate limiting and HTTP caching for the API and the feeds. */
function machineReadable(site: Site, limiter: RateLimiter, now: () => Date): MiddlewareHandler<WebEnv>[] {
  return [
    cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['ETag', 'Last-Modified', 'Link', 'Retry-After', 'X-Total-Count', 'RateLimit-Limit', 'RateLimit-Remaining'] }),
    rateLimit(limiter, now),
    responseCache(site, now),
  ];
}

/** Headers of a cached response that are replayed with it. */
const REPLAYED = ['content-type', 'link', 'x-total-count'];

/**
 * Caches successful GET responses by URL until the data changes, or for at most a minute (windows
 * that end "now" move with the clock), and serves them with a strong ETag (answering 304 to
 * If-None-Match), Last-Modified and Cache-Control. Hashing a body once per data version, not per
 * request, is what keeps the API fast.
 */
function responseCache(site: Site, now: () => Date): MiddlewareHandler<WebEnv> {
  const cache = new VersionedCache<{ body: Uint8Array<ArrayBuffer>; etag: string; headers: [string, string][] } | undefined>(2000);
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const minute = Math.floor(now().getTime() / 60_000);
    let fresh: Response | undefined;
    const entry = await cache.get(await site.version(), `${minute} ${c.req.url}`, async () => {
      await next();
      fresh = c.res;
      if (c.res.status !== 200 || c.res.headers.has('Cache-Control')) return undefined;
      // Kept encoded, so a cached response costs a write, not an encoding.
      const body = new Uint8Array(await c.res.clone().arrayBuffer());
      const headers = REPLAYED.flatMap((name) => { const value = c.res.headers.get(name); return value === null ? [] : [[name, value] as [string, string]]; });
      return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, headers };
    });
    if (!entry) {
      // Not cacheable: an error, or a response that set its own caching. Run the route if the
      // cache did not just do so for this very request.
      if (!fresh) await next();
      return;
    }
    c.header('ETag', entry.etag);
    c.header('Cache-Control', 'public, max-age=60');
    c.header('Last-Modified', site.lastModified().toUTCString());
    if (c.req.header('if-none-match') === entry.etag) {
      c.res = c.body(null, 304);
      return;
    }
    for (const [name, value] of entry.headers) c.header(name, value);
    c.res = c.body(entry.body, 200);
  };
}

function respondError(c: Context<WebEnv>, error: PaperfeedError) {
  const status = httpStatusOf[error.code] as 400 | 403 | 404 | 429 | 500;
  if (typeof error.details.retryAfterSeconds === 'number') c.header('Retry-After', String(error.details.retryAfterSeconds));
  c.header('Cache-Control', 'no-store');
  if (wantsJson(c.req.path)) return c.json({ error: { code: error.code, message: error.message } }, status);
  const title = status === 404 ? 'Not found' : status === 429 ? 'Too many requests' : status >= 500 ? 'Something went wrong' : 'That did not work';
  return renderPage({ title }, <><h1>{title}</h1><p>{error.message}</p><p><a href="/">Back to trending papers</a></p></>)
    .then((html) => sendPage(c, html, status));
}

/** The stylesheet, the icon, and KaTeX's stylesheet and fonts, read once, cached by browsers for a day. */
function registerStatic(web: Hono<WebEnv>): void {
  const katexDir = dirname(createRequire(import.meta.url).resolve('katex'));
  const entry = (body: Buffer, type: string) => ({ body, type, tag: `"${createHash('sha1').update(body).digest('base64url')}"` });
  const files = new Map<string, ReturnType<typeof entry>>([
    ['style.css', entry(readFileSync(new URL('./static/style.css', import.meta.url)), 'text/css; charset=utf-8')],
    ['icon.svg', entry(readFileSync(new URL('./static/icon.svg', import.meta.url)), 'image/svg+xml')],
    ['katex/katex.min.css', entry(readFileSync(join(katexDir, 'katex.min.css')), 'text/css; charset=utf-8')],
  ]);
  // Browsers ask for /favicon.ico on pages without an icon link, such as a feed they display.
  web.get('/favicon.ico', (c) => c.redirect('/static/icon.svg', 301));
  const fontTypes: Record<string, string> = { woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf' };
  web.get('/static/:path{.+}', (c) => {
    const path = c.req.param('path');
    let file = files.get(path);
    const font = /^katex\/fonts\/(KaTeX_[\w-]+)\.(woff2|woff|ttf)$/.exec(path);
    if (!file && font) {
      try {
        file = entry(readFileSync(join(katexDir, 'fonts', `${font[1]}.${font[2]}`)), fontTypes[font[2]!]!);
        files.set(path, file);
      } catch {
        file = undefined;
      }
    }
    if (!file) throw new PaperfeedError('not_found', `no file ${path}`);
    c.header('Cache-Control', 'public, max-age=86400');
    c.header('ETag', file.tag);
    if (c.req.header('if-none-match') === file.tag) return c.body(null, 304);
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type });
  });
}
