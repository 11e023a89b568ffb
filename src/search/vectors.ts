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
  search(query: Float32Array, k: number, allowed?: ReadonlySet<number>): VectorMatch[];
  /** A copy of the stored vector of a key. */
  vector(key: number): Float32Array | undefined;
  /** Adds or replaces the changed keys' vectors and removes the dropped ones. */
  apply(changes: readonly VectorChange[]): void;
}

/**
 * Up to this many vectors an exact scan is used: about 80 ms per query at 75k × 256 dims, with
 * perfect recall. Building HNSW is slow (about 0.5 ms a vector here, see emptyGraph), too slow
 * to do at every start where the graph is not saved (PostgreSQL nodes, see graph-files.ts).
 */
export const EXACT_LIMIT = 200_000;

/** The index that fits the size: exact when small, HNSW otherwise (or as `kind` says). */
export function buildVectorIndex(keys: readonly number[], vectors: Float32Array, dims: number, kind?: 'exact' | 'hnsw'): VectorIndex {
  return (kind ?? (keys.length <= EXACT_LIMIT ? 'exact' : 'hnsw')) === 'exact'
    ? new ExactIndex(keys, vectors, dims)
    : hnswIndex(keys, vectors, dims, buildGraph(keys, vectors, dims));
}

/** usearch's HNSW graph, as paperfeed configures it. */
export type Graph = InstanceType<typeof usearch.Index>;

/**
 * Half-precision vectors and an expansion of 64 while adding: on 100k real 256-d LSA vectors,
 * side by side (docs/search.md), this built 2.6 times faster than float32 with an expansion of
 * 128, took 40 % less memory, and kept recall@10 at 0.987 (against 0.992); int8 fell to 0.93.
 * A search expands 384 candidates: at 1M papers, typed queries (a few words, whose vectors lie
 * far from every paper's) reached recall@10 0.81 with 64, 0.92 with 256 and 0.956 with 384, at
 * 1.7 ms a query.
 */
function emptyGraph(dims: number): Graph {
  return new usearch.Index({ dimensions: dims, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F16, connectivity: 16, expansion_add: 64, expansion_search: 384, multi: false });
}

/** An HNSW graph over the vectors (slow: about 0.5 ms a vector at 256 dims on 2 cores). */
export function buildGraph(keys: readonly number[], vectors: Float32Array, dims: number): Graph {
  const graph = emptyGraph(dims);
  if (keys.length > 0) graph.add(BigUint64Array.from(keys, (key) => BigInt(key)), vectors);
  return graph;
}

/** A graph saved with `graph.save(file)`. */
export function loadGraph(file: string, dims: number): Graph {
  const graph = emptyGraph(dims);
  graph.load(file);
  return graph;
}

/** Adds, replaces and removes vectors in a graph. */
export function applyToGraph(graph: Graph, changes: readonly VectorChange[]): void {
  for (const { key, vector } of changes) {
    const id = BigInt(key);
    // usearch keeps one vector per key (multi: false): a replaced vector is removed first.
    if (graph.contains(id)) graph.remove(id);
    if (vector) graph.add(id, vector);
  }
}

/**
 * A row-per-vector matrix: float32, or int8 with one scale per row (a quarter of the memory; the
 * HNSW companion below uses it, where a catalog of millions of papers would otherwise hold its
 * vectors twice at full size).
 */
class Rows {
  private values: Float32Array | Int8Array;
  private scales: Float32Array;

  constructor(vectors: Float32Array, readonly dims: number, readonly quantized: boolean) {
    const count = dims === 0 ? 0 : vectors.length / dims;
    this.scales = new Float32Array(quantized ? count : 0);
    if (!quantized) {
      this.values = vectors;
      return;
    }
    this.values = new Int8Array(vectors.length);
    for (let i = 0; i < count; i += 1) this.write(i, vectors.subarray(i * dims, (i + 1) * dims));
  }

  dot(query: Float32Array, i: number): number {
    let sum = 0;
    const base = i * this.dims;
    const values = this.values;
    for (let d = 0; d < this.dims; d += 1) sum += query[d]! * values[base + d]!;
    return this.quantized ? sum * this.scales[i]! : sum;
  }

  read(i: number): Float32Array {
    const row = Float32Array.from(this.values.subarray(i * this.dims, (i + 1) * this.dims));
    if (this.quantized) for (let d = 0; d < this.dims; d += 1) row[d]! *= this.scales[i]!;
    return row;
  }

  write(i: number, vector: Float32Array): void {
    if ((i + 1) * this.dims > this.values.length) this.grow(i + 1);
    if (!this.quantized) {
      this.values.set(vector, i * this.dims);
      return;
    }
    let largest = 0;
    for (let d = 0; d < this.dims; d += 1) largest = Math.max(largest, Math.abs(vector[d]!));
    const scale = largest / 127 || 1;
    this.scales[i] = scale;
    for (let d = 0; d < this.dims; d += 1) this.values[i * this.dims + d] = Math.round(vector[d]! / scale);
  }

  /** Row `from` moves to row `to`. */
  move(from: number, to: number): void {
    this.values.copyWithin(to * this.dims, from * this.dims, (from + 1) * this.dims);
    if (this.quantized) this.scales[to] = this.scales[from]!;
  }

  private grow(rows: number): void {
    // Doubling keeps appends amortised constant; the matrix may be shared with its loader, so copy.
    const capacity = Math.max(16, 2 * rows);
    const values = this.quantized ? new Int8Array(capacity * this.dims) : new Float32Array(capacity * this.dims);
    values.set(this.values as never);
    this.values = values;
    if (this.quantized) {
      const scales = new Float32Array(capacity);
      scales.set(this.scales);
      this.scales = scales;
    }
  }
}

/** Every vector in one growable matrix, scanned in full; a removed key's row takes the last row. */
class ExactIndex implements VectorIndex {
  private readonly keys: number[];
  private readonly position: Map<number, number>;
  private readonly rows: Rows;

  constructor(keys: readonly number[], vectors: Float32Array, readonly dims: number, quantized = false) {
    this.keys = [...keys];
    this.position = new Map(keys.map((key, i) => [key, i]));
    this.rows = new Rows(vectors, dims, quantized);
  }

  get size(): number {
    return this.keys.length;
  }

  search(query: Float32Array, k: number, allowed?: ReadonlySet<number>): VectorMatch[] {
    const top = new TopK(k);
    if (allowed && allowed.size < this.keys.length) {
      for (const key of allowed) {
        const i = this.position.get(key);
        if (i !== undefined) top.offer(key, this.rows.dot(query, i));
      }
    } else {
      for (let i = 0; i < this.keys.length; i += 1) top.offer(this.keys[i]!, this.rows.dot(query, i));
    }
    return top.sorted();
  }

  vector(key: number): Float32Array | undefined {
    const i = this.position.get(key);
    return i === undefined ? undefined : this.rows.read(i);
  }

  apply(changes: readonly VectorChange[]): void {
    for (const { key, vector } of changes) {
      const i = this.position.get(key);
      if (vector) {
        if (i !== undefined) this.rows.write(i, vector);
        else this.append(key, vector);
      } else if (i !== undefined) {
        this.removeAt(i);
      }
    }
  }

  private append(key: number, vector: Float32Array): void {
    const i = this.keys.length;
    this.rows.write(i, vector);
    this.keys.push(key);
    this.position.set(key, i);
  }

  private removeAt(i: number): void {
    const last = this.keys.length - 1;
    const lastKey = this.keys[last]!;
    this.position.delete(this.keys[i]!);
    if (i !== last) {
      this.rows.move(last, i);
      this.keys[i] = lastKey;
      this.position.set(lastKey, i);
    }
    this.keys.pop();
  }
}

/**
 * HNSW over `graph`, which holds the same keys as the vectors (or is brought up to date with
 * them by `applyToGraph`), with an int8 copy of the vectors beside it for small filtered sets
 * and for a paper's own vector.
 */
export function hnswIndex(keys: readonly number[], vectors: Float32Array, dims: number, graph: Graph): VectorIndex & { graph: Graph } {
  const exact = new ExactIndex(keys, vectors, dims, true);
  return {
    graph,
    get size() {
      return exact.size;
    },
    dims,
    search(query, k, allowed) {
      const size = exact.size;
      // A filter that keeps few papers is served exactly; otherwise over-fetch and filter.
      if (allowed && allowed.size < 20 * k) return exact.search(query, k, allowed);
      const fetch = allowed ? Math.min(size, Math.ceil((k * size) / allowed.size) * 2) : k;
      const matches = graph.search(query, Math.max(1, fetch), 0);
      const out: VectorMatch[] = [];
      for (let i = 0; i < matches.keys.length && out.length < k; i += 1) {
        const key = Number(matches.keys[i]);
        if (!allowed || allowed.has(key)) out.push({ key, score: 1 - matches.distances[i]! });
      }
      return out.length < k && allowed ? exact.search(query, k, allowed) : out;
    },
    vector: (key) => exact.vector(key),
    apply(changes) {
      exact.apply(changes);
      applyToGraph(graph, changes);
    },
  };
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
