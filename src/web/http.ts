import type { Context } from 'hono';
import { z } from 'zod';
import { PaperfeedError } from '../errors.js';

/** The Hono environment of paperfeed's web app: the per-request CSRF token for forms. */
export interface WebEnv {
  Variables: { csrfToken: string };
  Bindings: { incoming?: { socket?: { remoteAddress?: string } } };
}

/**
 * Parses a request's query string with a zod schema, once, at the edge. A bad parameter is a
 * `bad_input` error naming it, never a 500.
 */
export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query(), 'query');
}

/** Parses anything from the request (path parameters, query) against a schema. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PaperfeedError('bad_input', `${issue.path.join('.') || where}: ${issue.message}`);
}

const CursorShape = z.object({ o: z.number().int().min(0).max(1_000_000) });

/** An opaque cursor for the page starting at `offset`. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; anything else is `bad_input`. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new PaperfeedError('bad_input', 'cursor: not a cursor this server gave out');
  }
  return parseWith(CursorShape, json, 'cursor').o;
}

/** Query parameters shared by every list: `limit` (1–100) and `cursor`. */
export const ListParams = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
};

/** `YYYY-MM-DD`, and a real calendar day. */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').refine(
  (day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
  'not a calendar day',
);

/** The client's address, as the socket reports it; proxies' headers are not trusted. */
export function clientAddress(c: Context<WebEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? 'local';
}

/** Whether a request is for the machine-readable surface (errors are JSON, no cookies), not a page. */
export function wantsJson(path: string): boolean {
  return ((path.startsWith('/api/') || path === '/api') && path !== '/api/docs') || path.startsWith('/feeds/') || path === '/healthz';
}
