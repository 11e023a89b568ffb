/**
 * Builds the candidate pool of one run: recent papers, the trending ranking and follow matches,
 * each read once and shared by every subscriber of that run.
 */
import { followKey, type Follow } from '../follows/follow.js';
import { trending, type TrendingStore } from '../trending/trending.js';
import { windowEnd } from '../trending/score.js';
import { matchFieldFollow, type DigestPaper, type DigestPool } from './compose.js';
import type { DigestCatalog, TopicSearch } from './store.js';
import type { Preferences } from './subscription.js';

/**
 * How far back a digest looks for new papers. A little more than the period, because arXiv
 * announces papers a day or more after submission; papers already sent are never repeated anyway.
 */
const LOOKBACK_DAYS: Record<Preferences['frequency'], number> = { daily: 2, weekly: 8 };
const TRENDING_WINDOW = { daily: 'today', weekly: 'week' } as const;
/** Caps that keep a run's memory flat however large the catalog is. */
const MAX_RECENT = 20_000;
const MAX_RANKED = 500;

/** A pool plus the way to add follow matches to it, memoised for the run. */
export interface RunPool {
  pool: DigestPool;
  /** Makes sure the pool has the matches of these follows. */
  addFollows(follows: readonly Follow[]): Promise<void>;
}

/**
 * Reads a pool for one frequency as of `now`. Windows end now, or at the newest paper when the
 * catalog is older than now (as with the shipped sample).
 */
export async function loadPool(
  { catalog, topics, trending: trendingStore }: { catalog: DigestCatalog; topics: TopicSearch; trending: TrendingStore },
  frequency: Preferences['frequency'], now: Date): Promise<RunPool> {
  const end = windowEnd(now, await catalog.newestPaper());
  const start = new Date(end.getTime() - LOOKBACK_DAYS[frequency] * 86_400_000);
  const [recentPapers, ranked] = await Promise.all([
    catalog.recentPapers(start.toISOString(), end.toISOString(), MAX_RECENT),
    trending(trendingStore, TRENDING_WINDOW[frequency], now, MAX_RANKED),
  ]);
  const papers = new Map<string, DigestPaper>(recentPapers.map((paper) => [paper.id, paper]));
  const missing = ranked.items.map((item) => item.paperId).filter((id) => !papers.has(id));
  for (const paper of await catalog.digestPapers(missing)) papers.set(paper.id, paper);
  const recent = recentPapers.map((paper) => paper.id);
  const matches = new Map<string, readonly string[]>();
  const pending = new Map<string, Promise<void>>();

  let byAuthor: Map<string, string[]> | undefined;
  /**
   * Recent papers by author follow key, newest first. Built on the first author follow: a run has
   * hundreds of those, and folding every author of every recent paper again for each cost seconds.
   */
  const authorMatches = (follow: Follow): readonly string[] => {
    if (!byAuthor) {
      byAuthor = new Map();
      for (const id of recent) {
        for (const key of new Set(papers.get(id)!.authors.map((name) => followKey({ kind: 'author', name })))) {
          const ids = byAuthor.get(key);
          if (ids) ids.push(id);
          else byAuthor.set(key, [id]);
        }
      }
    }
    return byAuthor.get(followKey(follow)) ?? [];
  };

  const match = async (follow: Follow): Promise<void> => {
    const ids = follow.kind === 'topic'
      ? await topics.matchTopic(follow.query, start.toISOString(), end.toISOString(), MAX_RANKED)
      : follow.kind === 'author' ? authorMatches(follow) : matchFieldFollow(follow, papers, recent);
    matches.set(followKey(follow), ids.filter((id) => papers.has(id)));
  };

  return {
    pool: { papers, recent, trending: ranked.items.map((item) => item.paperId).filter((id) => papers.has(id)), matches },
    async addFollows(follows) {
      await Promise.all(follows.map((follow) => {
        const key = followKey(follow);
        if (matches.has(key)) return undefined;
        let work = pending.get(key);
        if (!work) {
          work = match(follow);
          pending.set(key, work);
        }
        return work;
      }));
    },
  };
}
