import { COMMUNITY_1 } from './community-sql.js';
import { DIGEST_1 } from './digest-sql.js';
import { JOBS_1 } from './jobs-sql.js';
import { RATE_LIMIT_1 } from './rate-limit-sql.js';
import { SEARCH_1, SEARCH_2 } from './search-sql.js';

/** One named schema change. */
export interface Migration {
  name: string;
  sql: string;
}

/**
 * The SQLite schema, as named migrations; the `migrations` table records which ran. Each
 * subsystem appends its own entries with its own name prefix; never edit one that has shipped.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'catalog-1',
    sql: `
  CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  -- One row per paper. doc holds the whole Paper as JSON; the columns beside it are what
  -- queries filter and sort on.
  CREATE TABLE papers (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title_key TEXT NOT NULL,
    primary_category TEXT,
    published TEXT NOT NULL,
    updated TEXT NOT NULL,
    featured_at TEXT,
    has_code INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL
  );
  -- Only listing papers are looked up by title key; arXiv papers by title go through the full-text index.
  CREATE INDEX papers_content_title ON papers (title_key) WHERE id LIKE 'pf:%';
  CREATE INDEX papers_published ON papers (published);
  CREATE INDEX papers_featured ON papers (featured_at) WHERE featured_at IS NOT NULL;

  CREATE TABLE paper_categories (
    category TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL,
    PRIMARY KEY (category, paper_rowid)
  ) WITHOUT ROWID;

  CREATE TABLE aliases (alias TEXT PRIMARY KEY, paper_id TEXT NOT NULL) WITHOUT ROWID;

  -- Timestamped facts about attention, never overwritten.
  CREATE TABLE signals (
    paper_id TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (paper_id, source, kind, observed_at)
  ) WITHOUT ROWID;

  -- Every write to a paper, in order; derived data (embeddings, vector index) follows it.
  CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    paper_id TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL,
    kind TEXT NOT NULL
  );

  -- Fingerprints of every record merged, so that importing the same input again skips it.
  CREATE TABLE record_fingerprints (fp TEXT PRIMARY KEY) WITHOUT ROWID;

  `,
  },
  {
    name: 'trending-1',
    sql: `CREATE INDEX signals_by_time ON signals (kind, observed_at);`,
  },
  { name: 'search-1', sql: SEARCH_1 },
  { name: 'digest-1', sql: DIGEST_1 },
  { name: 'community-1', sql: COMMUNITY_1 },
  { name: 'jobs-1', sql: JOBS_1 },
  { name: 'rate-limit-1', sql: RATE_LIMIT_1 },
  { name: 'search-2', sql: SEARCH_2 },
];
