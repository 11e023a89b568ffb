import type { RateDecision, RateLimiter } from '../../web/ports.js';
import { decide, type RateLimits } from '../../web/rate-limit.js';
import type { PostgresDatabase } from './database.js';
import { RATE_LIMIT_SQL } from './rate-limit-sql.js';

/**
 * Token buckets on PostgreSQL, so every web node counts against one limit. `scope` separates
 * limiters sharing the table (the API, sign-in, subscribe…).
 *
 * @example new PostgresRateLimiter(db, 'api', { perMinute: 600, burst: 120 })
 */
export class PostgresRateLimiter implements RateLimiter {
  private lastForget = 0;

  constructor(private readonly db: PostgresDatabase, private readonly scope: string, private readonly limits: RateLimits) {}

  async hit(key: string, now: Date): Promise<RateDecision> {
    const at = now.getTime();
    const perMs = this.limits.perMinute / 60_000;
    if (at - this.lastForget > 10 * 60_000) {
      this.lastForget = at;
      await this.db.executeSql(RATE_LIMIT_SQL.forgetIdle, [Math.floor(at - this.limits.burst / perMs)]);
    }
    const [row] = await this.db.executeSql<{ tokens: number; allowed: boolean }>(RATE_LIMIT_SQL.hit, [`${this.scope}:${key}`, this.limits.burst, at, perMs]);
    return decide(row!.tokens, row!.allowed, this.limits);
  }
}
