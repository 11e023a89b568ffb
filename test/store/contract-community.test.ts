import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createApp } from '../../src/app.js';
import type { Paper, Signal } from '../../src/catalog/paper.js';
import type { CatalogStore } from '../../src/catalog/store.js';
import type { DigestCatalog, DigestStore } from '../../src/digest/store.js';
import { DEFAULT_PREFERENCES, type Subscriber } from '../../src/digest/subscription.js';
import { openPostgres } from '../../src/store/postgres/database.js';
import { PostgresCatalogStore } from '../../src/store/postgres/catalog-store.js';
import { PostgresDigestStore } from '../../src/store/postgres/digest-store.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteDigestStore } from '../../src/store/sqlite/digest-store.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { tempDir } from '../support.js';

/** The stores of one backend, plus more connections to the same data (as other processes would have). */
interface Stores {
  catalog: CatalogStore;
  digests: DigestStore & DigestCatalog;
  /** `count` sets of digest and community stores, each on connections of its own. */
  otherConnections(count: number): Promise<{ digests: DigestStore }[]>;
  dispose(): Promise<void>;
}

/**
 * The digest store ports' contract: the same assertions run against SQLite and
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
        digests: new SqliteDigestStore(connections[0]!),
        otherConnections: async (count) => Array.from({ length: count }, () => {
          const db = openSqlite(app.config.dbFile);
          connections.push(db);
          return { digests: new SqliteDigestStore(db) };
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
        digests: new PostgresDigestStore(db),
        // One pool each, as separate worker processes would have, already connected so that
        // their first statements really do run at once.
        otherConnections: async (count) => Promise.all(Array.from({ length: count }, async () => {
          const other = openPostgres(url, { schema, maxConnections: 1 });
          pools.push(other);
          await other.executeSql('SELECT 1');
          return { digests: new PostgresDigestStore(other) };
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
  describe(`digest store contract: ${backend.name}`, () => {
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
  });
}
