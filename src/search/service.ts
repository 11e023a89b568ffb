/**
 * The search use case: checks a request once, parses the query, and ranks by keyword, by
 * embedding, or by both fused. See {@link SearchService} for the contract.
 */
import { z } from 'zod';
import { PaperfeedError } from '../errors.js';
import type { Paper } from '../catalog/paper.js';
import { loadLsaEmbedder } from './embeddings.js';
import { rrf, zFusion, type Scored } from './fusion.js';
import { embedLsa } from './lsa.js';
import { highlightTerms, looseFts, parseQuery, semanticText, toFts, withoutStopWords, type QueryNode } from './query.js';
import { similarPapers, type ScoredPaper, type SimilarDeps } from './similar.js';
import { snippet } from './snippet.js';
import type { EmbeddingStore, SearchStore, StoreFilters, StoredHit } from './store.js';
import type { SearchHit, SearchQuery, SearchResult, SearchService, SearchSort } from './types.js';
import { buildVectorIndex, type VectorIndex } from './vectors.js';

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
  embeddings: EmbeddingStore;
  /** Trending scores by paper id, for `sort: 'trending'`. */
  trendingScores: () => Promise<Map<string, number>>;
  fusion?: Fusion;
}

/** The search service, with similar-paper lookup beside it. */
export interface Search extends SearchService {
  /** Papers most similar to `id` (excluding itself), or `candidateIds` ranked against it. */
  similar(id: string, options: { limit: number; candidateIds?: readonly string[] }): Promise<ScoredPaper[]>;
  /** Forgets the loaded model and vectors, so the next query reads the newest ones. */
  refresh(): void;
  /** Every paper's embedding by rowid (the semantic index), or undefined before `paperfeed embed`. */
  vectors(): Promise<VectorIndex | undefined>;
}

/** Creates the search service over its ports. Embeddings are loaded on first semantic use. */
export function createSearch(deps: SearchDeps): Search {
  let semantic: Promise<SimilarDeps & { embedderId: string }> | undefined;

  const loadSemantic = () => (semantic ??= (async () => {
    const embedder = await loadLsaEmbedder(deps.embeddings);
    if (!embedder) throw new PaperfeedError('conflict', 'semantic search needs embeddings: run "paperfeed embed" first');
    const { rowids, vectors, dims } = await deps.embeddings.embeddings(embedder.id);
    if (rowids.length === 0) throw new PaperfeedError('conflict', 'semantic search needs embeddings: run "paperfeed embed" first');
    return { store: deps.store, model: embedder.model, index: buildVectorIndex(rowids, vectors, dims), embedderId: embedder.id };
  })().catch((error: unknown) => { semantic = undefined; throw error; }));

  const semanticRanking = async (node: QueryNode, filters: StoreFilters, depth: number): Promise<Scored<number>[]> => {
    const { model, index } = await loadSemantic();
    const text = semanticText(node);
    if (!text) return [];
    const filtered = hasFilters(filters) ? new Set(await deps.store.filteredRowids(filters)) : undefined;
    return index.search(embedLsa(model, text), depth, filtered).map((match) => ({ key: match.key, score: match.score }));
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
      let hits: { paper: Paper; score: number }[];
      if (!node || request.mode === 'keyword') {
        ({ total, hits } = await keywordPage(deps.store, node, filters, request.sort, trending, request.limit, offset));
      } else {
        const semanticList = await semanticRanking(node, filters, request.mode === 'semantic' ? offset + request.limit : HYBRID_DEPTH);
        let ranked = semanticList;
        if (request.mode === 'hybrid') {
          const keyword = await keywordPage(deps.store, node, filters, 'relevance', undefined, HYBRID_DEPTH, 0);
          const keywordList = keyword.hits.map((hit) => ({ key: hit.rowid, score: hit.score }));
          ranked = (deps.fusion ?? 'z') === 'rrf' ? rrf([keywordList, semanticList]) : zFusion([keywordList, semanticList]);
        }
        const papers = await deps.store.papersByRowids(ranked.map((item) => item.key));
        const all = ranked.flatMap((item) => papers.has(item.key) ? [{ paper: papers.get(item.key)!, score: item.score }] : []);
        resort(all, request.sort, trending);
        total = all.length;
        hits = all.slice(offset, offset + request.limit);
      }
      const terms = highlightTerms(node);
      const items: SearchHit[] = hits.map(({ paper, score }) => ({ paper, score: round(score), snippet: snippet(paper, terms) }));
      const next = offset + items.length;
      return { total, items, ...(next < total && items.length > 0 && { nextCursor: encodeCursor(next) }) };
    },

    async similar(id, options) {
      return similarPapers(await loadSemantic(), id, options);
    },

    refresh() {
      semantic = undefined;
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

/**
 * One page of keyword results. A short plain list of words that too few papers match in full
 * is followed by the papers that match some of the words (relevance order only); a long one
 * ranks papers with any of the words.
 */
export async function keywordPage(
  store: SearchStore, node: QueryNode | undefined, filters: StoreFilters, sort: SearchSort,
  trending: ReadonlyMap<string, number> | undefined, limit: number, offset: number,
): Promise<{ total: number; hits: StoredHit[] }> {
  const base = { filters, order: sort, limit, ...(trending && { trending }) };
  const loose = node && looseFts(node);
  if (loose && loose.words >= DESCRIPTION_WORDS) return store.keywordSearch({ ...base, match: loose.any, offset });
  const strict = await store.keywordSearch({ ...base, match: node && toFts(node), offset });
  if (!loose || sort !== 'relevance' || strict.total >= offset + limit) return strict;
  const rest = await store.keywordSearch({ ...base, match: loose.some, offset: Math.max(0, offset - strict.total), limit: limit - strict.hits.length });
  return { total: strict.total + rest.total, hits: [...strict.hits, ...rest.hits] };
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
