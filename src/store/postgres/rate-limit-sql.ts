/** The schema and SQL of the web's rate limiter on PostgreSQL. Times are Unix milliseconds. */

/**
 * One token bucket per limiter and key. `allowed` keeps the last decision, so the statement that
 * refills, spends and decides can return it.
 */
export const RATE_LIMIT_1 = `
  CREATE TABLE rate_buckets (
    key text PRIMARY KEY,
    tokens double precision NOT NULL,
    at bigint NOT NULL,
    allowed boolean NOT NULL
  );
  CREATE INDEX rate_buckets_at ON rate_buckets (at);
`;

export const RATE_LIMIT_SQL = {
  // $1 key, $2 burst, $3 now, $4 tokens per ms, $5 tokens wanted. Refill, then take $5 tokens
  // if there are that many, in one statement: the row lock makes concurrent hits from every
  // node take their turn. Every SET reads the old row.
  take: `
    INSERT INTO rate_buckets AS b (key, tokens, at, allowed) VALUES ($1, $2::float8 - $5::float8, $3, true)
    ON CONFLICT (key) DO UPDATE SET
      tokens = least($2::float8, b.tokens + greatest(0, $3 - b.at) * $4::float8)
        - CASE WHEN least($2::float8, b.tokens + greatest(0, $3 - b.at) * $4::float8) >= $5::float8 THEN $5::float8 ELSE 0 END,
      allowed = least($2::float8, b.tokens + greatest(0, $3 - b.at) * $4::float8) >= $5::float8,
      at = greatest(b.at, $3)
    RETURNING tokens, allowed`,

  // A bucket untouched for longer than a full refill is the same as no bucket.
  forgetIdle: `DELETE FROM rate_buckets WHERE at < $1`,
} as const;
