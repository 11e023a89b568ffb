/**
 * LSA: TF-IDF over the catalog's own titles and abstracts, reduced to a few hundred dimensions
 * by a randomised truncated SVD (Halko, Martinsson & Tropp 2011). Offline, deterministic for a
 * seed, and small enough to train in seconds on tens of thousands of papers. Pure: texts in,
 * model out.
 */
import { terms } from './text.js';
import { mulberry32 } from '../random.js';

/** A trained model: the vocabulary, each term's IDF, and each term's vector (row-major, terms × dims). */
export interface LsaModel {
  terms: string[];
  index: Map<string, number>;
  idf: Float32Array;
  dims: number;
  termVectors: Float32Array;
}

export interface LsaOptions {
  dims?: number;
  /** The most frequent terms kept, after dropping those in fewer than `minDf` papers. */
  maxTerms?: number;
  minDf?: number;
  seed?: number;
}

/** A sparse vector: term indexes and weights, L2-normalised. */
export interface SparseVector {
  indexes: Uint32Array;
  weights: Float32Array;
}

/** Trains a model on texts. Dimensions are capped by what the corpus supports. */
export function trainLsa(texts: readonly string[], options: LsaOptions = {}): LsaModel {
  const minDf = options.minDf ?? 2;
  const tokenized = texts.map(terms);
  const df = new Map<string, number>();
  for (const doc of tokenized) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
  const vocab = [...df].filter(([, n]) => n >= minDf && n < tokenized.length * 0.5)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxTerms ?? 50_000)
    .map(([term]) => term);
  const index = new Map(vocab.map((term, i) => [term, i]));
  const idf = new Float32Array(vocab.length);
  vocab.forEach((term, i) => (idf[i] = Math.log((1 + tokenized.length) / (1 + df.get(term)!)) + 1));
  const partial: Omit<LsaModel, 'dims' | 'termVectors'> = { terms: vocab, index, idf };
  const rows = tokenized.map((doc) => weigh(partial, doc));
  const dims = Math.max(1, Math.min(options.dims ?? 256, vocab.length - 1, rows.length - 1));
  const termVectors = rightSingularVectors(rows, vocab.length, dims, options.seed ?? 1);
  return { terms: vocab, index, idf, dims, termVectors };
}

/** A text's TF-IDF vector: sublinear term frequency times IDF, L2-normalised. */
export function tfidf(model: Pick<LsaModel, 'index' | 'idf'>, text: string): SparseVector {
  return weigh(model, terms(text));
}

/** The TF-IDF vector of terms as {@link terms} gives them (for a text already split into terms). */
export function weigh(model: Pick<LsaModel, 'index' | 'idf'>, docTerms: readonly string[]): SparseVector {
  // Sorting the term indexes counts them with no map: this runs for every candidate and sentence of a similar-papers request.
  const found = new Uint32Array(docTerms.length);
  let n = 0;
  for (const term of docTerms) {
    const i = model.index.get(term);
    if (i !== undefined) found[n++] = i;
  }
  const sorted = found.subarray(0, n).sort();
  let distinct = 0;
  for (let k = 0; k < n; k += 1) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct += 1;
  const indexes = new Uint32Array(distinct);
  const weights = new Float32Array(distinct);
  let norm = 0;
  for (let k = 0, d = -1; k < n; k += 1) {
    if (k === 0 || sorted[k] !== sorted[k - 1]) indexes[++d] = sorted[k]!;
    weights[d]! += 1;
  }
  for (let d = 0; d < distinct; d += 1) {
    const w = (1 + Math.log(weights[d]!)) * model.idf[indexes[d]!]!;
    weights[d] = w;
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < distinct; d += 1) weights[d]! /= norm;
  return { indexes, weights };
}

/** Cosine of two normalised sparse vectors (their indexes sorted). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indexes.length && j < b.indexes.length) {
    const x = a.indexes[i]!;
    const y = b.indexes[j]!;
    if (x === y) { sum += a.weights[i++]! * b.weights[j++]!; } else if (x < y) i += 1; else j += 1;
  }
  return sum;
}

/** A text's LSA vector: its TF-IDF vector projected on the model's dimensions, L2-normalised. */
export function embedLsa(model: LsaModel, text: string): Float32Array {
  return projectLsa(model, tfidf(model, text));
}

/** The LSA vector of a TF-IDF vector (for a text already weighed), L2-normalised. */
export function projectLsa(model: LsaModel, sparse: SparseVector): Float32Array {
  const { dims, termVectors } = model;
  const out = new Float32Array(dims);
  for (let k = 0; k < sparse.indexes.length; k += 1) {
    const base = sparse.indexes[k]! * dims;
    const w = sparse.weights[k]!;
    for (let d = 0; d < dims; d += 1) out[d]! += w * termVectors[base + d]!;
  }
  return normalize(out);
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let d = 0; d < vector.length; d += 1) vector[d]! /= norm;
  return vector;
}

/**
 * The top `dims` right singular vectors of the sparse matrix whose rows are `rows`, as a
 * (columns × dims) row-major matrix: range finder with one power iteration, then the small SVD
 * through an eigendecomposition.
 */
function rightSingularVectors(rows: readonly SparseVector[], columns: number, dims: number, seed: number): Float32Array {
  const l = Math.min(dims + 10, columns, rows.length);
  const random = mulberry32(seed);
  const omega = new Float64Array(columns * l);
  for (let i = 0; i < omega.length; i += 1) omega[i] = gaussian(random);
  let y = orthonormalize(multiply(rows, omega, l), rows.length, l);
  const z = orthonormalize(multiplyTransposed(rows, y, columns, l), columns, l);
  y = orthonormalize(multiply(rows, z, l), rows.length, l);
  const bt = multiplyTransposed(rows, y, columns, l); // columns × l, = (Qᵀ A)ᵀ
  const { values, vectors } = symmetricEigen(gram(bt, columns, l), l);
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, dims);
  const out = new Float32Array(columns * dims);
  order.forEach((e, d) => {
    const sigma = Math.sqrt(Math.max(values[e]!, 1e-12));
    for (let t = 0; t < columns; t += 1) {
      let sum = 0;
      for (let k = 0; k < l; k += 1) sum += bt[t * l + k]! * vectors[k * l + e]!;
      out[t * dims + d] = sum / sigma;
    }
  });
  return out;
}

/** A · M for sparse A (n × columns) and dense M (columns × l). */
function multiply(rows: readonly SparseVector[], m: Float64Array, l: number): Float64Array {
  const out = new Float64Array(rows.length * l);
  rows.forEach((row, r) => {
    for (let k = 0; k < row.indexes.length; k += 1) {
      const base = row.indexes[k]! * l;
      const w = row.weights[k]!;
      for (let j = 0; j < l; j += 1) out[r * l + j]! += w * m[base + j]!;
    }
  });
  return out;
}

/** Aᵀ · M for sparse A (n × columns) and dense M (n × l). */
function multiplyTransposed(rows: readonly SparseVector[], m: Float64Array, columns: number, l: number): Float64Array {
  const out = new Float64Array(columns * l);
  rows.forEach((row, r) => {
    for (let k = 0; k < row.indexes.length; k += 1) {
      const base = row.indexes[k]! * l;
      const w = row.weights[k]!;
      for (let j = 0; j < l; j += 1) out[base + j]! += w * m[r * l + j]!;
    }
  });
  return out;
}

/** Mᵀ M for a row-major n × l matrix. */
function gram(m: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let r = 0; r < n; r += 1) {
    const base = r * l;
    for (let i = 0; i < l; i += 1) {
      const x = m[base + i]!;
      if (x === 0) continue;
      for (let j = i; j < l; j += 1) g[i * l + j]! += x * m[base + j]!;
    }
  }
  for (let i = 0; i < l; i += 1) for (let j = 0; j < i; j += 1) g[i * l + j] = g[j * l + i]!;
  return g;
}

/** Orthonormal columns spanning M's (n × l): M · W · Λ^-½ from the eigendecomposition of MᵀM. */
function orthonormalize(m: Float64Array, n: number, l: number): Float64Array {
  const { values, vectors } = symmetricEigen(gram(m, n, l), l);
  const scale = new Float64Array(l * l);
  for (let i = 0; i < l; i += 1) {
    for (let e = 0; e < l; e += 1) scale[i * l + e] = values[e]! > 1e-10 ? vectors[i * l + e]! / Math.sqrt(values[e]!) : 0;
  }
  const out = new Float64Array(n * l);
  for (let r = 0; r < n; r += 1) {
    for (let i = 0; i < l; i += 1) {
      const x = m[r * l + i]!;
      if (x === 0) continue;
      for (let e = 0; e < l; e += 1) out[r * l + e]! += x * scale[i * l + e]!;
    }
  }
  return out;
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix, by cyclic Jacobi rotations. */
function symmetricEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep += 1) {
    let off = 0;
    for (let p = 0; p < n; p += 1) for (let q = p + 1; q < n; q += 1) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i += 1) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}


function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** The model as bytes: a JSON header (dims, terms), then IDF and term vectors as float32. */
export function serializeLsa(model: LsaModel): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ dims: model.dims, terms: model.terms }));
  const headerBytes = Math.ceil((header.length + 4) / 4) * 4;
  const out = new Uint8Array(headerBytes + (model.idf.length + model.termVectors.length) * 4);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  new Float32Array(out.buffer, headerBytes, model.idf.length).set(model.idf);
  new Float32Array(out.buffer, headerBytes + model.idf.length * 4, model.termVectors.length).set(model.termVectors);
  return out;
}

/** Reads a model written by {@link serializeLsa}. */
export function deserializeLsa(data: Uint8Array): LsaModel {
  const bytes = Uint8Array.from(data); // aligned copy
  const length = new DataView(bytes.buffer).getUint32(0, true);
  const { dims, terms: vocab } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as { dims: number; terms: string[] };
  const headerBytes = Math.ceil((length + 4) / 4) * 4;
  const idf = new Float32Array(bytes.buffer, headerBytes, vocab.length);
  const termVectors = new Float32Array(bytes.buffer, headerBytes + vocab.length * 4, vocab.length * dims);
  return { terms: vocab, index: new Map(vocab.map((term, i) => [term, i])), idf, dims, termVectors };
}
