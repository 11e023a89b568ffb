import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openCatalog, type Catalog } from '../../src/app.js';
import { importSource } from '../../src/catalog/import.js';
import type { Paper, Signal } from '../../src/catalog/paper.js';
import type { CatalogBatch } from '../../src/catalog/store.js';
import { openFileSource } from '../../src/ingest/formats.js';
import type { Format } from '../../src/ingest/source.js';
import { openPostgres } from '../../src/store/postgres/database.js';
import { PostgresCatalogStore } from '../../src/store/postgres/catalog-store.js';
import { PostgresTrendingStore } from '../../src/store/postgres/trending-store.js';
import { trending } from '../../src/trending/trending.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { fixture, tempDir } from '../support.js';

/**
 * The store ports' contract: the same assertions run against SQLite and against PostgreSQL
 * (each Postgres test in a schema of its own), so the two adapters cannot drift apart.
 */
const backends: { name: string; open: () => Promise<Catalog & { dispose: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const { dir, cleanup } = tempDir();
      const catalog = openCatalog({ dbFile: join(dir, 'paperfeed.db'), port: 0 });
      return { ...catalog, dispose: async () => { await catalog.close(); cleanup(); } };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = await testDatabaseUrl();
      const schema = freshSchema();
      const db = openPostgres(url, { schema });
      const catalog: Catalog = {
        config: { dbFile: '', databaseUrl: url, port: 0 },
        store: new PostgresCatalogStore(db),
        trendingStore: new PostgresTrendingStore(db),
        close: () => db.close(),
      };
      return { ...catalog, dispose: async () => { await db.close(); await dropSchema(url, schema); } };
    },
  },
];

const paper = (id: string, over: Partial<Paper> = {}): Paper => ({
  id,
  title: 'Block Diffusion',
  abstract: 'Interpolating between autoregressive and diffusion language models.',
  authors: [{ name: 'Marianne Arriola', affiliations: ['Cornell'] }, { name: 'Aaron Gokaslan' }],
  categories: ['cs.LG', 'cs.CL'],
  withdrawn: false,
  versions: [{ version: 1, date: '2025-03-12T17:59:59.000Z' }],
  published: '2025-03-12T17:59:59.000Z',
  updated: '2025-03-12T17:59:59.000Z',
  provenance: { title: { source: 'oai-pmh', at: '2025-03-13T00:00:00.000Z', version: 1 } },
  sources: [{ source: 'oai-pmh', firstSeen: '2025-03-13T00:00:00.000Z', ref: 'https://oaipmh.arxiv.org/oai#1' }],
  ...over,
});

const batch = (over: Partial<CatalogBatch>): CatalogBatch => ({ papers: [], absorbed: [], signals: [], fingerprints: [], ...over });

const upvotes = (paperId: string, observedAt: string, value: number): Signal => ({ paperId, source: 'hf-daily', kind: 'upvotes', observedAt, value });

async function importFixture(catalog: Catalog, format: Format, path: string, strict = false) {
  const { files, open } = await openFileSource(format, [path]);
  return importSource(catalog.store, open(files), { strict });
}

for (const backend of backends) {
  describe(`store contract: ${backend.name}`, () => {
    const withCatalog = (work: (catalog: Catalog) => Promise<void>) => async () => {
      const catalog = await backend.open();
      try {
        await work(catalog);
      } finally {
        await catalog.dispose();
      }
    };

    test('imports the snapshot with its fields and withdrawn papers; a re-import is skipped by fingerprint', withCatalog(async (catalog) => {
      assert.deepEqual(await importFixture(catalog, 'snapshot', fixture('snapshot')), { read: 200, added: 200, updated: 0, unchanged: 0, skipped: 0 });
      const found = await catalog.store.getPapers(['0704.0001', '0704.0156', '9999.99999']);
      assert.deepEqual([...found.keys()].sort(), ['0704.0001', '0704.0156']);
      const first = found.get('0704.0001')!;
      assert.deepEqual(first.authors.map((a) => a.name), ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan']);
      assert.deepEqual(first.versions, [{ version: 1, date: '2007-04-02T19:18:42.000Z' }, { version: 2, date: '2007-07-24T20:10:27.000Z' }]);
      assert.equal(first.doi, '10.1103/PhysRevD.76.013009');
      assert.equal(found.get('0704.0156')!.withdrawn, true);
      const stats = await catalog.store.stats();
      assert.equal(stats.papers, 200);
      assert.ok(stats.withdrawn > 0);
      assert.equal(stats.listingOnly, 0);
      assert.match(stats.newest!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      assert.deepEqual(await importFixture(catalog, 'snapshot', fixture('snapshot')), { read: 200, added: 0, updated: 0, unchanged: 200, skipped: 0 });
      assert.equal(await catalog.store.countPapers(), 200);
    }));

    test('daily listings merge cross-lists and new versions, and say so once', withCatalog(async (catalog) => {
      assert.deepEqual(await importFixture(catalog, 'daily-jsonl', fixture('daily-jsonl')), { read: 6, added: 3, updated: 2, unchanged: 1, skipped: 0 });
      const papers = await catalog.store.getPapers(['0704.0001', '0704.0002', '0704.0156']);
      assert.deepEqual(papers.get('0704.0001')!.categories, ['hep-ph', 'hep-ex']);
      assert.deepEqual(papers.get('0704.0002')!.versions.map((v) => v.version), [1, 2]);
      assert.equal(papers.get('0704.0002')!.abstract, 'A revised abstract for the second version.');
      assert.equal(papers.get('0704.0156')!.withdrawn, true);
      assert.deepEqual(await importFixture(catalog, 'daily-jsonl', fixture('daily-jsonl')), { read: 6, added: 0, updated: 0, unchanged: 6, skipped: 0 });
    }));

    test('a paper reads back exactly as written, also after an update; titles and fingerprints are found', withCatalog(async (catalog) => {
      const written = paper('2503.09573', { featuredAt: '2025-03-13T00:00:00.000Z', codeUrl: 'https://github.com/kuleshov-group/bd3lms', keywords: ['diffusion'] });
      await catalog.store.writeBatch(batch({ papers: [written], fingerprints: ['fp-1', 'fp-2'] }));
      assert.deepEqual((await catalog.store.getPapers([written.id])).get(written.id), written);

      const revised = { ...written, title: 'Block Diffusion: Interpolating', versions: [...written.versions, { version: 2, date: '2025-04-01T00:00:00.000Z' }], updated: '2025-04-01T00:00:00.000Z' };
      await catalog.store.writeBatch(batch({ papers: [revised] }));
      assert.deepEqual((await catalog.store.getPapers([written.id])).get(written.id), revised);
      assert.deepEqual((await catalog.store.findByTitleKey('block diffusion interpolating')).map((p) => p.id), [written.id]);
      assert.deepEqual(await catalog.store.findByTitleKey('block diffusion'), []);
      assert.deepEqual(await catalog.store.knownFingerprints(['fp-2', 'fp-3']), new Set(['fp-2']));
      assert.equal(await catalog.store.countPapers(), 1);
    }));

    test('a listing paper absorbed into its arXiv paper leaves an alias behind', withCatalog(async (catalog) => {
      await catalog.store.writeBatch(batch({ papers: [paper('pf:0123abcd', { categories: [] }), paper('2503.00002', { title: 'Another' })] }));
      assert.equal(await catalog.store.countContentPapers(), 1);
      assert.equal((await catalog.store.stats()).listingOnly, 1);

      await catalog.store.writeBatch(batch({ papers: [paper('2503.09573', { aliases: ['pf:0123abcd'] })], absorbed: [{ id: 'pf:0123abcd', into: '2503.09573' }] }));
      assert.equal(await catalog.store.countContentPapers(), 0);
      assert.deepEqual([...(await catalog.store.getPapers(['pf:0123abcd', '2503.09573'])).keys()], ['2503.09573']);
      assert.equal(await catalog.store.resolveAlias('pf:0123abcd'), '2503.09573');
      assert.equal(await catalog.store.resolveAlias('pf:unknown'), undefined);
      assert.deepEqual((await catalog.store.findByTitleKey('block diffusion')).map((p) => p.id), ['2503.09573']);
    }));

    test('signals are kept once each; writeBatch names the papers that gained one; trending reads them', withCatalog(async (catalog) => {
      const papers = [paper('2503.00001', { featuredAt: '2025-03-10T00:00:00.000Z' }), paper('2503.00002', { featuredAt: '2025-03-11T00:00:00.000Z' })];
      const signals = [upvotes('2503.00001', '2025-03-10T00:00:00.000Z', 3), upvotes('2503.00001', '2025-03-12T00:00:00.000Z', 40), upvotes('2503.00002', '2025-03-12T00:00:00.000Z', 7)];
      assert.deepEqual(await catalog.store.writeBatch(batch({ papers, signals })), new Set(['2503.00001', '2503.00002']));
      assert.deepEqual(await catalog.store.writeBatch(batch({ signals: [...signals.slice(0, 2), upvotes('2503.00002', '2025-03-13T00:00:00.000Z', 9)] })), new Set(['2503.00002']));
      assert.equal((await catalog.store.stats()).signals, 4);

      assert.equal(await catalog.trendingStore.newestActivity(), '2025-03-13T00:00:00.000Z');
      const inputs = await catalog.trendingStore.trendingInputs('2025-03-11T00:00:00.000Z', '2025-03-13T00:00:00.000Z', '2025-03-13T00:00:00.000Z');
      assert.deepEqual(inputs.sort((a, b) => a.paperId.localeCompare(b.paperId)), [
        { paperId: '2503.00001', since: '2025-03-10T00:00:00.000Z', ourVotes: 0, externalLatest: 40, externalBefore: 3 },
        { paperId: '2503.00002', since: '2025-03-11T00:00:00.000Z', ourVotes: 0, externalLatest: 9, externalBefore: 0 },
      ]);
    }));

    test('trending over imported Hugging Face daily papers', withCatalog(async (catalog) => {
      await importFixture(catalog, 'hf-daily', fixture('hf-daily'));
      const week = await trending(catalog.trendingStore, 'week', new Date('2030-01-01T00:00:00Z'), 3);
      // Computed on SQLite when this test was written; both stores must agree with it.
      assert.deepEqual(week.items.map((item) => item.paperId), ['2508.21104', '2508.17378', '2508.19060']);
    }));

    test('a failed transaction writes nothing; a strict import with a bad record writes nothing', withCatalog(async (catalog) => {
      await assert.rejects(catalog.store.transaction(async () => {
        await catalog.store.writeBatch(batch({ papers: [paper('2503.00001')], fingerprints: ['fp'], signals: [upvotes('2503.00001', '2025-03-12T00:00:00.000Z', 1)] }));
        await catalog.store.setState('k', 'v');
        throw new Error('stop');
      }), /stop/);
      assert.equal(await catalog.store.countPapers(), 0);
      assert.deepEqual(await catalog.store.knownFingerprints(['fp']), new Set());
      assert.equal(await catalog.store.getState('k'), undefined);
      await assert.rejects(importFixture(catalog, 'daily-jsonl', fixture('daily-jsonl-bad'), true), /invalid JSON/);
      assert.equal(await catalog.store.countPapers(), 0);
    }));

    test('state is a durable key-value map', withCatalog(async (catalog) => {
      assert.equal(await catalog.store.getState('oai-pmh:x'), undefined);
      await catalog.store.setState('oai-pmh:x', '{"from":"2025-01-01"}');
      await catalog.store.setState('oai-pmh:x', '{"from":"2025-02-01"}');
      assert.equal(await catalog.store.getState('oai-pmh:x'), '{"from":"2025-02-01"}');
    }));
  });
}
