import { rankTrending, windowEnd, windowStart, type TrendingItem, type TrendingInput, type TrendingWindow } from './score.js';

/** The store as trending needs it. */
export interface TrendingStore {
  /** Inputs for papers with attention in (start, end]. */
  trendingInputs(start: string, end: string): Promise<TrendingInput[]>;
  /** The time of the newest signal or featuring, if any. */
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
  const inputs = await store.trendingInputs(start.toISOString(), end.toISOString());
  return { window, start: start.toISOString(), end: end.toISOString(), items: rankTrending(inputs, window, end).slice(0, limit) };
}
