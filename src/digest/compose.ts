/**
 * Digest selection: which papers one subscriber gets for one period. A pure function of the
 * subscriber's preferences, the candidate pool (built once per run from the catalog and trending)
 * and what was already sent to them.
 */
import { followKey, followReason, matchesFieldFollow, type Follow } from '../follows/follow.js';
import type { Preferences } from './subscription.js';

/** What a digest shows of a paper. */
export interface DigestPaper {
  id: string;
  title: string;
  authors: string[];
  abstract: string;
  categories: string[];
  codeUrl?: string;
  /** Latest observed upvotes, 0 when never observed. */
  upvotes: number;
}

/**
 * The candidates of one run for one frequency: recent papers, the trending ranking, and the ranked
 * matches of every follow anyone has. Follows shared by many subscribers are matched once.
 */
export interface DigestPool {
  papers: ReadonlyMap<string, DigestPaper>;
  /** Papers that entered attention in the lookback window, newest first. */
  recent: readonly string[];
  /** Ids ranked by trending score, best first. */
  trending: readonly string[];
  /** Ranked ids per {@link followKey}. */
  matches: ReadonlyMap<string, readonly string[]>;
}

/** One paper of a digest and why it was picked. */
export interface DigestItem {
  paper: DigestPaper;
  reasons: string[];
}

/** Reciprocal rank fusion's constant: large enough that one list's top does not drown the others. */
const RRF_K = 60;
/** How deep into each list, in multiples of the digest size, fusion looks. */
const DEPTH = 4;

/**
 * Picks up to `prefs.size` papers: the trending list (if chosen) and each follow's matches are
 * fused by reciprocal rank, so a paper both trending and on-topic rises; papers already sent to
 * this subscriber are never picked again. An empty result means no email.
 *
 * @example composeDigest(prefs, pool, new Set(['2611.00001'])) // → [{ paper, reasons: ['trending'] }, …]
 */
export function composeDigest(prefs: Pick<Preferences, 'size' | 'trending' | 'follows'>, pool: DigestPool, alreadySent: ReadonlySet<string>): DigestItem[] {
  const lists: { reason: string; ids: readonly string[] }[] = [];
  if (prefs.trending) lists.push({ reason: 'trending', ids: pool.trending });
  for (const follow of prefs.follows) lists.push({ reason: followReason(follow), ids: pool.matches.get(followKey(follow)) ?? [] });

  const fused = new Map<string, { score: number; reasons: string[] }>();
  for (const { reason, ids } of lists) {
    let rank = 0;
    for (const id of ids) {
      if (alreadySent.has(id) || !pool.papers.has(id)) continue;
      rank += 1;
      const entry = fused.get(id) ?? { score: 0, reasons: [] };
      entry.score += 1 / (RRF_K + rank);
      if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
      fused.set(id, entry);
      // Each list contributes its best few: this bounds the work per subscriber, and a paper
      // ranked lower than that in every list it is in would not make the digest anyway.
      if (rank >= prefs.size * DEPTH) break;
    }
  }
  return [...fused.entries()]
    .sort(([a, x], [b, y]) => y.score - x.score || a.localeCompare(b))
    .slice(0, prefs.size)
    .map(([id, { reasons }]) => ({ paper: pool.papers.get(id)!, reasons }));
}

/**
 * The ranked matches of a category or author follow among the pool's recent papers, newest
 * first. Topics are matched by the full-text index instead.
 */
export function matchFieldFollow(follow: Exclude<Follow, { kind: 'topic' }>, papers: ReadonlyMap<string, DigestPaper>, recent: readonly string[]): string[] {
  return recent.filter((id) => matchesFieldFollow(papers.get(id)!, follow));
}
