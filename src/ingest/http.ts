import { PaperfeedError } from '../errors.js';
import type { Clock } from './clock.js';

/** What the polite client does, reported for a progress line or a log; library code never prints. */
export type FetchEvent =
  | { type: 'request'; url: string; attempt: number }
  | { type: 'wait'; url: string; ms: number; reason: 'interval' | 'retry-after' | 'backoff'; cause?: string };

/** The server's rules and the ports; every limit has arXiv's value as its default. */
export interface PoliteFetchOptions {
  clock: Clock;
  /** Defaults to the global `fetch`; tests may pass another. */
  fetch?: typeof fetch;
  /** Quiet time between the end of one request and the start of the next. arXiv asks for 3 s. */
  minIntervalMs?: number;
  /** How many times one request is retried after a transient failure: a network error, 429 or 5xx. */
  retries?: number;
  /** The wait before the first retry when the server sends no Retry-After; it doubles on each retry. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited out: the request fails as `rate_limited`. */
  maxRetryAfterMs?: number;
  /** A request that takes longer than this counts as a transient failure. */
  timeoutMs?: number;
  userAgent?: string;
  log?: (event: FetchEvent) => void;
}

/** A final response, after retries: the caller judges its status (arXiv's API reports bad queries as 400 with a feed). */
export interface HttpResponse {
  url: string;
  status: number;
  body: string;
}

/** GETs one URL politely; see {@link politeFetcher}. */
export type PoliteGet = (url: string) => Promise<HttpResponse>;

/** arXiv's published limit for its API and OAI-PMH interface: one request every 3 seconds. */
export const ARXIV_INTERVAL_MS = 3000;

/**
 * A GET client that keeps to a server's rules: it leaves `minIntervalMs` between requests,
 * waits out `Retry-After` (seconds or an HTTP date) on 429 and 503, and retries network errors
 * and 5xx with exponential backoff, a bounded number of times. It holds the time of its last
 * request, so make one per harvest and share it between the requests that must be spaced.
 *
 * Exhausted retries are a `remote` error; a Retry-After beyond `maxRetryAfterMs` is `rate_limited`
 * with `details.retryAfterSeconds`.
 *
 * @example
 * const get = politeFetcher({ clock: systemClock, minIntervalMs: ARXIV_INTERVAL_MS });
 * const { status, body } = await get('https://export.arxiv.org/api/query?id_list=1401.2122');
 */
export function politeFetcher(options: PoliteFetchOptions): PoliteGet {
  const { clock, log } = options;
  const fetchImpl = options.fetch ?? fetch;
  const minIntervalMs = options.minIntervalMs ?? ARXIV_INTERVAL_MS;
  const retries = options.retries ?? 5;
  const backoffMs = options.backoffMs ?? 5000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10 * 60_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const headers = { 'user-agent': options.userAgent ?? 'paperfeed', accept: 'application/xml, text/xml, */*' };
  let lastDone: number | undefined;

  const wait = async (url: string, ms: number, reason: 'interval' | 'retry-after' | 'backoff', cause?: string) => {
    if (ms <= 0) return;
    log?.({ type: 'wait', url, ms, reason, cause });
    await clock.sleep(ms);
  };

  return async (url) => {
    for (let attempt = 1; ; attempt += 1) {
      if (lastDone !== undefined) await wait(url, lastDone + minIntervalMs - clock.now().getTime(), 'interval');
      log?.({ type: 'request', url, attempt });

      let failure: { cause: string; retryAfter?: string };
      try {
        const response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
        const body = await response.text();
        if (!isTransient(response.status)) return { url, status: response.status, body };
        const retryAfter = response.headers.get('retry-after');
        failure = { cause: `HTTP ${response.status}`, retryAfter: retryAfter ?? undefined };
      } catch (error) {
        // fetch says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure) is in its cause.
        const { message, cause } = error as Error & { cause?: { message?: string } };
        failure = { cause: cause?.message ? `${message} (${cause.message})` : message };
      } finally {
        lastDone = clock.now().getTime();
      }

      if (attempt > retries) {
        throw new PaperfeedError('remote', `${url}: ${failure.cause}, still after ${attempt} attempts`, { url });
      }
      const asked = failure.retryAfter === undefined ? undefined : retryAfterMs(failure.retryAfter, clock.now());
      if (asked !== undefined && asked > maxRetryAfterMs) {
        const retryAfterSeconds = Math.ceil(asked / 1000);
        throw new PaperfeedError('rate_limited', `${url}: the server asks to retry after ${retryAfterSeconds} s`, { url, retryAfterSeconds });
      }
      if (asked !== undefined) await wait(url, asked, 'retry-after', failure.cause);
      else await wait(url, backoffMs * 2 ** (attempt - 1), 'backoff', failure.cause);
    }
  };
}

// 429 and 503 are how arXiv says "slow down"; 500, 502 and 504 are usually a restarting backend.
function isTransient(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string, now: Date): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
