import type { Statement } from 'better-sqlite3';
import type { RateDecision, RateLimiter } from '../../web/ports.js';
import type { SqliteDatabase } from './database.js';
import { RATE_LIMIT_SQL } from './rate-limit-sql.js';
import { decide, type RateLimits } from '../../web/rate-limit.js';

/**
 * Token buckets in the SQLite file, so every process serving from it counts against one limit.
 * `scope` separates limiters sharing the table (the API, sign-in, subscribe…).
 *
 * @example new SqliteRateLimiter(db, 'api', { perMinute: 600, burst: 120 })
 */
export class SqliteRateLimiter implements RateLimiter {
  private readonly statements;
  private lastForget = 0;

  constructor(db: SqliteDatabase, private readonly scope: string, private readonly limits: RateLimits) {
    this.statements = Object.fromEntries(
      Object.entries(RATE_LIMIT_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<keyof typeof RATE_LIMIT_SQL, Statement<unknown[]>>;
  }

  async hit(key: string, now: Date): Promise<RateDecision> {
    const at = now.getTime();
    const perMs = this.limits.perMinute / 60_000;
    if (at - this.lastForget > 10 * 60_000) {
      this.lastForget = at;
      this.statements.forgetIdle.run({ before: at - this.limits.burst / perMs });
    }
    const row = this.statements.hit.get({ key: `${this.scope}:${key}`, burst: this.limits.burst, now: at, perMs }) as { tokens: number; allowed: number };
    return decide(row.tokens, row.allowed === 1, this.limits);
  }
}
