import type { RateDecision, RateLimiter } from '../../web/ports.js';
import { TokenReservations, type RateLimits } from '../../web/rate-limit.js';
import type { PostgresDatabase } from './database.js';
import { RATE_LIMIT_SQL } from './rate-limit-sql.js';

/**
 * Token buckets on PostgreSQL, so every web node counts against one limit; a busy client's
 * tokens are taken in chunks (see {@link TokenReservations}). `scope` separates
 * limiters sharing the table (the API, sign-in, subscribe…).
 *
 * @example new PostgresRateLimiter(db, 'api', { perMinute: 600, burst: 120 })
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly reservations: TokenReservations;
  private lastForget = 0;

  constructor(private readonly db: PostgresDatabase, scope: string, private readonly limits: RateLimits) {
    const perMs = limits.perMinute / 60_000;
    this.reservations = new TokenReservations(limits, async (key, wanted, at) => {
      const [row] = await db.executeSql<{ tokens: number; allowed: boolean }>(RATE_LIMIT_SQL.take, [`${scope}:${key}`, limits.burst, at, perMs, wanted]);
      return { allowed: row!.allowed, tokens: row!.tokens };
    });
  }

  async hit(key: string, now: Date): Promise<RateDecision> {
    const at = now.getTime();
    if (at - this.lastForget > 10 * 60_000) {
      this.lastForget = at;
      await this.db.executeSql(RATE_LIMIT_SQL.forgetIdle, [Math.floor(at - this.limits.burst / (this.limits.perMinute / 60_000))]);
    }
    return this.reservations.hit(key, now);
  }
}
