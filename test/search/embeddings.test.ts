import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importSource } from '../../src/catalog/import.js';
import { openFileSource } from '../../src/ingest/formats.js';
import { embedMissing, loadLsaEmbedder, trainCatalogModel } from '../../src/search/embeddings.js';
import { rrf, zFusion } from '../../src/search/fusion.js';
import { deserializeLsa, embedLsa, normalize, serializeLsa } from '../../src/search/lsa.js';
import { ivfIndex, listsFor, loadIvfIndex, trainQuantizer } from '../../src/search/ivf-index.js';
import { exactIndex } from '../../src/search/vectors.js';
import { fixture, runCli, tempApp, tempDir } from '../support.js';

let app: ReturnType<typeof tempApp>;
const at = (iso: string) => new Date(iso);

before(async () => {
  app = tempApp();
  const { files, open } = await openFileSource('snapshot', [fixture('snapshot')]);
  await importSource(app.store, open(files));
});
after(() => app.cleanup());

test('embeddings are computed in batches and resume after an interrupted run', async () => {
  const embedder = await trainCatalogModel(app.searchStore, at('2026-11-28T07:00:00Z'), { dims: 32 });
  assert.equal(embedder.id, 'lsa-32-2026-11-28T07:00:00.000Z');
  const interrupted = await embedMissing(app.searchStore, embedder, { batchSize: 50, maxBatches: 1 });
  assert.deepEqual(interrupted, { embedded: 50, remaining: 150 });
  const resumed = await embedMissing(app.searchStore, embedder, { batchSize: 50 });
  assert.deepEqual(resumed, { embedded: 150, remaining: 0 });
  const { rowids, dims } = await app.searchStore.embeddingsAfter(embedder.id, 0, 10_000);
  assert.equal(rowids.length, 200);
  assert.equal(dims, 32);
  assert.equal((await loadLsaEmbedder(app.searchStore))?.id, embedder.id);
});

test('a paper whose abstract changes loses its vector, and the next run recomputes it', async () => {
  const embedder = (await loadLsaEmbedder(app.searchStore))!;
  const paper = (await app.store.getPapers(['0704.0001'])).get('0704.0001')!;
  await app.store.writeBatch({ papers: [{ ...paper, abstract: `${paper.abstract} Revised.` }], absorbed: [], signals: [], fingerprints: [] });
  assert.equal(await app.searchStore.countToEmbed(embedder.id), 1);
  assert.deepEqual(await embedMissing(app.searchStore, embedder), { embedded: 1, remaining: 0 });
});

test('similar papers: the nearest papers, never the paper itself', async () => {
  app.search.refresh();
  const similar = await app.search.similar('0704.0033', { limit: 5 });
  assert.equal(similar.length, 5);
  assert.ok(!similar.some((item) => item.paper.id === '0704.0033'));
  // The other parts of the same discrete-dipole series rank first.
  assert.deepEqual(similar.slice(0, 3).map((item) => item.paper.id).sort(), ['0704.0035', '0704.0037', '0704.0038']);
});

test('similar papers: a given candidate set is ranked against the paper', async () => {
  const ranked = await app.search.similar('0704.0033', { limit: 10, candidateIds: ['0704.0001', '0704.0035', '0704.0033', '0704.0027'] });
  assert.deepEqual(ranked.map((item) => item.paper.id)[0], '0704.0035');
  assert.equal(ranked.length, 3);
  const file = join(app.dbFile, '..', 'candidates.txt');
  writeFileSync(file, '0704.0001\n0704.0035\n');
  const cli = await runCli(['similar', '--db', app.dbFile, '--json', '--candidates', file, '0704.0033']);
  assert.equal(cli.code, 0, cli.err.join('\n'));
  assert.deepEqual(cli.out.map((line) => JSON.parse(line).id), ['0704.0035', '0704.0001']);
  assert.equal((await runCli(['similar', '--db', app.dbFile, '9999.99999'])).code, 5);
});

test('semantic and hybrid search rank by meaning and honour filters', async () => {
  const semantic = await app.search.search({ text: 'light scattering by particles', mode: 'semantic', limit: 5 });
  assert.ok(semantic.items.some((item) => item.paper.id === '0704.0037'));
  const filtered = await app.search.search({ text: 'light scattering by particles', mode: 'hybrid', filters: { categories: ['math'] }, limit: 5 });
  assert.ok(filtered.items.length > 0 && filtered.items.every((item) => item.paper.categories.some((c) => c.startsWith('math'))));
});

test('the LSA model round-trips through bytes', async () => {
  const embedder = (await loadLsaEmbedder(app.searchStore))!;
  const copy = deserializeLsa(serializeLsa(embedder.model));
  assert.deepEqual(embedLsa(copy, 'quantum groups'), embedLsa(embedder.model, 'quantum groups'));
});

/**
 * An IVF index over the vectors, trained on all of them, reading exact vectors from an exact
 * index of the same vectors, as the real one reads them from the store.
 */
function ivfOver(keys: number[], vectors: Float32Array, dims: number) {
  const stored = exactIndex(keys, vectors.slice(), dims);
  const index = ivfIndex(trainQuantizer(vectors, dims, listsFor(keys.length)), (wanted) => stored.vectors(wanted));
  index.add(keys, vectors);
  return { stored, index };
}

function randomUnitVectors(n: number, dims: number): Float32Array {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  const vectors = Float32Array.from({ length: n * dims }, random);
  for (let i = 0; i < n; i += 1) normalize(vectors.subarray(i * dims, (i + 1) * dims));
  return vectors;
}

test('vector index: the IVF index finds what the exact scan finds, with exact scores', async () => {
  const dims = 16;
  const n = 5000;
  const vectors = randomUnitVectors(n, dims);
  const keys = Array.from({ length: n }, (_, i) => i + 1);
  const exact = exactIndex(keys, vectors, dims);
  const { index } = ivfOver(keys, vectors, dims);
  assert.equal(index.size, n);
  for (const i of [0, 1234, 4999]) {
    const query = vectors.slice(i * dims, (i + 1) * dims);
    const found = await index.search(query, 10);
    const expected = await exact.search(query, 10);
    assert.equal(found[0]!.key, i + 1);
    const overlap = expected.filter((m) => found.some((f) => f.key === m.key)).length;
    assert.ok(overlap >= 8, `recall@10 ${overlap}/10`);
    // Reranked by the exact vectors: the scores are exact cosines.
    for (const match of found) {
      const exactMatch = expected.find((m) => m.key === match.key);
      if (exactMatch) assert.ok(Math.abs(match.score - exactMatch.score) < 1e-6);
    }
  }
  const query = vectors.slice(0, dims);
  assert.deepEqual((await index.search(query, 3, new Set([5, 6, 7]))).map((m) => m.key).sort(), [5, 6, 7]);
  // A filter that keeps many papers is applied while the lists are scored.
  const everyOther = new Set(keys.filter((key) => key % 2 === 1));
  const filtered = await index.search(query, 5, everyOther);
  assert.equal(filtered.length, 5);
  assert.ok(filtered.every((m) => everyOther.has(m.key)));
  // A filter whose papers are in lists the query scores last is still served in full.
  const far = new Set((await exact.search(query.map((v) => -v), 300)).map((m) => m.key));
  assert.deepEqual((await index.search(query, 10, far)).map((m) => m.key), (await exact.search(query, 10, far)).map((m) => m.key));
  assert.deepEqual((await index.vectors([5])).get(5), vectors.slice(4 * dims, 5 * dims));
});

test('vector index: a saved IVF index loads as it was; a file of other dimensions or kind is not loaded', async () => {
  const dims = 16;
  const n = 3000;
  const vectors = randomUnitVectors(n, dims);
  const keys = Array.from({ length: n }, (_, i) => i + 1);
  const { index, stored } = ivfOver(keys, vectors, dims);
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'index.ivfpq');
    index.save(file);
    const loaded = loadIvfIndex(file, dims, (wanted) => stored.vectors(wanted))!;
    assert.equal(loaded.size, n);
    for (const i of [3, 2500]) {
      const query = vectors.slice(i * dims, (i + 1) * dims);
      assert.deepEqual(await loaded.search(query, 10), await index.search(query, 10));
    }
    assert.equal(loadIvfIndex(file, 32, (wanted) => stored.vectors(wanted)), undefined);
    writeFileSync(file, 'not an index');
    assert.equal(loadIvfIndex(file, dims, (wanted) => stored.vectors(wanted)), undefined);
  } finally {
    cleanup();
  }
});

test('vector index: changes add, replace and remove keys, exact and IVF alike', async () => {
  const dims = 4;
  const unit = (...values: number[]) => normalize(Float32Array.from(values));
  const vectors = new Float32Array([...unit(1, 0, 0, 0), ...unit(0, 1, 0, 0), ...unit(0, 0, 1, 0)]);
  const changes = [{ key: 4, vector: unit(0, 0, 0, 1) }, { key: 1, vector: undefined }, { key: 2, vector: unit(0, 0, 1, 1) }];
  const exact = exactIndex([1, 2, 3], vectors.slice(), dims);
  const ivf = ivfOver([1, 2, 3], vectors, dims);
  // The IVF index's source follows the same changes, as the store has them.
  ivf.stored.apply(changes);
  for (const [kind, index] of [['exact', exact], ['ivf', ivf.index]] as const) {
    index.apply(changes);
    assert.equal(index.size, 3, kind);
    assert.deepEqual([...(await index.vectors([1, 2])).entries()], [[2, unit(0, 0, 1, 1)]], kind);
    assert.deepEqual((await index.search(unit(0, 0, 0, 1), 1)).map((m) => m.key), [4], kind);
    assert.deepEqual((await index.search(unit(1, 0, 0, 0.1), 3)).map((m) => m.key).sort(), [2, 3, 4], kind);
    assert.deepEqual((await index.search(unit(0, 0, 1, 0), 3, new Set([1, 3]))).map((m) => m.key), [3], kind);
  }
});

test('fusion: RRF by rank, z-score by calibrated score', () => {
  assert.deepEqual(rrf([[{ key: 'a', score: 9 }, { key: 'b', score: 1 }], [{ key: 'b', score: 5 }]]).map((s) => s.key), ['b', 'a']);
  assert.deepEqual(zFusion([[{ key: 'a', score: 3 }, { key: 'b', score: 1 }], [{ key: 'a', score: 0.1 }, { key: 'b', score: 0.9 }]], [2, 1]).map((s) => s.key), ['a', 'b']);
});
