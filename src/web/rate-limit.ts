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
