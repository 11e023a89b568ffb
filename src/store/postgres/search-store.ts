import type { Paper } from '../../catalog/paper.js';
import { indexedText, type IndexedText } from '../../search/keyword-index.js';
import type { QueryNode } from '../../search/query.js';
import type { EmbeddingStore, KeywordFeed, KeywordRequest, SearchStore, StoreFilters, StoredHit, StoredModel } from '../../search/store.js';
import { fromRow, type PaperRow } from './catalog-store.js';
import type { PostgresDatabase } from './database.js';
import { countSql, keywordPageSql, SEARCH_SQL, toTsquery } from './search-sql.js';
import { SQL } from './sql.js';
import { asMatrix, toFloats } from '../vector-blobs.js';

/** bigint columns (rowid, seq) arrive as strings; rowids stay far below 2^53. */
type Row = PaperRow & { rowid: string; score: number };

/**
 * Search's ports on PostgreSQL: the papers' weighted tsvector for keyword matches, filters as
 * SQL, models and vectors as bytea. The same semantics as `SqliteSearchStore`; where the two
 * full-text engines differ, docs/search.md says how.
 */
export class PostgresSearchStore implements SearchStore, EmbeddingStore, KeywordFeed {
  constructor(private readonly db: PostgresDatabase) {}

  async keywordSearch(request: KeywordRequest): Promise<{ total: number; hits: StoredHit[] }> {
    const filters = filterParams(request.filters);
    const matching = request.query !== undefined;
    const match = request.query === undefined ? [] : [toTsquery(request.query)];
    const scores = request.trending ?? new Map<string, number>();
    const trending = request.order === 'trending' ? [[...scores.keys()], [...scores.values()]] : [];
    const [rows, [count]] = await Promise.all([
      this.db.executeSql<Row>(keywordPageSql(request.order, matching), [...filters, ...match, request.limit, request.offset, ...trending]),
      this.db.executeSql<{ n: number }>(countSql(matching), [...filters, ...match]),
    ]);
    return { total: count!.n, hits: rows.map((row) => ({ rowid: Number(row.rowid), paper: fromRow(row), score: row.score })) };
  }

  async matchingRowids(query: QueryNode, rowids: readonly number[]): Promise<Set<number>> {
    const rows = await this.db.executeSql<{ rowid: string }>(SEARCH_SQL.matchingRowids, [rowids, toTsquery(query)]);
    return new Set(rows.map((row) => Number(row.rowid)));
  }

  async filteredRowids(filters: StoreFilters): Promise<number[]> {
    return (await this.db.executeSql<{ rowid: string }>(SEARCH_SQL.filteredRowids, filterParams(filters))).map((row) => Number(row.rowid));
  }

  async papersByRowids(rowids: readonly number[]): Promise<Map<number, Paper>> {
    const rows = await this.db.executeSql<Row>(SEARCH_SQL.papersByRowids, [rowids]);
    return new Map(rows.map((row) => [Number(row.rowid), fromRow(row)]));
  }

  async rowidOf(id: string): Promise<number | undefined> {
    const [row] = await this.db.executeSql<{ rowid: string }>(SEARCH_SQL.rowidOfPaper, [id]);
    return row && Number(row.rowid);
  }

  async lastChange(): Promise<number> {
    return Number((await this.db.executeSql<{ seq: string }>(SEARCH_SQL.lastSeq))[0]!.seq);
  }

  async papersAfter(after: number, limit: number): Promise<{ rowid: number; text: IndexedText }[]> {
    const rows = await this.db.executeSql<Row>(SEARCH_SQL.papersAfter, [after, limit]);
    return rows.map((row) => ({ rowid: Number(row.rowid), text: indexedText(row.doc) }));
  }

  async changesAfter(after: number, limit: number): Promise<{ seq: number; papers: { rowid: number; text: IndexedText | undefined }[] } | undefined> {
    const [end] = await this.db.executeSql<{ seq: string | null }>(SEARCH_SQL.batchEnd, [after, limit]);
    if (end?.seq == null) return undefined;
    const rows = await this.db.executeSql<{ rowid: string; doc: PaperRow['doc'] | null }>(SEARCH_SQL.changedPapers, [after, end.seq]);
    return { seq: Number(end.seq), papers: rows.map((row) => ({ rowid: Number(row.rowid), text: row.doc === null ? undefined : indexedText(row.doc) })) };
  }

  async latestModel(prefix: string): Promise<StoredModel | undefined> {
    const [row] = await this.db.executeSql<StoredModel>(SEARCH_SQL.latestModel, [prefix]);
    return row;
  }

  async saveModel(model: StoredModel): Promise<void> {
    await this.db.executeSql(SEARCH_SQL.saveModel, [model.id, model.createdAt, model.papers, toBytes(model.data)]);
  }

  async dropOtherEmbeddings(modelId: string, family: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.executeSql(SQL.lockChanges);
      await this.db.executeSql(SEARCH_SQL.deleteOtherEmbeddings, [modelId, family]);
      // After the vectors: their triggers write the changes this removes.
      await this.db.executeSql(SEARCH_SQL.deleteOtherEmbeddingChanges, [modelId, family]);
    });
  }

  async servedModelId(prefix: string): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ id: string }>(SEARCH_SQL.servedModelId, [prefix]);
    return row?.id;
  }

  async model(id: string): Promise<StoredModel | undefined> {
    const [row] = await this.db.executeSql<StoredModel>(SEARCH_SQL.getModel, [id]);
    return row;
  }

  async papersToEmbed(modelId: string, after: number, limit: number): Promise<{ rowid: number; paper: Paper }[]> {
    const rows = await this.db.executeSql<Row>(SEARCH_SQL.papersToEmbed, [modelId, after, limit]);
    return rows.map((row) => ({ rowid: Number(row.rowid), paper: fromRow(row) }));
  }

  async countToEmbed(modelId: string): Promise<number> {
    return (await this.db.executeSql<{ n: number }>(SEARCH_SQL.countToEmbed, [modelId]))[0]!.n;
  }

  async countEmbeddings(modelId: string): Promise<number> {
    return (await this.db.executeSql<{ n: number }>(SEARCH_SQL.countEmbeddings, [modelId]))[0]!.n;
  }

  async saveEmbeddings(modelId: string, rows: readonly { rowid: number; vector: Float32Array }[]): Promise<void> {
    // Under the lock catalog writes take, so the embedding changes commit in seq order too: a
    // follower that has read seq n has seen every change before it.
    await this.db.transaction(async () => {
      await this.db.executeSql(SQL.lockChanges);
      await this.db.executeSql(SEARCH_SQL.saveEmbeddings, [modelId, rows.map((row) => row.rowid), rows.map((row) => toBytes(row.vector))]);
    });
  }

  async embeddingsAfter(modelId: string, after: number, limit: number): Promise<{ rowids: number[]; vectors: Float32Array; dims: number }> {
    const rows = await this.db.executeSql<{ rowid: string; vector: Buffer }>(SEARCH_SQL.embeddingsAfter, [modelId, after, limit]);
    return asMatrix(rows.map((row) => ({ rowid: Number(row.rowid), vector: row.vector })));
  }

  async embeddingsOf(modelId: string, rowids: readonly number[]): Promise<Map<number, Float32Array>> {
    const rows = await this.db.executeSql<{ rowid: string; vector: Buffer }>(SEARCH_SQL.embeddingsOf, [modelId, rowids]);
    return new Map(rows.map((row) => [Number(row.rowid), toFloats(row.vector)]));
  }

  async lastEmbeddingChange(): Promise<number> {
    return Number((await this.db.executeSql<{ seq: string }>(SEARCH_SQL.lastEmbeddingChange))[0]!.seq);
  }

  async embeddingChangesAfter(modelId: string, after: number, limit: number): Promise<{ seq: number; vectors: { rowid: number; vector: Float32Array | undefined }[] } | undefined> {
    const [end] = await this.db.executeSql<{ seq: string | null }>(SEARCH_SQL.embeddingChangesEnd, [after, limit]);
    if (end?.seq == null) return undefined;
    const rows = await this.db.executeSql<{ rowid: string; vector: Buffer | null }>(SEARCH_SQL.changedEmbeddings, [modelId, after, end.seq]);
    return { seq: Number(end.seq), vectors: rows.map((row) => ({ rowid: Number(row.rowid), vector: row.vector === null ? undefined : toFloats(row.vector) })) };
  }

  async trainingTexts(max: number): Promise<string[]> {
    const papers = (await this.db.executeSql<{ n: number }>(SQL.countPapers))[0]!.n;
    const stride = Math.max(1, Math.floor(papers / max));
    const rows = await this.db.executeSql<{ title: string; abstract: string }>(SEARCH_SQL.trainingTexts, [stride]);
    return rows.map((row) => `${row.title}. ${row.abstract}`);
  }
}

/** Filters as the statements' first five parameters; a category without a dot stands for its whole archive. */
function filterParams(filters: StoreFilters): unknown[] {
  const categories = filters.categories && filters.categories.length > 0 ? filters.categories : undefined;
  return [
    filters.from ?? null,
    filters.toExclusive ?? null,
    filters.hasCode === true,
    categories ?? null,
    categories?.filter((category) => !category.includes('.')).map((archive) => `${archive}.`) ?? null,
  ];
}

function toBytes(array: Uint8Array | Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
