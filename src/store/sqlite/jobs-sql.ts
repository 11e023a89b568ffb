/** The schema and every SQL statement of the job queue's SQLite adapter, named. Times are Unix milliseconds. */

/**
 * Queues with their policy, and jobs. A job is `created`, `active` (claimed with a lease until
 * `lease_until`), `retry`, `completed` or `failed`. Several processes share the file: a claim
 * is one UPDATE, so two never take the same job, and a lease that runs out frees it again.
 */
export const JOBS_1 = `
  CREATE TABLE job_queues (
    name TEXT PRIMARY KEY,
    retry_limit INTEGER NOT NULL,
    retry_delay_seconds INTEGER NOT NULL,
    retry_backoff INTEGER NOT NULL,
    expire_in_seconds INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL REFERENCES job_queues (name),
    data TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('created', 'active', 'retry', 'completed', 'failed')),
    singleton_key TEXT,
    singleton_on INTEGER,
    start_after INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_token TEXT,
    lease_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    completed_at INTEGER
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX jobs_singleton ON jobs (name, singleton_key, singleton_on) WHERE singleton_on IS NOT NULL;
  CREATE INDEX jobs_waiting ON jobs (name, start_after) WHERE state IN ('created', 'retry', 'active');
  CREATE INDEX jobs_done ON jobs (completed_at) WHERE completed_at IS NOT NULL;
`;

export const JOBS_SQL = {
  upsertQueue: `
    INSERT INTO job_queues (name, retry_limit, retry_delay_seconds, retry_backoff, expire_in_seconds)
    VALUES (@name, @retryLimit, @retryDelaySeconds, @retryBackoff, @expireInSeconds)
    ON CONFLICT (name) DO UPDATE SET retry_limit = excluded.retry_limit, retry_delay_seconds = excluded.retry_delay_seconds,
      retry_backoff = excluded.retry_backoff, expire_in_seconds = excluded.expire_in_seconds`,

  // A taken singleton slot makes the insert a no-op, which returns no row.
  insert: `
    INSERT INTO jobs (id, name, data, state, singleton_key, singleton_on, start_after, created_at)
    VALUES (@id, @name, @data, 'created', @singletonKey, @singletonOn, @startAfter, @now)
    ON CONFLICT DO NOTHING
    RETURNING id`,

  // The oldest job that is due, or whose holder's lease ran out while it has attempts left.
  claim: `
    UPDATE jobs SET state = 'active', attempts = attempts + 1, lease_token = @token,
      lease_until = @now + 1000 * (SELECT expire_in_seconds FROM job_queues WHERE name = @name)
    WHERE id = (
      SELECT id FROM jobs
      WHERE name = @name AND start_after <= @now
        AND (state IN ('created', 'retry')
          OR (state = 'active' AND lease_until <= @now AND attempts <= (SELECT retry_limit FROM job_queues WHERE name = @name)))
      ORDER BY start_after, created_at
      LIMIT 1)
    RETURNING id, name, data`,

  // Dead holders of jobs with no attempts left: given up.
  failExpired: `
    UPDATE jobs SET state = 'failed', lease_token = NULL, last_error = 'expired: its worker stopped answering', completed_at = @now
    WHERE name = @name AND state = 'active' AND lease_until <= @now
      AND attempts > (SELECT retry_limit FROM job_queues WHERE name = @name)`,

  // Only the current holder may finish a job: a late one whose lease was taken over changes nothing.
  complete: `
    UPDATE jobs SET state = 'completed', lease_token = NULL, completed_at = @now
    WHERE id = @id AND lease_token = @token`,

  fail: `
    UPDATE jobs SET
      state = CASE WHEN attempts <= q.retry_limit THEN 'retry' ELSE 'failed' END,
      start_after = @now + 1000 * q.retry_delay_seconds * (CASE WHEN q.retry_backoff THEN 1 << (attempts - 1) ELSE 1 END),
      completed_at = CASE WHEN attempts <= q.retry_limit THEN NULL ELSE @now END,
      lease_token = NULL, last_error = @error
    FROM job_queues q
    WHERE jobs.id = @id AND jobs.lease_token = @token AND q.name = jobs.name
    RETURNING state`,

  deleteFinished: `DELETE FROM jobs WHERE completed_at < @before`,
} as const;
