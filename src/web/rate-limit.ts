import type { MiddlewareHandler } from 'hono';
import { PaperfeedError } from '../errors.js';
import { clientAddress, type WebEnv } from './http.js';
import type { RateDecision, RateLimiter } from './ports.js';

/**
 * A token bucket per key, in this process's memory: `burst` requests at once, refilled at
 * `perMinute`. Idle buckets are forgotten so memory stays bounded.
 *
 * @example new MemoryRateLimiter({ perMinute: 600, burst: 60 })
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limits: { perMinute: number; burst: number }) {}

  async hit(key: string, now: Date): Promise<RateDecision> {
    const { perMinute, burst } = this.limits;
    const perMs = perMinute / 60_000;
    const at = now.getTime();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at };
    bucket.tokens = Math.min(burst, bucket.tokens + (at - bucket.at) * perMs);
    bucket.at = at;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens < 1) {
      return { allowed: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / perMs / 1000), remaining: 0, limit: burst };
    }
    bucket.tokens -= 1;
    return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens), limit: burst };
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
