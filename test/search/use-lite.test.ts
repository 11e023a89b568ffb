import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp } from '../../src/app.js';
import { importSource } from '../../src/catalog/import.js';
import { resolveConfig } from '../../src/config.js';
import { openFileSource } from '../../src/ingest/formats.js';
import { USE_LITE, useLiteEmbedder, type Embedder } from '../../src/search/embedder.js';
import { embedMissing, trainCatalogModel } from '../../src/search/embeddings.js';
import { fixture, tempApp } from '../support.js';

// The real model: a few abstracts per second, so the catalog here is six papers of the snapshot.
let app: ReturnType<typeof tempApp>;
let embedder: Embedder;

before(async () => {
  const source = tempApp();
  try {
    const { files, open } = await openFileSource('snapshot', [fixture('snapshot')]);
    await importSource(source.store, open(files));
    const papers = (await source.searchStore.papersToEmbed('none', 0, 6)).map(({ paper }) => paper);
    app = tempApp();
    await app.store.writeBatch({ papers, absorbed: [], signals: [], fingerprints: [] });
  } finally {
    source.cleanup();
  }
  const fetched: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input) => {
    fetched.push(String(input));
    throw new Error('offline');
  };
  try {
    embedder = await useLiteEmbedder();
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(fetched, [], 'the model loads from the package, not the network');
});
after(() => app.cleanup());

test('USE lite loads offline and embeds texts as unit vectors, related texts closer than unrelated ones', async () => {
  assert.equal(embedder.id, USE_LITE);
  assert.equal(embedder.dims, 512);
  const [diffusion, denoising, parsing] = await embedder.embed([
    'Diffusion models generate images by iterative denoising.',
    'A denoising process produces pictures step by step.',
    'We parse Czech sentences with a dependency grammar.',
  ]);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, d) => sum + value * b[d]!, 0);
  assert.equal(diffusion!.length, 512);
  assert.ok(Math.abs(dot(diffusion!, diffusion!) - 1) < 1e-5);
  assert.ok(dot(diffusion!, denoising!) > dot(diffusion!, parsing!));
  assert.deepEqual(await embedder.embed([]), []);
});

test('USE vectors are stored under their model id beside the LSA vectors, and an interrupted run resumes', async () => {
  const lsa = await trainCatalogModel(app.searchStore, new Date('2026-11-28T07:00:00Z'), { dims: 4 });
  assert.deepEqual(await embedMissing(app.searchStore, lsa), { embedded: 6, remaining: 0 });

  assert.deepEqual(await embedMissing(app.searchStore, embedder, { batchSize: 2, maxBatches: 1 }), { embedded: 2, remaining: 4 });
  const first = await app.searchStore.embeddingsAfter(USE_LITE, 0, 10_000);
  assert.equal(first.rowids.length, 2);
  assert.equal(first.dims, 512);
  // The second run embeds only the four papers the first did not reach.
  assert.deepEqual(await embedMissing(app.searchStore, embedder, { batchSize: 2 }), { embedded: 4, remaining: 0 });
  const all = await app.searchStore.embeddingsAfter(USE_LITE, 0, 10_000);
  assert.equal(all.rowids.length, 6);
  // A complete set of USE vectors replaces no other model's.
  assert.equal((await app.searchStore.embeddingsAfter(lsa.id, 0, 10_000)).rowids.length, 6);
});

test('with PAPERFEED_EMBEDDING_MODEL=use-lite, semantic search and similar papers use the USE vectors', async (t) => {
  const config = resolveConfig({ db: app.dbFile }, { PAPERFEED_EMBEDDING_MODEL: USE_LITE });
  assert.equal(config.embeddingModel, USE_LITE);
  const configured = createApp(config);
  t.after(() => configured.close());
  assert.equal((await configured.search.vectors())?.dims, 512);
  const semantic = await configured.search.search({ text: 'neural network model', mode: 'semantic', limit: 3 });
  assert.equal(semantic.items.length, 3);
  const [first] = await app.searchStore.papersToEmbed('none', 0, 1);
  const similar = await configured.search.similar(first!.paper.id, { limit: 10 });
  assert.equal(similar.length, 5);
  assert.ok(!similar.some((item) => item.paper.id === first!.paper.id));
});
