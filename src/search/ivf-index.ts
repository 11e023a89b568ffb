/**
 * The vector index of large catalogs: an inverted file of product-quantized residuals, with a
 * second code that refines the first (IVFADC+R: Jégou, Douze & Schmid, "Product quantization for
 * nearest neighbor search", 2011; Jégou, Tavenard, Douze & Amsaleg, "Searching in one billion
 * vectors: re-rank with source coding", 2011).
 *
 * Vectors are clustered around `lists` centroids (k-means). Each vector is kept in its nearest
 * centroid's list as its difference from that centroid, product-quantized: one byte for each
 * SUB_DIMS dimensions, the nearest of 256 codes trained for those dimensions; then what that
 * code leaves is coded the same way again. A query's dot product with a vector is its dot
 * product with the list's centroid plus those with the coded differences, each a sum of one
 * table entry per byte (the tables are made once per query). A search scores the lists whose
 * centroids score best by the first code, refines its best SHORTLIST by the second, and reranks
 * the best RERANK_DEPTH of those by their exact vectors, read from the store. It holds about
 * 68 bytes a paper (a 256-dimension vector's two codes in 64 bytes, and its key), where
 * usearch's HNSW graph of 128 int8 dimensions held 414 in memory (docs/search.md, "The vector
 * index").
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mulberry32 } from '../random.js';
import { TopK, type VectorChange, type VectorIndex, type VectorMatch, type VectorSource } from './vectors.js';

/**
 * usearch, for its native exact search. Loaded as CommonJS: importing its ES module from a
 * worker thread (ivf-worker.ts) never settles on Node 20, while `require` loads it at once.
 */
const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch').default;

/** Codes per subspace: a code is one byte. */
const CODES = 256;
/** Dimensions a byte codes, at most (256-dimension vectors take 32 bytes); see subDimsFor. */
const SUB_DIMS = 8;
/** k-means rounds, for the centroids and for each subspace's codes. */
const KMEANS_ROUNDS = 10;
/**
 * Vectors the quantizer is trained on: 32 a list at 1,024 lists (k-means needs a few dozen
 * points a centroid), 32 MB of 256-dimension vectors.
 */
export const TRAINING_VECTORS = 32_768;
/** Candidates reranked by their exact vectors, for a top k of at most this many. */
const RERANK_DEPTH = 200;
/** Candidates of the first code refined by the second, for RERANK_DEPTH at most this many. */
const SHORTLIST = 2000;
/** Codes a vector has: the first, and the second of what the first leaves. */
const LEVELS = 2;
/**
 * The share of the lists a search scores, best centroid first: 96 of 1,024 lists at 1M papers.
 * There, of the bench's 20 typed queries' exact top 10, it found 0.95 (0.932 of 40 queries),
 * against 0.945 (0.922) for 64 lists and the same for 128 (docs/search.md, "The vector index").
 */
const PROBED_SHARE = 3 / 32;
/** Vectors given to one native exact search, to bound its result arrays. */
const NEAREST_BATCH = 8192;
/** A saved index's header names its layout; a file of any other is built anew, not read. */
const MAGIC = 'paperfeed-ivfpq-2';

/** What a trained index clusters and codes with: fixed once trained; vectors added later use it. */
export interface Quantizer {
  dims: number;
  /** `lists` × `dims`. */
  centroids: Float32Array;
  /** Dimensions a byte codes: LEVELS × `dims` / `subDims` bytes a vector. */
  subDims: number;
  /**
   * LEVELS × subspaces × CODES × subDims: each level's codes of each subspace, the first of
   * vectors' differences from their centroids, the second of what the first leaves.
   */
  codebooks: Float32Array;
}

/**
 * How many lists suit a catalog of `count` vectors: about √count, a power of two up to 1,024
 * (the cost of coding a vector grows with the lists, and a search scores PROBED_SHARE of them).
 */
export function listsFor(count: number): number {
  return 2 ** Math.min(10, Math.max(0, Math.round(Math.log2(Math.sqrt(count)))));
}

/** SUB_DIMS, or the largest power of two below it that divides `dims`. */
function subDimsFor(dims: number): number {
  let subDims = SUB_DIMS;
  while (dims % subDims !== 0) subDims /= 2;
  return subDims;
}

/**
 * Trains the centroids on `sample` (rows of `dims`), then each subspace's codes on the sample's
 * differences from their centroids. Deterministic for a sample.
 */
export function trainQuantizer(sample: Float32Array, dims: number, lists: number): Quantizer {
  const random = mulberry32(1);
  const subDims = subDimsFor(dims);
  const centroids = kmeans(sample, dims, lists, random);
  const residuals = residualsOf(sample, nearest(centroids, sample, dims), centroids, dims);
  const subspaces = dims / subDims;
  const codebooks = new Float32Array(LEVELS * subspaces * CODES * subDims);
  for (let level = 0; level < LEVELS; level += 1) {
    for (let s = 0; s < subspaces; s += 1) {
      const book = level * subspaces + s;
      codebooks.set(kmeans(subspace(residuals, dims, s, subDims), subDims, CODES, random), book * CODES * subDims);
    }
    // The next level codes what this one leaves.
    const codes = codeLevel(codebooks, level, residuals, dims, subDims);
    subtractCoded(residuals, codes, codebooks, level, dims, subDims);
  }
  return { dims, centroids, subDims, codebooks };
}

/**
 * An even random sample of the vectors offered (reservoir sampling), of `size` at most: what
 * the quantizer is trained on, read in the same pass as the vectors are counted.
 */
export class VectorSample {
  private readonly rows: Float32Array;
  private seen = 0;
  private readonly random = mulberry32(2);

  constructor(private readonly size: number, private readonly dims: number) {
    this.rows = new Float32Array(size * dims);
  }

  /** Offers each row of `vectors`. */
  offer(vectors: Float32Array): void {
    for (let i = 0; i < vectors.length / this.dims; i += 1, this.seen += 1) {
      const slot = this.seen < this.size ? this.seen : Math.floor(this.random() * (this.seen + 1));
      if (slot < this.size) this.rows.set(vectors.subarray(i * this.dims, (i + 1) * this.dims), slot * this.dims);
    }
  }

  get vectors(): Float32Array {
    return this.rows.subarray(0, Math.min(this.seen, this.size) * this.dims);
  }
}

/** Vectors as an index keeps them: each one's list, and its codes (LEVELS × dims / subDims bytes each). */
export interface CodedVectors {
  lists: Uint32Array;
  codes: Uint8Array;
}

/** Each vector's nearest list and the codes of its difference from that list's centroid, level after level. */
export function codeVectors(quantizer: Quantizer, vectors: Float32Array): CodedVectors {
  const { dims, centroids, codebooks, subDims } = quantizer;
  const subspaces = dims / subDims;
  const lists = nearest(centroids, vectors, dims);
  const residuals = residualsOf(vectors, lists, centroids, dims);
  const count = lists.length;
  const codes = new Uint8Array(count * LEVELS * subspaces);
  for (let level = 0; level < LEVELS; level += 1) {
    const levelCodes = codeLevel(codebooks, level, residuals, dims, subDims);
    for (let i = 0; i < count; i += 1) codes.set(levelCodes.subarray(i * subspaces, (i + 1) * subspaces), (i * LEVELS + level) * subspaces);
    if (level + 1 < LEVELS) subtractCoded(residuals, levelCodes, codebooks, level, dims, subDims);
  }
  return { lists, codes };
}

/** Each row's codes (dims / subDims bytes) by one level's codebooks. */
function codeLevel(codebooks: Float32Array, level: number, rows: Float32Array, dims: number, subDims: number): Uint8Array {
  const subspaces = dims / subDims;
  const count = rows.length / dims;
  const codes = new Uint8Array(count * subspaces);
  for (let s = 0; s < subspaces; s += 1) {
    const book = level * subspaces + s;
    const chosen = nearest(codebooks.subarray(book * CODES * subDims, (book + 1) * CODES * subDims), subspace(rows, dims, s, subDims), subDims);
    for (let i = 0; i < count; i += 1) codes[i * subspaces + s] = chosen[i]!;
  }
  return codes;
}

/** Takes from each row what its codes of one level stand for. */
function subtractCoded(rows: Float32Array, codes: Uint8Array, codebooks: Float32Array, level: number, dims: number, subDims: number): void {
  const subspaces = dims / subDims;
  for (let i = 0; i < rows.length / dims; i += 1) {
    for (let s = 0; s < subspaces; s += 1) {
      const entry = ((level * subspaces + s) * CODES + codes[i * subspaces + s]!) * subDims;
      for (let j = 0; j < subDims; j += 1) rows[i * dims + s + j * subspaces]! -= codebooks[entry + j]!;
    }
  }
}

/** An empty index that codes with `quantizer`; `source` reads exact vectors for reranking. */
export function ivfIndex(quantizer: Quantizer, source: VectorSource): IvfIndex {
  return new IvfIndex(quantizer, source);
}

export class IvfIndex implements VectorIndex {
  readonly dims: number;
  private readonly lists: number;
  private readonly subspaces: number;
  /** Bytes of codes a vector has: its first level's, then its second's. */
  private readonly codeBytes: number;
  private readonly listKeys: Uint32Array[];
  private readonly listCodes: Uint8Array[];
  private readonly counts: Uint32Array;
  /** Each key's list plus one (0: not indexed) and its place there, indexed by key. */
  private listOf = new Uint32Array(0);
  private placeOf = new Uint32Array(0);
  private count = 0;
  /** Lists scored per search (more when a filter keeps too few of their papers). */
  private readonly probes: number;

  constructor(readonly quantizer: Quantizer, private readonly source: VectorSource) {
    this.dims = quantizer.dims;
    this.lists = quantizer.centroids.length / quantizer.dims;
    this.subspaces = quantizer.dims / quantizer.subDims;
    this.codeBytes = LEVELS * this.subspaces;
    this.listKeys = Array.from({ length: this.lists }, () => new Uint32Array(0));
    this.listCodes = Array.from({ length: this.lists }, () => new Uint8Array(0));
    this.counts = new Uint32Array(this.lists);
    this.probes = Math.max(1, Math.round(this.lists * PROBED_SHARE));
  }

  get size(): number {
    return this.count;
  }

  /** Adds vectors (rows of `dims`) of keys not in the index. */
  add(keys: readonly number[], vectors: Float32Array): void {
    if (keys.length > 0) this.addCoded(keys, codeVectors(this.quantizer, vectors));
  }

  /** Adds keys not in the index by their vectors' codes (see `codeVectors`). */
  addCoded(keys: readonly number[], { lists, codes }: CodedVectors): void {
    for (let i = 0; i < keys.length; i += 1) this.insert(keys[i]!, lists[i]!, codes.subarray(i * this.codeBytes, (i + 1) * this.codeBytes));
  }

  apply(changes: readonly VectorChange[]): void {
    const added: number[] = [];
    const vectors = new Float32Array(changes.length * this.dims);
    for (const { key, vector } of changes) {
      this.remove(key);
      if (vector) vectors.set(vector, added.push(key) * this.dims - this.dims);
    }
    this.add(added, vectors.subarray(0, added.length * this.dims));
  }

  async search(query: Float32Array, k: number, allowed?: ReadonlySet<number>): Promise<VectorMatch[]> {
    if (this.count === 0 || k <= 0) return [];
    // A filter that keeps few papers is served exactly, from their stored vectors.
    if (allowed && allowed.size < 20 * k) return this.exactly(query, k, [...allowed]);
    const depth = Math.max(k, RERANK_DEPTH);
    const wanted = Math.min(depth * (SHORTLIST / RERANK_DEPTH), allowed?.size ?? this.count);
    const order = this.listOrder(query);
    const table = this.table(query);
    const top = new TopK(wanted);
    // A filter's papers may be thin in the best lists: more lists are scored until enough pass it.
    let scored = 0;
    for (let probes = this.probes; ; probes *= 2) {
      for (; scored < Math.min(probes, this.lists); scored += 1) this.scoreList(order.lists[scored]!, order.scores[scored]!, table, top, allowed);
      if (top.size >= wanted || scored >= this.lists) break;
    }
    return this.exactly(query, k, this.refined(top.sorted(), table, depth));
  }

  vectors(keys: readonly number[]): Promise<Map<number, Float32Array>> {
    return this.source(keys);
  }

  /** Writes the index to `file` (see `loadIvfIndex`). */
  save(file: string): void {
    const fd = openSync(file, 'w');
    try {
      const header = Buffer.from(JSON.stringify({ magic: MAGIC, dims: this.dims, subDims: this.quantizer.subDims, lists: this.lists, counts: [...this.counts] }));
      const length = Buffer.alloc(4);
      length.writeUInt32LE(header.length);
      for (const part of [length, header, this.quantizer.centroids, this.quantizer.codebooks]) writeSync(fd, bytesOf(part));
      for (let list = 0; list < this.lists; list += 1) {
        const count = this.counts[list]!;
        writeSync(fd, bytesOf(this.listKeys[list]!.subarray(0, count)));
        writeSync(fd, this.listCodes[list]!.subarray(0, count * this.codeBytes));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Reads lists saved by `save` into this empty index of the same quantizer shape. */
  read(fd: number, position: number, counts: readonly number[]): void {
    let at = position;
    const readInto = (view: Uint8Array) => {
      for (let done = 0; done < view.length;) {
        const read = readSync(fd, view, done, view.length - done, at);
        if (read === 0) throw new Error('the file ends early');
        done += read;
        at += read;
      }
    };
    for (let list = 0; list < this.lists; list += 1) {
      const count = counts[list]!;
      const keys = new Uint32Array(count);
      const codes = new Uint8Array(count * this.codeBytes);
      readInto(bytesOf(keys));
      readInto(codes);
      for (let i = 0; i < count; i += 1) this.place(keys[i]!, list, i);
      this.listKeys[list] = keys;
      this.listCodes[list] = codes;
      this.counts[list] = count;
      this.count += count;
    }
  }

  private async exactly(query: Float32Array, k: number, keys: readonly number[]): Promise<VectorMatch[]> {
    const top = new TopK(k);
    for (const [key, vector] of await this.source(keys)) top.offer(key, dot(query, 0, vector, 0, this.dims));
    return top.sorted();
  }

  /** The lists, best centroid score first, with those scores. */
  private listOrder(query: Float32Array): { lists: Uint32Array; scores: Float32Array } {
    const scores = new Float32Array(this.lists);
    for (let list = 0; list < this.lists; list += 1) scores[list] = dot(query, 0, this.quantizer.centroids, list * this.dims, this.dims);
    const lists = Uint32Array.from({ length: this.lists }, (_, list) => list).sort((a, b) => scores[b]! - scores[a]!);
    return { lists, scores: Float32Array.from(lists, (list) => scores[list]!) };
  }

  /** The query's dot product with each code of each subspace of each level, in the codebooks' order. */
  private table(query: Float32Array): Float32Array {
    const books = LEVELS * this.subspaces;
    const table = new Float32Array(books * CODES);
    const { codebooks, subDims } = this.quantizer;
    for (let book = 0; book < books; book += 1) {
      const s = book % this.subspaces;
      for (let code = 0; code < CODES; code += 1) {
        let sum = 0;
        for (let j = 0; j < subDims; j += 1) sum += query[s + j * this.subspaces]! * codebooks[(book * CODES + code) * subDims + j]!;
        table[book * CODES + code] = sum;
      }
    }
    return table;
  }

  /**
   * Offers each of the list's vectors (that `allowed` keeps) by its first code's score. The
   * hottest loop of a search: the threshold is kept in a local and codes index the table by a
   * shift (CODES is 256).
   */
  private scoreList(list: number, centroidScore: number, table: Float32Array, top: TopK, allowed: ReadonlySet<number> | undefined): void {
    const keys = this.listKeys[list]!;
    const codes = this.listCodes[list]!;
    const subspaces = this.subspaces;
    const codeBytes = this.codeBytes;
    let threshold = top.threshold;
    for (let i = 0, count = this.counts[list]!, at = 0; i < count; i += 1, at += codeBytes) {
      let score = centroidScore;
      for (let s = 0; s < subspaces; s += 1) score += table[(s << 8) | codes[at + s]!]!;
      if (score > threshold && (!allowed || allowed.has(keys[i]!))) {
        top.offer(keys[i]!, score);
        threshold = top.threshold;
      }
    }
  }

  /** The best `depth` of the candidates, their scores refined by their second codes. */
  private refined(candidates: readonly VectorMatch[], table: Float32Array, depth: number): number[] {
    const top = new TopK(depth);
    const subspaces = this.subspaces;
    for (const { key, score } of candidates) {
      const codes = this.listCodes[this.listOf[key]! - 1]!;
      let refinedScore = score;
      for (let s = 0, at = this.placeOf[key]! * this.codeBytes + subspaces; s < subspaces; s += 1, at += 1) refinedScore += table[(subspaces + s) * CODES + codes[at]!]!;
      top.offer(key, refinedScore);
    }
    return top.sorted().map((match) => match.key);
  }

  private insert(key: number, list: number, code: Uint8Array): void {
    const count = this.counts[list]!;
    if (count === this.listKeys[list]!.length) {
      // A quarter more: lists grow by a month's papers at a time, not by doubling.
      const capacity = count + Math.max(16, count >> 2);
      this.listKeys[list] = grown(this.listKeys[list]!, capacity);
      this.listCodes[list] = grown(this.listCodes[list]!, capacity * this.codeBytes);
    }
    this.listKeys[list]![count] = key;
    this.listCodes[list]!.set(code, count * this.codeBytes);
    this.counts[list] = count + 1;
    this.count += 1;
    this.place(key, list, count);
  }

  /** Removes a key, if indexed: its list's last entry takes its place. */
  private remove(key: number): void {
    const list = (this.listOf[key] ?? 0) - 1;
    if (list < 0) return;
    const place = this.placeOf[key]!;
    const last = this.counts[list]! - 1;
    const keys = this.listKeys[list]!;
    const codes = this.listCodes[list]!;
    if (place !== last) {
      keys[place] = keys[last]!;
      codes.copyWithin(place * this.codeBytes, last * this.codeBytes, (last + 1) * this.codeBytes);
      this.placeOf[keys[place]!] = place;
    }
    this.counts[list] = last;
    this.listOf[key] = 0;
    this.count -= 1;
  }

  private place(key: number, list: number, place: number): void {
    if (key >= this.listOf.length) {
      const capacity = Math.max(1024, key + 1, Math.ceil(this.listOf.length * 1.25));
      this.listOf = grown(this.listOf, capacity);
      this.placeOf = grown(this.placeOf, capacity);
    }
    this.listOf[key] = list + 1;
    this.placeOf[key] = place;
  }
}

/**
 * An index saved by `IvfIndex.save`, reading exact vectors from `source`; undefined when the
 * file is not one, or holds vectors of other dimensions (it is then built anew).
 */
export function loadIvfIndex(file: string, dims: number, source: VectorSource): IvfIndex | undefined {
  const fd = openSync(file, 'r');
  try {
    const length = Buffer.alloc(4);
    if (readSync(fd, length, 0, 4, 0) < 4) return undefined;
    const headerBytes = Buffer.alloc(length.readUInt32LE());
    readSync(fd, headerBytes, 0, headerBytes.length, 4);
    let header: { magic?: unknown; dims?: unknown; subDims?: unknown; lists?: unknown; counts?: unknown };
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as typeof header;
    } catch {
      return undefined;
    }
    const subDims = subDimsFor(dims);
    if (header.magic !== MAGIC || header.dims !== dims || header.subDims !== subDims || typeof header.lists !== 'number' || !Array.isArray(header.counts)) return undefined;
    const centroids = new Float32Array(header.lists * dims);
    const codebooks = new Float32Array(LEVELS * dims * CODES);
    let at = 4 + headerBytes.length;
    for (const part of [centroids, codebooks]) at += readSync(fd, bytesOf(part), 0, part.byteLength, at);
    const index = new IvfIndex({ dims, centroids, subDims, codebooks }, source);
    index.read(fd, at, header.counts as number[]);
    return index;
  } finally {
    closeSync(fd);
  }
}

/** Lloyd's k-means of `points` (rows of `dims`) into `k` centroids, from k distinct points; an emptied centroid restarts at a random point. */
function kmeans(points: Float32Array, dims: number, k: number, random: () => number): Float32Array {
  const n = points.length / dims;
  const centroids = new Float32Array(k * dims);
  if (n === 0) return centroids;
  // k distinct points to start (a partial shuffle); with fewer points than k, they repeat.
  const picks = Uint32Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < k; c += 1) {
    if (c < n) {
      const j = c + Math.floor(random() * (n - c));
      [picks[c], picks[j]] = [picks[j]!, picks[c]!];
    }
    centroids.set(points.subarray(picks[c % n]! * dims, (picks[c % n]! + 1) * dims), c * dims);
  }
  if (n <= k) return centroids;
  const sizes = new Uint32Array(k);
  for (let round = 0; round < KMEANS_ROUNDS; round += 1) {
    const assigned = nearest(centroids, points, dims);
    centroids.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i += 1) {
      const c = assigned[i]!;
      sizes[c]! += 1;
      for (let d = 0; d < dims; d += 1) centroids[c * dims + d]! += points[i * dims + d]!;
    }
    for (let c = 0; c < k; c += 1) {
      if (sizes[c] === 0) {
        const i = Math.floor(random() * n);
        centroids.set(points.subarray(i * dims, (i + 1) * dims), c * dims);
      } else {
        for (let d = 0; d < dims; d += 1) centroids[c * dims + d]! /= sizes[c]!;
      }
    }
  }
  return centroids;
}

/** Each point's nearest centroid (squared Euclidean distance), by usearch's native exact search. */
function nearest(centroids: Float32Array, points: Float32Array, dims: number): Uint32Array {
  const n = points.length / dims;
  const out = new Uint32Array(n);
  // Copies, not views: the native side is given whole arrays.
  const dataset = centroids.slice();
  for (let from = 0; from < n; from += NEAREST_BATCH) {
    const to = Math.min(n, from + NEAREST_BATCH);
    const matches = usearch.exactSearch(dataset, points.slice(from * dims, to * dims), dims, 1, usearch.MetricKind.L2sq, 0);
    for (let i = from; i < to; i += 1) out[i] = Number(matches.keys[i - from]!);
  }
  return out;
}

/** Each point less its list's centroid. */
function residualsOf(points: Float32Array, lists: Uint32Array, centroids: Float32Array, dims: number): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < lists.length; i += 1) {
    const c = lists[i]! * dims;
    for (let d = 0; d < dims; d += 1) out[i * dims + d] = points[i * dims + d]! - centroids[c + d]!;
  }
  return out;
}

/**
 * Subspace s of each row: dimensions s, s + subspaces, s + 2 × subspaces, … (`subDims` of them).
 * Interleaved, not consecutive: LSA's dimensions come in the order of the variance they carry,
 * so consecutive ones would give the first subspaces most of the variance to code in their 256
 * codes and the last ones almost none.
 */
function subspace(rows: Float32Array, dims: number, s: number, subDims: number): Float32Array {
  const n = rows.length / dims;
  const subspaces = dims / subDims;
  const out = new Float32Array(n * subDims);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < subDims; j += 1) out[i * subDims + j] = rows[i * dims + s + j * subspaces]!;
  }
  return out;
}

function dot(a: Float32Array, aFrom: number, b: Float32Array, bFrom: number, length: number): number {
  let sum = 0;
  for (let d = 0; d < length; d += 1) sum += a[aFrom + d]! * b[bFrom + d]!;
  return sum;
}

function grown<T extends Uint32Array | Uint8Array>(array: T, length: number): T {
  const out = new (array.constructor as new (length: number) => T)(length);
  out.set(array);
  return out;
}

function bytesOf(array: Float32Array | Uint32Array | Uint8Array | Buffer): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
