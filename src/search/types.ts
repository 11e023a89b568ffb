/**
 * The search API the web layer and the CLI call. Keep it stable: `SearchService.search` is the one
 * entry point, documented in docs/search.md.
 *
 * @example
 * const { total, items, nextCursor } = await app.search.search({ text: '"block diffusion" -video', filters: { categories: ['cs.CL'] }, sort: 'relevance', limit: 20 });
 */
import type { Paper } from '../catalog/paper.js';

/** How results are ordered. `trending` orders by the trending score of the past week, then relevance. */
export type SearchSort = 'relevance' | 'date' | 'trending';

/**
 * Which engines rank: `keyword` (BM25 over the full-text index), `semantic` (embedding
 * similarity), or `hybrid` (both, fused). Defaults to `keyword`, which needs no embeddings.
 */
export type SearchMode = 'keyword' | 'semantic' | 'hybrid';

/** Filters, applied before ranking so a page is never short because of them. */
export interface SearchFilters {
  /** Any of these categories: exact (`cs.CL`) or a whole archive (`cs`). */
  categories?: string[];
  /** Published on or after this day (YYYY-MM-DD or ISO date-time). */
  from?: string;
  /** Published on or before this day (inclusive). */
  to?: string;
  /** Only papers with a code repository. */
  hasCode?: boolean;
}

/** One search request. Unknown or wrong input is a `PaperfeedError('bad_input')`, never a crash. */
export interface SearchQuery {
  /**
   * The query: words (all must match; when fewer than a page do, papers matching some of them
   * follow), `"phrases"`, `prefix*`, `-excluded`, `a OR b`, `( groups )`, and fields `ti:`, `au:`,
   * `abs:`, `cat:`. Empty text lists the papers the filters select.
   */
  text: string;
  filters?: SearchFilters;
  /** Default `relevance`. */
  sort?: SearchSort;
  /** 1–100, default 20. */
  limit?: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
  mode?: SearchMode;
}

/** A piece of text; `match` pieces are what to highlight (e.g. with `<mark>`). Not escaped. */
export interface Segment {
  text: string;
  match: boolean;
}

/** The title, and the abstract's best passage, split into highlighted and plain segments. */
export interface Snippet {
  title: Segment[];
  abstract: Segment[];
}

export interface SearchHit {
  paper: Paper;
  /** Higher is better; comparable only within one result list. */
  score: number;
  snippet: Snippet;
}

export interface SearchResult {
  /** How many papers match in all (for keyword mode; semantic mode counts the filtered catalog). */
  total: number;
  /**
   * Set when `total` is an estimate: common words are counted exactly up to 1,000 matches
   * only, and estimated beyond ("about N").
   */
  totalEstimated?: true;
  items: SearchHit[];
  /** Present when there is a next page. */
  nextCursor?: string;
}

/** What the web layer calls. */
export interface SearchService {
  search(query: SearchQuery): Promise<SearchResult>;
}
