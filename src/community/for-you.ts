/**
 * "For you": a personal ranking of new papers, pure. A paper earns a point for each follow it
 * matches, plus its similarity to what the person upvoted and saved, less what they marked "not
 * interested" (Rocchio's relevance feedback on the stored LSA embeddings). Each paper carries
 * the one reason that weighed most, in words.
 */
import type { Follow } from '../follows/follow.js';
import { TopK } from '../search/vectors.js';

/** The papers that may be recommended, with their unit vectors as one row-major matrix. */
export interface CandidatePool {
  ids: readonly string[];
  /** `ids.length × dims` floats; a row of zeros for a paper without an embedding. */
  vectors: Float32Array;
  dims: number;
  /** Each id's row. */
  position: ReadonlyMap<string, number>;
}

/** A pool over these papers and their vectors (see {@link CandidatePool}). */
export function candidatePool(ids: readonly string[], vectors: Float32Array, dims: number): CandidatePool {
  return { ids, vectors, dims, position: new Map(ids.map((id, i) => [id, i])) };
}

/** A paper the person liked (upvoted or saved), as a vector, to explain similarity with. */
export interface LikedPaper {
  paperId: string;
  how: 'upvoted' | 'saved';
  vector: Float32Array;
}

/** Everything about one person the ranking needs. */
export interface ForYouProfile {
  /** Each follow with the candidate ids it matches. */
  follows: readonly { follow: Follow; paperIds: ReadonlySet<string> }[];
  liked: readonly LikedPaper[];
  /** Vectors of papers marked "not interested". */
  disliked: readonly Float32Array[];
  /** Never recommended: already upvoted, saved, or not interested. */
  exclude: ReadonlySet<string>;
}

/** Why a paper is recommended. */
export type ForYouReason =
  | { kind: 'follow'; follow: Follow }
  | { kind: 'similar'; paperId: string; how: LikedPaper['how'] };

export interface ForYouItem {
  paperId: string;
  score: number;
  /** Each term of the score. */
  breakdown: { follows: number; similarity: number };
  reason: ForYouReason;
}

/** Weights: a matched follow counts 1, similarity (a cosine) counts 1 once above the floor. */
export const FOR_YOU_WEIGHTS = { follow: 1, similarity: 1, rocchioNegative: 0.5, minSimilarity: 0.1 } as const;

/**
 * Ranks the pool for one person, best first, ties by id; papers with no follow match and a
 * similarity under the floor are left out, as are excluded ones.
 *
 * @example rankForYou(pool, { follows: [{ follow: { kind: 'topic', query: 'block diffusion' }, paperIds: new Set(['2501.00001']) }], liked: [], disliked: [], exclude: new Set() }, 20)
 */
export function rankForYou(pool: CandidatePool, profile: ForYouProfile, limit: number): ForYouItem[] {
  const n = pool.ids.length;
  const followScores = new Float32Array(n);
  for (const { paperIds } of profile.follows) {
    for (const id of paperIds) {
      const i = pool.position.get(id);
      if (i !== undefined) followScores[i]! += FOR_YOU_WEIGHTS.follow;
    }
  }
  const query = rocchio(profile, pool.dims);
  const similarity = new Float32Array(n);
  const top = new TopK(limit);
  for (let i = 0; i < n; i += 1) {
    let sim = 0;
    if (query) {
      const base = i * pool.dims;
      for (let d = 0; d < pool.dims; d += 1) sim += query[d]! * pool.vectors[base + d]!;
      if (sim < FOR_YOU_WEIGHTS.minSimilarity) sim = 0;
    }
    similarity[i] = sim;
    const score = followScores[i]! + sim * FOR_YOU_WEIGHTS.similarity;
    if (score > 0 && !profile.exclude.has(pool.ids[i]!)) top.offer(i, score);
  }
  return top.sorted()
    .sort((a, b) => b.score - a.score || pool.ids[a.key]!.localeCompare(pool.ids[b.key]!))
    .map(({ key: i, score }) => {
      const paperId = pool.ids[i]!;
      return {
        paperId,
        score: round(score),
        breakdown: { follows: followScores[i]!, similarity: round(similarity[i]! * FOR_YOU_WEIGHTS.similarity) },
        reason: reasonFor(pool, i, paperId, profile, followScores[i]! >= similarity[i]! * FOR_YOU_WEIGHTS.similarity),
      };
    });
}

/**
 * The reason in words, e.g. `because you follow *block diffusion*`; `*…*` marks what to
 * emphasise. `likedTitle` is the title of the liked paper a `similar` reason names.
 */
export function reasonText(reason: ForYouReason, likedTitle = ''): string {
  if (reason.kind === 'similar') return `because you ${reason.how} *${likedTitle || reason.paperId}*`;
  const { follow } = reason;
  return `because you follow *${follow.kind === 'topic' ? follow.query : follow.kind === 'category' ? follow.category : follow.name}*`;
}

/**
 * Rocchio's query without an original query: the mean of liked vectors minus a fraction of the
 * mean of disliked ones, normalised. Undefined when nothing was liked (disliking alone does not
 * make anything relevant).
 */
function rocchio(profile: ForYouProfile, dims: number): Float32Array | undefined {
  if (profile.liked.length === 0 || dims === 0) return undefined;
  const query = new Float32Array(dims);
  for (const liked of profile.liked) for (let d = 0; d < dims; d += 1) query[d]! += liked.vector[d]! / profile.liked.length;
  const negative = FOR_YOU_WEIGHTS.rocchioNegative / Math.max(1, profile.disliked.length);
  for (const vector of profile.disliked) for (let d = 0; d < dims; d += 1) query[d]! -= vector[d]! * negative;
  let norm = 0;
  for (let d = 0; d < dims; d += 1) norm += query[d]! * query[d]!;
  if (norm === 0) return undefined;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < dims; d += 1) query[d]! *= scale;
  return query;
}

/** The first follow (in the person's order) a paper matches, else the liked paper nearest to it. */
function reasonFor(pool: CandidatePool, i: number, paperId: string, profile: ForYouProfile, byFollow: boolean): ForYouReason {
  const follow = byFollow ? profile.follows.find((entry) => entry.paperIds.has(paperId)) : undefined;
  if (follow) return { kind: 'follow', follow: follow.follow };
  let best = profile.liked[0]!;
  let bestScore = -Infinity;
  const base = i * pool.dims;
  for (const liked of profile.liked) {
    let dot = 0;
    for (let d = 0; d < pool.dims; d += 1) dot += liked.vector[d]! * pool.vectors[base + d]!;
    if (dot > bestScore) { best = liked; bestScore = dot; }
  }
  return { kind: 'similar', paperId: best.paperId, how: best.how };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
