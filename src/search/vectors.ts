/**
 * Vector indexes over unit vectors, keyed by paper rowid: exact (a scan, fine up to tens of
 * thousands of papers) and HNSW through usearch for larger catalogs. Scores are cosines.
 */
import usearch from 'usearch';

export interface VectorMatch {
  key: number;
  score: number;
}

/** A key's vector as it is now in the store, or none: the key's vector was dropped. */
export interface VectorChange {
  key: number;
  vector: Float32Array | undefined;
}

export interface VectorIndex {
  readonly size: number;
  readonly dims: number;
  /** The k nearest keys; with `allowed`, only those keys (filters applied before top-k). */
  search(query: Float32Array, k: number, allowed?: ReadonlySet<number>): Promise<VectorMatch[]>;
  /** The stored vectors of those keys that have one. */
  vectors(keys: readonly number[]): Promise<Map<number, Float32Array>>;
  /** Adds or replaces the changed keys' vectors and removes the dropped ones. */
  apply(changes: readonly VectorChange[]): void;
}

/** Reads keys' exact vectors from where they are kept (the store), for an index that keeps none. */
export type VectorSource = (keys: readonly number[]) => Promise<Map<number, Float32Array>>;

/**
 * Up to this many vectors an exact scan is used: about 80 ms per query at 75k × 256 dims, with
 * perfect recall. Building HNSW is slow (see emptyGraph), too slow
 * to do at every start where the graph is not saved (PostgreSQL nodes, see graph-files.ts).
 */
export const EXACT_LIMIT = 200_000;

/** usearch's HNSW graph, as paperfeed configures it. */
export type Graph = InstanceType<typeof usearch.Index>;

/**
 * int8 vectors of `dims` dimensions (a prefix of the full vectors, see navigationDims), an
 * expansion of 64 while adding and of 384 while searching. The graph only finds candidates:
 * HNSW reranks the best RERANK_DEPTH of them by their exact vectors, so the graph can be small:
 * 276 bytes a paper at 128 dims, against 660 for the full 256 in float16 (docs/search.md, "The
 * HNSW graph"). It builds at about 0.22 ms a vector on 2 cores (2.7M papers in 10 minutes).
 */
export function emptyGraph(dims: number): Graph {
  return new usearch.Index({ dimensions: dims, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.I8, connectivity: 16, expansion_add: 64, expansion_search: 384, multi: false });
}

/**
 * Candidates the graph proposes for a top k of at most this many, reranked by exact vectors. At
 * 1M papers, the bench's 20 typed queries reached recall@10 0.94 from 100 and 0.965 from 200
 * (the float16 graph: 0.96); reading 200 vectors from the 2.7M bench catalog (8 kB pages) took 3.4–4 ms.
 */
const RERANK_DEPTH = 200;

/** The first `dims` values of each of the matrix's rows of `full` values, as the graph takes them. */
function prefixes(vectors: Float32Array, full: number, dims: number): Float32Array {
  if (dims === full) return vectors;
  const count = full === 0 ? 0 : vectors.length / full;
  const out = new Float32Array(count * dims);
  for (let i = 0; i < count; i += 1) out.set(vectors.subarray(i * full, i * full + dims), i * dims);
  return out;
}

/** Adds vectors (`full` values each) to a graph, which takes the prefix its dimensions say; cosine ignores the prefix's length. */
export function addToGraph(graph: Graph, keys: readonly number[], vectors: Float32Array, full: number): void {
  if (keys.length > 0) graph.add(BigUint64Array.from(keys, (key) => BigInt(key)), prefixes(vectors, full, graph.dimensions()));
}

/** A graph saved with `graph.save(file)`, if it has these dimensions. */
export function loadGraph(file: string, dims: number): Graph | undefined {
  const graph = emptyGraph(dims);
  graph.load(file);
  return graph.dimensions() === dims ? graph : undefined;
}

/** Adds, replaces and removes vectors in a graph. */
export function applyToGraph(graph: Graph, changes: readonly VectorChange[]): void {
  const dims = graph.dimensions();
  for (const { key, vector } of changes) {
    const id = BigInt(key);
    // usearch keeps one vector per key (multi: false): a replaced vector is removed first.
    if (graph.contains(id)) graph.remove(id);
    if (vector) graph.add(id, vector.subarray(0, dims));
  }
}

/** Every vector in one growable float32 matrix, scanned in full; a removed key's row takes the last row. */
class ExactIndex implements VectorIndex {
  private readonly keys: number[];
  private readonly position: Map<number, number>;
  private values: Float32Array;

  constructor(keys: readonly number[], vectors: Float32Array, readonly dims: number) {
    this.keys = [...keys];
    this.position = new Map(keys.map((key, i) => [key, i]));
    this.values = vectors;
  }

  get size(): number {
    return this.keys.length;
  }

  async search(query: Float32Array, k: number, allowed?: ReadonlySet<number>): Promise<VectorMatch[]> {
    const top = new TopK(k);
    if (allowed && allowed.size < this.keys.length) {
      for (const key of allowed) {
        const i = this.position.get(key);
        if (i !== undefined) top.offer(key, this.dot(query, i));
      }
    } else {
      for (let i = 0; i < this.keys.length; i += 1) top.offer(this.keys[i]!, this.dot(query, i));
    }
    return top.sorted();
  }

  async vectors(keys: readonly number[]): Promise<Map<number, Float32Array>> {
    const found = new Map<number, Float32Array>();
    for (const key of keys) {
      const i = this.position.get(key);
      if (i !== undefined) found.set(key, this.values.slice(i * this.dims, (i + 1) * this.dims));
    }
    return found;
  }

  apply(changes: readonly VectorChange[]): void {
    for (const { key, vector } of changes) {
      const i = this.position.get(key);
      if (vector) {
        if (i !== undefined) this.values.set(vector, i * this.dims);
        else this.append(key, vector);
      } else if (i !== undefined) {
        this.removeAt(i);
      }
    }
  }

  private dot(query: Float32Array, i: number): number {
    let sum = 0;
    const base = i * this.dims;
    const values = this.values;
    for (let d = 0; d < this.dims; d += 1) sum += query[d]! * values[base + d]!;
    return sum;
  }

  private append(key: number, vector: Float32Array): void {
    const i = this.keys.length;
    if ((i + 1) * this.dims > this.values.length) {
      // Doubling keeps appends amortised constant; the matrix may be shared with its loader, so copy.
      const values = new Float32Array(Math.max(16, 2 * (i + 1)) * this.dims);
      values.set(this.values);
      this.values = values;
    }
    this.values.set(vector, i * this.dims);
    this.keys.push(key);
    this.position.set(key, i);
  }

  private removeAt(i: number): void {
    const last = this.keys.length - 1;
    const lastKey = this.keys[last]!;
    this.position.delete(this.keys[i]!);
    if (i !== last) {
      this.values.copyWithin(i * this.dims, last * this.dims, (last + 1) * this.dims);
      this.keys[i] = lastKey;
      this.position.set(lastKey, i);
    }
    this.keys.pop();
  }
}

/** An exact index over the vectors, row i being keys[i]'s (`dims` values each). */
export function exactIndex(keys: readonly number[], vectors: Float32Array, dims: number): VectorIndex {
  return new ExactIndex(keys, vectors, dims);
}

/**
 * HNSW over `graph`, which holds every key (or is brought up to date by `apply`). The process
 * keeps no vector of its own: candidates are reranked, and a filter that keeps few papers is
 * served exactly, by vectors read from `source`.
 */
export function hnswIndex(graph: Graph, dims: number, source: VectorSource): VectorIndex & { graph: Graph } {
  const exactly = async (query: Float32Array, k: number, keys: readonly number[]): Promise<VectorMatch[]> => {
    const top = new TopK(k);
    for (const [key, vector] of await source(keys)) top.offer(key, cosine(query, vector));
    return top.sorted();
  };
  return {
    graph,
    get size() {
      return graph.size();
    },
    dims,
    async search(query, k, allowed) {
      const size = graph.size();
      if (size === 0 || k <= 0) return [];
      // A filter that keeps few papers is served exactly; otherwise over-fetch and filter.
      if (allowed && allowed.size < 20 * k) return exactly(query, k, [...allowed]);
      const wanted = Math.min(Math.max(k, RERANK_DEPTH), allowed?.size ?? size);
      const navigation = query.subarray(0, graph.dimensions());
      let kept: number[] = [];
      // Each pass fetches four times more until enough candidates pass the filter.
      for (let fetch = allowed ? Math.ceil((wanted * size) / allowed.size) * 2 : wanted; ; fetch *= 4) {
        const matches = graph.search(navigation, Math.min(size, fetch), 0);
        kept = [];
        for (const key of matches.keys) if (!allowed || allowed.has(Number(key))) kept.push(Number(key));
        if (kept.length >= wanted || fetch >= size) break;
      }
      return exactly(query, k, kept.slice(0, wanted));
    },
    vectors: source,
    apply(changes) {
      applyToGraph(graph, changes);
    },
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d += 1) sum += a[d]! * b[d]!;
  return sum;
}

/** Keeps the k best-scoring entries seen (a small binary min-heap). */
export class TopK {
  private readonly keys: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly k: number) {}

  offer(key: number, score: number): void {
    if (this.keys.length < this.k) {
      this.keys.push(key);
      this.scores.push(score);
      this.up(this.keys.length - 1);
    } else if (this.k > 0 && score > this.scores[0]!) {
      this.keys[0] = key;
      this.scores[0] = score;
      this.down(0);
    }
  }

  /** Best first. */
  sorted(): VectorMatch[] {
    return this.keys.map((key, i) => ({ key, score: this.scores[i]! })).sort((a, b) => b.score - a.score || a.key - b.key);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent]! <= this.scores[i]!) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.keys.length && this.scores[left]! < this.scores[smallest]!) smallest = left;
      if (right < this.keys.length && this.scores[right]! < this.scores[smallest]!) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.scores[a], this.scores[b]] = [this.scores[b]!, this.scores[a]!];
  }
}
