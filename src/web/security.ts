import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { StateStore } from '../catalog/store.js';
import { PaperfeedError } from '../errors.js';
import { wantsJson, type WebEnv } from './http.js';

const SECRET_KEY = 'web.csrf-secret';
const COOKIE = 'pf_csrf';
/** The form field (or `X-CSRF-Token` header) that carries the token. */
export const CSRF_FIELD = 'csrf';

/**
 * The secret that signs CSRF tokens: generated on first start and kept in the state store, so
 * every process and restart of one installation agrees, and no secret ships in the code.
 */
export async function loadCsrfSecret(state: StateStore): Promise<Buffer> {
  const stored = await state.getState(SECRET_KEY);
  if (stored) return Buffer.from(stored, 'base64url');
  await state.setState(SECRET_KEY, randomBytes(32).toString('base64url'));
  // Read back, so that when two processes start at once both use whichever write landed last.
  return Buffer.from((await state.getState(SECRET_KEY))!, 'base64url');
}

const sign = (secret: Buffer, nonce: string) => createHmac('sha256', secret).update(nonce).digest('base64url');

/**
 * Signed double-submit CSRF protection. Each browser gets a random nonce in an HttpOnly,
 * SameSite=Lax cookie; forms carry HMAC(secret, nonce). A cross-site page can neither read the
 * cookie nor compute the signature, so it cannot forge a form post. Every unsafe request (any
 * method but GET, HEAD, OPTIONS) must carry a valid token, whoever handles its route.
 */
export function csrfProtection(secret: () => Promise<Buffer>): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const key = await secret();
    const cookie = getCookie(c, COOKIE);
    const nonce = cookie && /^[\w-]{22}$/.test(cookie) ? cookie : undefined;
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') {
      // The API and feeds have no forms, and a cookie would make their responses uncacheable.
      if (wantsJson(c.req.path)) return next();
      const current = nonce ?? randomBytes(16).toString('base64url');
      if (!nonce) {
        setCookie(c, COOKIE, current, { httpOnly: true, sameSite: 'Lax', path: '/', secure: new URL(c.req.url).protocol === 'https:' });
      }
      c.set('csrfToken', sign(key, current));
      return next();
    }
    const sent = c.req.header('x-csrf-token') ?? (await formField(c.req.raw.clone()));
    if (!nonce || !sent || !safeEqual(sent, sign(key, nonce))) {
      throw new PaperfeedError('forbidden', 'this form has expired or did not come from this site; reload the page and try again');
    }
    c.set('csrfToken', sign(key, nonce));
    return next();
  };
}

async function formField(request: Request): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  try {
    const value = (await request.formData()).get(CSRF_FIELD);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Security headers for every response. Scripts and styles come only from this site; KaTeX's
 * output positions glyphs with `style` attributes, which is the one inline styling allowed.
 */
export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrcElem: ["'self'"],
      styleSrcAttr: ["'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    crossOriginResourcePolicy: 'cross-origin',
    referrerPolicy: 'strict-origin-when-cross-origin',
  });
