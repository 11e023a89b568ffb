import type { Paper } from '../catalog/paper.js';
import type { CatalogStore } from '../catalog/store.js';
import type { SearchQuery, SearchResult } from '../search/types.js';
import type { TrendingStore } from '../trending/trending.js';

/** Orders of a day's featured papers: most upvoted first, or newest first. */
export type FeaturedSort = 'upvotes' | 'published';

/** One observation of a paper's attention, for its history sparkline. */
export interface SignalPoint {
  kind: string;
  observedAt: string;
  value: number;
}

/** The latest observed counts of a paper; null when never observed. */
export interface PaperCounts {
  upvotes: number | null;
  comments: number | null;
  githubStars: number | null;
  /** Upvotes standing on paperfeed itself (Hugging Face's are `upvotes`). */
  votes: number;
}

/** The reads the web needs beyond the catalog port. Dates are ISO 8601; ranges are [start, end). */
export interface WebStore {
  /** Changes whenever papers or signals change; keys caches and ETags. */
  dataVersion(): Promise<string>;
  featured(start: string, end: string, sort: FeaturedSort, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }>;
  /** The nearest featuring before `start` and at or after `end`, for previous/next links. */
  featuredAround(start: string, end: string): Promise<{ before?: string; after?: string }>;
  newestFeatured(): Promise<string | undefined>;
  signalsOf(paperId: string): Promise<SignalPoint[]>;
  latestCounts(paperIds: readonly string[]): Promise<Map<string, PaperCounts>>;
  papersInCategory(category: string, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }>;
  categories(): Promise<{ category: string; papers: number }[]>;
  /** Papers with an author of this name (case and accents folded), newest first. */
  papersByAuthor(name: string): Promise<Paper[]>;
}

/**
 * The search subsystem as the web uses it: its `SearchService` plus similar papers, which
 * `App.search` provides.
 */
export interface SearchPort {
  search(query: SearchQuery): Promise<SearchResult>;
  similar(id: string, options: { limit: number }): Promise<{ paper: Paper; score: number }[]>;
}

/** What a rate limiter answers for one request. */
export interface RateDecision {
  allowed: boolean;
  /** Seconds until the next request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
  remaining: number;
  limit: number;
}

/**
 * Counts requests per key (a client address). A port, so that several server nodes can later
 * share one limiter (e.g. in Redis or PostgreSQL) instead of each keeping its own.
 */
export interface RateLimiter {
  hit(key: string, now: Date): Promise<RateDecision>;
}

/** Everything the web reads and calls, wired by `createApp`. */
export interface WebDeps {
  catalog: Pick<CatalogStore, 'getPapers' | 'resolveAlias' | 'countPapers'>;
  trending: TrendingStore;
  web: WebStore;
  search: SearchPort;
}
