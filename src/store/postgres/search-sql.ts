/**
 * The search subsystem's SQL on PostgreSQL: its schema (migration `search-1`), the rendering of
 * a parsed query as a tsquery, and the named statements. Statements differ only in the order and
 * in whether a query is given, both from fixed sets; user input reaches SQL only as bound
 * parameters.
 */
import type { Field, QueryNode } from '../../search/query.js';

/**
 * `embeddings`: one vector per paper and model, dropped when the paper goes or its title or
 * abstract changes, so `paperfeed embed` recomputes exactly those (as on SQLite).
 */
export const SEARCH_1 = `
  CREATE TABLE search_models (id text PRIMARY KEY, created_at text NOT NULL, papers integer NOT NULL, data bytea NOT NULL);
  CREATE TABLE embeddings (
    model text NOT NULL,
    paper_rowid bigint NOT NULL REFERENCES papers (rowid) ON DELETE CASCADE,
    vector bytea NOT NULL,
    PRIMARY KEY (model, paper_rowid)
  );
  CREATE INDEX embeddings_by_paper ON embeddings (paper_rowid);
  CREATE FUNCTION embeddings_stale() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM embeddings WHERE paper_rowid = old.rowid;
    RETURN NULL;
  END $$;
  CREATE TRIGGER embeddings_stale AFTER UPDATE OF doc ON papers FOR EACH ROW
  WHEN (old.doc->'title' IS DISTINCT FROM new.doc->'title' OR old.doc->'abstract' IS DISTINCT FROM new.doc->'abstract')
  EXECUTE FUNCTION embeddings_stale();
`;

/**
 * `embedding_changes`: every vector saved or dropped, numbered, so each process's loaded vector
 * index can follow the table by seq (as on SQLite). A change names the row only; the follower
 * reads the row's vector as it is now, or learns it is gone.
 */
export const SEARCH_2 = `
  CREATE TABLE embedding_changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model text NOT NULL,
    paper_rowid bigint NOT NULL
  );
  CREATE FUNCTION embedding_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      INSERT INTO embedding_changes (model, paper_rowid) VALUES (old.model, old.paper_rowid);
    ELSE
      INSERT INTO embedding_changes (model, paper_rowid) VALUES (new.model, new.paper_rowid);
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER embedding_changed AFTER INSERT OR UPDATE OR DELETE ON embeddings
  FOR EACH ROW EXECUTE FUNCTION embedding_changed();
`;

/** The weight each field carries in `paper_search`'s vectors (FULLTEXT_SQL.applyChanges). */
const WEIGHT: Record<Field, string> = { title: 'A', authors: 'B', abstract: 'C', categories: 'D' };

/**
 * The `to_tsquery` text for a parsed query. Each term becomes one quoted string of its letters
 * and digits only, so no user text is read as tsquery syntax; a quoted string of several words
 * is a phrase. Parenthesised throughout, so tsquery's precedence never changes the meaning.
 *
 * @example toTsquery(parseQuery('ti:"block diffusion" -video')!) // ('block diffusion':A & !'video')
 */
export function toTsquery(node: QueryNode): string {
  switch (node.kind) {
    case 'term': {
      const text = node.text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      const label = (node.prefix ? '*' : '') + (node.field ? WEIGHT[node.field] : '');
      return `'${text}'${label ? `:${label}` : ''}`;
    }
    case 'or': return `(${node.children.map(toTsquery).join(' | ')})`;
    case 'not': return `!${toTsquery(node.child)}`;
    case 'and': return `(${node.children.map(toTsquery).join(' & ')})`;
  }
}

/** How matches are ordered. */
export type KeywordOrder = 'relevance' | 'date' | 'trending';

/**
 * ts_rank's weights for D (categories), C (abstract), B (authors) and A (title): a title match
 * counts twice, as the BM25 column weights do on SQLite.
 */
const RANK_WEIGHTS = `'{0.5, 0.5, 0.5, 1.0}'`;

/**
 * Filters as the first five parameters: $1 and $2 bound published (days, null for none), $3
 * asks for code, $4 holds exact categories and $5 archive prefixes such as 'cs.' (null for no
 * category filter), so a paper is kept when any of its categories is one or starts with one.
 */
const FILTERS = `
  ($1::timestamptz IS NULL OR p.published >= $1::timestamptz)
  AND ($2::timestamptz IS NULL OR p.published < $2::timestamptz)
  AND (NOT $3::boolean OR p.has_code)
  AND ($4::text[] IS NULL OR EXISTS (
    SELECT 1 FROM paper_categories pc WHERE pc.paper_id = p.id
    AND (pc.category = ANY($4::text[]) OR EXISTS (SELECT 1 FROM unnest($5::text[]) a(prefix) WHERE starts_with(pc.category, a.prefix)))))`;

/** The query's tsquery text is parameter $6 wherever a statement matches one. */
const MATCHES = `s.search @@ to_tsquery('english', $6)`;

/** Papers with their full-text vector, for statements that match a query: a paper not yet indexed matches nothing. */
function papersFrom(matching: boolean): string {
  return matching ? 'papers p JOIN paper_search s ON s.paper_rowid = p.rowid' : 'papers p';
}

const ORDER: Record<KeywordOrder, string> = {
  relevance: 'score DESC, p.rowid DESC',
  date: 'p.published DESC, p.rowid DESC',
  trending: 'coalesce(t.score, 0) DESC, score DESC, p.rowid DESC',
};

/**
 * One page of papers, filtered and ordered: keyword matches when `matching` (with the tsquery
 * at $6), else every paper the filters select, trending first when asked, else newest first
 * (score 0). The page's
 * limit and offset follow; for trending order, then the trending scores as ids and scores.
 */
export function keywordPageSql(order: KeywordOrder, matching: boolean): string {
  const next = matching ? 7 : 6;
  const trending = order === 'trending'
    ? `LEFT JOIN unnest($${next + 2}::text[], $${next + 3}::float8[]) AS t(paper_id, score) ON t.paper_id = p.id`
    : '';
  const score = matching ? `ts_rank(${RANK_WEIGHTS}, s.search, to_tsquery('english', $6))` : '0';
  const orderBy = matching ? ORDER[order] : `${order === 'trending' ? 'coalesce(t.score, 0) DESC, ' : ''}p.published DESC, p.rowid DESC`;
  return `
    SELECT p.rowid, p.id, p.doc, ${score} AS score
    FROM ${papersFrom(matching)} ${trending}
    WHERE ${matching ? `${MATCHES} AND ` : ''}${FILTERS}
    ORDER BY ${orderBy}
    LIMIT $${next} OFFSET $${next + 1}`;
}

/** How many papers the filters select, and the tsquery at $6 when `matching`. */
export function countSql(matching: boolean): string {
  return `SELECT count(*)::int AS n FROM ${papersFrom(matching)} WHERE ${matching ? `${MATCHES} AND ` : ''}${FILTERS}`;
}

export const SEARCH_SQL = {
  filteredRowids: `SELECT p.rowid FROM papers p WHERE ${FILTERS}`,
  papersByRowids: `SELECT rowid, id, doc FROM papers WHERE rowid = ANY($1::bigint[])`,
  /** Which of the rowids ($1) match the tsquery ($2): looked up by primary key, then checked. */
  matchingRowids: `SELECT paper_rowid AS rowid FROM paper_search WHERE paper_rowid = ANY($1::bigint[]) AND search @@ to_tsquery('english', $2)`,
  rowidOfPaper: `SELECT rowid FROM papers WHERE id = $1`,
  papersAfter: `SELECT rowid, id, doc FROM papers WHERE rowid > $1 ORDER BY rowid LIMIT $2`,

  lastSeq: `SELECT coalesce(max(seq), 0) AS seq FROM changes`,
  batchEnd: `SELECT max(seq) AS seq FROM (SELECT seq FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2) batch`,
  // The papers changed in ($1, $2], each once, with their current doc (none if deleted).
  changedPapers: `
    SELECT c.paper_rowid AS rowid, p.doc
    FROM (SELECT DISTINCT paper_rowid FROM changes WHERE seq > $1 AND seq <= $2 AND paper_rowid IS NOT NULL) c
    LEFT JOIN papers p ON p.rowid = c.paper_rowid`,

  getModel: `SELECT id, created_at AS "createdAt", papers, data FROM search_models WHERE id = $1`,
  latestModel: `
    SELECT id, created_at AS "createdAt", papers, data FROM search_models
    WHERE starts_with(id, $1) ORDER BY created_at DESC, id DESC LIMIT 1`,
  saveModel: `
    INSERT INTO search_models (id, created_at, papers, data) VALUES ($1, $2, $3, $4)
    ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, papers = excluded.papers, data = excluded.data`,
  deleteOtherEmbeddings: `DELETE FROM embeddings WHERE model <> $1 AND starts_with(model, $2)`,
  // Nobody follows a replaced model's vectors: its changes go with them.
  deleteOtherEmbeddingChanges: `DELETE FROM embedding_changes WHERE model <> $1 AND starts_with(model, $2)`,
  /** The oldest model of the family that still has vectors: a newer one's are complete only once it has dropped the older ones'. */
  servedModelId: `
    SELECT m.id FROM search_models m
    WHERE starts_with(m.id, $1) AND EXISTS (SELECT 1 FROM embeddings e WHERE e.model = m.id)
    ORDER BY m.created_at, m.id LIMIT 1`,

  /** Papers without a vector of this model, in rowid order from a point, for resumable batches. */
  papersToEmbed: `
    SELECT p.rowid, p.id, p.doc FROM papers p
    WHERE p.rowid > $2 AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = $1 AND e.paper_rowid = p.rowid)
    ORDER BY p.rowid LIMIT $3`,
  countToEmbed: `
    SELECT count(*)::int AS n FROM papers p
    WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = $1 AND e.paper_rowid = p.rowid)`,
  // One batch ($2 rowids, $3 vectors); a paper deleted since it was read is skipped.
  saveEmbeddings: `
    INSERT INTO embeddings (model, paper_rowid, vector)
    SELECT $1, v.rowid, v.vector FROM unnest($2::bigint[], $3::bytea[]) AS v(rowid, vector)
    JOIN papers p ON p.rowid = v.rowid
    ON CONFLICT (model, paper_rowid) DO UPDATE SET vector = excluded.vector`,
  countEmbeddings: `SELECT count(*)::int AS n FROM embeddings WHERE model = $1`,
  embeddingsAfter: `SELECT paper_rowid AS rowid, vector FROM embeddings WHERE model = $1 AND paper_rowid > $2 ORDER BY paper_rowid LIMIT $3`,
  embeddingsOf: `SELECT paper_rowid AS rowid, vector FROM embeddings WHERE model = $1 AND paper_rowid = ANY($2::bigint[])`,
  lastEmbeddingChange: `SELECT coalesce(max(seq), 0) AS seq FROM embedding_changes`,
  embeddingChangesEnd: `SELECT max(seq) AS seq FROM (SELECT seq FROM embedding_changes WHERE seq > $1 ORDER BY seq LIMIT $2) batch`,
  // The model's ($1) papers whose vector changed in ($2, $3], each once, with its vector now (none if dropped).
  changedEmbeddings: `
    SELECT c.paper_rowid AS rowid, e.vector
    FROM (SELECT DISTINCT paper_rowid FROM embedding_changes WHERE seq > $2 AND seq <= $3 AND model = $1) c
    LEFT JOIN embeddings e ON e.model = $1 AND e.paper_rowid = c.paper_rowid`,
  /** Every paper's text, for training a model on the catalog; a stride samples large catalogs evenly. */
  trainingTexts: `SELECT doc->>'title' AS title, doc->>'abstract' AS abstract FROM papers WHERE rowid % $1 = 0 ORDER BY rowid`,
} as const;
