/** Rank fusion: pure functions from several scored lists to one. */

export interface Scored<K> {
  key: K;
  score: number;
}

/**
 * Reciprocal rank fusion (Cormack et al. 2009): each list adds `1 / (k + rank)`. Needs no
 * calibration, and a paper missing from a list simply gets nothing from it.
 */
export function rrf<K>(lists: readonly (readonly Scored<K>[])[], k = 60): Scored<K>[] {
  const fused = new Map<K, number>();
  for (const list of lists) list.forEach((item, rank) => fused.set(item.key, (fused.get(item.key) ?? 0) + 1 / (k + rank + 1)));
  return sortScored(fused);
}

/**
 * z-score fusion: each list's scores are standardised (mean 0, deviation 1) over the list, then
 * summed with weights. Keys missing from a list get that list's minimum.
 */
export function zFusion<K>(lists: readonly (readonly Scored<K>[])[], weights: readonly number[] = lists.map(() => 1)): Scored<K>[] {
  const fused = new Map<K, number>();
  for (const list of lists) for (const item of list) fused.set(item.key, 0);
  lists.forEach((list, l) => {
    if (list.length === 0) return;
    const mean = list.reduce((sum, item) => sum + item.score, 0) / list.length;
    const sd = Math.sqrt(list.reduce((sum, item) => sum + (item.score - mean) ** 2, 0) / list.length) || 1;
    const z = new Map(list.map((item) => [item.key, (item.score - mean) / sd]));
    const floor = Math.min(...z.values());
    for (const key of fused.keys()) fused.set(key, fused.get(key)! + weights[l]! * (z.get(key) ?? floor));
  });
  return sortScored(fused);
}

function sortScored<K>(scores: Map<K, number>): Scored<K>[] {
  return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
}
