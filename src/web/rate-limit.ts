import type { MiddlewareHandler } from 'hono';
import { PaperfeedError } from '../errors.js';
import { clientAddress, type WebEnv } from './http.js';
import type { RateDecision, RateLimiter } from './ports.js';

/** A token bucket's size and refill: `burst` requests at once, refilled at `perMinute`. */
export interface RateLimits {
  perMinute: number;
  burst: number;
}

/**
 * The answer for a bucket left with `tokens` after a hit that was `allowed` or not; the
 * database limiters (src/store/<dialect>/rate-limiter.ts) refill and spend, this words it.
 */
export function decide(tokens: number, allowed: boolean, { perMinute, burst }: RateLimits): RateDecision {
  if (!allowed) {
    return { allowed: false, retryAfterSeconds: Math.ceil((1 - tokens) / (perMinute / 60_000) / 1000), remaining: 0, limit: burst };
  }
  return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(tokens), limit: burst };
}

/**
 * Takes `wanted` tokens from the shared bucket of `key`, all of them or none, refilled up to
 * `at` (Unix ms); `tokens` is what the bucket holds afterwards. One database statement.
 */
export type TakeTokens = (key: string, wanted: number, at: number) => Promise<{ allowed: boolean; tokens: number }>;

/** How long a node keeps tokens it took from the shared bucket; unspent ones then lapse. */
const HOLD_MS = 1000;
/** The largest chunk, however large the burst (the API's burst of 120 gives chunks of 12). */
const MAX_CHUNK = 16;

/**
 * This process's side of the shared token buckets. A hit normally takes one token from the
 * shared bucket, a database write. A client that spends what this node took before the hold
 * of a second is over gets twice as many the next time, up to a tenth of the burst (at most
 * {@link MAX_CHUNK}), and spends them here without a write: a busy client costs one write per
 * chunk, not one per request.
 *
 * Across nodes no more than the burst and the refill ever gets through, since every token
 * comes from the shared bucket; the price is that a client spread over N nodes can be refused
 * while up to N chunks sit unspent on the others (for at most a second), and that tokens left
 * when a busy client stops lapse instead of returning. `remaining` counts the shared bucket as
 * last seen plus the tokens held here.
 *
 * @example new TokenReservations({ perMinute: 600, burst: 120 }, (key, wanted, at) => store.take(key, wanted, at))
 */
export class TokenReservations {
  private readonly held = new Map<string, { tokens: number; until: number; chunk: number; shared: number }>();
  private readonly maxChunk: number;

  constructor(private readonly limits: RateLimits, private readonly take: TakeTokens) {
    this.maxChunk = Math.min(MAX_CHUNK, Math.max(1, Math.floor(limits.burst / 10)));
  }

  async hit(key: string, now: Date): Promise<RateDecision> {
    const at = now.getTime();
    const held = this.held.get(key);
    const holding = held !== undefined && at < held.until;
    if (holding && held.tokens >= 1) {
      held.tokens -= 1;
      return decide(held.shared + held.tokens, true, this.limits);
    }
    // Spent within the hold: this client is busy, so take a bigger chunk.
    const chunk = holding ? Math.min(held.chunk * 2, this.maxChunk) : 1;
    let taken = await this.take(key, chunk, at);
    let got = chunk;
    if (!taken.allowed && chunk > 1) {
      taken = await this.take(key, 1, at);
      got = 1;
    }
    if (!taken.allowed) return decide(taken.tokens, false, this.limits);
    // Another hit of this key may have taken a chunk while this one waited: keep both.
    const current = this.held.get(key);
    const kept = current !== undefined && at < current.until ? current.tokens : 0;
    if (this.held.size > 10_000) for (const [other, entry] of this.held) if (entry.until <= at) this.held.delete(other);
    this.held.set(key, { tokens: kept + got - 1, until: at + HOLD_MS, chunk: got, shared: taken.tokens });
    return decide(taken.tokens + kept + got - 1, true, this.limits);
  }
}

/** Answers 429 with Retry-After once a client address has used up its requests. */
export function rateLimit(limiter: RateLimiter, now: () => Date): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const decision = await limiter.hit(clientAddress(c), now());
    c.header('RateLimit-Limit', String(decision.limit));
    c.header('RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      throw new PaperfeedError('rate_limited', `too many requests; try again in ${decision.retryAfterSeconds} s`, {
        retryAfterSeconds: decision.retryAfterSeconds,
      });
    }
    return next();
  };
}
