/**
 * The search subsystem's SQL: its schema (migration `search-1`) and its named statements.
 * Statements differ only in the order, which comes from the fixed set below, never from user
 * input; user input reaches SQL only as bound parameters.
 */
import type { QueryNode } from '../../search/query.js';

/**
 * `embeddings`: one vector per paper and model, dropped when the paper's title or abstract
 * changes or the paper goes, so `paperfeed embed` recomputes exactly those. The full-text index
 * itself is the catalog's (`fulltext.papers_fts`, Porter-stemmed: chosen by measurement on CACM,
 * see docs/search.md).
 */
export const SEARCH_1 = `
  CREATE TABLE search_models (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, papers INTEGER NOT NULL, data BLOB NOT NULL);
  CREATE TABLE embeddings (
    model TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, paper_rowid)
  ) WITHOUT ROWID;
  CREATE INDEX embeddings_by_paper ON embeddings (paper_rowid);
  CREATE TRIGGER embeddings_gone AFTER DELETE ON papers BEGIN
    DELETE FROM embeddings WHERE paper_rowid = old.rowid;
  END;
  CREATE TRIGGER embeddings_stale AFTER UPDATE OF doc ON papers
  WHEN json_extract(old.doc, '$.title') IS NOT json_extract(new.doc, '$.title')
    OR json_extract(old.doc, '$.abstract') IS NOT json_extract(new.doc, '$.abstract')
  BEGIN
    DELETE FROM embeddings WHERE paper_rowid = old.rowid;
  END;
`;

/**
 * `embedding_changes`: every vector saved or dropped (a paper edited or deleted, an older model
 * replaced), in commit order, so each process's loaded vector index can follow the table by seq
 * instead of reading every vector again. A change names the row only; the follower reads the
 * row's vector as it is now, or learns it is gone.
 */
export const SEARCH_2 = `
  CREATE TABLE embedding_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    model TEXT NOT NULL,
    paper_rowid INTEGER NOT NULL
  );
  CREATE TRIGGER embedding_saved AFTER INSERT ON embeddings BEGIN
    INSERT INTO embedding_changes (model, paper_rowid) VALUES (new.model, new.paper_rowid);
  END;
  CREATE TRIGGER embedding_replaced AFTER UPDATE ON embeddings BEGIN
    INSERT INTO embedding_changes (model, paper_rowid) VALUES (new.model, new.paper_rowid);
  END;
  CREATE TRIGGER embedding_dropped AFTER DELETE ON embeddings BEGIN
    INSERT INTO embedding_changes (model, paper_rowid) VALUES (old.model, old.paper_rowid);
  END;
`;

/** Quotes user text as one FTS5 string: the only way user text reaches MATCH. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * The FTS5 MATCH expression for a parsed query, in which every user word is a quoted string, so
 * no user text is ever read as FTS5 syntax. Parenthesised throughout, so FTS5's own precedence
 * (NOT over AND over OR) never changes the meaning.
 */
export function toFts(node: QueryNode): string {
  switch (node.kind) {
    case 'term': {
      const phrase = quote(node.text) + (node.prefix ? ' *' : '');
      return node.field ? `${node.field} : ${phrase}` : phrase;
    }
    case 'or': return `(${node.children.map(toFts).join(' OR ')})`;
    case 'not': return toFts(node.child);
    case 'and': {
      const positive = node.children.filter((child) => child.kind !== 'not');
      const negative = node.children.filter((child) => child.kind === 'not');
      let expression = positive.length === 1 ? toFts(positive[0]!) : `(${positive.map(toFts).join(' AND ')})`;
      for (const excluded of negative) expression = `(${expression} NOT ${toFts(excluded)})`;
      return expression;
    }
  }
}

/** How matches are ordered. */
export type KeywordOrder = 'relevance' | 'date' | 'trending';

/**
 * BM25 column weights: title, authors, abstract, categories. A title match says more about a
 * paper than an abstract match (measured on CACM, docs/search.md).
 */
export const BM25_WEIGHTS = [2, 1, 1, 1] as const;

/**
 * Filters as bound parameters: `@from` and `@toExclusive` bound published, `@hasCode` 0/1, and
 * `@categories` a JSON array of [low, high) ranges of category names (one per exact category or
 * archive), so a paper is kept when any of its categories falls in one.
 */
const FILTERS = `
  (@from IS NULL OR p.published >= @from)
  AND (@toExclusive IS NULL OR p.published < @toExclusive)
  AND (@hasCode = 0 OR p.has_code = 1)
  AND (@categories IS NULL OR p.rowid IN (
    SELECT pc.paper_rowid FROM json_each(@categories) r
    JOIN paper_categories pc ON pc.category >= json_extract(r.value, '$[0]') AND pc.category < json_extract(r.value, '$[1]')))`;

const ORDER: Record<KeywordOrder, string> = {
  relevance: 'score DESC, p.rowid DESC',
  date: 'p.published DESC, p.rowid DESC',
  trending: 'coalesce(t.score, 0) DESC, score DESC, p.rowid DESC',
};

/** Keyword matches, filtered and ordered, one page of them. */
export function matchSql(order: KeywordOrder): string {
  return `
    SELECT p.rowid AS rowid, p.id AS id, p.doc AS doc, -bm25(papers_fts, ${BM25_WEIGHTS.join(', ')}) AS score
    FROM fulltext.papers_fts f JOIN papers p ON p.rowid = f.rowid
    ${order === 'trending' ? 'LEFT JOIN temp.search_trending t ON t.paper_id = p.id' : ''}
    WHERE papers_fts MATCH @match AND ${FILTERS}
    ORDER BY ${ORDER[order]}
    LIMIT @limit OFFSET @offset`;
}

/** How many papers a keyword query and filters select. */
export const COUNT_MATCHES_SQL = `
  SELECT count(*) AS n FROM fulltext.papers_fts f JOIN papers p ON p.rowid = f.rowid WHERE papers_fts MATCH @match AND ${FILTERS}`;

/** Papers the filters select, without a query: newest first, or trending first. */
export function listSql(order: 'date' | 'trending'): string {
  return `
    SELECT p.rowid AS rowid, p.id AS id, p.doc AS doc, 0 AS score
    FROM papers p ${order === 'trending' ? 'LEFT JOIN temp.search_trending t ON t.paper_id = p.id' : ''}
    WHERE ${FILTERS}
    ORDER BY ${order === 'trending' ? 'coalesce(t.score, 0) DESC, ' : ''}p.published DESC, p.rowid DESC
    LIMIT @limit OFFSET @offset`;
}

import { changesSql } from './sql.js';

/** The catalog's changes log, read on the catalog's own connection. */
export const CHANGES_SQL = changesSql('main');

export const SEARCH_SQL = {
  countFiltered: `SELECT count(*) AS n FROM papers p WHERE ${FILTERS}`,
  filteredRowids: `SELECT p.rowid AS rowid FROM papers p WHERE ${FILTERS}`,
  papersByRowids: `SELECT p.rowid AS rowid, p.id AS id, p.doc AS doc FROM json_each(@rowids) r JOIN papers p ON p.rowid = r.value`,
  /** Which of the rowids match: FTS5 looks each up by rowid (its plan is "=M"), so this costs the list, not the matches. */
  matchingRowids: `SELECT rowid FROM fulltext.papers_fts WHERE papers_fts MATCH @match AND rowid IN (SELECT value FROM json_each(@rowids))`,
  rowidOfPaper: `SELECT rowid FROM papers WHERE id = ?`,
  papersAfter: `SELECT rowid, id, doc FROM papers WHERE rowid > ? ORDER BY rowid LIMIT ?`,

  createTrending: `CREATE TEMP TABLE IF NOT EXISTS search_trending (paper_id TEXT PRIMARY KEY, score REAL NOT NULL) WITHOUT ROWID`,
  clearTrending: `DELETE FROM temp.search_trending`,
  insertTrending: `INSERT INTO temp.search_trending (paper_id, score) VALUES (?, ?)`,

  getModel: `SELECT id, created_at AS createdAt, papers, data FROM search_models WHERE id = ?`,
  latestModel: `SELECT id, created_at AS createdAt, papers, data FROM search_models WHERE id LIKE @prefix || '%' ORDER BY created_at DESC, id DESC LIMIT 1`,
  saveModel: `INSERT OR REPLACE INTO search_models (id, created_at, papers, data) VALUES (@id, @createdAt, @papers, @data)`,
  deleteOtherEmbeddings: `DELETE FROM embeddings WHERE model <> ? AND model LIKE ? || '%'`,
  // Nobody follows a replaced model's vectors: its changes go with them.
  deleteOtherEmbeddingChanges: `DELETE FROM embedding_changes WHERE model <> ? AND model LIKE ? || '%'`,
  /** The oldest model of the family that still has vectors: a newer one's are complete only once it has dropped the older ones'. */
  servedModelId: `
    SELECT m.id FROM search_models m
    WHERE m.id LIKE @prefix || '%' AND EXISTS (SELECT 1 FROM embeddings e WHERE e.model = m.id)
    ORDER BY m.created_at, m.id LIMIT 1`,

  /** Papers without a vector of this model, in rowid order from a point, for resumable batches. */
  papersToEmbed: `
    SELECT p.rowid AS rowid, p.id AS id, p.doc AS doc FROM papers p
    WHERE p.rowid > @after AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = @model AND e.paper_rowid = p.rowid)
    ORDER BY p.rowid LIMIT @limit`,
  countToEmbed: `
    SELECT count(*) AS n FROM papers p
    WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = @model AND e.paper_rowid = p.rowid)`,
  saveEmbedding: `INSERT OR REPLACE INTO embeddings (model, paper_rowid, vector) VALUES (?, ?, ?)`,
  countEmbeddings: `SELECT count(*) AS n FROM embeddings WHERE model = ?`,
  embeddingsAfter: `SELECT paper_rowid AS rowid, vector FROM embeddings WHERE model = ? AND paper_rowid > ? ORDER BY paper_rowid LIMIT ?`,
  // The papers' rowids as one JSON array.
  embeddingsOf: `SELECT paper_rowid AS rowid, vector FROM embeddings WHERE model = ? AND paper_rowid IN (SELECT value FROM json_each(?))`,
  lastEmbeddingChange: `SELECT coalesce(max(seq), 0) FROM embedding_changes`,
  embeddingChangesEnd: `SELECT max(seq) FROM (SELECT seq FROM embedding_changes WHERE seq > ? ORDER BY seq LIMIT ?)`,
  // The model's papers whose vector changed in (@after, @end], each once, with its vector now (none if dropped).
  changedEmbeddings: `
    SELECT c.paper_rowid AS rowid, e.vector AS vector
    FROM (SELECT DISTINCT paper_rowid FROM embedding_changes WHERE seq > @after AND seq <= @end AND model = @model) c
    LEFT JOIN embeddings e ON e.model = @model AND e.paper_rowid = c.paper_rowid`,
  /** Every paper's text, for training a model on the catalog; a stride samples large catalogs evenly. */
  trainingTexts: `SELECT json_extract(doc, '$.title') AS title, json_extract(doc, '$.abstract') AS abstract FROM papers WHERE rowid % @stride = 0`,
} as const;
