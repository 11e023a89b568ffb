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
import type { GraphFiles } from './graph-files.js';
import { addToGraph, applyToGraph, emptyGraph, exactIndex, EXACT_LIMIT, hnswIndex, loadGraph, type Graph, type VectorIndex, type VectorSource } from './vectors.js';

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
  /** Where HNSW graphs are saved and loaded; without it each load builds the graph. */
  graphs?: GraphFiles;
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
 * large catch-up holds its thread at most about half a second at a time (an HNSW insert costs
 * about a millisecond; an exact-index append far less).
 */
const FOLLOW_BATCH = 500;

/**
 * The graph's dimensions for an embedder's vectors: LSA's first 128, whose dimensions come in
 * order of the variance they carry (docs/search.md: "The HNSW graph"); all of any other model's.
 */
export function navigationDims(embedderId: string, dims: number): number {
  return embedderId.startsWith(LSA_FAMILY) ? Math.min(LSA_NAVIGATION_DIMS, dims) : dims;
}

const LSA_NAVIGATION_DIMS = 128;

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

  /** The saved graph, else an exact index when the vectors are few, else a graph built and saved. */
  const loadIndex = async (embedder: Embedder, seq: number): Promise<VectorIndex> => {
    const source: VectorSource = (keys) => deps.embeddings.embeddingsOf(embedder.id, keys);
    const navigation = navigationDims(embedder.id, embedder.dims);
    const saved = await savedGraph(embedder.id, seq, navigation);
    if (saved) return hnswIndex(saved, embedder.dims, source);
    const limit = deps.exactLimit ?? EXACT_LIMIT;
    // Pages are kept until there are more than `limit` vectors, then go into a graph as they come.
    const pages: { rowids: number[]; vectors: Float32Array }[] = [];
    let count = 0;
    let graph: Graph | undefined;
    for await (const page of embeddingPages(deps.embeddings, embedder.id)) {
      count += page.rowids.length;
      pages.push(page);
      if (count <= limit) continue;
      graph ??= emptyGraph(navigation);
      for (const kept of pages.splice(0)) addToGraph(graph, kept.rowids, kept.vectors, embedder.dims);
    }
    if (!graph) {
      const { rowids, vectors } = joinedPages(pages);
      return exactIndex(rowids, vectors, embedder.dims);
    }
    deps.graphs?.save(embedder.id, seq, graph);
    return hnswIndex(graph, embedder.dims, source);
  };

  /** The newest saved graph of the model, brought up to `seq` by the changes after its own; none if there is none or it cannot be read. */
  const savedGraph = async (modelId: string, seq: number, dims: number): Promise<Graph | undefined> => {
    const saved = deps.graphs?.latest(modelId, seq);
    if (!saved) return undefined;
    let graph: Graph | undefined;
    try {
      graph = loadGraph(saved.file, dims);
    } catch {
      // Gone (replaced by a newer one since it was listed) or unreadable: build instead.
      return undefined;
    }
    if (!graph) return undefined; // of other dimensions: built anew
    for (let after = saved.seq; after < seq;) {
      const batch = await deps.embeddings.embeddingChangesAfter(modelId, after, FOLLOW_BATCH);
      if (!batch) break;
      applyToGraph(graph, batch.vectors.map(({ rowid, vector }) => ({ key: rowid, vector })));
      after = batch.seq;
    }
    return graph;
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
