import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onnxEmbedder } from '../../src/search/embedder.js';
import { PaperfeedError } from '../../src/errors.js';
import { tempDir } from '../support.js';
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
