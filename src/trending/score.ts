/**
 * The trending score: attention gained inside a window, decayed by age. Documented in
 * docs/trending.md; pure, with the window's end passed in.
 */

export type TrendingWindow = 'today' | 'week' | 'month';

export const WINDOWS: Record<TrendingWindow, { days: number; halfLifeHours: number }> = {
  today: { days: 1, halfLifeHours: 24 },
  week: { days: 7, halfLifeHours: 84 },
  month: { days: 30, halfLifeHours: 360 },
};

/** Points per unit of each kind of attention. */
export const WEIGHTS = { ourVote: 1, externalUpvote: 1 } as const;

/** What the score needs to know about one paper, as of the window's end. */
export interface TrendingInput {
  paperId: string;
  /** When the paper entered attention: featured on a daily list, else published. */
  since: string;
  /** Our upvotes cast inside the window (net of undone ones). */
  ourVotes: number;
  /** The latest external (Hugging Face) upvote count observed by the window's end. */
  externalLatest: number;
  /** The latest external count observed before the window started; 0 when first seen inside it. */
  externalBefore: number;
}

/** Each term of the score, so a page can say why a paper is trending. */
export interface TrendingBreakdown {
  ourVotes: number;
  externalGrowth: number;
  points: number;
  ageHours: number;
  halfLifeHours: number;
  decay: number;
}

export interface TrendingItem {
  paperId: string;
  score: number;
  breakdown: TrendingBreakdown;
}

/**
 * Scores and ranks papers for a window ending at `end`:
 * `score = points × 0.5^(age / halfLife)`, where `points = ourVotes × 1 + externalGrowth × 1`,
 * `externalGrowth` = upvotes gained on Hugging Face inside the window, and age = hours from when
 * the paper entered attention to the window's end. Ties break by id, so the order is deterministic.
 */
export function rankTrending(inputs: readonly TrendingInput[], window: TrendingWindow, end: Date): TrendingItem[] {
  const { halfLifeHours } = WINDOWS[window];
  const items: TrendingItem[] = [];
  for (const input of inputs) {
    const externalGrowth = Math.max(0, input.externalLatest - input.externalBefore);
    const points = input.ourVotes * WEIGHTS.ourVote + externalGrowth * WEIGHTS.externalUpvote;
    if (points <= 0) continue;
    const ageHours = Math.max(0, (end.getTime() - Date.parse(input.since)) / 3_600_000);
    const decay = Math.pow(0.5, ageHours / halfLifeHours);
    items.push({
      paperId: input.paperId,
      score: round(points * decay),
      breakdown: { ourVotes: input.ourVotes, externalGrowth, points, ageHours: round(ageHours), halfLifeHours, decay: round(decay) },
    });
  }
  return items.sort((a, b) => b.score - a.score || a.paperId.localeCompare(b.paperId));
}

/** The window's start for an end. */
export function windowStart(window: TrendingWindow, end: Date): Date {
  return new Date(end.getTime() - WINDOWS[window].days * 86_400_000);
}

/**
 * Where windows end: now, or the newest activity when the data is older than now (as with the
 * shipped sample), so trending is never empty for old data.
 */
export function windowEnd(now: Date, newestActivity: string | undefined): Date {
  if (!newestActivity) return now;
  const newest = new Date(Date.parse(newestActivity) + 86_400_000 - 1);
  return newest < now ? newest : now;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
