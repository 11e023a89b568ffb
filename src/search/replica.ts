/**
 * The semantic index as one process holds it: loaded from the store once, then kept in step with
 * the store's embedding changes, so vectors that another process (the worker's embed job) saves
 * or drops reach every web node's index within the follow interval.
 */
import { setImmediate } from 'node:timers/promises';
import { PaperfeedError } from '../errors.js';
import { lsaEmbedder, type Embedder } from './embedder.js';
import { embeddingPages, joinedPages, LSA_FAMILY } from './embeddings.js';
import { deserializeLsa } from './lsa.js';
import type { SimilarDeps } from './similar.js';
import type { EmbeddingStore, SearchStore } from './store.js';
import type { IndexFiles } from './index-files.js';
import { RequestThread } from '../ts-worker.js';
import { ivfIndex, listsFor, loadIvfIndex, TRAINING_VECTORS, VectorSample } from './ivf-index.js';
import type { CoderReply, CoderRequest } from './ivf-worker.js';
import { exactIndex, EXACT_LIMIT, type VectorIndex, type VectorSource } from './vectors.js';

/** What semantic search and similar papers read, and the embedding change it includes. */
export interface SemanticIndex extends SimilarDeps {
  /** The LSA model served (its id), to notice when a newer one's vectors are complete. */
  lsaId: string;
  /** The last embedding change the index includes. */
  seq: number;
}

export interface ReplicaDeps {
  store: SearchStore;
  embeddings: EmbeddingStore;
  /** The configured embedding model, if any (see SearchDeps). */
  embedder?: () => Promise<Embedder>;
  /** Milliseconds between checks for new embedding changes. */
  followEveryMs: number;
  /** The clock, in milliseconds. */
  now: () => number;
  /** Where large catalogs' indexes are saved and loaded; without it each load builds the index. */
  indexFiles?: IndexFiles;
  /** Up to this many vectors the index is an exact scan (default EXACT_LIMIT). */
  exactLimit?: number;
}

/** The vector index of one process, following the store. */
export interface VectorReplica {
  /**
   * The index, loaded on first use; once the follow interval has passed since the last check,
   * first brought up to date with the store.
   */
  current(): Promise<SemanticIndex>;
  /** Makes the next `current()` check the store at once rather than after the interval. */
  refresh(): void;
}

/**
 * Changes read per step of catching up; after each step the server's other work runs, so a
 * large catch-up holds its thread briefly (coding a vector into the IVF index costs a small
 * fraction of a millisecond, mostly in finding its list).
 */
const FOLLOW_BATCH = 500;

/**
 * Follows the store: a check is one read of the newest change's seq; only when it moved are the
 * changed vectors read (each once, as it is now) and added, replaced or removed in place. When
 * the family's served LSA model changes (a retrain whose vectors are complete, see
 * `servedModelId`), the whole index is loaded again for it.
 */
export function vectorReplica(deps: ReplicaDeps): VectorReplica {
  let loaded: Promise<SemanticIndex> | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let following: Promise<SemanticIndex> | undefined;

  const load = async (): Promise<SemanticIndex> => {
    const lsaId = await deps.embeddings.servedModelId(LSA_FAMILY);
    const stored = lsaId === undefined ? undefined : await deps.embeddings.model(lsaId);
    if (!stored) throw new PaperfeedError('conflict', 'semantic search needs embeddings: run "paperfeed embed" first');
    const lsa = lsaEmbedder(stored.id, deserializeLsa(stored.data));
    const embedder = deps.embedder ? await deps.embedder() : lsa;
    // The seq first: a vector saved or dropped while the index loads is followed again, which leaves it as it is.
    const seq = await deps.embeddings.lastEmbeddingChange();
    const index = await loadIndex(embedder, seq);
    if (index.size === 0) throw new PaperfeedError('conflict', `semantic search needs embeddings of ${embedder.id}: run "paperfeed embed" first`);
    return { store: deps.store, model: lsa.model, embedder, index, lsaId: stored.id, seq };
  };

  /**
   * The saved index, else an exact index when the vectors are few, else an IVF index trained on
   * a sample of them and saved. Building reads the vectors twice, a page at a time: once to
   * sample them, once to code them.
   */
  const loadIndex = async (embedder: Embedder, seq: number): Promise<VectorIndex> => {
    const source: VectorSource = (keys) => deps.embeddings.embeddingsOf(embedder.id, keys);
    const saved = await savedIndex(embedder.id, seq, embedder.dims, source);
    if (saved) return saved;
    const count = await deps.embeddings.countEmbeddings(embedder.id);
    if (count <= (deps.exactLimit ?? EXACT_LIMIT)) {
      const pages: { rowids: number[]; vectors: Float32Array }[] = [];
      for await (const page of embeddingPages(deps.embeddings, embedder.id)) pages.push(page);
      const { rowids, vectors } = joinedPages(pages);
      return exactIndex(rowids, vectors, embedder.dims);
    }
    const sample = new VectorSample(TRAINING_VECTORS, embedder.dims);
    for await (const page of embeddingPages(deps.embeddings, embedder.id)) sample.offer(page.vectors);
    // Training and coding take minutes of CPU at millions of papers: a thread of their own does them.
    const coder = new RequestThread<CoderRequest, CoderReply>(new URL('./ivf-worker.ts', import.meta.url), 'vector index');
    try {
      const index = ivfIndex(await coder.request({ op: 'train', sample: sample.vectors, dims: embedder.dims, lists: listsFor(count) }), source);
      // One page is coded while the next is read.
      let coding: Promise<unknown> = Promise.resolve();
      for await (const page of embeddingPages(deps.embeddings, embedder.id)) {
        await coding;
        coding = coder.request({ op: 'code', vectors: page.vectors }).then((coded) => index.addCoded(page.rowids, coded));
      }
      await coding;
      deps.indexFiles?.save(embedder.id, seq, (file) => index.save(file));
      return index;
    } finally {
      coder.close();
    }
  };

  /** The newest saved index of the model, brought up to `seq` by the changes after its own; none if there is none or it cannot be read. */
  const savedIndex = async (modelId: string, seq: number, dims: number, source: VectorSource): Promise<VectorIndex | undefined> => {
    const saved = deps.indexFiles?.latest(modelId, seq);
    if (!saved) return undefined;
    let index: VectorIndex | undefined;
    try {
      index = loadIvfIndex(saved.file, dims, source);
    } catch {
      // Gone (replaced by a newer one since it was listed) or unreadable: build instead.
      return undefined;
    }
    if (!index) return undefined; // of other dimensions: built anew
    for (let after = saved.seq; after < seq;) {
      const batch = await deps.embeddings.embeddingChangesAfter(modelId, after, FOLLOW_BATCH);
      if (!batch) break;
      index.apply(batch.vectors.map(({ rowid, vector }) => ({ key: rowid, vector })));
      after = batch.seq;
    }
    return index;
  };

  const follow = async (current: SemanticIndex): Promise<SemanticIndex> => {
    const last = await deps.embeddings.lastEmbeddingChange();
    if (last === current.seq) return current;
    const lsaId = await deps.embeddings.servedModelId(LSA_FAMILY);
    if (lsaId !== undefined && lsaId !== current.lsaId) return load();
    let seq = current.seq;
    for (;;) {
      const batch = await deps.embeddings.embeddingChangesAfter(current.embedder.id, seq, FOLLOW_BATCH);
      if (!batch) break;
      current.index.apply(batch.vectors.map(({ rowid, vector }) => ({ key: rowid, vector })));
      seq = batch.seq;
      await setImmediate();
    }
    return { ...current, seq };
  };

  return {
    current() {
      if (!loaded) {
        checkedAt = deps.now();
        loaded = load().catch((error: unknown) => {
          loaded = undefined;
          throw error;
        });
        return loaded;
      }
      if (deps.now() - checkedAt < deps.followEveryMs) return following ?? loaded;
      checkedAt = deps.now();
      const previous = loaded;
      following ??= previous.then(follow).then((next) => {
        loaded = Promise.resolve(next);
        return next;
      }).finally(() => {
        following = undefined;
      });
      return following;
    },
    refresh() {
      checkedAt = Number.NEGATIVE_INFINITY;
    },
  };
}
