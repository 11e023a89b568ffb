/** The store as search needs it: the full-text index, filters, and stored models and vectors. */
import type { Paper } from '../catalog/paper.js';
import type { IndexedText } from './keyword-index.js';
import type { QueryNode } from './query.js';

/** Filters checked once at the edge: dates as YYYY-MM-DD, the end day exclusive. */
export interface StoreFilters {
  categories?: string[];
  from?: string;
  toExclusive?: string;
  hasCode?: boolean;
}

/**
 * One page of keyword matches. The query arrives parsed; each adapter renders it in its own
 * dialect, so user text never reaches SQL as syntax. Without a query, the filters list papers.
 */
export interface KeywordRequest {
  query: QueryNode | undefined;
  filters: StoreFilters;
  order: 'relevance' | 'date' | 'trending';
  /** Trending scores by paper id, for `order: 'trending'`. */
  trending?: ReadonlyMap<string, number>;
  limit: number;
  offset: number;
}

export interface StoredHit {
  rowid: number;
  paper: Paper;
  score: number;
}

/**
 * The catalog's papers and its `changes` log, for keeping the in-memory keyword index in step:
 * a first build reads papers in rowid order; afterwards it follows the changes by seq.
 */
export interface KeywordFeed {
  /** The newest change's seq (0 for none). */
  lastChange(): Promise<number>;
  /** Up to `limit` papers after rowid `after`, in rowid order. */
  papersAfter(after: number, limit: number): Promise<{ rowid: number; text: IndexedText }[]>;
  /**
   * The papers changed after seq `after` (a batch of up to about `limit` changes), each once
   * with its current text or none if deleted, and the seq the batch reaches; undefined when
   * nothing changed.
   */
  changesAfter(after: number, limit: number): Promise<{ seq: number; papers: { rowid: number; text: IndexedText | undefined }[] } | undefined>;
}

export interface SearchStore {
  keywordSearch(request: KeywordRequest): Promise<{ total: number; hits: StoredHit[] }>;
  /**
   * Which of these papers match the query. The in-memory keyword index keeps no word positions,
   * so the papers it finds for a phrase's words are checked here, a short list at a time.
   */
  matchingRowids(query: QueryNode, rowids: readonly number[]): Promise<Set<number>>;
  /** The rowids of every paper the filters select (for filtering before semantic top-k). */
  filteredRowids(filters: StoreFilters): Promise<number[]>;
  papersByRowids(rowids: readonly number[]): Promise<Map<number, Paper>>;
  rowidOf(id: string): Promise<number | undefined>;
}

/** A trained model as stored: its id, when, on how many papers, and its bytes. */
export interface StoredModel {
  id: string;
  createdAt: string;
  papers: number;
  data: Uint8Array;
}

export interface EmbeddingStore {
  /** The newest model whose id starts with `prefix`. */
  latestModel(prefix: string): Promise<StoredModel | undefined>;
  saveModel(model: StoredModel): Promise<void>;
  /** Drops vectors of older models of the same family once a new one is complete. */
  dropOtherEmbeddings(modelId: string, family: string): Promise<void>;
  /** Up to `limit` papers after rowid `after` that have no vector of this model yet. */
  papersToEmbed(modelId: string, after: number, limit: number): Promise<{ rowid: number; paper: Paper }[]>;
  countToEmbed(modelId: string): Promise<number>;
  /** Saves one batch of vectors atomically. */
  saveEmbeddings(modelId: string, rows: readonly { rowid: number; vector: Float32Array }[]): Promise<void>;
  /** How many vectors of a model there are. */
  countEmbeddings(modelId: string): Promise<number>;
  /** Up to `limit` vectors of a model after rowid `after`, in rowid order, as one matrix. */
  embeddingsAfter(modelId: string, after: number, limit: number): Promise<{ rowids: number[]; vectors: Float32Array; dims: number }>;
  /** The vectors of a model of those papers that have one. */
  embeddingsOf(modelId: string, rowids: readonly number[]): Promise<Map<number, Float32Array>>;
  /** The newest embedding change's seq (0 for none): a cheap check whether any vector was saved or dropped. */
  lastEmbeddingChange(): Promise<number>;
  /**
   * The model's vectors saved or dropped after seq `after` (a batch of up to about `limit`
   * changes of any model), each paper once with its vector now or none if it was dropped, and the
   * seq the batch reaches; undefined when nothing changed.
   */
  embeddingChangesAfter(modelId: string, after: number, limit: number): Promise<{ seq: number; vectors: { rowid: number; vector: Float32Array | undefined }[] } | undefined>;
  /**
   * The model of the family to serve: the oldest that still has vectors (a newer model's vectors
   * are complete only once `dropOtherEmbeddings` has removed the older ones'), or none.
   */
  servedModelId(prefix: string): Promise<string | undefined>;
  /** A stored model by id. */
  model(id: string): Promise<StoredModel | undefined>;
  /** Title and abstract of papers to train on: all, or an even sample of about `max`. */
  trainingTexts(max: number): Promise<string[]>;
}
