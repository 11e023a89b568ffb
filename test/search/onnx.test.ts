import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { onnxEmbedder } from '../../src/search/embedder.js';
import { PaperfeedError } from '../../src/errors.js';
import { fixture, runCli, tempDir } from '../support.js';
import { buildTinyModel, expectedEmbedding } from './tiny-onnx.js';

test('the ONNX provider loads a local sentence-transformers folder, tokenises, runs it and mean-pools', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const model = buildTinyModel(dir, 'tiny-encoder');
  const embedder = await onnxEmbedder(dir, 'tiny-encoder');
  assert.equal(embedder.id, 'onnx:tiny-encoder');
  assert.equal(embedder.dims, 4);
  // A batch of texts of different lengths: padding must not leak into the shorter one's mean.
  const [short, long] = await embedder.embed(['Block diffusion', 'Graph neural networks, zzz']);
  const close = (actual: Float32Array, expected: number[]) => expected.forEach((value, i) => assert.ok(Math.abs(actual[i]! - value) < 1e-6, `${actual[i]} ≈ ${value}`));
  close(short!, expectedEmbedding(model, ['block', 'diffusion']));
  // Lower-cased, split into word pieces ("networks" → network ##s), punctuation and unknown words kept.
  close(long!, expectedEmbedding(model, ['graph', 'neural', 'network', '##s', '[UNK]', '[UNK]']));
  assert.deepEqual(await embedder.embed([]), []);
});

test('a missing model folder is a usage error naming it; nothing is downloaded', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await assert.rejects(onnxEmbedder(dir, 'bge-small-en-v1.5'), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'usage');
    assert.match(error.message, /bge-small-en-v1\.5: cannot load the ONNX model/);
    return true;
  });
});

test('with PAPERFEED_EMBEDDING_MODEL, `paperfeed embed` embeds with the ONNX model and semantic search and similar papers use it', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  buildTinyModel(dir, 'tiny-encoder');
  const dbFile = join(dir, 'paperfeed.db');
  assert.equal((await runCli(['import', '--db', dbFile, '--format', 'snapshot', fixture('snapshot')])).code, 0);
  process.env.PAPERFEED_EMBEDDING_MODEL = join(dir, 'tiny-encoder');
  t.after(() => { delete process.env.PAPERFEED_EMBEDDING_MODEL; });
  const embed = await runCli(['embed', '--db', dbFile, '--json']);
  assert.equal(embed.code, 0, embed.err.join('\n'));
  assert.deepEqual(JSON.parse(embed.out.at(-1)!), { model: 'onnx:tiny-encoder', embedded: 200, remaining: 0 });
  assert.match(embed.out[0]!, /"model":"lsa-/);

  const app = createApp(resolveConfig({ db: dbFile }));
  t.after(() => app.close());
  assert.equal((await app.search.vectors())?.dims, 4);
  const semantic = await app.search.search({ text: 'neural network model', mode: 'semantic', limit: 5 });
  assert.equal(semantic.items.length, 5);
  const similar = await app.search.similar('0704.0033', { limit: 5 });
  assert.equal(similar.length, 5);
  assert.ok(!similar.some((item) => item.paper.id === '0704.0033'));

  process.env.PAPERFEED_EMBEDDING_MODEL = join(dir, 'missing-model');
  const missing = await runCli(['embed', '--db', dbFile]);
  assert.equal(missing.code, 2);
  assert.match(missing.err.join('\n'), /PAPERFEED_EMBEDDING_MODEL: .*missing-model is neither use-lite nor a model folder/);
});
