import type { Statement } from 'better-sqlite3';
import type { RateDecision, RateLimiter } from '../../web/ports.js';
import type { SqliteDatabase } from './database.js';
import { RATE_LIMIT_SQL } from './rate-limit-sql.js';
import { TokenReservations, type RateLimits } from '../../web/rate-limit.js';

/**
 * Token buckets in the SQLite file, so every process serving from it counts against one limit;
 * a busy client's tokens are taken in chunks (see {@link TokenReservations}).
 * `scope` separates limiters sharing the table (the API, sign-in, subscribe…).
 *
 * @example new SqliteRateLimiter(db, 'api', { perMinute: 600, burst: 120 })
 */
export class SqliteRateLimiter implements RateLimiter {
  private readonly statements;
  private readonly reservations: TokenReservations;
  private lastForget = 0;

  constructor(db: SqliteDatabase, scope: string, private readonly limits: RateLimits) {
    this.statements = Object.fromEntries(
      Object.entries(RATE_LIMIT_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<keyof typeof RATE_LIMIT_SQL, Statement<unknown[]>>;
    const perMs = limits.perMinute / 60_000;
    this.reservations = new TokenReservations(limits, async (key, wanted, at) => {
      const row = this.statements.take.get({ key: `${scope}:${key}`, burst: limits.burst, now: at, perMs, wanted }) as { tokens: number; allowed: number };
      return { allowed: row.allowed === 1, tokens: row.tokens };
    });
  }

  async hit(key: string, now: Date): Promise<RateDecision> {
    const at = now.getTime();
    if (at - this.lastForget > 10 * 60_000) {
      this.lastForget = at;
      this.statements.forgetIdle.run({ before: at - this.limits.burst / (this.limits.perMinute / 60_000) });
    }
    return this.reservations.hit(key, now);
  }
}
