/**
 * The search use case: checks a request once, parses the query, and ranks by keyword, by
 * embedding, or by both fused. See {@link SearchService} for the contract.
 */
import { z } from 'zod';
import { PaperfeedError } from '../errors.js';
import type { Paper } from '../catalog/paper.js';
import type { Embedder } from './embedder.js';
import { rrf, zFusion, type Scored } from './fusion.js';
import { KeywordEngine } from './keyword-engine.js';
import { planOf, type KeywordPlan, type KeywordTopK } from './keyword-index.js';
import { highlightTerms, looseQuery, parseQuery, semanticText, withoutStopWords, type QueryNode } from './query.js';
import type { IndexFiles } from './index-files.js';
import { vectorReplica } from './replica.js';
import { similarPapers, type ScoredPaper } from './similar.js';
import { highlighter } from './snippet.js';
import type { EmbeddingStore, KeywordFeed, SearchStore, StoreFilters, StoredHit } from './store.js';
import type { SearchHit, SearchQuery, SearchResult, SearchService, SearchSort } from './types.js';
import type { VectorIndex } from './vectors.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'expected a date YYYY-MM-DD').transform((value) => value.slice(0, 10))
  .refine((day) => !Number.isNaN(Date.parse(day)), 'not a real date');

const Request = z.object({
  text: z.string(),
  filters: z.object({
    categories: z.array(z.string().regex(/^[A-Za-z-]+(\.[A-Za-z-]+)?$/, 'expected a category such as cs.CL or an archive such as cs')).max(20).optional(),
    from: Day.optional(),
    to: Day.optional(),
    hasCode: z.boolean().optional(),
  }).strict().default({}),
  sort: z.enum(['relevance', 'date', 'trending']).default('relevance'),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  mode: z.enum(['keyword', 'semantic', 'hybrid']).default('keyword'),
}).strict();

type Checked = z.infer<typeof Request>;

/** How keyword and semantic lists are fused in hybrid mode (chosen on CACM, docs/search.md). */
export type Fusion = 'rrf' | 'z';

/** Papers taken from each engine before fusion. */
const HYBRID_DEPTH = 200;

export interface SearchDeps {
  store: SearchStore;
  /** The catalog's papers and changes, for the in-memory keyword index; without it FTS5 ranks alone. */
  feed?: KeywordFeed;
  embeddings: EmbeddingStore;
  /** Trending scores by paper id, for `sort: 'trending'`. */
  trendingScores: () => Promise<Map<string, number>>;
  fusion?: Fusion;
  /**
   * The configured embedding model (ONNX, see src/search/embedder.ts) that semantic search and
   * similar papers use instead of the catalog's LSA model; its vectors come from `paperfeed embed`.
   */
  embedder?: () => Promise<Embedder>;
  /**
   * How often the loaded vector index checks the store for vectors saved or dropped by any
   * process (default {@link FOLLOW_EVERY_MS}).
   */
  followEveryMs?: number;
  /** The clock, in milliseconds (tests pass a fake one). */
  now?: () => number;
  /** Where vector indexes are saved, so a large catalog's index is built once, not at each start. */
  indexFiles?: IndexFiles;
  /** Up to this many vectors semantic search scans them all (default EXACT_LIMIT); an IVF index beyond. */
  exactLimit?: number;
}

/** Web nodes see another process's new vectors within this many milliseconds of a query. */
export const FOLLOW_EVERY_MS = 5_000;

/** The search service, with similar-paper lookup beside it. */
export interface Search extends SearchService {
  /** Papers most similar to `id` (excluding itself), or `candidateIds` ranked against it. */
  similar(id: string, options: { limit: number; candidateIds?: readonly string[] }): Promise<ScoredPaper[]>;
  /**
   * Builds the in-memory keyword index now rather than on first use (until it is built, FTS5
   * answers every keyword query).
   */
  warm(): Promise<void>;
  /**
   * Makes the next semantic query bring the loaded vectors up to date with the store at once,
   * rather than once the follow interval has passed (the embed job calls it after a run).
   */
  refresh(): void;
  /** Stops the keyword index's thread. */
  close(): void;
  /** Every paper's embedding by rowid (the semantic index), or undefined before `paperfeed embed`. */
  vectors(): Promise<VectorIndex | undefined>;
}

/**
 * Creates the search service over its ports. Embeddings are loaded on first semantic use, then
 * followed: vectors saved or dropped since reach the index within `followEveryMs`.
 */
export function createSearch(deps: SearchDeps): Search {
  const engines: KeywordEngines = { store: deps.store, ...(deps.feed && { memory: new KeywordEngine(deps.feed) }) };
  const replica = vectorReplica({
    store: deps.store, embeddings: deps.embeddings, ...(deps.embedder && { embedder: deps.embedder }),
    followEveryMs: deps.followEveryMs ?? FOLLOW_EVERY_MS, now: deps.now ?? Date.now,
    ...(deps.indexFiles && { indexFiles: deps.indexFiles }), ...(deps.exactLimit !== undefined && { exactLimit: deps.exactLimit }),
  });
  const loadSemantic = () => replica.current();

  const semanticRanking = async (node: QueryNode, filters: StoreFilters, depth: number): Promise<Scored<number>[]> => {
    const { embedder, index } = await loadSemantic();
    const text = semanticText(node);
    if (!text) return [];
    const filtered = hasFilters(filters) ? new Set(await deps.store.filteredRowids(filters)) : undefined;
    const [vector] = await embedder.embed([text]);
    return (await index.search(vector!, depth, filtered)).map((match) => ({ key: match.key, score: match.score }));
  };

  return {
    async search(query: SearchQuery): Promise<SearchResult> {
      const request = check(query);
      const parsed = parseQuery(request.text);
      const node = parsed && withoutStopWords(parsed);
      const offset = decodeCursor(request.cursor);
      const filters: StoreFilters = {
        ...(request.filters.categories && { categories: request.filters.categories }),
        ...(request.filters.from && { from: request.filters.from }),
        ...(request.filters.to && { toExclusive: nextDay(request.filters.to) }),
        ...(request.filters.hasCode && { hasCode: true }),
      };
      const trending = request.sort === 'trending' ? await deps.trendingScores() : undefined;
      let total: number;
      let estimated = false;
      let hits: { paper: Paper; score: number }[];
      if (!node || request.mode === 'keyword') {
        ({ total, estimated, hits } = await keywordPage(engines, node, filters, request.sort, trending, request.limit, offset));
      } else {
        const semanticList = await semanticRanking(node, filters, request.mode === 'semantic' ? offset + request.limit : HYBRID_DEPTH);
        let ranked = semanticList;
        if (request.mode === 'hybrid') {
          const keyword = await keywordRanking(engines, node, filters, 'relevance', undefined, HYBRID_DEPTH, 0);
          const keywordList = keyword.hits.map((hit) => ({ key: hit.rowid, score: hit.score }));
          ranked = (deps.fusion ?? 'z') === 'rrf' ? rrf([keywordList, semanticList]) : zFusion([keywordList, semanticList]);
        }
        // In relevance order only the page's papers are read (reading all 400 fused ones took
        // longer than the rest of a hybrid search at 1M); date and trending order need them all.
        const reordered = request.sort !== 'relevance';
        const read = reordered ? ranked : ranked.slice(offset, offset + request.limit);
        const papers = await deps.store.papersByRowids(read.map((item) => item.key));
        const found = read.flatMap((item) => papers.has(item.key) ? [{ paper: papers.get(item.key)!, score: item.score }] : []);
        resort(found, request.sort, trending);
        total = reordered ? found.length : ranked.length;
        hits = reordered ? found.slice(offset, offset + request.limit) : found;
      }
      const snippetOf = highlighter(highlightTerms(node));
      const items: SearchHit[] = hits.map(({ paper, score }) => ({ paper, score: round(score), snippet: snippetOf(paper) }));
      const next = offset + items.length;
      return { total, items, ...(estimated && { totalEstimated: true }), ...(next < total && items.length > 0 && { nextCursor: encodeCursor(next) }) };
    },

    async similar(id, options) {
      return similarPapers(await loadSemantic(), id, options);
    },

    async warm() {
      await engines.memory?.build();
    },

    refresh() {
      replica.refresh();
    },

    close() {
      engines.memory?.close();
    },

    async vectors() {
      try {
        return (await loadSemantic()).index;
      } catch (error) {
        if (error instanceof PaperfeedError && error.code === 'conflict') return undefined;
        throw error;
      }
    },
  };
}

/**
 * A plain list of at least this many words reads as a description ("papers about …") rather
 * than a conjunction: requiring every word would drop most relevant papers (measured on CACM,
 * docs/search.md), so papers with any of them are ranked by BM25.
 */
export const DESCRIPTION_WORDS = 4;

/** The keyword rankers: FTS5 always, and the in-memory index when there is one. */
export interface KeywordEngines {
  store: SearchStore;
  memory?: KeywordEngine;
}

/** A page of keyword matches; `estimated` when the total is an estimate (beyond EXACT_TOTAL). */
export interface KeywordPage {
  total: number;
  estimated: boolean;
  hits: StoredHit[];
}

/**
 * One page of keyword results. A short plain list of words that too few papers match in full
 * is followed by the papers that match some of the words (relevance order only); a long one
 * ranks papers with any of the words.
 */
export async function keywordPage(
  engines: KeywordEngines, node: QueryNode | undefined, filters: StoreFilters, sort: SearchSort,
  trending: ReadonlyMap<string, number> | undefined, limit: number, offset: number,
): Promise<KeywordPage> {
  const ranking = await keywordRanking(engines, node, filters, sort, trending, limit, offset);
  const papers = await engines.store.papersByRowids(ranking.hits.map((hit) => hit.rowid));
  // A paper deleted since the index caught up is left out rather than shown empty.
  return { ...ranking, hits: ranking.hits.flatMap((hit) => papers.has(hit.rowid) ? [{ ...hit, paper: papers.get(hit.rowid)! }] : []) };
}

/** What {@link keywordPage} shows, as rowids and scores (before its papers are read). */
async function keywordRanking(
  engines: KeywordEngines, node: QueryNode | undefined, filters: StoreFilters, sort: SearchSort,
  trending: ReadonlyMap<string, number> | undefined, limit: number, offset: number,
): Promise<KeywordTopK> {
  const page = (query: QueryNode | undefined, pageOffset: number, pageLimit: number) =>
    matchRanking(engines, query, filters, sort, trending, pageLimit, pageOffset);
  const loose = node && looseQuery(node);
  if (loose && loose.words >= DESCRIPTION_WORDS) return page(loose.anyWord, offset, limit);
  const strict = await page(node, offset, limit);
  if (!loose || sort !== 'relevance' || strict.total >= offset + limit) return strict;
  const rest = await page(loose.some, Math.max(0, offset - strict.total), limit - strict.hits.length);
  return { total: strict.total + rest.total, estimated: strict.estimated || rest.estimated, hits: [...strict.hits, ...rest.hits] };
}

/**
 * One page of matches. Relevance order without filters comes from the in-memory index when it
 * can answer the query (the same matches, a better-measured BM25, without scoring every match),
 * with the store confirming phrases; `abs:`/`cat:` fields, filters, and date or trending order
 * come from FTS5.
 */
async function matchRanking(
  engines: KeywordEngines, node: QueryNode | undefined, filters: StoreFilters, order: SearchSort,
  trending: ReadonlyMap<string, number> | undefined, limit: number, offset: number,
): Promise<KeywordTopK> {
  const plan = engines.memory && node && order === 'relevance' && !hasFilters(filters) ? planOf(node) : undefined;
  const top = plan && await (plan.verify ? verifiedTop(engines.memory!, engines.store, node!, plan, offset + limit) : engines.memory!.search(plan, offset + limit));
  if (top) return { total: top.total, estimated: top.estimated, hits: top.hits.slice(offset, offset + limit) };
  const stored = await engines.store.keywordSearch({ filters, order, limit, offset, query: node, ...(trending && { trending }) });
  return { total: stored.total, estimated: false, hits: stored.hits.map(({ rowid, score }) => ({ rowid, score })) };
}

/**
 * Past this many candidates a phrase's words say too little about the phrase, and FTS5 answers.
 * Each candidate costs the store a lookup (about 0.1 ms with FTS5 at 1M papers), so rounds are
 * sized to need few of them.
 */
const VERIFY_MAX = 25_600;
/** A phrase whose words this few papers have is checked in every one of them, so its total is exact. */
const VERIFY_ALL = 200;
/**
 * Below this share of candidates kept, a round is sized as if this many were: a phrase rarer
 * among the papers with its words reaches VERIFY_MAX in a few rounds rather than many.
 */
const LEAST_SHARE = 1 / 16;

/**
 * The top `k` for a query with phrases: the index ranks the papers with the phrases' words by
 * their BM25, and the store keeps those with the phrases, round after round, until `k` are
 * kept. The first round checks a quarter more than `k`, and 10 more: the words of a phrase
 * are mostly adjacent in papers that have them all (75 % to 98 % for three common phrases at
 * 1M papers), so it usually keeps `k`. A further round checks as many more as the share kept
 * so far says are needed, a quarter more again, and at least doubles the depth. The total is
 * exact when every paper with the words was checked (always, when VERIFY_ALL or fewer have
 * them); otherwise it is the words' total times the share kept (`estimated`). Undefined when
 * FTS5 must answer (the index is not built, or too few papers with the words have the phrase).
 */
async function verifiedTop(memory: KeywordEngine, store: SearchStore, node: QueryNode, plan: KeywordPlan, k: number): Promise<KeywordTopK | undefined> {
  const kept: KeywordTopK['hits'] = [];
  let checked = 0;
  for (let depth = Math.min(VERIFY_MAX, Math.ceil(1.25 * k) + 10); ; ) {
    const top = await memory.search(plan, Math.max(depth, VERIFY_ALL));
    if (!top) return undefined;
    const every = !top.estimated && top.total <= top.hits.length;
    const candidates = top.hits.slice(checked, every ? top.hits.length : depth);
    const matching = await store.matchingRowids(node, candidates.map((hit) => hit.rowid));
    kept.push(...candidates.filter((hit) => matching.has(hit.rowid)));
    checked += candidates.length;
    if (every) return { total: kept.length, estimated: false, hits: kept.slice(0, k) };
    if (kept.length >= k) return { total: Math.max(kept.length, Math.round((top.total * kept.length) / checked)), estimated: true, hits: kept.slice(0, k) };
    if (depth >= VERIFY_MAX) return undefined;
    const share = Math.max(LEAST_SHARE, kept.length / checked);
    depth = Math.min(VERIFY_MAX, Math.max(2 * depth, checked + Math.ceil((1.25 * (k - kept.length)) / share) + 10));
  }
}

function check(query: SearchQuery): Checked {
  const parsed = Request.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PaperfeedError('bad_input', `${issue.path.join('.') || 'query'}: ${issue.message}`, { field: issue.path.join('.') });
}

function hasFilters(filters: StoreFilters): boolean {
  return !!(filters.categories || filters.from || filters.toExclusive || filters.hasCode);
}

function resort(list: { paper: Paper; score: number }[], sort: SearchSort, trending: ReadonlyMap<string, number> | undefined): void {
  if (sort === 'date') list.sort((a, b) => b.paper.published.localeCompare(a.paper.published));
  if (sort === 'trending') list.sort((a, b) => (trending?.get(b.paper.id) ?? 0) - (trending?.get(a.paper.id) ?? 0) || b.score - a.score);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o: unknown };
    if (Number.isInteger(o) && (o as number) >= 0 && (o as number) <= 10_000) return o as number;
  } catch {
    // fall through to the error below
  }
  throw new PaperfeedError('bad_input', 'cursor: not a cursor this server gave (use nextCursor from the previous page)', { field: 'cursor' });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
