/**
 * Training the catalog's LSA model and keeping every paper's vector current: batches of papers
 * without a vector of the current model are embedded and committed one batch at a time, so an
 * interrupted run resumes where it stopped, and papers added or edited later are picked up by
 * the next run.
 */
import { ONNX_FAMILY, paperText, lsaEmbedder, type Embedder } from './embedder.js';
import { deserializeLsa, serializeLsa, trainLsa, type LsaModel, type LsaOptions } from './lsa.js';
import type { EmbeddingStore } from './store.js';

/** Model ids of the LSA family start with this. */
export const LSA_FAMILY = 'lsa-';
/** Papers sampled to train on: enough for a stable vocabulary, small enough to train in seconds. */
export const TRAINING_SAMPLE = 30_000;

/** The current LSA embedder, if a model was trained. */
export async function loadLsaEmbedder(store: EmbeddingStore): Promise<(Embedder & { model: LsaModel }) | undefined> {
  const stored = await store.latestModel(LSA_FAMILY);
  return stored && lsaEmbedder(stored.id, deserializeLsa(stored.data));
}

/** Trains a new LSA model on the catalog and stores it; the clock dates it. */
export async function trainCatalogModel(store: EmbeddingStore, now: Date, options: LsaOptions = {}): Promise<Embedder & { model: LsaModel }> {
  const texts = await store.trainingTexts(TRAINING_SAMPLE);
  const model = trainLsa(texts, options);
  const id = `${LSA_FAMILY}${model.dims}-${now.toISOString()}`;
  await store.saveModel({ id, createdAt: now.toISOString(), papers: texts.length, data: serializeLsa(model) });
  return lsaEmbedder(id, model);
}

/** Retrain when the catalog has grown to this multiple of the papers the model was trained on. */
const RETRAIN_GROWTH = 2;

/**
 * The embedder to bring the catalog up to date with: the stored model, or a new one trained now
 * when there is none, when `retrain` asks, or when the catalog has doubled since the model was
 * trained on less than a full sample.
 */
export async function embedderForCatalog(
  store: EmbeddingStore, papers: number, now: Date, options: { retrain?: boolean } = {},
): Promise<{ embedder: Embedder & { model: LsaModel }; trained: boolean }> {
  const stored = await store.latestModel(LSA_FAMILY);
  const grown = stored ? papers >= RETRAIN_GROWTH * Math.max(stored.papers, 1) && stored.papers < TRAINING_SAMPLE : false;
  const current = stored && !grown && options.retrain !== true ? lsaEmbedder(stored.id, deserializeLsa(stored.data)) : undefined;
  return current ? { embedder: current, trained: false } : { embedder: await trainCatalogModel(store, now), trained: true };
}

/** The models whose vectors a complete set of `modelId`'s replaces: its own family's (a model with no family is its own). */
function familyOf(modelId: string): string {
  return [ONNX_FAMILY, LSA_FAMILY].find((family) => modelId.startsWith(family)) ?? modelId;
}

export interface EmbedProgress {
  done: number;
  total: number;
}

/**
 * Embeds every paper that lacks a vector of `embedder`, `batchSize` at a time, each batch in
 * its own transaction. Stops early after `maxBatches` (for a bounded run). Returns how many were
 * embedded and how many remain.
 */
export async function embedMissing(
  store: EmbeddingStore,
  embedder: Embedder,
  options: { batchSize?: number; maxBatches?: number; onProgress?: (progress: EmbedProgress) => void } = {},
): Promise<{ embedded: number; remaining: number }> {
  const batchSize = options.batchSize ?? 500;
  const total = await store.countToEmbed(embedder.id);
  let embedded = 0;
  let after = 0;
  for (let batch = 0; options.maxBatches === undefined || batch < options.maxBatches; batch += 1) {
    const papers = await store.papersToEmbed(embedder.id, after, batchSize);
    if (papers.length === 0) break;
    const vectors = await embedder.embed(papers.map(({ paper }) => paperText(paper)));
    await store.saveEmbeddings(embedder.id, papers.map(({ rowid }, i) => ({ rowid, vector: vectors[i]! })));
    embedded += papers.length;
    after = papers.at(-1)!.rowid;
    options.onProgress?.({ done: embedded, total });
  }
  const remaining = await store.countToEmbed(embedder.id);
  // A new model's vectors replace its predecessor's once complete; other families stay.
  if (remaining === 0) await store.dropOtherEmbeddings(embedder.id, familyOf(embedder.id));
  return { embedded, remaining };
}

/** Vectors read per page: about 10 MB at 256 dims, never the whole catalog's at once. */
const PAGE = 10_000;

/** Every stored vector of a model, in rowid order, a page at a time. */
export async function* embeddingPages(store: EmbeddingStore, modelId: string): AsyncGenerator<{ rowids: number[]; vectors: Float32Array }> {
  for (let after = 0; ;) {
    const page = await store.embeddingsAfter(modelId, after, PAGE);
    if (page.rowids.length === 0) return;
    yield page;
    after = page.rowids.at(-1)!;
  }
}

/** Pages of vectors as one matrix, their rows in order. */
export function joinedPages(pages: readonly { rowids: number[]; vectors: Float32Array }[]): { rowids: number[]; vectors: Float32Array } {
  const vectors = new Float32Array(pages.reduce((sum, page) => sum + page.vectors.length, 0));
  let at = 0;
  for (const page of pages) {
    vectors.set(page.vectors, at);
    at += page.vectors.length;
  }
  return { rowids: pages.flatMap((page) => page.rowids), vectors };
}
