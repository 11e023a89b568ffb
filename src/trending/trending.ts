import { rankTrending, windowEnd, windowStart, type TrendingItem, type TrendingInput, type TrendingWindow } from './score.js';

/** The store as trending needs it. */
export interface TrendingStore {
  /**
   * Inputs for papers with attention in the window: external signals in (start, end], and our
   * votes cast after `start` that still stand at `votesUntil` (now, which is never before `end`).
   */
  trendingInputs(start: string, end: string, votesUntil: string): Promise<TrendingInput[]>;
  /** The time of the newest external signal or featuring, if any (our votes are always now). */
  newestActivity(): Promise<string | undefined>;
}

export interface TrendingResult {
  window: TrendingWindow;
  start: string;
  end: string;
  items: TrendingItem[];
}

/** Ranks what is trending in a window ending now, or at the newest data if that is older. */
export async function trending(store: TrendingStore, window: TrendingWindow, now: Date, limit: number): Promise<TrendingResult> {
  const end = windowEnd(now, await store.newestActivity());
  const start = windowStart(window, end);
  const inputs = await store.trendingInputs(start.toISOString(), end.toISOString(), new Date(Math.max(now.getTime(), end.getTime())).toISOString());
  return { window, start: start.toISOString(), end: end.toISOString(), items: rankTrending(inputs, window, end).slice(0, limit) };
}
