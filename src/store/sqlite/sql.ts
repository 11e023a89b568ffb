/** Every SQL statement of the SQLite adapter, named. */
export const SQL = {
  getState: `SELECT value FROM state WHERE key = ?`,
  setState: `INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,

  // Batches travel as one JSON array of ids, so a batch of 500 is one statement, not 500.
  papersByIds: `SELECT id, doc FROM papers WHERE id IN (SELECT value FROM json_each(?))`,
  paperRowid: `SELECT rowid FROM papers WHERE id = ?`,
  contentPapersByTitleKey: `SELECT id, doc FROM papers WHERE title_key = ? AND id LIKE 'pf:%'`,
  // Candidates for a title: the papers whose title holds its words in order; the caller compares keys.
  papersByTitleWords: `
    SELECT p.id, p.doc FROM fulltext.papers_fts f JOIN papers p ON p.rowid = f.rowid
    WHERE papers_fts MATCH ? AND p.title_key = ? LIMIT 20`,
  // A range of the id index (';' follows ':'), where LIKE, case-blind, would read every row: 1.4 s at 3M papers, at each import's start.
  countContentPapers: `SELECT count(*) AS n FROM papers WHERE id >= 'pf:' AND id < 'pf;'`,
  countPapers: `SELECT count(*) AS n FROM papers`,
  stats: `
    SELECT (SELECT count(*) FROM papers) AS papers,
           (SELECT count(*) FROM papers WHERE withdrawn = 1) AS withdrawn,
           (SELECT count(*) FROM papers WHERE id >= 'pf:' AND id < 'pf;') AS listingOnly,
           (SELECT count(*) FROM signals) AS signals,
           (SELECT max(published) FROM papers) AS newest`,
  recentPapers: `SELECT id, doc FROM papers ORDER BY coalesce(featured_at, published) DESC, id DESC LIMIT ?`,
  // Tries the insert first (most papers an import writes are new) and returns the new row, or
  // nothing when the paper exists: an upsert without reading the row first.
  insertPaper: `
    INSERT INTO papers (id, title_key, primary_category, published, updated, featured_at, has_code, withdrawn, doc)
    VALUES (@id, @titleKey, @primaryCategory, @published, @updated, @featuredAt, @hasCode, @withdrawn, @doc)
    ON CONFLICT (id) DO NOTHING RETURNING rowid`,
  updatePaper: `
    UPDATE papers SET title_key = @titleKey, primary_category = @primaryCategory, published = @published,
      updated = @updated, featured_at = @featuredAt, has_code = @hasCode, withdrawn = @withdrawn, doc = @doc
    WHERE id = @id RETURNING rowid`,
  deletePaper: `DELETE FROM papers WHERE rowid = ?`,
  deleteCategories: `DELETE FROM paper_categories WHERE paper_rowid = ?`,
  insertCategory: `INSERT OR IGNORE INTO paper_categories (category, paper_rowid) VALUES (?, ?)`,
  insertAlias: `INSERT OR REPLACE INTO aliases (alias, paper_id) VALUES (?, ?)`,
  resolveAlias: `SELECT paper_id FROM aliases WHERE alias = ?`,
  insertSignal: `INSERT OR IGNORE INTO signals (paper_id, source, kind, observed_at, value) VALUES (?, ?, ?, ?, ?)`,
  knownFingerprints: `SELECT fp FROM record_fingerprints WHERE fp IN (SELECT value FROM json_each(?))`,
  insertFingerprints: `INSERT OR IGNORE INTO record_fingerprints (fp) SELECT value FROM json_each(?)`,
  insertChange: `INSERT INTO changes (paper_id, paper_rowid, kind) VALUES (?, ?, ?)`,

  // Votes are signals too, so a window ends now once someone votes (docs/trending.md).
  newestActivity: `
    SELECT max(at) AS at FROM (
      SELECT max(observed_at) AS at FROM signals
      UNION ALL SELECT max(featured_at) FROM papers WHERE featured_at IS NOT NULL)`,
  // Papers with upvote observations inside (start, end] or our votes since the start, with their
  // latest external count by the end, the latest before the start, and our votes cast since the
  // start that still stand now (@votesUntil). Both sources are read through their time indexes, so the query
  // touches only the window's signals and vote events, however long the history grows.
  trendingInputs: `
    WITH external AS (
      SELECT DISTINCT paper_id FROM signals
      WHERE kind = 'upvotes' AND observed_at > @start AND observed_at <= @end
    ),
    ours AS (
      SELECT v.paper_id, count(*) AS n FROM vote_events v
      WHERE v.kind = 'vote' AND v.at > @start AND v.at <= @votesUntil
        AND NOT EXISTS (SELECT 1 FROM vote_events u WHERE u.account_id = v.account_id AND u.paper_id = v.paper_id
                        AND u.seq > v.seq AND u.at <= @votesUntil)
      GROUP BY v.paper_id
    ),
    active AS (SELECT paper_id FROM external UNION SELECT paper_id FROM ours)
    SELECT a.paper_id AS paperId,
      coalesce(p.featured_at, p.published) AS since,
      coalesce((SELECT n FROM ours o WHERE o.paper_id = a.paper_id), 0) AS ourVotes,
      coalesce((SELECT value FROM signals s WHERE s.paper_id = a.paper_id AND s.kind = 'upvotes'
                AND s.observed_at <= @end ORDER BY s.observed_at DESC LIMIT 1), 0) AS externalLatest,
      coalesce((SELECT value FROM signals s WHERE s.paper_id = a.paper_id AND s.kind = 'upvotes'
                AND s.observed_at <= @start ORDER BY s.observed_at DESC LIMIT 1), 0) AS externalBefore
    FROM active a JOIN papers p ON p.id = a.paper_id`,
} as const;

/**
 * The full-text index lives in its own database file beside the catalog's, written by a worker
 * thread that follows the `changes` table (see fulltext.ts). The catalog connection attaches it
 * as `fulltext` for queries.
 */
export const FULLTEXT_SCHEMA = `
  CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(
    title, authors, abstract, categories,
    content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2'
  );
  CREATE TABLE IF NOT EXISTS fulltext_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  -- Indexing is the costliest part of an import: terms are buffered in memory up to 16 MB (FTS5's
  -- default is 1 MB) before they are written as a segment, and segments are merged 8 at a time
  -- (default 4), so each posting is rewritten fewer times. Neither changes what a query matches
  -- or how it ranks.
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 16777216);
  INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 8);
`;

/**
 * Reading the `changes` log, for the derived indexes that follow it: the full-text worker (on its
 * own connection, where the catalog is attached as `catalog`) and the in-memory keyword index.
 */
export function changesSql(schema: 'catalog' | 'main') {
  return {
    lastSeq: `SELECT coalesce(max(seq), 0) FROM ${schema}.changes`,
    // The papers changed in (from, to], each once, with their current text (none if deleted).
    changedPapers: `
      SELECT c.paper_rowid AS rowid, p.doc AS doc
      FROM (SELECT DISTINCT paper_rowid FROM ${schema}.changes WHERE seq > ? AND seq <= ?) c
      LEFT JOIN ${schema}.papers p ON p.rowid = c.paper_rowid`,
    batchEnd: `SELECT max(seq) FROM (SELECT seq FROM ${schema}.changes WHERE seq > ? ORDER BY seq LIMIT ?)`,
  } as const;
}

/** The indexer's statements; it runs on the fulltext database with the catalog attached as `catalog`. */
export const FULLTEXT_SQL = {
  appliedSeq: `SELECT value FROM fulltext_state WHERE key = 'applied_seq'`,
  setAppliedSeq: `INSERT INTO fulltext_state (key, value) VALUES ('applied_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ...changesSql('catalog'),
  deleteRow: `DELETE FROM papers_fts WHERE rowid = ?`,
  insertRow: `INSERT INTO papers_fts (rowid, title, authors, abstract, categories) VALUES (?, ?, ?, ?, ?)`,
} as const;
