/**
 * Vector indexes over unit vectors, keyed by paper rowid: exact (a scan, fine up to a couple of
 * hundred thousand papers) and, for larger catalogs, an inverted file of quantized vectors
 * (ivf-index.ts). Scores are cosines.
 */
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
 * perfect recall. Building an IVF index takes minutes at a million papers, too slow to do at
 * every start where the index is not saved (PostgreSQL nodes, see index-files.ts).
 */
export const EXACT_LIMIT = 200_000;

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

/** Keeps the k best-scoring entries seen (a small binary min-heap). */
export class TopK {
  private readonly keys: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly k: number) {}

  get size(): number {
    return this.keys.length;
  }

  /** The score an entry must beat to be kept: the kth best so far, once there are k. */
  get threshold(): number {
    return this.keys.length < this.k ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

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
