/**
 * Every SQL statement of the PostgreSQL adapter, named. Batches travel as arrays (`unnest`) or
 * one JSON array (`jsonb_to_recordset`), so writing 500 papers is a handful of round trips.
 */
export const SQL = {
  getState: `SELECT value FROM state WHERE key = $1`,
  setState: `INSERT INTO state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,

  papersByIds: `SELECT id, doc FROM papers WHERE id = ANY($1::text[])`,
  papersByTitleKey: `SELECT id, doc FROM papers WHERE title_key = $1 ORDER BY id`,
  countContentPapers: `SELECT count(*)::int AS n FROM papers WHERE id LIKE 'pf:%'`,
  countPapers: `SELECT count(*)::int AS n FROM papers`,
  stats: `
    SELECT (SELECT count(*)::int FROM papers) AS papers,
           (SELECT count(*)::int FROM papers WHERE withdrawn) AS withdrawn,
           (SELECT count(*)::int FROM papers WHERE id LIKE 'pf:%') AS "listingOnly",
           (SELECT count(*)::int FROM signals) AS signals,
           (SELECT max(published) FROM papers) AS newest`,
  resolveAlias: `SELECT paper_id FROM aliases WHERE alias = $1`,
  knownFingerprints: `SELECT fp FROM record_fingerprints WHERE fp = ANY($1::text[])`,

  // Absorbed listing papers ($1: [{id, into}]): the row and its categories go, its id becomes an alias.
  absorbPapers: `
    WITH gone AS (
      DELETE FROM papers p USING jsonb_to_recordset($1::jsonb) AS a(id text, "into" text)
      WHERE p.id = a.id RETURNING p.id, p.rowid, a."into"
    ), uncategorised AS (
      DELETE FROM paper_categories c USING gone WHERE c.paper_id = gone.id
    ), aliased AS (
      INSERT INTO aliases (alias, paper_id) SELECT id, "into" FROM gone
      ON CONFLICT (alias) DO UPDATE SET paper_id = excluded.paper_id
    )
    INSERT INTO changes (paper_id, paper_rowid, kind) SELECT id, rowid, 'merged' FROM gone`,
  // New and changed papers ($1: [{id, title_key, ...}]), and one change event each. The final
  // join sees the table as it was before this statement, which tells added from updated.
  upsertPapers: `
    WITH input AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
        id text, title_key text, primary_category text, published timestamptz, updated timestamptz,
        featured_at timestamptz, has_code boolean, withdrawn boolean, doc jsonb)
    ), written AS (
      INSERT INTO papers (id, title_key, primary_category, published, updated, featured_at, has_code, withdrawn, doc)
      SELECT id, title_key, primary_category, published, updated, featured_at, has_code, withdrawn, doc FROM input
      ON CONFLICT (id) DO UPDATE SET title_key = excluded.title_key, primary_category = excluded.primary_category,
        published = excluded.published, updated = excluded.updated, featured_at = excluded.featured_at,
        has_code = excluded.has_code, withdrawn = excluded.withdrawn, doc = excluded.doc
      RETURNING id, rowid
    )
    INSERT INTO changes (paper_id, paper_rowid, kind)
    SELECT i.id, w.rowid, CASE WHEN p.id IS NULL THEN 'added' ELSE 'updated' END
    FROM input i JOIN written w ON w.id = i.id LEFT JOIN papers p ON p.id = i.id`,
  deleteCategories: `DELETE FROM paper_categories WHERE paper_id = ANY($1::text[])`,
  insertCategories: `
    INSERT INTO paper_categories (category, paper_id) SELECT * FROM unnest($1::text[], $2::text[])
    ON CONFLICT DO NOTHING`,
  insertAliases: `
    INSERT INTO aliases (alias, paper_id) SELECT * FROM unnest($1::text[], $2::text[])
    ON CONFLICT (alias) DO UPDATE SET paper_id = excluded.paper_id`,
  insertFingerprints: `INSERT INTO record_fingerprints (fp) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
  // Returns the papers whose signal was new.
  insertSignals: `
    INSERT INTO signals (paper_id, source, kind, observed_at, value)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[])
    ON CONFLICT DO NOTHING
    RETURNING paper_id`,

  // Every writer of changes (and of embedding_changes: catalog writes drop stale vectors, embed
  // saves new ones) takes this lock first, so changes commit in seq order and a
  // follower that has seen seq n has seen every change before it (sequences are handed out
  // before commit, so two writers could otherwise commit n+1 before n). Per schema, as tests
  // keep one catalog per schema in one database.
  lockChanges: `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.changes'))`,

  newestActivity: `
    SELECT greatest((SELECT max(observed_at) FROM signals), (SELECT max(featured_at) FROM papers)) AS at`,
  // Papers with upvote observations inside ($1, $2] or our votes since the start, with their
  // latest external count by the end, the latest before the start, and our votes cast since the
  // start that still stand at $3 (now). Both sources are read through their time indexes.
  trendingInputs: `
    WITH external AS (
      SELECT DISTINCT paper_id FROM signals
      WHERE kind = 'upvotes' AND observed_at > $1 AND observed_at <= $2
    ),
    ours AS (
      SELECT v.paper_id, count(*)::integer AS n FROM vote_events v
      WHERE v.kind = 'vote' AND v.at > $1 AND v.at <= $3
        AND NOT EXISTS (SELECT 1 FROM vote_events u WHERE u.account_id = v.account_id AND u.paper_id = v.paper_id
                        AND u.seq > v.seq AND u.at <= $3)
      GROUP BY v.paper_id
    ),
    active AS (SELECT paper_id FROM external UNION SELECT paper_id FROM ours)
    SELECT a.paper_id AS "paperId",
      coalesce(p.featured_at, p.published) AS since,
      coalesce((SELECT n FROM ours o WHERE o.paper_id = a.paper_id), 0) AS "ourVotes",
      coalesce((SELECT value FROM signals s WHERE s.paper_id = a.paper_id AND s.kind = 'upvotes'
                AND s.observed_at <= $2 ORDER BY s.observed_at DESC LIMIT 1), 0) AS "externalLatest",
      coalesce((SELECT value FROM signals s WHERE s.paper_id = a.paper_id AND s.kind = 'upvotes'
                AND s.observed_at <= $1 ORDER BY s.observed_at DESC LIMIT 1), 0) AS "externalBefore"
    FROM active a JOIN papers p ON p.id = a.paper_id`,
} as const;

/**
 * The full-text follower's statements (src/store/postgres/fulltext.ts). The vector weighs the
 * title A, the authors B, the abstract C and the categories D ("cs.CL" is indexed as the words
 * cs and cl, as FTS5 splits it on SQLite).
 */
export const FULLTEXT_SQL = {
  lockPosition: `SELECT applied_seq FROM fulltext_position FOR UPDATE`,
  // Another node applying a batch holds the row: a background run leaves the work to it.
  tryLockPosition: `SELECT applied_seq FROM fulltext_position FOR UPDATE SKIP LOCKED`,
  setPosition: `UPDATE fulltext_position SET applied_seq = $1`,
  mergePending: `SELECT gin_clean_pending_list('paper_search_gin'::regclass)`,
  behind: `SELECT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT applied_seq FROM fulltext_position)) AS behind`,
  batchEnd: `SELECT max(seq) AS seq FROM (SELECT seq FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2) batch`,
  // The papers changed in ($1, $2], each once: vectors of the papers as they are now, and none
  // for papers that are gone.
  applyChanges: `
    WITH changed AS (
      SELECT DISTINCT paper_rowid FROM changes WHERE seq > $1 AND seq <= $2 AND paper_rowid IS NOT NULL
    ), gone AS (
      DELETE FROM paper_search s USING changed c
      WHERE s.paper_rowid = c.paper_rowid AND NOT EXISTS (SELECT 1 FROM papers p WHERE p.rowid = c.paper_rowid)
    )
    INSERT INTO paper_search (paper_rowid, search)
    SELECT p.rowid,
      setweight(to_tsvector('english', coalesce(p.doc->>'title', '')), 'A') ||
      setweight(jsonb_to_tsvector('english', jsonb_path_query_array(p.doc, '$.authors[*].name'), '["string"]'), 'B') ||
      setweight(to_tsvector('english', coalesce(p.doc->>'abstract', '')), 'C') ||
      setweight(to_tsvector('english', translate(coalesce(p.doc->>'categories', ''), '[]",.', '     ')), 'D')
    FROM changed c JOIN papers p ON p.rowid = c.paper_rowid
    ON CONFLICT (paper_rowid) DO UPDATE SET search = excluded.search`,
} as const;
