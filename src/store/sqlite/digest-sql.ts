/** The schema and every SQL statement of the digest engine's SQLite adapter, named. */

/** Subscribers, the send ledger (one row per subscriber and period) and the papers each got. */
export const DIGEST_1 = `
  CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended', 'unsubscribed')),
    prefs TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    notice_at TEXT,
    hard_bounces INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX subscribers_active ON subscribers (status);

  -- The ledger: a (subscriber, period) row is claimed before sending and marked after, so each
  -- period's digest goes out once however often runs start, overlap or crash.
  CREATE TABLE digest_sends (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'empty', 'retry', 'failed', 'bounced')),
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    next_attempt_at TEXT,
    paper_ids TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, period)
  ) WITHOUT ROWID;

  -- Every paper ever sent to a subscriber: a paper is never sent to them twice.
  CREATE TABLE digest_sent_papers (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, paper_id)
  ) WITHOUT ROWID;

  CREATE INDEX papers_attention ON papers (coalesce(featured_at, published));
`;

const SUBSCRIBER_COLUMNS = `id, key, email, status, prefs, created_at AS createdAt, confirmed_at AS confirmedAt, hard_bounces AS hardBounces`;
const DIGEST_PAPER = `p.id, p.doc,
  coalesce((SELECT value FROM signals s WHERE s.paper_id = p.id AND s.kind = 'upvotes' ORDER BY s.observed_at DESC LIMIT 1), 0) AS upvotes`;

export const DIGEST_SQL = {
  subscriberByEmail: `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers WHERE email = ?`,
  subscriberByKey: `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers WHERE key = ?`,
  activeSubscribers: `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers WHERE status = 'active' ORDER BY id`,
  // Two requests for one new address at once: the second inserts nothing and reads the first's row.
  insertSubscriber: `
    INSERT INTO subscribers (key, email, status, prefs, created_at, hard_bounces)
    VALUES (@key, @email, @status, @prefs, @createdAt, @hardBounces)
    ON CONFLICT (email) DO NOTHING`,
  updateSubscriber: `
    UPDATE subscribers SET status = coalesce(@status, status), prefs = coalesce(@prefs, prefs),
      confirmed_at = coalesce(@confirmedAt, confirmed_at), hard_bounces = coalesce(@hardBounces, hard_bounces)
    WHERE id = @id`,
  claimNotice: `UPDATE subscribers SET notice_at = @now WHERE id = @id AND (notice_at IS NULL OR notice_at <= @notBefore)`,
  deleteSubscriber: `DELETE FROM subscribers WHERE id = ?`,

  // One statement, so two runs cannot both win: a new period, an expired claim, or a due retry.
  claim: `
    INSERT INTO digest_sends (subscriber_id, period, state, attempts, lease_until, updated_at)
    VALUES (@subscriberId, @period, 'claimed', 1, @leaseUntil, @now)
    ON CONFLICT (subscriber_id, period) DO UPDATE SET
      state = 'claimed', attempts = attempts + 1, lease_until = @leaseUntil, updated_at = @now
    WHERE (state = 'claimed' AND lease_until <= @now) OR (state = 'retry' AND next_attempt_at <= @now)
    RETURNING attempts`,
  sendState: `SELECT state FROM digest_sends WHERE subscriber_id = ? AND period = ?`,
  markSent: `UPDATE digest_sends SET state = 'sent', paper_ids = @paperIds, lease_until = NULL, error = NULL, updated_at = @now WHERE subscriber_id = @subscriberId AND period = @period`,
  markDone: `UPDATE digest_sends SET state = @state, lease_until = NULL, error = @error, updated_at = @now WHERE subscriber_id = @subscriberId AND period = @period`,
  markRetry: `
    UPDATE digest_sends SET state = 'retry', lease_until = NULL, next_attempt_at = @nextAttemptAt, error = @error, updated_at = @now
    WHERE subscriber_id = @subscriberId AND period = @period`,
  resetBounces: `UPDATE subscribers SET hard_bounces = 0 WHERE id = ? AND hard_bounces > 0`,
  addBounce: `
    UPDATE subscribers SET hard_bounces = hard_bounces + 1,
      status = CASE WHEN hard_bounces + 1 >= @suspendAfter THEN 'suspended' ELSE status END
    WHERE id = @id`,
  // One statement for a digest's papers (a JSON array): a run records thousands of digests.
  insertSentPapers: `INSERT OR IGNORE INTO digest_sent_papers (subscriber_id, paper_id) SELECT @subscriberId, value FROM json_each(@paperIds)`,
  sentPaperIds: `SELECT paper_id AS paperId FROM digest_sent_papers WHERE subscriber_id = ?`,
  history: `
    SELECT period, state, attempts, updated_at AS updatedAt, paper_ids AS paperIds, error
    FROM digest_sends WHERE subscriber_id = ? ORDER BY period`,

  recentPapers: `
    SELECT ${DIGEST_PAPER} FROM papers p
    WHERE coalesce(p.featured_at, p.published) > @start AND coalesce(p.featured_at, p.published) <= @end AND p.withdrawn = 0
    ORDER BY coalesce(p.featured_at, p.published) DESC, p.id DESC LIMIT @limit`,
  digestPaper: `SELECT ${DIGEST_PAPER} FROM papers p WHERE p.id = ? AND p.withdrawn = 0`,
  newestPaper: `SELECT max(coalesce(featured_at, published)) AS at FROM papers`,
} as const;
