import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createApp } from '../../src/app.js';
import type { Paper, Signal } from '../../src/catalog/paper.js';
import type { CatalogStore } from '../../src/catalog/store.js';
import type { CommunityStore } from '../../src/community/store.js';
import type { DigestCatalog, DigestStore } from '../../src/digest/store.js';
import { DEFAULT_PREFERENCES, type Subscriber } from '../../src/digest/subscription.js';
import { openPostgres } from '../../src/store/postgres/database.js';
import { PostgresCatalogStore } from '../../src/store/postgres/catalog-store.js';
import { PostgresCommunityStore } from '../../src/store/postgres/community-store.js';
import { PostgresDigestStore } from '../../src/store/postgres/digest-store.js';
import { PostgresTrendingStore } from '../../src/store/postgres/trending-store.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteCommunityStore } from '../../src/store/sqlite/community-store.js';
import { SqliteDigestStore } from '../../src/store/sqlite/digest-store.js';
import type { TrendingStore } from '../../src/trending/trending.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { tempDir } from '../support.js';

/** The stores of one backend, plus more connections to the same data (as other processes would have). */
interface Stores {
  catalog: CatalogStore;
  trending: TrendingStore;
  digests: DigestStore & DigestCatalog;
  community: CommunityStore;
  /** `count` sets of digest and community stores, each on connections of its own. */
  otherConnections(count: number): Promise<{ digests: DigestStore; community: CommunityStore }[]>;
  dispose(): Promise<void>;
}

/**
 * The digest and community store ports' contract: the same assertions run against SQLite and
 * PostgreSQL (each Postgres test in a schema of its own), as in contract.test.ts.
 */
const backends: { name: string; open: () => Promise<Stores> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const { dir, cleanup } = tempDir();
      const app = createApp({ dbFile: join(dir, 'paperfeed.db'), port: 0 });
      const connections = [openSqlite(app.config.dbFile)];
      return {
        catalog: app.store,
        trending: app.trendingStore,
        digests: new SqliteDigestStore(connections[0]!),
        community: new SqliteCommunityStore(connections[0]!),
        otherConnections: async (count) => Array.from({ length: count }, () => {
          const db = openSqlite(app.config.dbFile);
          connections.push(db);
          return { digests: new SqliteDigestStore(db), community: new SqliteCommunityStore(db) };
        }),
        dispose: async () => {
          for (const db of connections) db.close();
          app.close();
          cleanup();
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = await testDatabaseUrl();
      const schema = freshSchema();
      const db = openPostgres(url, { schema });
      const pools = [db];
      return {
        catalog: new PostgresCatalogStore(db),
        trending: new PostgresTrendingStore(db),
        digests: new PostgresDigestStore(db),
        community: new PostgresCommunityStore(db),
        // One pool each, as separate worker processes would have, already connected so that
        // their first statements really do run at once.
        otherConnections: async (count) => Promise.all(Array.from({ length: count }, async () => {
          const other = openPostgres(url, { schema, maxConnections: 1 });
          pools.push(other);
          await other.executeSql('SELECT 1');
          return { digests: new PostgresDigestStore(other), community: new PostgresCommunityStore(other) };
        })),
        dispose: async () => {
          await Promise.all(pools.map((pool) => pool.close()));
          await dropSchema(url, schema);
        },
      };
    },
  },
];

const paper = (id: string, over: Partial<Paper> = {}): Paper => ({
  id,
  title: `Paper ${id}`,
  abstract: 'Interpolating between autoregressive and diffusion language models.',
  authors: [{ name: 'Marianne Arriola' }, { name: 'Aaron Gokaslan' }],
  categories: ['cs.LG'],
  withdrawn: false,
  versions: [{ version: 1, date: '2026-11-20T00:00:00.000Z' }],
  published: '2026-11-20T00:00:00.000Z',
  updated: '2026-11-20T00:00:00.000Z',
  provenance: {},
  sources: [],
  ...over,
});

const upvotes = (paperId: string, observedAt: string, value: number): Signal => ({ paperId, source: 'hf-daily', kind: 'upvotes', observedAt, value });

async function writePapers(stores: Stores, papers: Paper[], signals: Signal[] = []): Promise<void> {
  await stores.catalog.writeBatch({ papers, absorbed: [], signals, fingerprints: [] });
}

const subscriber = (email: string, over: Partial<Omit<Subscriber, 'id'>> = {}): Omit<Subscriber, 'id'> => ({
  key: `key-${email}`, email, status: 'pending', prefs: DEFAULT_PREFERENCES, createdAt: '2026-11-01T00:00:00.000Z', hardBounces: 0, ...over,
});

const T = (time: string) => `2026-11-28T${time}:00.000Z`;

for (const backend of backends) {
  describe(`digest and community store contract: ${backend.name}`, () => {
    const withStores = (work: (stores: Stores) => Promise<void>) => async () => {
      const stores = await backend.open();
      try {
        await work(stores);
      } finally {
        await stores.dispose();
      }
    };

    test('subscribers: added once per address, updated, noticed at most once an interval, listed when active, deleted', withStores(async ({ digests }) => {
      const added = await digests.addSubscriber(subscriber('ada@example.org'));
      assert.deepEqual(added, { id: added.id, ...subscriber('ada@example.org') });
      // A second request for the same address reads the first's row.
      assert.deepEqual(await digests.addSubscriber(subscriber('ada@example.org', { key: 'other' })), added);
      assert.deepEqual(await digests.subscriberByKey('key-ada@example.org'), added);
      assert.equal(await digests.subscriberByEmail('bob@example.org'), undefined);
      assert.deepEqual(await digests.activeSubscribers(), []);

      const prefs = { ...DEFAULT_PREFERENCES, frequency: 'weekly' as const, follows: [{ kind: 'category' as const, category: 'cs.CL' }] };
      await digests.updateSubscriber(added.id, { status: 'active', prefs, confirmedAt: T('07:00') });
      const active = { ...added, status: 'active' as const, prefs, confirmedAt: T('07:00') };
      assert.deepEqual(await digests.subscriberByEmail('ada@example.org'), active);
      await digests.updateSubscriber(added.id, { hardBounces: 2 });
      assert.deepEqual(await digests.activeSubscribers(), [{ ...active, hardBounces: 2 }]);

      assert.equal(await digests.claimNotice(added.id, T('08:00'), T('07:00')), true);
      assert.equal(await digests.claimNotice(added.id, T('08:30'), T('07:30')), false, 'a notice went after notBefore');
      assert.equal(await digests.claimNotice(added.id, T('09:30'), T('08:00')), true);

      await digests.deleteSubscriber(added.id);
      assert.equal(await digests.subscriberByEmail('ada@example.org'), undefined);
    }));

    test('the send ledger: claim, lease, retry, sent, empty, bounced; history and sent papers', withStores(async ({ digests }) => {
      const { id } = await digests.addSubscriber(subscriber('ada@example.org', { status: 'active' }));
      assert.equal(await digests.sendState(id, '2026-11-28'), undefined);
      assert.equal(await digests.claim(id, '2026-11-28', T('07:00'), T('07:10')), 1);
      assert.equal(await digests.sendState(id, '2026-11-28'), 'claimed');
      assert.equal(await digests.claim(id, '2026-11-28', T('07:05'), T('07:15')), undefined, 'the lease holds');
      assert.equal(await digests.claim(id, '2026-11-28', T('07:10'), T('07:20')), 2, 'an expired lease is taken over');

      await digests.markRetry(id, '2026-11-28', T('07:30'), 'relay said 451', T('07:11'));
      assert.equal(await digests.sendState(id, '2026-11-28'), 'retry');
      assert.equal(await digests.claim(id, '2026-11-28', T('07:29'), T('07:39')), undefined, 'the retry is not due yet');
      assert.equal(await digests.claim(id, '2026-11-28', T('07:30'), T('07:40')), 3);
      await digests.markSent(id, '2026-11-28', ['2611.00002', '2611.00001'], T('07:31'));
      assert.equal(await digests.claim(id, '2026-11-28', T('09:00'), T('09:10')), undefined, 'a sent period stays sent');

      assert.equal(await digests.claim(id, '2026-11-29', T('10:00'), T('10:10')), 1);
      await digests.markDone(id, '2026-11-29', 'empty', T('10:01'));
      assert.equal(await digests.claim(id, '2026-11-30', T('11:00'), T('11:10')), 1);
      await digests.markSent(id, '2026-11-30', ['2611.00001', '2611.00003'], T('11:01'));

      assert.deepEqual(await digests.sentPaperIds(id), new Set(['2611.00001', '2611.00002', '2611.00003']));
      assert.deepEqual(await digests.history(id), [
        { period: '2026-11-28', state: 'sent', attempts: 3, updatedAt: T('07:31'), paperIds: ['2611.00002', '2611.00001'] },
        { period: '2026-11-29', state: 'empty', attempts: 1, updatedAt: T('10:01'), paperIds: [] },
        { period: '2026-11-30', state: 'sent', attempts: 1, updatedAt: T('11:01'), paperIds: ['2611.00001', '2611.00003'] },
      ]);

      // Hard bounces suspend at the limit in a row; a sent digest resets the count.
      assert.equal(await digests.claim(id, '2026-12-01', T('12:00'), T('12:10')), 1);
      await digests.markBounced(id, '2026-12-01', '550 no such user', T('12:01'), 2);
      assert.equal((await digests.subscriberByEmail('ada@example.org'))!.hardBounces, 1);
      assert.equal(await digests.claim(id, '2026-12-02', T('13:00'), T('13:10')), 1);
      await digests.markSent(id, '2026-12-02', [], T('13:01'));
      assert.equal((await digests.subscriberByEmail('ada@example.org'))!.hardBounces, 0);
      for (const period of ['2026-12-03', '2026-12-04']) {
        assert.equal(await digests.claim(id, period, T('14:00'), T('14:10')), 1);
        await digests.markBounced(id, period, '550 no such user', T('14:01'), 2);
      }
      const suspended = (await digests.subscriberByEmail('ada@example.org'))!;
      assert.deepEqual([suspended.status, suspended.hardBounces], ['suspended', 2]);
      assert.deepEqual((await digests.history(id)).at(-1), { period: '2026-12-04', state: 'bounced', attempts: 1, updatedAt: T('14:01'), paperIds: [], error: '550 no such user' });
      assert.equal(await digests.claim(id, '2026-12-04', T('15:00'), T('15:10')), undefined, 'a bounced period is closed');

      await digests.deleteSubscriber(id);
      assert.deepEqual(await digests.history(id), []);
      assert.deepEqual(await digests.sentPaperIds(id), new Set());
    }));

    test('many workers claiming one period at once: exactly one wins, also when they take over an expired lease', withStores(async (stores) => {
      const { id } = await stores.digests.addSubscriber(subscriber('ada@example.org', { status: 'active' }));
      const workers = await stores.otherConnections(8);
      const claimAll = (now: string, leaseUntil: string) =>
        Promise.all(workers.flatMap(({ digests }) => [1, 2, 3].map(() => digests.claim(id, '2026-11-28', now, leaseUntil))));
      const first = await claimAll(T('07:00'), T('07:10'));
      assert.deepEqual(first.filter((attempt) => attempt !== undefined), [1]);
      const takeover = await claimAll(T('07:10'), T('07:20'));
      assert.deepEqual(takeover.filter((attempt) => attempt !== undefined), [2]);
    }));

    test('digest reads: recent papers in the window with their latest upvotes, papers by id, the newest paper', withStores(async (stores) => {
      const { digests } = stores;
      assert.equal(await digests.newestPaper(), undefined);
      await writePapers(stores, [
        paper('2611.00001', { featuredAt: '2026-11-27T00:00:00.000Z', codeUrl: 'https://github.com/x/y' }),
        paper('2611.00002', { published: '2026-11-26T00:00:00.000Z' }),
        paper('2611.00003', { published: '2026-11-26T12:00:00.000Z', withdrawn: true }),
        paper('2611.00004', { published: '2026-11-20T00:00:00.000Z' }),
      ], [upvotes('2611.00001', '2026-11-27T00:00:00.000Z', 3), upvotes('2611.00001', '2026-11-28T00:00:00.000Z', 12)]);

      assert.equal(await digests.newestPaper(), '2026-11-27T00:00:00.000Z');
      const recent = await digests.recentPapers('2026-11-20T00:00:00.000Z', '2026-11-27T00:00:00.000Z', 10);
      assert.deepEqual(recent, [
        { id: '2611.00001', title: 'Paper 2611.00001', abstract: paper('x').abstract, authors: ['Marianne Arriola', 'Aaron Gokaslan'], categories: ['cs.LG'], codeUrl: 'https://github.com/x/y', upvotes: 12 },
        { id: '2611.00002', title: 'Paper 2611.00002', abstract: paper('x').abstract, authors: ['Marianne Arriola', 'Aaron Gokaslan'], categories: ['cs.LG'], upvotes: 0 },
      ], 'the window is (start, end]; withdrawn papers are left out');
      assert.deepEqual((await digests.recentPapers('2026-11-19T00:00:00.000Z', '2026-11-28T00:00:00.000Z', 2)).map((p) => p.id), ['2611.00001', '2611.00002']);
      assert.deepEqual((await digests.digestPapers(['2611.00004', 'nope', '2611.00003', '2611.00001'])).map((p) => p.id), ['2611.00004', '2611.00001']);
    }));

    test('magic links: counted per address, spent once even by parallel clicks, not after expiry', withStores(async ({ community, otherConnections }) => {
      await community.addMagicLink('hash-1', 'ada@example.org', T('07:00'), T('07:15'));
      await community.addMagicLink('hash-2', 'ada@example.org', T('07:05'), T('07:20'));
      await community.addMagicLink('hash-3', 'bob@example.org', T('07:05'), T('07:20'));
      assert.equal(await community.magicLinksSince('ada@example.org', T('06:00')), 2);
      assert.equal(await community.magicLinksSince('ada@example.org', T('07:00')), 1);

      const clicks = await Promise.all((await otherConnections(8)).map(({ community: other }) => other.consumeMagicLink('hash-1', T('07:10'))));
      assert.deepEqual(clicks.filter((email) => email !== undefined), ['ada@example.org']);
      assert.deepEqual(await community.magicLinkState('hash-1'), { usedAt: T('07:10'), expiresAt: T('07:15') });
      assert.equal(await community.consumeMagicLink('hash-2', T('07:20')), undefined, 'expired');
      assert.deepEqual(await community.magicLinkState('hash-2'), { usedAt: null, expiresAt: T('07:20') });
      assert.equal(await community.magicLinkState('hash-unknown'), undefined);
      // A new link prunes the expired ones.
      await community.addMagicLink('hash-4', 'bob@example.org', T('08:00'), T('08:15'));
      assert.equal(await community.magicLinkState('hash-3'), undefined);
    }));

    test('accounts and sessions: one account per address, linked to its subscription; sessions expire and end', withStores(async ({ community, digests }) => {
      const ada = await community.accountFor('ada@example.org', T('07:00'));
      assert.deepEqual(ada, { id: ada.id, email: 'ada@example.org', createdAt: T('07:00'), subscriberId: null });
      assert.deepEqual(await community.accountFor('ada@example.org', T('08:00')), ada);
      assert.deepEqual(await community.account(ada.id), ada);
      assert.equal(await community.account(ada.id + 1000), undefined);

      assert.equal(await community.linkSubscriber(ada.id), null);
      const { id: subscriberId } = await digests.addSubscriber(subscriber('ada@example.org'));
      assert.equal(await community.linkSubscriber(ada.id), subscriberId);
      assert.equal((await community.account(ada.id))!.subscriberId, subscriberId);

      await community.addSession('session-1', ada.id, T('07:00'), T('09:00'));
      assert.equal(await community.sessionAccount('session-1', T('08:59')), ada.id);
      assert.equal(await community.sessionAccount('session-1', T('09:00')), undefined, 'expired');
      await community.addSession('session-2', ada.id, T('07:00'), T('09:00'));
      await community.deleteSession('session-2');
      assert.equal(await community.sessionAccount('session-2', T('08:00')), undefined);
    }));

    test('votes: one per account and paper, undone, counted, listed with rowids; trending counts the standing ones', withStores(async (stores) => {
      const { community } = stores;
      await writePapers(stores, [paper('2611.00001', { featuredAt: '2026-11-27T00:00:00.000Z' }), paper('2611.00002', { featuredAt: '2026-11-20T00:00:00.000Z' })],
        [upvotes('2611.00001', '2026-11-27T00:00:00.000Z', 5)]);
      const [ada, bob] = await Promise.all(['ada', 'bob'].map((name) => community.accountFor(`${name}@example.org`, T('00:00'))));
      assert.equal(await community.vote(ada!.id, '2611.00001', '2026-11-27T13:00:00.000Z'), true);
      assert.equal(await community.vote(ada!.id, '2611.00001', '2026-11-27T14:00:00.000Z'), false, 'a second vote changes nothing');
      assert.equal(await community.vote(ada!.id, '2611.00002', '2026-11-27T15:00:00.000Z'), true);
      assert.equal(await community.vote(bob!.id, '2611.00001', '2026-11-21T13:00:00.000Z'), true);
      assert.equal(await community.voteCount('2611.00001'), 2);
      assert.equal(await community.hasVoted(bob!.id, '2611.00001'), true);
      assert.equal(await community.hasVoted(bob!.id, '2611.00002'), false);

      const voted = await community.votedPapers(ada!.id);
      assert.deepEqual(voted.map((ref) => ref.paperId), ['2611.00002', '2611.00001'], 'most recent first');
      assert.ok(voted.every((ref) => Number.isSafeInteger(ref.rowid)) && voted[0]!.rowid !== voted[1]!.rowid);
      const candidates = await community.recentCandidates('2026-11-19T00:00:00.000Z', '2026-11-28T00:00:00.000Z', 10);
      assert.deepEqual(candidates.map((c) => [c.paper.id, c.rowid]), [['2611.00001', voted[1]!.rowid], ['2611.00002', voted[0]!.rowid]], 'rowids are the same paper key everywhere');

      assert.equal(await community.unvote(ada!.id, '2611.00002', '2026-11-28T10:00:00.000Z'), true);
      assert.equal(await community.unvote(ada!.id, '2611.00002', '2026-11-28T11:00:00.000Z'), false);
      assert.equal(await community.voteCount('2611.00002'), 0);

      const votes = async (start: string, end: string) =>
        Object.fromEntries((await stores.trending.trendingInputs(start, end, end)).map((input) => [input.paperId, input.ourVotes]));
      assert.deepEqual(await votes('2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z'), { '2611.00001': 1, '2611.00002': 1 });
      assert.deepEqual(await votes('2026-11-21T00:00:00.000Z', '2026-11-28T00:00:00.000Z'), { '2611.00001': 2, '2611.00002': 1 });
      assert.deepEqual(await votes('2026-11-27T00:00:00.000Z', '2026-11-29T00:00:00.000Z'), { '2611.00001': 1 }, 'an undone vote no longer counts');
    }));

    test('parallel votes of one account on one paper: one stands, one event counts', withStores(async (stores) => {
      await writePapers(stores, [paper('2611.00001', { featuredAt: '2026-11-27T00:00:00.000Z' })]);
      const ada = await stores.community.accountFor('ada@example.org', T('00:00'));
      const clicks = await Promise.all((await stores.otherConnections(6)).map(({ community }) => community.vote(ada.id, '2611.00001', T('07:00'))));
      assert.equal(clicks.filter(Boolean).length, 1);
      assert.equal(await stores.community.voteCount('2611.00001'), 1);
      const [input] = await stores.trending.trendingInputs(T('06:00'), T('08:00'), T('08:00'));
      assert.equal(input!.ourVotes, 1);
    }));

    test('follows: kept in order, never past the limit even when posted in parallel; removed', withStores(async ({ community, otherConnections }) => {
      const ada = await community.accountFor('ada@example.org', T('00:00'));
      assert.equal(await community.addFollow(ada.id, 'category:cs.CL', { kind: 'category', category: 'cs.CL' }, T('07:00'), 3), 'added');
      assert.equal(await community.addFollow(ada.id, 'category:cs.CL', { kind: 'category', category: 'cs.CL' }, T('07:01'), 3), 'exists');
      assert.equal(await community.addFollow(ada.id, 'author:ada', { kind: 'author', name: 'Ada' }, T('07:02'), 3), 'added');
      assert.deepEqual(await community.follows(ada.id), [{ kind: 'category', category: 'cs.CL' }, { kind: 'author', name: 'Ada' }]);

      const results = await Promise.all((await otherConnections(6)).map(({ community: other }, index) =>
        other.addFollow(ada.id, `topic:t${index}`, { kind: 'topic', query: `topic ${index}` }, T('08:00'), 5)));
      assert.equal(results.filter((result) => result === 'added').length, 3);
      assert.equal(results.filter((result) => result === 'full').length, 3);
      assert.equal((await community.follows(ada.id)).length, 5);
      await community.removeFollow(ada.id, 'author:ada');
      const left = await community.follows(ada.id);
      assert.equal(left.length, 4);
      assert.deepEqual(left[0], { kind: 'category', category: 'cs.CL' });
      assert.ok(left.slice(1).every((follow) => follow.kind === 'topic'));
    }));

    test('not interested: marked, listed with rowids, unmarked', withStores(async (stores) => {
      const { community } = stores;
      await writePapers(stores, [paper('2611.00001'), paper('2611.00002')]);
      const ada = await community.accountFor('ada@example.org', T('00:00'));
      await community.setNotInterested(ada.id, '2611.00001', T('07:00'), true);
      await community.setNotInterested(ada.id, '2611.00001', T('07:01'), true);
      await community.setNotInterested(ada.id, '2611.00002', T('07:02'), true);
      await community.setNotInterested(ada.id, '2611.00002', T('07:03'), false);
      const marked = await community.notInterested(ada.id);
      assert.deepEqual(marked.map((ref) => ref.paperId), ['2611.00001']);
      assert.ok(Number.isSafeInteger(marked[0]!.rowid));
    }));

    test('collections: capped per account and in size, public or private, papers newest first, saved papers', withStores(async (stores) => {
      const { community } = stores;
      await writePapers(stores, [paper('2611.00001'), paper('2611.00002'), paper('2611.00003')]);
      const ada = await community.accountFor('ada@example.org', T('00:00'));
      const reading = await community.addCollection(ada.id, 'key-reading', 'Reading', false, T('07:00'), 2);
      assert.deepEqual(reading, { id: reading!.id, key: 'key-reading', accountId: ada.id, name: 'Reading', public: false, createdAt: T('07:00'), papers: 0 });
      const shared = await community.addCollection(ada.id, 'key-shared', 'Shared', true, T('07:01'), 2);
      assert.equal(await community.addCollection(ada.id, 'key-third', 'Third', false, T('07:02'), 2), undefined, 'at the limit');

      assert.equal(await community.addToCollection(reading!.id, '2611.00001', T('08:00'), 2), true);
      assert.equal(await community.addToCollection(reading!.id, '2611.00002', T('08:01'), 2), true);
      assert.equal(await community.addToCollection(reading!.id, '2611.00003', T('08:02'), 2), false, 'full');
      assert.equal(await community.addToCollection(shared!.id, '2611.00002', T('08:03'), 2), true);
      assert.deepEqual(await community.collectionPaperIds(reading!.id, 10), ['2611.00002', '2611.00001']);
      assert.deepEqual(await community.collectionPaperIds(reading!.id, 1), ['2611.00002']);
      assert.deepEqual((await community.savedPapers(ada.id)).map((ref) => ref.paperId).sort(), ['2611.00001', '2611.00002']);

      await community.updateCollection(reading!.id, 'To read', true);
      assert.deepEqual((await community.collections(ada.id)).map((c) => [c.key, c.name, c.public, c.papers]), [['key-reading', 'To read', true, 2], ['key-shared', 'Shared', true, 1]]);
      await community.removeFromCollection(reading!.id, '2611.00001');
      assert.deepEqual(await community.collectionPaperIds(reading!.id, 10), ['2611.00002']);
      await community.deleteCollection(shared!.id);
      assert.equal(await community.collection('key-shared'), undefined);
      assert.deepEqual((await community.collections(ada.id)).map((c) => c.key), ['key-reading']);
    }));

    test('"For you" candidates: papers that entered attention in the window, newest first; the catalog version follows writes', withStores(async (stores) => {
      const { community } = stores;
      const before = await community.catalogVersion();
      const written = paper('2611.00001', { featuredAt: '2026-11-27T00:00:00.000Z', keywords: ['diffusion'] });
      await writePapers(stores, [
        written,
        paper('2611.00002', { published: '2026-11-26T00:00:00.000Z' }),
        paper('2611.00003', { published: '2026-11-26T00:00:00.000Z', withdrawn: true }),
        paper('2611.00004', { published: '2026-11-10T00:00:00.000Z' }),
      ]);
      const after = await community.catalogVersion();
      assert.ok(after > before);
      const candidates = await community.recentCandidates('2026-11-20T00:00:00.000Z', '2026-11-28T00:00:00.000Z', 10);
      assert.deepEqual(candidates.map((c) => c.paper.id), ['2611.00001', '2611.00002']);
      assert.deepEqual(candidates[0]!.paper, written);
      assert.deepEqual((await community.recentCandidates('2026-11-20T00:00:00.000Z', '2026-11-28T00:00:00.000Z', 1)).map((c) => c.paper.id), ['2611.00001']);
      await writePapers(stores, [{ ...written, title: 'Revised' }]);
      assert.ok(await community.catalogVersion() > after);
    }));
  });
}
