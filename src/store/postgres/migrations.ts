import type { Migration } from '../sqlite/migrations.js';
import { SEARCH_1, SEARCH_2 } from './search-sql.js';
import { COMMUNITY_1 } from './community-sql.js';
import { DIGEST_1 } from './digest-sql.js';
import { RATE_LIMIT_1 } from './rate-limit-sql.js';

/**
 * The PostgreSQL schema, as named migrations; the `migrations` table records which ran. Names
 * match the SQLite ones where the change is the same; never edit one that has shipped.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'catalog-1',
    sql: `
  CREATE TABLE state (key text PRIMARY KEY, value text NOT NULL);

  -- One row per paper. doc holds the whole Paper (without its id); the columns beside it are
  -- what queries filter and sort on.
  CREATE TABLE papers (
    id text PRIMARY KEY,
    title_key text NOT NULL,
    primary_category text,
    published timestamptz NOT NULL,
    updated timestamptz NOT NULL,
    featured_at timestamptz,
    has_code boolean NOT NULL DEFAULT false,
    withdrawn boolean NOT NULL DEFAULT false,
    doc jsonb NOT NULL,
    -- Derived from doc by the server in the same statement that writes the row, so the index
    -- can never lag the catalog (SQLite needs a worker for this; PostgreSQL does not).
    search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english', coalesce(doc->>'title', '')), 'A') ||
      setweight(jsonb_to_tsvector('english', jsonb_path_query_array(doc, '$.authors[*].name'), '["string"]'), 'B') ||
      setweight(to_tsvector('english', coalesce(doc->>'abstract', '')), 'C')
    ) STORED
  );
  CREATE INDEX papers_title_key ON papers (title_key);
  CREATE INDEX papers_published ON papers (published);
  CREATE INDEX papers_featured ON papers (featured_at) WHERE featured_at IS NOT NULL;
  CREATE INDEX papers_search ON papers USING gin (search);

  CREATE TABLE paper_categories (
    category text NOT NULL,
    paper_id text NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    PRIMARY KEY (category, paper_id)
  );
  CREATE INDEX paper_categories_paper ON paper_categories (paper_id);

  CREATE TABLE aliases (alias text PRIMARY KEY, paper_id text NOT NULL);

  -- Timestamped facts about attention, never overwritten.
  CREATE TABLE signals (
    paper_id text NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    observed_at timestamptz NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (paper_id, source, kind, observed_at)
  );

  -- Every write to a paper, in order; derived data (embeddings, vector index) follows it.
  CREATE TABLE changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    paper_id text NOT NULL,
    kind text NOT NULL
  );

  -- Fingerprints of every record merged, so that importing the same input again skips it.
  CREATE TABLE record_fingerprints (fp text PRIMARY KEY);
  `,
  },
  {
    name: 'trending-1',
    sql: `CREATE INDEX signals_by_time ON signals (kind, observed_at);`,
  },
  {
    name: 'catalog-2',
    sql: `
  -- A stable integer per paper, as SQLite's rowid: the in-memory keyword index and the embeddings
  -- key papers by it. Papers already here are numbered in the order the table holds them.
  ALTER TABLE papers ADD COLUMN rowid bigint GENERATED ALWAYS AS IDENTITY;
  ALTER TABLE papers ADD CONSTRAINT papers_rowid UNIQUE (rowid);

  -- Each change names the row it touched, so an index that follows the changes can drop a
  -- paper that is gone. Changes of papers gone before this migration keep none.
  ALTER TABLE changes ADD COLUMN paper_rowid bigint;
  UPDATE changes c SET paper_rowid = p.rowid FROM papers p WHERE p.id = c.paper_id;

  -- Categories join the full-text vector (weight D), so bare words and cat: match them as they
  -- do on SQLite; "cs.CL" is indexed as the words cs and cl, as FTS5 splits it.
  ALTER TABLE papers DROP COLUMN search;
  ALTER TABLE papers ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(doc->>'title', '')), 'A') ||
    setweight(jsonb_to_tsvector('english', jsonb_path_query_array(doc, '$.authors[*].name'), '["string"]'), 'B') ||
    setweight(to_tsvector('english', coalesce(doc->>'abstract', '')), 'C') ||
    setweight(to_tsvector('english', translate(coalesce(doc->>'categories', ''), '[]",.', '     ')), 'D')
  ) STORED;
  CREATE INDEX papers_search ON papers USING gin (search);
  `,
  },
  { name: 'search-1', sql: SEARCH_1 },
  { name: 'digest-1', sql: DIGEST_1 },
  { name: 'community-1', sql: COMMUNITY_1 },
  { name: 'rate-limit-1', sql: RATE_LIMIT_1 },
  { name: 'search-2', sql: SEARCH_2 },
  {
    name: 'catalog-3',
    sql: `
  -- The full-text vector leaves the paper row and becomes derived data, as on SQLite: computing
  -- it (mostly stemming the abstract) and keeping its GIN index cost more than the rest of an
  -- import, so papers commit without it and a follower of the changes fills paper_search
  -- behind them (src/store/postgres/fulltext.ts). The vectors already computed move over as
  -- they are, and the follower starts after the last change.
  CREATE TABLE paper_search (paper_rowid bigint PRIMARY KEY, search tsvector NOT NULL);
  INSERT INTO paper_search (paper_rowid, search) SELECT rowid, search FROM papers;
  -- A larger pending list than the default 4 MB: the follower merges it in one pass once caught up.
  CREATE INDEX paper_search_gin ON paper_search USING gin (search) WITH (gin_pending_list_limit = 16384);
  ALTER TABLE papers DROP COLUMN search;

  -- A paper's categories go with it in the statement that removes it (absorbPapers), the only
  -- one that does: the foreign key checked and locked the paper for every category written.
  ALTER TABLE paper_categories DROP CONSTRAINT paper_categories_paper_id_fkey;

  -- Documents are compressed with lz4 where the server has it: pglz took a fifth of the server's
  -- time in an import. Rows written before keep pglz; both read the same.
  DO $$ BEGIN
    ALTER TABLE papers ALTER COLUMN doc SET COMPRESSION lz4;
    ALTER TABLE paper_search ALTER COLUMN search SET COMPRESSION lz4;
  EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL; -- no lz4, or a server before 14
  END $$;

  -- The last change the follower has applied: one row, locked by the node applying the next batch.
  CREATE TABLE fulltext_position (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), applied_seq bigint NOT NULL);
  INSERT INTO fulltext_position (applied_seq) SELECT coalesce(max(seq), 0) FROM changes;
  `,
  },
];
