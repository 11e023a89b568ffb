import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankTrending, windowEnd, windowStart } from '../../src/trending/score.js';

const at = (iso: string) => new Date(iso);

test('score = points × 0.5^(age / half-life), checked by hand', () => {
  const end = at('2026-11-28T00:00:00Z');
  const [item] = rankTrending([
    { paperId: '2611.00001', since: '2026-11-27T00:00:00Z', ourVotes: 2, externalLatest: 30, externalBefore: 10 },
  ], 'today', end);
  // points = 2 × 1 + (30 − 10) × 1 = 22; age = 24 h = one half-life of the today window: 22 × 0.5 = 11.
  assert.deepEqual(item, {
    paperId: '2611.00001',
    score: 11,
    breakdown: { ourVotes: 2, externalGrowth: 20, points: 22, ageHours: 24, halfLifeHours: 24, decay: 0.5 },
  });
});

test('older papers need more attention; ties break by id; no attention, no entry', () => {
  const end = at('2026-11-28T00:00:00Z');
  const ranked = rankTrending([
    { paperId: 'b', since: '2026-11-21T00:00:00Z', ourVotes: 0, externalLatest: 100, externalBefore: 0 }, // 100 × 0.5^2 = 25
    { paperId: 'a', since: '2026-11-27T12:00:00Z', ourVotes: 0, externalLatest: 26, externalBefore: 0 }, // 26 × 0.5^(12/84)
    { paperId: 'c', since: '2026-11-21T00:00:00Z', ourVotes: 0, externalLatest: 100, externalBefore: 0 },
    { paperId: 'd', since: '2026-11-27T00:00:00Z', ourVotes: 0, externalLatest: 5, externalBefore: 5 },
  ], 'week', end);
  assert.deepEqual(ranked.map((item) => [item.paperId, item.score]), [['b', 25], ['c', 25], ['a', 23.548815]]);
});

test('windows end at the newest data when it is older than now', () => {
  const now = at('2026-11-28T07:00:00Z');
  assert.equal(windowEnd(now, '2026-08-21T00:00:00.000Z').toISOString(), '2026-08-21T23:59:59.999Z');
  assert.equal(windowEnd(now, '2026-11-28T06:00:00.000Z').toISOString(), now.toISOString());
  assert.equal(windowStart('week', at('2026-11-28T00:00:00Z')).toISOString(), '2026-11-21T00:00:00.000Z');
});
