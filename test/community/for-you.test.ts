import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidatePool, rankForYou, reasonText, type ForYouProfile } from '../../src/community/for-you.js';

/** Unit vectors in 3 dimensions, one per paper. */
const unit = (...xs: number[]) => { const n = Math.hypot(...xs); return Float32Array.from(xs, (x) => x / n); };
const pool = candidatePool(['a', 'b', 'c', 'd'], Float32Array.from([...unit(1, 0, 0), ...unit(0.9, 0.1, 0), ...unit(0, 1, 0), ...unit(0, 0, 1)]), 3);
const profile = (over: Partial<ForYouProfile>): ForYouProfile => ({ follows: [], liked: [], disliked: [], exclude: new Set(), ...over });

test('a followed topic ranks its papers first, with the follow as the reason', () => {
  const items = rankForYou(pool, profile({ follows: [{ follow: { kind: 'topic', query: 'block diffusion' }, paperIds: new Set(['c']) }] }), 10);
  assert.deepEqual(items.map((item) => item.paperId), ['c']);
  assert.equal(reasonText(items[0]!.reason), 'because you follow *block diffusion*');
  assert.deepEqual(items[0]!.breakdown, { follows: 1, similarity: 0 });
});

test('similarity to upvoted papers (Rocchio) ranks near papers, excluding the upvoted one', () => {
  const items = rankForYou(pool, profile({ liked: [{ paperId: 'a', how: 'upvoted', vector: unit(1, 0, 0) }], exclude: new Set(['a']) }), 10);
  assert.deepEqual(items.map((item) => item.paperId), ['b']);
  assert.deepEqual(items[0]!.reason, { kind: 'similar', paperId: 'a', how: 'upvoted' });
  assert.equal(reasonText(items[0]!.reason, 'Block Diffusion'), 'because you upvoted *Block Diffusion*');
});

test('"not interested" pushes the query away and removes the paper', () => {
  const liked = [{ paperId: 'x', how: 'saved' as const, vector: unit(1, 1, 0) }];
  const before = rankForYou(pool, profile({ liked }), 10).map((item) => item.paperId);
  assert.ok(before.includes('c'));
  const after = rankForYou(pool, profile({ liked, disliked: [unit(0, 1, 0)], exclude: new Set(['c']) }), 10);
  assert.deepEqual(after.map((item) => item.paperId).sort(), ['a', 'b']);
  const score = (list: typeof after, id: string) => list.find((item) => item.paperId === id)!.breakdown.similarity;
  assert.ok(score(after, 'a') > score(rankForYou(pool, profile({ liked }), 10), 'a'), 'the query turned away from c, towards a');
});

test('follows and similarity add up; ties break by id; the limit holds', () => {
  const items = rankForYou(pool, profile({
    follows: [
      { follow: { kind: 'category', category: 'cs.CL' }, paperIds: new Set(['d', 'b']) },
      { follow: { kind: 'author', name: 'Ada Lovelace' }, paperIds: new Set(['d']) },
    ],
  }), 10);
  assert.deepEqual(items.map((item) => [item.paperId, item.score]), [['d', 2], ['b', 1]]);
  assert.equal(rankForYou(pool, profile({ follows: [{ follow: { kind: 'category', category: 'cs' }, paperIds: new Set(['a', 'b', 'c']) }] }), 2).map((item) => item.paperId).join(), 'a,b');
});

test('nothing followed or liked recommends nothing', () => {
  assert.deepEqual(rankForYou(pool, profile({ disliked: [unit(1, 0, 0)] }), 10), []);
});
