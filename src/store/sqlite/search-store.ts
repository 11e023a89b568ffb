import type Database from 'better-sqlite3';
import type { Paper } from '../../catalog/paper.js';
import { fromDoc } from './catalog-store.js';
import { indexedText, type IndexedText } from '../../search/keyword-index.js';
import type { QueryNode } from '../../search/query.js';
import type { EmbeddingStore, KeywordFeed, KeywordRequest, SearchStore, StoreFilters, StoredHit, StoredModel } from '../../search/store.js';
import type { SqliteDatabase } from './database.js';
import { CHANGES_SQL, COUNT_MATCHES_SQL, SEARCH_SQL, listSql, matchSql, toFts, type KeywordOrder } from './search-sql.js';
import { asMatrix, toFloats } from '../vector-blobs.js';

type Row = { rowid: number; id: string; doc: string; score: number };

/** Search's ports on SQLite: the catalog's stemmed FTS5 index, filters as SQL, models and vectors as blobs. */
export class SqliteSearchStore implements SearchStore, EmbeddingStore, KeywordFeed {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: SqliteDatabase) {
    db.exec(SEARCH_SQL.createTrending);
  }

  /** Statements are prepared once, under names drawn from fixed sets. */
  private statement(name: string, sql: () => string) {
    let statement = this.statements.get(name);
    if (!statement) {
      statement = this.db.prepare(sql());
      this.statements.set(name, statement);
    }
    return statement;
  }

  async keywordSearch(request: KeywordRequest): Promise<{ total: number; hits: StoredHit[] }> {
    const filters = filterParams(request.filters);
    const order: KeywordOrder = request.order;
    if (order === 'trending') this.loadTrending(request.trending ?? new Map());
    const page = { ...filters, limit: request.limit, offset: request.offset };
    if (request.query === undefined) {
      const listOrder = order === 'trending' ? 'trending' : 'date';
      const rows = this.statement(`list:${listOrder}`, () => listSql(listOrder)).all(page) as Row[];
      const total = (this.statement('countFiltered', () => SEARCH_SQL.countFiltered).get(filters) as { n: number }).n;
      return { total, hits: rows.map(toHit) };
    }
    const match = toFts(request.query);
    const rows = this.statement(`match:${order}`, () => matchSql(order)).all({ ...page, match }) as Row[];
    const total = (this.statement('countMatches', () => COUNT_MATCHES_SQL).get({ ...filters, match }) as { n: number }).n;
    return { total, hits: rows.map(toHit) };
  }

  private loadTrending(scores: ReadonlyMap<string, number>): void {
    this.db.transaction(() => {
      this.statement('clearTrending', () => SEARCH_SQL.clearTrending).run();
      const insert = this.statement('insertTrending', () => SEARCH_SQL.insertTrending);
      for (const [id, score] of scores) insert.run(id, score);
    })();
  }

  async matchingRowids(query: QueryNode, rowids: readonly number[]): Promise<Set<number>> {
    const matching = this.statement('matchingRowids', () => SEARCH_SQL.matchingRowids).pluck().all({ match: toFts(query), rowids: JSON.stringify(rowids) }) as number[];
    return new Set(matching);
  }

  async filteredRowids(filters: StoreFilters): Promise<number[]> {
    const rows = this.statement('filteredRowids', () => SEARCH_SQL.filteredRowids).pluck().all(filterParams(filters)) as number[];
    return rows;
  }

  async papersByRowids(rowids: readonly number[]): Promise<Map<number, Paper>> {
    const rows = this.statement('papersByRowids', () => SEARCH_SQL.papersByRowids).all({ rowids: JSON.stringify(rowids) }) as Row[];
    return new Map(rows.map((row) => [row.rowid, fromDoc(row.id, row.doc)]));
  }

  async rowidOf(id: string): Promise<number | undefined> {
    return (this.statement('rowidOfPaper', () => SEARCH_SQL.rowidOfPaper).get(id) as { rowid: number } | undefined)?.rowid;
  }

  async lastChange(): Promise<number> {
    return this.statement('lastSeq', () => CHANGES_SQL.lastSeq).pluck().get() as number;
  }

  async papersAfter(after: number, limit: number): Promise<{ rowid: number; text: IndexedText }[]> {
    const rows = this.statement('papersAfter', () => SEARCH_SQL.papersAfter).all(after, limit) as Row[];
    return rows.map((row) => ({ rowid: row.rowid, text: indexedText(fromDoc(row.id, row.doc)) }));
  }

  async changesAfter(after: number, limit: number): Promise<{ seq: number; papers: { rowid: number; text: IndexedText | undefined }[] } | undefined> {
    const seq = this.statement('batchEnd', () => CHANGES_SQL.batchEnd).pluck().get(after, limit) as number | null;
    if (seq === null) return undefined;
    const rows = this.statement('changedPapers', () => CHANGES_SQL.changedPapers).all(after, seq) as { rowid: number; doc: string | null }[];
    // A changed row's doc carries no id; the text needs none.
    return { seq, papers: rows.map((row) => ({ rowid: row.rowid, text: row.doc === null ? undefined : indexedText(fromDoc('', row.doc)) })) };
  }

  async latestModel(prefix: string): Promise<StoredModel | undefined> {
    return this.statement('latestModel', () => SEARCH_SQL.latestModel).get({ prefix }) as StoredModel | undefined;
  }

  async saveModel(model: StoredModel): Promise<void> {
    this.statement('saveModel', () => SEARCH_SQL.saveModel).run({ ...model, data: Buffer.from(model.data.buffer, model.data.byteOffset, model.data.byteLength) });
  }

  async dropOtherEmbeddings(modelId: string, family: string): Promise<void> {
    this.db.transaction(() => {
      this.statement('deleteOtherEmbeddings', () => SEARCH_SQL.deleteOtherEmbeddings).run(modelId, family);
      this.statement('deleteOtherEmbeddingChanges', () => SEARCH_SQL.deleteOtherEmbeddingChanges).run(modelId, family);
    })();
  }

  async servedModelId(prefix: string): Promise<string | undefined> {
    return this.statement('servedModelId', () => SEARCH_SQL.servedModelId).pluck().get({ prefix }) as string | undefined;
  }

  async model(id: string): Promise<StoredModel | undefined> {
    return this.statement('getModel', () => SEARCH_SQL.getModel).get(id) as StoredModel | undefined;
  }

  async papersToEmbed(modelId: string, after: number, limit: number): Promise<{ rowid: number; paper: Paper }[]> {
    const rows = this.statement('papersToEmbed', () => SEARCH_SQL.papersToEmbed).all({ model: modelId, after, limit }) as Row[];
    return rows.map((row) => ({ rowid: row.rowid, paper: fromDoc(row.id, row.doc) }));
  }

  async countToEmbed(modelId: string): Promise<number> {
    return (this.statement('countToEmbed', () => SEARCH_SQL.countToEmbed).get({ model: modelId }) as { n: number }).n;
  }

  async saveEmbeddings(modelId: string, rows: readonly { rowid: number; vector: Float32Array }[]): Promise<void> {
    const insert = this.statement('saveEmbedding', () => SEARCH_SQL.saveEmbedding);
    this.db.transaction(() => {
      for (const row of rows) insert.run(modelId, row.rowid, Buffer.from(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength));
    })();
  }

  async countEmbeddings(modelId: string): Promise<number> {
    return (this.statement('countEmbeddings', () => SEARCH_SQL.countEmbeddings).get(modelId) as { n: number }).n;
  }

  async embeddingsAfter(modelId: string, after: number, limit: number): Promise<{ rowids: number[]; vectors: Float32Array; dims: number }> {
    return asMatrix(this.statement('embeddingsAfter', () => SEARCH_SQL.embeddingsAfter).all(modelId, after, limit) as { rowid: number; vector: Buffer }[]);
  }

  async embeddingsOf(modelId: string, rowids: readonly number[]): Promise<Map<number, Float32Array>> {
    const rows = this.statement('embeddingsOf', () => SEARCH_SQL.embeddingsOf).all(modelId, JSON.stringify(rowids)) as { rowid: number; vector: Buffer }[];
    return new Map(rows.map((row) => [row.rowid, toFloats(row.vector)]));
  }

  async lastEmbeddingChange(): Promise<number> {
    return this.statement('lastEmbeddingChange', () => SEARCH_SQL.lastEmbeddingChange).pluck().get() as number;
  }

  async embeddingChangesAfter(modelId: string, after: number, limit: number): Promise<{ seq: number; vectors: { rowid: number; vector: Float32Array | undefined }[] } | undefined> {
    const end = this.statement('embeddingChangesEnd', () => SEARCH_SQL.embeddingChangesEnd).pluck().get(after, limit) as number | null;
    if (end === null) return undefined;
    const rows = this.statement('changedEmbeddings', () => SEARCH_SQL.changedEmbeddings).all({ model: modelId, after, end }) as { rowid: number; vector: Buffer | null }[];
    return { seq: end, vectors: rows.map((row) => ({ rowid: row.rowid, vector: row.vector === null ? undefined : toFloats(row.vector) })) };
  }

  async trainingTexts(max: number): Promise<string[]> {
    const papers = (this.db.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
    const stride = Math.max(1, Math.floor(papers / max));
    const rows = this.statement('trainingTexts', () => SEARCH_SQL.trainingTexts).all({ stride }) as { title: string; abstract: string }[];
    return rows.map((row) => `${row.title}. ${row.abstract}`);
  }
}

/** Filters as bound parameters; a category without a dot stands for its whole archive. */
function filterParams(filters: StoreFilters) {
  const ranges = filters.categories?.flatMap((category) => {
    const exact = [category, `${category}\u0001`];
    return category.includes('.') ? [exact] : [exact, [`${category}.`, `${category}/`]];
  });
  return {
    from: filters.from ?? null,
    toExclusive: filters.toExclusive ?? null,
    hasCode: filters.hasCode ? 1 : 0,
    categories: ranges && ranges.length > 0 ? JSON.stringify(ranges) : null,
  };
}

function toHit(row: Row): StoredHit {
  return { rowid: row.rowid, paper: fromDoc(row.id, row.doc), score: row.score };
}
