import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createApp, openCatalog, type App, type Catalog } from '../../src/app.js';
import { importSource } from '../../src/catalog/import.js';
import type { Paper, Signal } from '../../src/catalog/paper.js';
import type { CatalogBatch } from '../../src/catalog/store.js';
import { openFileSource } from '../../src/ingest/formats.js';
import type { Format } from '../../src/ingest/source.js';
import { openPostgres } from '../../src/store/postgres/database.js';
import { PostgresCatalogStore } from '../../src/store/postgres/catalog-store.js';
import { PostgresTrendingStore } from '../../src/store/postgres/trending-store.js';
import { embedMissing, LSA_FAMILY, trainCatalogModel } from '../../src/search/embeddings.js';
import type { SearchQuery } from '../../src/search/types.js';
import { trending } from '../../src/trending/trending.js';
import { createWebApp } from '../../src/web/server.js';
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

/** Both backends' apps over the same data; the clock is the day after the newest fixture. */
const NOW = new Date('2025-09-03T00:00:00Z');

async function openApps(): Promise<{ sqlite: App; postgres: App; dispose: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const url = await testDatabaseUrl();
  const schema = freshSchema();
  const sqlite = createApp({ dbFile: join(dir, 'paperfeed.db'), port: 0 }, () => NOW);
  const postgres = createApp({ dbFile: join(dir, 'unused.db'), databaseUrl: url, port: 0 }, () => NOW, { schema });
  const dispose = async () => {
    await sqlite.close();
    await postgres.close();
    await dropSchema(url, schema);
    cleanup();
  };
  try {
    for (const app of [sqlite, postgres]) {
      await importFixture(app, 'snapshot', fixture('snapshot'));
      await importFixture(app, 'hf-daily', fixture('hf-daily'));
      await app.store.settle();
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { sqlite, postgres, dispose };
}

const withApps = (work: (apps: { sqlite: App; postgres: App }) => Promise<void>) => async () => {
  const apps = await openApps();
  try {
    await work(apps);
  } finally {
    await apps.dispose();
  }
};

/** What must agree when scores come from different engines: the total and the papers, in order. */
const papersOf = (result: Awaited<ReturnType<App['search']['search']>>) => ({ total: result.total, ids: result.items.map((item) => item.paper.id) });

describe('search and web reads: SQLite and PostgreSQL agree', () => {
  test('words, title and author words, and phrases are ranked by the shared in-memory index: identical pages, scores, snippets and cursors', withApps(async ({ sqlite, postgres }) => {
    await sqlite.search.warm();
    await postgres.search.warm();
    const queries: SearchQuery[] = [
      { text: 'quantum' }, { text: 'diffusion models', limit: 3 }, { text: 'photon production cross sections at hadron colliders' },
      { text: 'gra*' }, { text: '(language OR vision) -video', limit: 5 }, { text: 'quantum', limit: 3, cursor: Buffer.from('{"o":3}').toString('base64url') },
      { text: 'ti:(video OR image)' }, { text: 'au:nadolsky' }, { text: '"language models"' }, { text: '"cross sections" -ti:photon' },
    ];
    for (const query of queries) {
      const expected = await sqlite.search.search(query);
      assert.ok(expected.total > 0, `${query.text} finds papers`);
      assert.deepEqual(await postgres.search.search(query), expected, query.text);
    }
  }));

  test('phrases, fields, filters and date or trending order come from each full-text index: the same papers in the same order', withApps(async ({ sqlite, postgres }) => {
    // Relevance order without filters comes from the in-memory index once it is built (above); here it is not.
    const queries: SearchQuery[] = [
      { text: '"language models"', sort: 'date' }, { text: 'ti:models', sort: 'date' }, { text: 'cat:hep-ph', sort: 'date', limit: 50 },
      { text: 'abs:"cross sections"', sort: 'date' }, { text: 'ti:(video OR image)', sort: 'date' }, { text: 'gra*', sort: 'date', filters: { categories: ['cs'] } },
      { text: 'models', sort: 'date', filters: { categories: ['cs', 'hep-ph'] }, limit: 100 }, { text: 'models', sort: 'date', filters: { hasCode: true } },
      { text: '', filters: { from: '2025-01-02', to: '2025-01-09' }, limit: 100 }, { text: '', sort: 'trending', limit: 10 },
      { text: 'au:nadolsky', sort: 'date' },
    ];
    for (const query of queries) {
      const expected = papersOf(await sqlite.search.search(query));
      assert.ok(expected.total > 0, `${query.text} ${JSON.stringify(query.filters)} finds papers`);
      assert.deepEqual(papersOf(await postgres.search.search(query)), expected, `${query.text} ${JSON.stringify(query.filters)}`);
    }
    // No user text is read as tsquery syntax: quotes, operators and stray punctuation only search words.
    for (const text of ["a'b", '\\ x', 'x & y | !z <-> w', "ti:'model' :* \\'", '"the who"', 'au:(josé garcía)', '🎉 model']) {
      await postgres.search.search({ text, filters: { categories: ['cs'] } });
    }
    assert.deepEqual(papersOf(await postgres.search.search({ text: "models' <-> !", sort: 'date' })), papersOf(await sqlite.search.search({ text: 'models', sort: 'date' })));
    // Relevance order with a filter ranks by each engine's own formula (bm25, ts_rank): the same papers, maybe ordered differently.
    const filtered: SearchQuery = { text: 'gra*', filters: { categories: ['cs'] }, limit: 100 };
    const [mine, theirs] = [papersOf(await sqlite.search.search(filtered)), papersOf(await postgres.search.search(filtered))];
    assert.equal(theirs.total, mine.total);
    assert.deepEqual(theirs.ids.sort(), mine.ids.sort());
  }));

  test('embeddings round trip: the same model and vectors, so semantic and hybrid search agree', withApps(async ({ sqlite, postgres }) => {
    const vectorsByPaper = async (app: App, modelId: string) => {
      const { rowids, vectors, dims } = await app.searchStore.embeddingsAfter(modelId, 0, 10_000);
      const papers = await app.searchStore.papersByRowids(rowids);
      return new Map(rowids.map((rowid, i) => [papers.get(rowid)!.id, [...vectors.subarray(i * dims, (i + 1) * dims)]]));
    };
    const [mine, theirs] = await Promise.all([sqlite, postgres].map(async (app) => {
      const embedder = await trainCatalogModel(app.searchStore, new Date('2025-09-02T00:00:00Z'));
      assert.deepEqual(await embedMissing(app.searchStore, embedder), { embedded: await app.store.countPapers(), remaining: 0 });
      assert.equal(await app.searchStore.countToEmbed(embedder.id), 0);
      assert.equal(await app.searchStore.countEmbeddings(embedder.id), await app.store.countPapers());
      assert.equal(await app.searchStore.countEmbeddings('no such model'), 0);
      const rowid = (await app.searchStore.rowidOf('0704.0001'))!;
      assert.equal((await app.searchStore.embeddingsOf(embedder.id, [rowid])).get(rowid)!.length, embedder.model.dims);
      return { id: embedder.id, vectors: await vectorsByPaper(app, embedder.id) };
    }));
    assert.equal(theirs!.id, mine!.id);
    assert.deepEqual(theirs!.vectors, mine!.vectors);
    await sqlite.search.warm();
    await postgres.search.warm();
    for (const query of [{ text: 'quantum chromodynamics', mode: 'semantic' }, { text: 'diffusion', mode: 'hybrid' }] as const) {
      assert.deepEqual(await postgres.search.search(query), await sqlite.search.search(query), query.text);
    }
    // Similar papers' scores may differ in their last bits between backends (floating-point rounding); the papers may not.
    const [similarMine, similarTheirs] = await Promise.all([sqlite, postgres].map((app) => app.search.similar('0704.0001', { limit: 5 })));
    assert.deepEqual(similarTheirs!.map((hit) => hit.paper), similarMine!.map((hit) => hit.paper));
    similarTheirs!.forEach((hit, i) => assert.ok(Math.abs(hit.score - similarMine![i]!.score) < 1e-9));

    // A changed title makes the paper's vector stale; a newer model of the family drops the older one's vectors.
    for (const app of [sqlite, postgres]) {
      const paper = (await app.store.getPapers(['0704.0001'])).get('0704.0001')!;
      await app.store.writeBatch(batch({ papers: [{ ...paper, title: 'A new title' }] }));
      assert.equal(await app.searchStore.countToEmbed(mine!.id), 1);
      const newer = { id: `${mine!.id}-newer`, createdAt: '2025-09-03T00:00:00.000Z', papers: 1, data: new Uint8Array([0, 1, 255]) };
      await app.searchStore.saveModel(newer);
      assert.deepEqual(await app.searchStore.latestModel(LSA_FAMILY), { ...newer, data: Buffer.from(newer.data) });
      await app.searchStore.dropOtherEmbeddings(newer.id, LSA_FAMILY);
      assert.deepEqual((await app.searchStore.embeddingsAfter(mine!.id, 0, 10_000)).rowids, []);
    }
  }));

  test('the keyword feed follows writes and deletions by rowid', withApps(async ({ sqlite, postgres }) => {
    for (const app of [sqlite, postgres]) {
      const before = await app.searchStore.lastChange();
      const all = await app.searchStore.papersAfter(0, 1000);
      assert.equal(all.length, await app.store.countPapers());
      assert.ok(all.every((row, i) => i === 0 || row.rowid > all[i - 1]!.rowid), 'rowid order');
      await app.store.writeBatch(batch({ papers: [paper('pf:0123abcd', { categories: [] }), paper('2503.09573')] }));
      const listing = (await app.searchStore.rowidOf('pf:0123abcd'))!;
      assert.ok(listing > all.at(-1)!.rowid, 'a new paper comes after every other');
      await app.store.writeBatch(batch({ papers: [paper('2503.09573', { title: 'Absorbing', aliases: ['pf:0123abcd'] })], absorbed: [{ id: 'pf:0123abcd', into: '2503.09573' }] }));
      const changes = (await app.searchStore.changesAfter(before, 100))!;
      assert.equal(changes.seq, await app.searchStore.lastChange());
      const absorbing = (await app.searchStore.rowidOf('2503.09573'))!;
      assert.deepEqual(changes.papers.sort((a, b) => a.rowid - b.rowid), [
        { rowid: listing, text: undefined },
        { rowid: absorbing, text: { title: 'Absorbing', authors: 'Marianne Arriola, Aaron Gokaslan', abstract: paper('x').abstract, categories: 'cs.LG cs.CL' } },
      ]);
      assert.equal(await app.searchStore.changesAfter(changes.seq, 100), undefined);
      await app.store.settle();
      assert.deepEqual(await app.search.search({ text: 'absorbing' }).then(papersOf), { total: 1, ids: ['2503.09573'] });
    }
  }));

  test('web reads (featured days, signals, counts, categories, authors) and the site built on them', withApps(async ({ sqlite, postgres }) => {
    const reads = async (app: App) => {
      const newest = (await app.webStore.newestFeatured())!;
      const day = newest.slice(0, 10);
      const end = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
      const byUpvotes = await app.webStore.featured(day, end, 'upvotes', 0, 5);
      const first = byUpvotes.papers[0]!;
      return {
        newest,
        byUpvotes,
        byPublished: await app.webStore.featured('2024-12-01', '2025-02-01', 'published', 2, 5),
        around: await app.webStore.featuredAround('2025-01-09', '2025-01-10'),
        signals: await app.webStore.signalsOf(first.id),
        counts: [...await app.webStore.latestCounts([first.id, '0704.0001', 'none'])],
        category: await app.webStore.papersInCategory('hep-ph', 1, 3),
        categories: await app.webStore.categories(),
        author: await app.webStore.papersByAuthor(first.authors[0]!.name.toUpperCase()),
        nobody: await app.webStore.papersByAuthor('--'),
      };
    };
    const expected = await reads(sqlite);
    assert.ok(expected.byUpvotes.total > 0 && expected.signals.length > 0 && expected.author.length > 0 && expected.category.papers.length === 3);
    assert.deepEqual(await reads(postgres), expected);
    // The site over each backend: the same JSON, and the same pages but for each site's own CSRF token.
    const [mySite, theirSite] = [createWebApp(sqlite, { now: () => NOW }), createWebApp(postgres, { now: () => NOW })];
    await Promise.all([sqlite.search.warm(), postgres.search.warm()]);
    for (const path of ['/api/v1/search?q=quantum', '/api/daily_papers?date=2025-01-09', '/api/v1/papers/0704.0001', `/api/v1/authors/${encodeURIComponent(expected.author[0]!.authors[0]!.name)}`, '/api/v1/trending?period=week']) {
      const [mine, theirs] = await Promise.all([mySite.request(path), theirSite.request(path)]);
      assert.equal(mine.status, 200, path);
      assert.deepEqual(await theirs.json(), await mine.json(), path);
    }
    for (const path of ['/', '/papers/0704.0001', '/categories/hep-ph', '/search?q=%22language+models%22&sort=date']) {
      const [mine, theirs] = await Promise.all([mySite.request(path), theirSite.request(path)]);
      assert.equal(mine.status, 200, path);
      const page = async (response: Response) => (await response.text()).replace(/name="csrf" value="[^"]*"/g, '');
      assert.equal(await page(theirs), await page(mine), path);
    }
    for (const app of [sqlite, postgres]) {
      const version = await app.webStore.dataVersion();
      await app.store.writeBatch(batch({ signals: [upvotes('0704.0001', '2025-09-02T12:00:00.000Z', 1)] }));
      assert.notEqual(await app.webStore.dataVersion(), version, 'a new signal moves the data version');
    }
  }));
});
