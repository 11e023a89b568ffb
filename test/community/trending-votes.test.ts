import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteCommunityStore } from '../../src/store/sqlite/community-store.js';
import { featured, seed } from '../digest/support.js';
import { trending } from '../../src/trending/trending.js';
import { tempApp } from '../support.js';

test('trending counts the votes cast inside the window that still stand at its end', async () => {
  const app = tempApp();
  try {
    await seed(app, [featured('2611.00001', '2026-11-27', 5), featured('2611.00002', '2026-11-20', 0)]);
    const db = openSqlite(app.dbFile);
    const store = new SqliteCommunityStore(db);
    const [ada, bob, cy] = await Promise.all(['ada', 'bob', 'cy'].map((name) => store.accountFor(`${name}@example.org`, '2026-11-01T00:00:00.000Z')));
    await store.vote(ada!.id, '2611.00001', '2026-11-27T13:00:00.000Z');
    await store.vote(bob!.id, '2611.00001', '2026-11-21T13:00:00.000Z');
    // Cy votes for a paper with no external signal in the window, then undoes it the next day.
    await store.vote(cy!.id, '2611.00002', '2026-11-27T14:00:00.000Z');
    await store.unvote(cy!.id, '2611.00002', '2026-11-28T10:00:00.000Z');
    db.close();
    const votes = async (start: string, end: string) =>
      Object.fromEntries((await app.trendingStore.trendingInputs(start, end, end)).map((input) => [input.paperId, input.ourVotes]));
    assert.deepEqual(await votes('2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z'), { '2611.00001': 1, '2611.00002': 1 });
    assert.deepEqual(await votes('2026-11-21T00:00:00.000Z', '2026-11-28T00:00:00.000Z'), { '2611.00001': 2, '2611.00002': 1 });
    // Once undone, the vote no longer counts in a window that covers the undoing.
    assert.deepEqual(await votes('2026-11-27T00:00:00.000Z', '2026-11-29T00:00:00.000Z'), { '2611.00001': 1 }, 'and a paper left with no attention is not an input');
    // Windows end at the newest external data, but votes cast since the window began count up to now,
    // so a vote on old data (the shipped sample) adds to its trending instead of emptying it.
    assert.ok((await app.trendingStore.newestActivity())! < '2026-11-28T00:00:00.000Z', 'our votes do not move the window');
    const week = await trending(app.trendingStore, 'week', new Date('2026-12-20T00:00:00.000Z'), 10);
    assert.deepEqual(week.items.map((item) => [item.paperId, item.breakdown.ourVotes]), [['2611.00001', 2]]);
  } finally {
    app.cleanup();
  }
});
