import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { WebEnv } from './http.js';
import { CSRF_FIELD } from './security.js';
import { Layout, type LayoutProps } from './views/layout.js';

/** What a page says about itself besides its body. */
export type PageMeta = Omit<LayoutProps, 'csrfToken' | 'children'>;

// Cached pages are rendered once with this stand-in for the visitor's CSRF token, which is
// swapped in per request. It is random per process, so no paper text can contain it.
const TOKEN_STAND_IN = `csrf-${randomBytes(12).toString('hex')}`;

/**
 * The hidden CSRF field of a form on a page made by {@link renderPage}: it holds the stand-in,
 * which sending swaps for the visitor's token, so it works on cached pages too.
 */
export function CsrfField() {
  return <input type="hidden" name={CSRF_FIELD} value={TOKEN_STAND_IN} />;
}

/** Renders a page inside the layout, as a string with a stand-in for the CSRF token. */
export async function renderPage(meta: PageMeta, body: Child | Promise<Child>): Promise<string> {
  const node = <Layout {...meta} csrfToken={TOKEN_STAND_IN}>{await body}</Layout>;
  return `<!doctype html>${String(await node)}`;
}

/** Sends a rendered page with this visitor's CSRF token in place. */
export function sendPage(c: Context<WebEnv>, html: string, status: 200 | 400 | 403 | 404 | 429 | 500 = 200) {
  c.header('Cache-Control', 'private, no-cache');
  return c.html(html.replaceAll(TOKEN_STAND_IN, c.get('csrfToken') ?? ''), status);
}

/** A rendered page, encoded once, split where the visitor's CSRF token goes. */
export type PreparedPage = Buffer[];

/** Encodes a page for repeated sending: cached pages then cost a buffer copy, not an encoding. */
export const preparePage = (html: string): PreparedPage => html.split(TOKEN_STAND_IN).map((part) => Buffer.from(part));

/** Sends a prepared page with this visitor's CSRF token in place. */
export function sendPrepared(c: Context<WebEnv>, page: PreparedPage) {
  const token = Buffer.from(c.get('csrfToken') ?? '');
  const parts = page.flatMap((part, index) => (index === 0 ? [part] : [token, part]));
  c.header('Cache-Control', 'private, no-cache');
  return c.body(new Uint8Array(Buffer.concat(parts)), 200, { 'Content-Type': 'text/html; charset=UTF-8' });
}
