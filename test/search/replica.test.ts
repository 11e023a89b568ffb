import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createApp, type App } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { importSource } from '../../src/catalog/import.js';
import { openFileSource } from '../../src/ingest/formats.js';
import { paperText } from '../../src/search/embedder.js';
import { embedMissing, trainCatalogModel } from '../../src/search/embeddings.js';
import { indexFiles } from '../../src/search/index-files.js';
import { createSearch, FOLLOW_EVERY_MS } from '../../src/search/service.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { fixture, tempApp, tempDir } from '../support.js';

/** Two apps on one database, as a worker node and a web node are: each with its own vector index. */
interface Nodes {
  worker: App;
  web: App;
  /** Moves both nodes' clock on. */
  advance(ms: number): void;
  dispose(): Promise<void>;
}

const START = Date.parse('2026-11-28T07:00:00Z');

const backends: { name: string; open: () => Promise<Nodes> }[] = [
  {
    name: 'SQLite',
    open: async () => {
      const { dir, cleanup } = tempDir();
      let clock = START;
      const now = () => new Date(clock);
      const config = { dbFile: join(dir, 'paperfeed.db'), port: 0 };
      const worker = createApp(config, now);
      const web = createApp(config, now);
      return { worker, web, advance: (ms) => { clock += ms; }, dispose: async () => { await web.close(); await worker.close(); cleanup(); } };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const { dir, cleanup } = tempDir();
      const url = await testDatabaseUrl();
      const schema = freshSchema();
      let clock = START;
      const now = () => new Date(clock);
      const config = { dbFile: join(dir, 'unused.db'), databaseUrl: url, port: 0 };
      const worker = createApp(config, now, { schema });
      const web = createApp(config, now, { schema });
      return {
        worker, web, advance: (ms) => { clock += ms; },
        dispose: async () => { await web.close(); await worker.close(); await dropSchema(url, schema); cleanup(); },
      };
    },
  },
];

/** The snapshot fixture's 200 papers, imported and visible to every reader. */
async function importSnapshot(app: Pick<App, 'store'>): Promise<void> {
  const { files, open } = await openFileSource('snapshot', [fixture('snapshot')]);
  await importSource(app.store, open(files));
  await app.store.settle();
}

for (const backend of backends) {
  describe(`vector index replicas: ${backend.name}`, () => {
    test('vectors embedded through one node become searchable through another within the follow interval; an edited paper drops out until re-embedded', async () => {
      const nodes = await backend.open();
      const { worker, web } = nodes;
      try {
        await importSnapshot(worker);
        const embedder = await trainCatalogModel(worker.searchStore, new Date(START), { dims: 32 });
        await embedMissing(worker.searchStore, embedder, { batchSize: 50, maxBatches: 2 });

        assert.equal((await web.search.vectors())?.size, 100);
        // A paper the first run did not reach: the worker embeds it next.
        const [next] = await worker.searchStore.papersToEmbed(embedder.id, 0, 1);
        const { rowid, paper } = next!;
        const findsItself = async () => (await web.search.search({ text: paperText(paper), mode: 'semantic', limit: 1 })).items[0]?.paper.id === paper.id;
        assert.equal(await findsItself(), false);

        await embedMissing(worker.searchStore, embedder);
        nodes.advance(FOLLOW_EVERY_MS - 1);
        assert.equal((await web.search.vectors())?.size, 100, 'no check before the interval');
        nodes.advance(1);
        assert.equal((await web.search.vectors())?.size, 200);
        assert.ok(await findsItself());

        await worker.store.writeBatch({ papers: [{ ...paper, abstract: `${paper.abstract} Revised to be about something else.` }], absorbed: [], signals: [], fingerprints: [] });
        nodes.advance(FOLLOW_EVERY_MS);
        const index = (await web.search.vectors())!;
        assert.equal(index.size, 199);
        assert.equal((await index.vectors([rowid])).get(rowid), undefined);
        assert.equal(await findsItself(), false);

        assert.deepEqual(await embedMissing(worker.searchStore, embedder), { embedded: 1, remaining: 0 });
        nodes.advance(FOLLOW_EVERY_MS);
        assert.equal((await web.search.vectors())?.size, 200);
        assert.deepEqual(await (await web.search.vectors())!.vectors([rowid]), await worker.searchStore.embeddingsOf(embedder.id, [rowid]));
      } finally {
        await nodes.dispose();
      }
    });

    test('a retrained model replaces the whole index once its vectors are complete, not before', async () => {
      const nodes = await backend.open();
      const { worker, web } = nodes;
      try {
        await importSnapshot(worker);
        const first = await trainCatalogModel(worker.searchStore, new Date(START), { dims: 32 });
        await embedMissing(worker.searchStore, first);
        assert.equal((await web.search.vectors())?.dims, 32);

        const second = await trainCatalogModel(worker.searchStore, new Date(START + 86_400_000), { dims: 16 });
        await embedMissing(worker.searchStore, second, { batchSize: 50, maxBatches: 2 });
        nodes.advance(FOLLOW_EVERY_MS);
        const meanwhile = (await web.search.vectors())!;
        assert.deepEqual([meanwhile.dims, meanwhile.size], [32, 200], 'the complete model serves while the new one is partial');
        assert.ok((await web.search.search({ text: 'quantum field theory', mode: 'semantic' })).items.length > 0);

        await embedMissing(worker.searchStore, second);
        nodes.advance(FOLLOW_EVERY_MS);
        const swapped = (await web.search.vectors())!;
        assert.deepEqual([swapped.dims, swapped.size], [16, 200]);
        assert.ok((await web.search.search({ text: 'quantum field theory', mode: 'semantic' })).items.length > 0);
      } finally {
        await nodes.dispose();
      }
    });
  });
}

test('a saved IVF index is loaded rather than rebuilt, and brought up to date with the changes after it', async () => {
  const app = tempApp();
  const { dir, cleanup } = tempDir();
  try {
    await importSnapshot(app);
    const embedder = await trainCatalogModel(app.searchStore, new Date(START), { dims: 32 });
    await embedMissing(app.searchStore, embedder, { batchSize: 50, maxBatches: 2 });
    const saves = indexFiles(dir);
    // Every index is an IVF index here, as a catalog past EXACT_LIMIT is.
    const start = () => createSearch({ store: app.searchStore, embeddings: app.searchStore, trendingScores: async () => new Map(), indexFiles: saves, exactLimit: 0 });

    // An HNSW graph saved by an older version is neither loaded nor kept.
    writeFileSync(join(dir, `${encodeURIComponent(embedder.id)}.1.i8.usearch`), 'an HNSW graph');
    const first = start();
    assert.equal((await first.vectors())?.size, 100);
    const savedAt = await app.searchStore.lastEmbeddingChange();
    const saved = [`${encodeURIComponent(embedder.id)}.${savedAt}.ivfpq`];
    assert.deepEqual(readdirSync(dir), saved);
    first.close();

    const [next] = await app.searchStore.papersToEmbed(embedder.id, 0, 1);
    await embedMissing(app.searchStore, embedder);
    const second = start();
    assert.equal((await second.vectors())?.size, 200);
    assert.deepEqual(readdirSync(dir), saved, 'loaded, so not built and saved again');
    const [top] = (await second.search({ text: paperText(next!.paper), mode: 'semantic', limit: 1 })).items;
    assert.equal(top?.paper.id, next!.paper.id);
    second.close();
  } finally {
    app.cleanup();
    cleanup();
  }
});

test('PAPERFEED_VECTORS_DIR names the folder of saved vector indexes (PostgreSQL nodes have none by default)', () => {
  const url = 'postgres://paperfeed@db.example.org/paperfeed';
  assert.equal(resolveConfig({}, { PAPERFEED_DATABASE_URL: url }).vectorsDir, undefined);
  assert.equal(resolveConfig({}, { PAPERFEED_DATABASE_URL: url, PAPERFEED_VECTORS_DIR: 'graphs' }).vectorsDir, join(process.cwd(), 'graphs'));
});
