/** The schema and SQL of the web's rate limiter on SQLite, named. Times are Unix milliseconds. */

/**
 * One token bucket per limiter and key. `allowed` keeps the last decision, so the statement that
 * refills, spends and decides can return it.
 */
export const RATE_LIMIT_1 = `
  CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    tokens REAL NOT NULL,
    at INTEGER NOT NULL,
    allowed INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX rate_buckets_at ON rate_buckets (at);
`;

export const RATE_LIMIT_SQL = {
  // Refill for the time since the last hit, then take @wanted tokens if there are that many:
  // one statement, so processes sharing the file never both take the last ones. Every SET
  // reads the old row.
  take: `
    INSERT INTO rate_buckets (key, tokens, at, allowed) VALUES (@key, @burst - @wanted, @now, 1)
    ON CONFLICT (key) DO UPDATE SET
      tokens = min(@burst, tokens + max(0, @now - at) * @perMs) - @wanted * (min(@burst, tokens + max(0, @now - at) * @perMs) >= @wanted),
      allowed = min(@burst, tokens + max(0, @now - at) * @perMs) >= @wanted,
      at = max(at, @now)
    RETURNING tokens, allowed`,

  // A bucket untouched for longer than a full refill is the same as no bucket.
  forgetIdle: `DELETE FROM rate_buckets WHERE at < @before`,
} as const;
