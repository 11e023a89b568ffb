import type { Paper } from '../catalog/paper.js';
import { parseArxivId } from '../catalog/ids.js';
import { PaperfeedError } from '../errors.js';
import type { TrendingItem, TrendingWindow } from '../trending/score.js';
import { trending } from '../trending/trending.js';
import { VersionedCache } from './cache.js';
import type { SearchQuery, SearchResult } from '../search/types.js';
import type { PaperCounts, SignalPoint, WebDeps } from './ports.js';

/** A trending entry with its paper and latest counts. */
export interface TrendingEntry {
  rank: number;
  paper: Paper;
  item: TrendingItem;
  counts: PaperCounts | undefined;
}

export interface TrendingView {
  window: TrendingWindow;
  start: string;
  end: string;
  entries: TrendingEntry[];
}

/** How many papers a trending list holds; the paper page looks its rank up in these. */
const TRENDING_DEPTH = 500;

/**
 * The web's use cases over its ports, with caches keyed by the data version: routes for
 * pages, the API and feeds all read through here, so they show the same data.
 */
export class Site {
  private readonly trendingCache = new VersionedCache<TrendingView>(16);
  private readonly similarCache = new VersionedCache<{ paper: Paper; score: number }[]>(2000);
  private readonly listCache = new VersionedCache<unknown>(256);
  private readonly searchCache = new VersionedCache<SearchResult>(1000);
  private seen = { version: '', at: new Date(0) };

  constructor(readonly deps: WebDeps, readonly now: () => Date) {}

  /** The current data version; also notes when this process first saw it, for Last-Modified. */
  async version(): Promise<string> {
    const version = await this.deps.web.dataVersion();
    if (version !== this.seen.version) this.seen = { version, at: new Date(Math.floor(this.now().getTime() / 1000) * 1000) };
    return version;
  }

  /** When the data last changed, as far as this process knows. */
  lastModified(): Date {
    return this.seen.at;
  }

  /**
   * A trending list. Windows ending now move with the clock, so results are cached per minute
   * as well as per data version.
   */
  async trending(window: TrendingWindow): Promise<TrendingView> {
    const now = this.now();
    const minute = Math.floor(now.getTime() / 60_000);
    return this.trendingCache.get(await this.version(), `${window}:${minute}`, async () => {
      const result = await trending(this.deps.trending, window, new Date(minute * 60_000), TRENDING_DEPTH);
      const ids = result.items.map((item) => item.paperId);
      const [papers, counts] = await Promise.all([this.deps.catalog.getPapers(ids), this.deps.web.latestCounts(ids)]);
      const entries = result.items.flatMap((item) => {
        const paper = papers.get(item.paperId);
        return paper ? [{ paper, item, counts: counts.get(item.paperId) }] : [];
      });
      return { window, start: result.start, end: result.end, entries: entries.map((entry, index) => ({ ...entry, rank: index + 1 })) };
    });
  }

  /**
   * A paper by id. A versioned id (`2501.00001v2`) or an alias of a merged listing paper
   * resolves to the canonical id, which callers redirect to.
   */
  async paper(rawId: string): Promise<{ paper: Paper } | { canonicalId: string }> {
    const parsed = rawId.startsWith('pf:') ? { id: rawId } : parseArxivId(rawId);
    if (!parsed) throw new PaperfeedError('bad_input', `"${rawId}" is not an arXiv id`);
    if (parsed.id !== rawId) return { canonicalId: parsed.id };
    const paper = (await this.deps.catalog.getPapers([parsed.id])).get(parsed.id);
    if (paper) return { paper };
    const alias = await this.deps.catalog.resolveAlias(parsed.id);
    if (alias) return { canonicalId: alias };
    throw new PaperfeedError('not_found', `no paper ${parsed.id} in this catalog`);
  }

  /** A paper that must exist under exactly this id (for the APIs, which do not redirect). */
  async requirePaper(id: string): Promise<Paper> {
    const found = await this.paper(id);
    if ('paper' in found) return found.paper;
    throw new PaperfeedError('not_found', `no paper ${id}; did you mean ${found.canonicalId}?`, { canonicalId: found.canonicalId });
  }

  async counts(ids: readonly string[]): Promise<Map<string, PaperCounts>> {
    return this.deps.web.latestCounts(ids);
  }

  async signals(id: string): Promise<SignalPoint[]> {
    return this.deps.web.signalsOf(id);
  }

  /** Where a paper stands in each trending window it appears in. */
  async trendingOf(id: string): Promise<(TrendingEntry & { window: TrendingWindow })[]> {
    const views = await Promise.all((['today', 'week', 'month'] as const).map((window) => this.trending(window)));
    return views.flatMap((view) => view.entries.filter((entry) => entry.paper.id === id).map((entry) => ({ ...entry, window: view.window })));
  }

  /**
   * Similar papers from the search service. Until embeddings are built (`paperfeed embed`) the
   * service reports a conflict; a paper page then shows no similar papers rather than failing.
   */
  async similar(id: string, limit: number): Promise<{ paper: Paper; score: number }[]> {
    return this.similarCache.get(await this.version(), `${id}:${limit}`, async () => {
      try {
        return await this.deps.search.similar(id, { limit });
      } catch (error) {
        if (error instanceof PaperfeedError && error.code === 'conflict') return [];
        throw error;
      }
    });
  }

  /** Runs a search; popular queries repeat, so results are cached until the data changes. */
  async search(query: SearchQuery): Promise<SearchResult> {
    return this.searchCache.get(await this.version(), JSON.stringify(query), () => this.deps.search.search(query));
  }

  /** Reads through the version-keyed list cache, for lists that are costly to gather. */
  async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    return this.listCache.get(await this.version(), key, compute) as Promise<T>;
  }

  /** An author's papers, newest first (the whole list; callers page it). */
  async authorPapers(name: string): Promise<Paper[]> {
    return this.cached(`author:${name}`, () => this.deps.web.papersByAuthor(name));
  }

  async categories(): Promise<{ category: string; papers: number }[]> {
    return this.cached('categories', () => this.deps.web.categories());
  }
}
