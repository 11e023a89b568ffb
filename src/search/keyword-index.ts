/**
 * An in-memory top-k keyword engine: an inverted index in compact typed arrays that ranks by
 * BM25 and finds the top k without scoring every match (MaxScore, Turtle & Flood 1995). FTS5
 * scores every matching row before sorting, which is what made common-word queries slow
 * (docs/search.md). It matches what FTS5 matches, with FTS5's IDF, k1 and title weight, but
 * measures a paper's length as FTS5 cannot, in title-weighted content words, and uses b 0.5
 * (both chosen on CACM, docs/search.md); so its scores differ from `bm25(papers_fts, 2, 1, 1, 1)`.
 *
 * It answers relevance-ordered queries of bare words, prefixes, OR and exclusions, and words of
 * the title or author names (`ti:`, `au:`: kept as terms of their own). It keeps no positions,
 * so a phrase is planned as the conjunction of its words, which the caller verifies against
 * the store (`verify`); other fields and phrases elsewhere stay with FTS5 (`planOf` returns
 * undefined).
 */
import type { Paper } from '../catalog/paper.js';
import type { Field, QueryNode } from './query.js';
import { isContentWord, stem, words } from './text.js';

/** One paper's searchable text, as the full-text index holds it (authors and categories joined). */
export interface IndexedText {
  title: string;
  authors: string;
  abstract: string;
  categories: string;
}

/** A paper's searchable text: what both the full-text index and this one index. */
export function indexedText(paper: Pick<Paper, 'title' | 'authors' | 'abstract' | 'categories'>): IndexedText {
  return { title: paper.title, authors: paper.authors.map((author) => author.name).join(', '), abstract: paper.abstract, categories: paper.categories.join(' ') };
}

/** BM25 constants: k1 and the title weight are FTS5's as search-sql.ts calls bm25(); b is ours. */
const K1 = 1.2;
/**
 * How much a long paper's matches are discounted. FTS5 fixes 0.75; with lengths counted in
 * content words, each half of CACM's queries chose 0.5 for the other (MAP 0.358 → 0.367).
 */
const B = 0.5;
const TITLE_WEIGHT = 2;
/** Weighted frequencies are kept in one byte; a word 255 times in one paper is capped there. */
const MAX_TF = 255;
/**
 * Postings per block; each block keeps its own score bound and skip entry, so a search can skip
 * whole blocks, and decodes only those it reads.
 */
const BLOCK_BITS = 7;
const BLOCK = 1 << BLOCK_BITS;
/**
 * Postings per chunk of the packed arrays (about 18 MB of doc-number gaps and frequencies at
 * 1M papers): a pack rewrites one chunk at a time, so it holds this much twice, not every list.
 */
const CHUNK_POSTINGS = 8_000_000;
/**
 * Arrays of at least LARGE_ARRAY_BYTES get buffers of at least MMAPPED_BYTES, above glibc's
 * largest dynamic mmap threshold (32 MB on 64-bit Linux), so that malloc maps each one apart:
 * freeing it unmaps it, and its pages never written (the slack of a chunk or log) never become
 * resident. Smaller ones came from the malloc heap once the first freed mapping had raised the
 * threshold, and the holes the packs' freed chunks left there stayed resident: at 2.5M papers
 * 1,331 MB of heap for 989 MB of arrays, RSS 1,510 MB; mapped apart, 44 MB of heap, RSS 1,166
 * (docs/search.md, Memory).
 */
const LARGE_ARRAY_BYTES = 1 << 20;
const MMAPPED_BYTES = 33 << 20;
/** Above any doc number: what a search of several lists finds when every list is done. */
const NO_DOC = 2 ** 32;
/**
 * Matches counted exactly. Beyond, a conjunction's total is estimated from how much of the
 * shortest list gave this many (like a web search engine's "about N"), and blocks that cannot
 * reach the top k are skipped instead of counted; an OR list's from the share of its longest
 * list's first this many (docs/search.md). At 10,000, counting was most of the time of
 * mid-frequency conjunctions at 1M papers (p50 4.4 ms in the index against 2.2 at 1,000).
 */
export const EXACT_TOTAL = 1_000;

/**
 * Fields kept as terms of their own, `title:word` and `authors:word` (a term never has a colon).
 * Titles and names are short, so their postings are few; abstracts and categories would double
 * the index, so `abs:` and `cat:` stay with FTS5.
 */
const INDEXED_FIELDS: ReadonlySet<Field> = new Set(['title', 'authors']);

/**
 * A term's postings, or a prefix's merged postings: ascending doc numbers and weighted
 * frequencies, with each block's bound (see {@link blockBounds}) and the largest of them.
 * A term's doc numbers are decoded a block at a time, when a search first reads the block
 * (`docAt`, `seek`): a conjunction or a pruned search reads few blocks of a common word's
 * list, and decoding all of them took longer than the rest of such a search at 1M papers.
 */
interface PostingList {
  /** Doc numbers, valid in the blocks `decoded` marks. */
  docs: Uint32Array;
  tfs: Uint8Array;
  maxImpact: number;
  blockMaxImpact: Float32Array;
  /** Each block's last doc number, and where its gaps start in `bytes` (from the previous block's last doc). */
  blockLastDocs: Uint32Array;
  blockBytes: Uint32Array;
  bytes: Uint8Array;
  decoded: Uint8Array;
}

/**
 * A query the engine can answer: every `required` group must have a word, no `excluded` group
 * may, and no `excludedTogether` group may have all its words (the "some of the words" tail that
 * follows a short word list's full matches, see service.ts).
 */
export interface KeywordPlan {
  required: Word[][];
  excluded: Word[][];
  excludedTogether: Word[][];
  /**
   * The query has phrases, planned as their words: the index's matches are candidates, and the
   * caller keeps those the store confirms (service.ts).
   */
  verify: boolean;
}

/** A query word: a stem, or a stemmed prefix, of any field or (`title:`/`authors:` before it) of one. */
export interface Word {
  text: string;
  prefix: boolean;
}

/**
 * The plan for a query node, or undefined when it needs FTS5 (fields other than title and
 * authors, phrases in OR lists or exclusions, nested groups other than OR lists and excluded
 * conjunctions of words).
 */
export function planOf(node: QueryNode): KeywordPlan | undefined {
  const word = (n: QueryNode): Word | undefined => {
    if (n.kind !== 'term' || n.phrase || (n.field && !INDEXED_FIELDS.has(n.field))) return undefined;
    const parts = words(n.text);
    return parts.length === 1 ? { text: termOf(stem(parts[0]!), n.field), prefix: n.prefix } : undefined;
  };
  const group = (n: QueryNode): Word[] | undefined => {
    if (n.kind === 'term') { const w = word(n); return w && [w]; }
    if (n.kind !== 'or') return undefined;
    const list = n.children.map(word);
    return list.every((w): w is Word => w !== undefined) ? list : undefined;
  };
  const children = node.kind === 'and' ? node.children : [node];
  const required: Word[][] = [];
  const excluded: Word[][] = [];
  const excludedTogether: Word[][] = [];
  let verify = false;
  for (const child of children) {
    if (child.kind === 'term' && child.phrase) {
      const phrase = phraseWords(child);
      if (!phrase) return undefined;
      required.push(...phrase.map((w) => [w]));
      // A quoted single word is that word.
      verify ||= words(child.text).length > 1;
      continue;
    }
    if (child.kind === 'not' && child.child.kind === 'and') {
      const together = child.child.children.map(word);
      if (!together.every((w): w is Word => w !== undefined)) return undefined;
      excludedTogether.push(together);
      continue;
    }
    const list = child.kind === 'not' ? group(child.child) : group(child);
    if (!list) return undefined;
    (child.kind === 'not' ? excluded : required).push(list);
  }
  if (required.length === 0) return undefined;
  return { required, excluded, excludedTogether, verify };
}

/**
 * A phrase's words as required words (the last one a prefix for `"…"*`), or undefined for a
 * field the index does not keep. Stop words and lone letters are left out when the phrase has
 * other words: the phrase is verified anyway, and their long lists would only slow the search.
 */
function phraseWords(term: Extract<QueryNode, { kind: 'term' }>): Word[] | undefined {
  if (term.field && !INDEXED_FIELDS.has(term.field)) return undefined;
  const parts = words(term.text).map((text, i, all) => ({ text, prefix: term.prefix && i === all.length - 1 }));
  const kept = parts.some((part) => isContentWord(part.text) || part.prefix) ? parts.filter((part) => isContentWord(part.text) || part.prefix) : parts;
  return kept.map((part) => ({ text: termOf(stem(part.text), term.field), prefix: part.prefix }));
}

/** The index's term for a stem, in any field or in one field only. */
function termOf(stemmed: string, field: Field | undefined): string {
  return field ? `${field}:${stemmed}` : stemmed;
}

/**
 * A ranked page: the number of matches (`estimated` when beyond EXACT_TOTAL), and the best `k`
 * as rowids with BM25 scores.
 */
export interface KeywordTopK {
  total: number;
  estimated: boolean;
  hits: { rowid: number; score: number }[];
}

/**
 * The index. Documents get increasing doc numbers; an updated paper is a new doc number and
 * its old one is dead. New postings go to an append log that `flush` merges into the packed
 * arrays (dropping dead docs), so document frequencies are exact whenever it is searched.
 */
export class KeywordIndex {
  private readonly termIds = new Map<string, number>();
  private termNames: string[] = [];
  /** Term ids in term order, for prefixes; terms added since are merged in when a prefix is searched. */
  private sortedTermIds = new Uint32Array(0);
  /**
   * Packed postings, in chunks of consecutive term ids, each chunk its own arrays (so that a
   * pack can replace them one at a time, see `pack`). Term t owns postings [offsets[t],
   * offsets[t + 1]) counted over all chunks (their difference is its document frequency), kept
   * in chunk c = termChunks[t]: its frequencies in chunkTfs[c] from offsets[t] -
   * chunkFirstPostings[c], its doc numbers in chunkDocBytes[c] from docStarts[t], as gaps
   * between them in varints (7 bits a byte, the first gap from 0). A common word's gaps fit in
   * one byte, so this takes about a quarter of the memory of 32-bit doc numbers; a search
   * decodes the lists it reads.
   */
  private offsets = new Uint32Array(1);
  private docStarts = new Uint32Array(0);
  private termChunks = new Uint32Array(0);
  private chunkFirstPostings = new Uint32Array(0);
  private chunkDocBytes: Uint8Array[] = [];
  private chunkTfs: Uint8Array[] = [];
  /** Bounds (see {@link blockBounds}), for the average length they were computed with: term t's blocks are [blockOffsets[t], blockOffsets[t + 1]). */
  private maxImpact = new Float32Array(0);
  private blockOffsets = new Uint32Array(1);
  private blockMaxImpact = new Float32Array(0);
  /** Skip entries, by block like the bounds: each block's last doc number and first byte in its chunk's doc bytes. */
  private blockLastDocs = new Uint32Array(0);
  private blockBytes = new Uint32Array(0);
  private boundsAvgdl = NaN;
  /** The append log: (term, doc, weighted tf) triples not yet packed. */
  private logTerms = new Uint32Array(1 << 16);
  private logDocs = new Uint32Array(1 << 16);
  private logTfs = new Uint8Array(1 << 16);
  private logSize = 0;
  /** Per doc number: its rowid, length (see `put`) and liveness; and per rowid its live doc number + 1. */
  private rowids = new Uint32Array(1024);
  private lengths = new Uint32Array(1024);
  private live = new Uint8Array(1024);
  private docCount = 0;
  private docOfRowid = new Uint32Array(1024);
  private liveDocs = 0;
  private totalLength = 0;
  /** Each word's term id, so that a common word is stemmed and looked up once. */
  private readonly wordTerms = new Map<string, number>();
  /** Buffers searches decode lists into, and mark papers in (see `buffer`). */
  private readonly buffers: Uint32Array[] = [];
  private readonly decodedFlags: Uint8Array[] = [];
  private marks = new Uint8Array(0);
  /** The length of the longest list (at the last pack). */
  private longest = 0;
  /** By term id, the id of the same term in the title or authors field (`title:word`). */
  private readonly fieldTermIds: Record<string, number[]> = { title: [], authors: [] };
  private readonly chunkPostings: number;

  /** `chunkPostings`: postings per chunk of the packed arrays (tests make them tiny). */
  constructor(options: { chunkPostings?: number } = {}) {
    this.chunkPostings = options.chunkPostings ?? CHUNK_POSTINGS;
  }

  /** Papers in the index. */
  get size(): number {
    return this.liveDocs;
  }

  /**
   * Bytes the arrays use (not the term dictionary), for the memory figures in docs/search.md:
   * their lengths, not their buffers', whose rest is never written, so never resident (see
   * MMAPPED_BYTES).
   */
  get arrayBytes(): number {
    const chunks = this.chunkDocBytes.reduce((sum, bytes, c) => sum + bytes.byteLength + this.chunkTfs[c]!.byteLength, 0);
    return this.offsets.byteLength + this.docStarts.byteLength + this.termChunks.byteLength + this.chunkFirstPostings.byteLength + chunks + this.maxImpact.byteLength
      + this.blockOffsets.byteLength + this.blockMaxImpact.byteLength + this.blockLastDocs.byteLength + this.blockBytes.byteLength
      + this.logTerms.byteLength + this.logDocs.byteLength + this.logTfs.byteLength
      + this.rowids.byteLength + this.lengths.byteLength + this.live.byteLength + this.docOfRowid.byteLength;
  }

  /**
   * Adds a paper, or replaces the one with this rowid. Every word is indexed (a query of stop
   * words only searches them), but the paper's length is counted in the units of its scored
   * frequencies: content words, title words twice (CACM MAP 0.348 → 0.358; every word, title
   * words twice, gave 0.356), since stop words are never scored.
   */
  put(rowid: number, text: IndexedText): void {
    this.remove(rowid);
    const doc = this.docCount++;
    if (doc >= this.rowids.length) {
      this.rowids = grow(this.rowids, doc + 1);
      this.lengths = grow(this.lengths, doc + 1);
      this.live = grow(this.live, doc + 1);
    }
    const frequencies = new Map<number, number>();
    let length = 0;
    const fields = [['title', text.title, TITLE_WEIGHT], ['authors', text.authors, 1], ['abstract', text.abstract, 1], ['categories', text.categories, 1]] as const;
    for (const [field, value, weight] of fields) {
      const own = this.fieldTermIds[field];
      for (const word of words(value)) {
        const term = this.termOfWord(word);
        frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
        if (own) {
          const fieldTerm = own[term] ??= this.termId(`${field}:${this.termNames[term]!}`);
          frequencies.set(fieldTerm, (frequencies.get(fieldTerm) ?? 0) + weight);
        }
        if (isContentWord(word)) length += weight;
      }
    }
    for (const [term, tf] of frequencies) this.log(term, doc, Math.min(MAX_TF, tf));
    this.rowids[doc] = rowid;
    this.lengths[doc] = length;
    this.live[doc] = 1;
    if (rowid >= this.docOfRowid.length) this.docOfRowid = grow(this.docOfRowid, rowid + 1);
    this.docOfRowid[rowid] = doc + 1;
    this.liveDocs += 1;
    this.totalLength += length;
  }

  /** Removes the paper with this rowid, if indexed. */
  remove(rowid: number): void {
    const doc = rowid < this.docOfRowid.length ? this.docOfRowid[rowid]! - 1 : -1;
    if (doc < 0) return;
    this.live[doc] = 0;
    this.docOfRowid[rowid] = 0;
    this.liveDocs -= 1;
    this.totalLength -= this.lengths[doc]!;
  }

  /** Postings waiting in the log. */
  get pending(): number {
    return this.logSize;
  }

  /** Postings packed. */
  get packed(): number {
    return this.offsets[this.offsets.length - 1]!;
  }

  /**
   * Packs the log into the postings, dropping dead docs. The log's postings are sorted by term
   * (a stable counting sort, so each term's stay in doc order), then each term's packed postings
   * are rewritten, followed by its logged ones: only the log is ever held unpacked. The lists
   * are rewritten a chunk at a time, and each old chunk is dropped once its terms are: a pack of
   * the whole arrays at once held two copies of every list at its peak (2.7M papers: a serving
   * process peaked at 2,660 MB, against 1,861 chunk by chunk).
   * The chunks are cut anew at each pack.
   *
   * The bounds a search needs are left for the next search or `flush` to compute (half the time
   * of a pack at 1M papers), and dropped now: a build packs many times before it searches.
   */
  pack(): void {
    this.maxImpact = new Float32Array(0);
    this.blockOffsets = new Uint32Array(1);
    this.blockMaxImpact = new Float32Array(0);
    this.blockLastDocs = new Uint32Array(0);
    this.blockBytes = new Uint32Array(0);
    this.boundsAvgdl = NaN;
    const terms = this.termNames.length;
    const packedTerms = this.offsets.length - 1;
    const logStart = zeroed(Uint32Array, terms + 1);
    for (let i = 0; i < this.logSize; i += 1) if (this.live[this.logDocs[i]!]) logStart[this.logTerms[i]! + 1]! += 1;
    for (let t = 0; t < terms; t += 1) logStart[t + 1]! += logStart[t]!;
    const logOrder = zeroed(Uint32Array, logStart[terms]!);
    const next = zeroed(Uint32Array, terms);
    next.set(logStart.subarray(0, terms));
    for (let i = 0; i < this.logSize; i += 1) if (this.live[this.logDocs[i]!]) logOrder[next[this.logTerms[i]!]!++] = i;
    const offsets = zeroed(Uint32Array, terms + 1);
    const docStarts = zeroed(Uint32Array, terms);
    const termChunks = zeroed(Uint32Array, terms);
    const chunkFirstPostings: number[] = [];
    const chunkDocBytes: Uint8Array[] = [];
    const chunkTfs: Uint8Array[] = [];
    let posting = 0;
    let dropped = 0;
    for (let first = 0; first < terms;) {
      // The chunk's terms: from `first` on until they hold chunkPostings (one long list may hold more).
      // Dropping a doc merges two gaps into one no longer than both; a logged doc's gap fits in 5 bytes.
      let end = first;
      let postings = 0;
      let byteBound = 0;
      while (end < terms && postings < this.chunkPostings) {
        const logged = logStart[end + 1]! - logStart[end]!;
        if (end < packedTerms) {
          postings += this.offsets[end + 1]! - this.offsets[end]!;
          byteBound += this.packedBytes(end);
        }
        postings += logged;
        byteBound += 5 * logged;
        end += 1;
      }
      const chunk = chunkDocBytes.length;
      const base = posting;
      // One buffer for both, mapped apart (see MMAPPED_BYTES): the gaps' slack is never resident.
      const buffer = new ArrayBuffer(bufferBytes(byteBound + postings));
      const bytes = new Uint8Array(buffer, 0, byteBound);
      const tfs = new Uint8Array(buffer, byteBound, postings);
      let byte = 0;
      for (let t = first; t < end; t += 1) {
        offsets[t] = posting;
        docStarts[t] = byte;
        termChunks[t] = chunk;
        let previous = 0;
        if (t < packedTerms) {
          const docs = this.docsOf(t, this.buffer(0, this.offsets[t + 1]! - this.offsets[t]!));
          const packedTfs = this.tfsOf(t);
          for (let j = 0; j < docs.length; j += 1) {
            const doc = docs[j]!;
            if (!this.live[doc]) continue;
            byte = putGap(bytes, byte, doc - previous);
            previous = doc;
            tfs[posting++ - base] = packedTfs[j]!;
          }
        }
        for (let j = logStart[t]!; j < logStart[t + 1]!; j += 1) {
          const i = logOrder[j]!;
          byte = putGap(bytes, byte, this.logDocs[i]! - previous);
          previous = this.logDocs[i]!;
          tfs[posting++ - base] = this.logTfs[i]!;
        }
      }
      // Views, not copies: a copy to size was one more chunk to allocate and collect (the
      // collector lags); the slack (a few bytes a logged posting) is never written, so in a
      // mapped buffer (see MMAPPED_BYTES) never resident but for a page.
      chunkDocBytes.push(bytes.subarray(0, byte));
      chunkTfs.push(tfs.subarray(0, posting - base));
      chunkFirstPostings.push(base);
      // The old chunks before the one holding term `end` are rewritten: dropped now, not at the end.
      for (const through = end < packedTerms ? this.termChunks[end]! : this.chunkTfs.length; dropped < through; dropped += 1) {
        this.chunkDocBytes[dropped] = EMPTY_CHUNK;
        this.chunkTfs[dropped] = EMPTY_CHUNK;
      }
      first = end;
    }
    offsets[terms] = posting;
    this.offsets = offsets;
    this.docStarts = docStarts;
    this.termChunks = termChunks;
    this.chunkFirstPostings = Uint32Array.from(chunkFirstPostings);
    this.chunkDocBytes = chunkDocBytes;
    this.chunkTfs = chunkTfs;
    this.logSize = 0;
    // The log grew for a build or a large import; steady catch-ups need little of it.
    if (this.logTerms.length > 1 << 16) {
      this.logTerms = new Uint32Array(1 << 16);
      this.logDocs = new Uint32Array(1 << 16);
      this.logTfs = new Uint8Array(1 << 16);
    }
  }

  /** Packs the log (see `pack`) and readies the index for searches. */
  flush(): void {
    this.pack();
    this.computeBounds();
    // Sorting a large dictionary takes a second: here, not in the first prefix search.
    this.sortedTerms();
  }

  /** Term t's doc numbers, decoded into the start of `into` (at least as long as the list). */
  private docsOf(t: number, into: Uint32Array): Uint32Array {
    const count = this.offsets[t + 1]! - this.offsets[t]!;
    const bytes = this.chunkDocBytes[this.termChunks[t]!]!;
    for (let i = 0, at = this.docStarts[t]!, doc = 0; i < count; i += 1) {
      let gap = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[at++]!;
        gap |= (b & 127) << shift;
        if (b < 128) break;
      }
      doc += gap;
      into[i] = doc;
    }
    return into.subarray(0, count);
  }

  /** Term t's weighted frequencies, a view of its chunk's. */
  private tfsOf(t: number): Uint8Array {
    const chunk = this.termChunks[t]!;
    const from = this.offsets[t]! - this.chunkFirstPostings[chunk]!;
    return this.chunkTfs[chunk]!.subarray(from, from + this.offsets[t + 1]! - this.offsets[t]!);
  }

  /** How many bytes term t's doc numbers take: up to the next term's, or its chunk's end. */
  private packedBytes(t: number): number {
    const chunk = this.termChunks[t]!;
    const end = t + 1 < this.termChunks.length && this.termChunks[t + 1] === chunk ? this.docStarts[t + 1]! : this.chunkDocBytes[chunk]!.length;
    return end - this.docStarts[t]!;
  }

  /** The average paper length, in the units of `put`. */
  private get avgdl(): number {
    // Papers of stop words only have length 0; if all are, any average but 0 gives them b's full weight.
    return this.totalLength > 0 ? this.totalLength / this.liveDocs : 1;
  }

  /**
   * The bounds searches prune with, for each term and each of its blocks, at today's average
   * length; and each block's skip entry (its last doc number and first byte).
   */
  private computeBounds(): void {
    const terms = this.offsets.length - 1;
    const avgdl = this.avgdl;
    this.maxImpact = zeroed(Float32Array, terms);
    this.blockOffsets = zeroed(Uint32Array, terms + 1);
    for (let t = 0; t < terms; t += 1) this.blockOffsets[t + 1] = this.blockOffsets[t]! + Math.ceil((this.offsets[t + 1]! - this.offsets[t]!) / BLOCK);
    this.blockMaxImpact = zeroed(Float32Array, this.blockOffsets[terms]!);
    this.blockLastDocs = zeroed(Uint32Array, this.blockOffsets[terms]!);
    this.blockBytes = zeroed(Uint32Array, this.blockOffsets[terms]!);
    this.longest = 0;
    for (let t = 0; t < terms; t += 1) this.longest = Math.max(this.longest, this.offsets[t + 1]! - this.offsets[t]!);
    const buffer = zeroed(Uint32Array, this.longest);
    for (let t = 0; t < terms; t += 1) {
      const docs = this.docsOf(t, buffer);
      const bytes = this.chunkDocBytes[this.termChunks[t]!]!;
      const bounds = blockBounds(docs, this.tfsOf(t), this.lengths, avgdl);
      const firstBlock = this.blockOffsets[t]!;
      this.blockMaxImpact.set(bounds.blockMaxImpact, firstBlock);
      this.maxImpact[t] = bounds.maxImpact;
      for (let i = 0, at = this.docStarts[t]!; i < docs.length; i += 1) {
        if (i % BLOCK === 0) this.blockBytes[firstBlock + i / BLOCK] = at;
        if (i % BLOCK === BLOCK - 1 || i === docs.length - 1) this.blockLastDocs[firstBlock + Math.floor(i / BLOCK)] = docs[i]!;
        while (bytes[at++]! >= 128);
      }
    }
    this.boundsAvgdl = avgdl;
  }

  /**
   * The best `k` papers for a plan by BM25 (ties: larger rowid first, as the SQL orders them),
   * and how many papers match. Flushes the log first.
   */
  search(plan: KeywordPlan, k: number): KeywordTopK {
    if (this.logSize > 0) this.flush();
    const avgdl = this.avgdl;
    // Removals alone change the average length without a flush, and `pack` leaves no bounds.
    if (avgdl !== this.boundsAvgdl) this.computeBounds();
    let slot = 0;
    const required = plan.required.map((group) => group.map((word) => this.postings(word, slot++)));
    const excluded = plan.excluded.flat().map((word) => this.postings(word, slot++));
    const together = plan.excludedTogether.map((group) => group.map((word) => this.postings(word, slot++)));
    // FTS5 sums the phrases in the order of the MATCH expression: the required words, in order.
    const scoring = required.flat();
    // Per-term numbers live in typed arrays: plain arrays change their element kind between
    // searches (a bound of exactly 0 is a small integer), and each change deoptimized the loops.
    const idf = new Float64Array(scoring.length);
    const bound = new Float64Array(scoring.length);
    for (let t = 0; t < scoring.length; t += 1) {
      const n = scoring[t]!.docs.length;
      const value = Math.log((this.liveDocs - n + 0.5) / (n + 0.5));
      idf[t] = value <= 0 ? 1e-6 : value;
      bound[t] = idf[t]! * scoring[t]!.maxImpact;
    }
    const score = (term: number, tf: number, doc: number) => idf[term]! * impact(tf, this.lengths[doc]!, avgdl);
    const blockBound = (term: number, block: number) => idf[term]! * scoring[term]!.blockMaxImpact[block]!;
    const top = new TopK(k);
    const cursors = new Int32Array(scoring.length);
    const excludedCursors = new Int32Array(excluded.length);
    const togetherCursors = together.map((group) => new Int32Array(group.length));
    // Searches of every kind run through this one function, so its hot loops stay free of
    // allocations and of calls whose type feedback differs between kinds (each deoptimization
    // sent a whole search back to the interpreter, docs/search.md).
    const excluding = excluded.length > 0 || together.length > 0;
    const isExcluded = (doc: number) => excluding && (excluded.some((list, i) => {
      excludedCursors[i] = seek(list, excludedCursors[i]!, doc);
      return contains(list, excludedCursors[i]!, doc);
    }) || together.some((group, g) => group.every((list, i) => {
      const cursor = togetherCursors[g]!;
      cursor[i] = seek(list, cursor[i]!, doc);
      return contains(list, cursor[i]!, doc);
    })));
    const parts = new Float64Array(scoring.length);
    const finish = (doc: number) => {
      let sum = 0;
      for (let t = 0; t < parts.length; t += 1) sum += parts[t]!;
      top.offer(sum, this.rowids[doc]!);
    };

    if (scoring.length === 1) {
      // One word: its list's single bound prunes nothing, its blocks' bounds do.
      const list = scoring[0]!;
      for (let block = 0; block * BLOCK < list.docs.length; block += 1) {
        if (top.full && blockBound(0, block) * (1 + 1e-9) < top.threshold) continue;
        decodeBlock(list, block);
        for (let i = block * BLOCK; i < Math.min(list.docs.length, (block + 1) * BLOCK); i += 1) {
          const doc = list.docs[i]!;
          if (isExcluded(doc)) continue;
          parts[0] = score(0, list.tfs[i]!, doc);
          finish(doc);
        }
      }
      return { ...this.countUnion(scoring, excluded, together), hits: top.sorted() };
    }
    if (required.length === 1) {
      // One OR list: MaxScore. Lists whose bounds together cannot reach the
      // k-th score are only looked up for papers that the other lists bring.
      const order = Int32Array.from(scoring.keys()).sort((a, b) => bound[a]! - bound[b]!);
      const prefix = new Float64Array(order.length);
      for (let i = 0, sum = 0; i < order.length; i += 1) prefix[i] = sum += bound[order[i]!]!;
      const all = prefix[order.length - 1]!;
      let essential = 0;
      for (;;) {
        while (essential < order.length && top.full && prefix[essential]! * (1 + 1e-9) < top.threshold) essential += 1;
        if (essential >= order.length) break;
        let doc = NO_DOC;
        for (let e = essential; e < order.length; e += 1) {
          const t = order[e]!;
          const list = scoring[t]!;
          // A block of this list whose papers cannot reach the k-th score, even with every
          // other list's best, is skipped: a paper in it and in another list scores too little
          // to enter, so leaving this list's part out of its score changes nothing.
          while (top.full && cursors[t]! < list.docs.length && (blockBound(t, cursors[t]! >>> BLOCK_BITS) + all - bound[t]!) * (1 + 1e-9) < top.threshold) {
            cursors[t] = ((cursors[t]! >>> BLOCK_BITS) + 1) * BLOCK;
          }
          if (cursors[t]! < list.docs.length) doc = Math.min(doc, docAt(list, cursors[t]!));
        }
        if (doc === NO_DOC) break;
        parts.fill(0);
        let sum = 0;
        for (let e = essential; e < order.length; e += 1) {
          const t = order[e]!;
          const list = scoring[t]!;
          if (contains(list, cursors[t]!, doc)) {
            parts[t] = score(t, list.tfs[cursors[t]!]!, doc);
            sum += parts[t]!;
            cursors[t]! += 1;
          }
        }
        for (let e = essential - 1; e >= 0 && sum + prefix[e]! * (1 + 1e-9) >= top.threshold; e -= 1) {
          const t = order[e]!;
          const list = scoring[t]!;
          cursors[t] = seek(list, cursors[t]!, doc);
          if (contains(list, cursors[t]!, doc)) { parts[t] = score(t, list.tfs[cursors[t]!]!, doc); sum += parts[t]!; }
        }
        if (!isExcluded(doc)) finish(doc);
      }
      return { ...this.countUnion(scoring, excluded, together), hits: top.sorted() };
    }

    // Several required groups: walk the group with the fewest postings and look the others up.
    const groupStart = required.map((_, g) => required.slice(0, g).reduce((sum, group) => sum + group.length, 0));
    const sizes = required.map((group) => group.reduce((sum, list) => sum + list.docs.length, 0));
    const driver = sizes.indexOf(Math.min(...sizes));
    /** Scores `doc` into `parts` if every required group has it and no excluded list does. */
    // Groups are looked up shortest first, and a paper missing from one is not looked up in the
    // rest: most papers of the walked list miss some other word.
    const bySize = required.map((_, g) => g).sort((a, b) => sizes[a]! - sizes[b]!);
    const matches = (doc: number): boolean => {
      for (let o = 0; o < bySize.length; o += 1) {
        const g = bySize[o]!;
        let any = false;
        for (let t = groupStart[g]!; t < groupStart[g]! + required[g]!.length; t += 1) {
          cursors[t] = seek(scoring[t]!, cursors[t]!, doc);
          if (contains(scoring[t]!, cursors[t]!, doc)) any = true;
        }
        if (!any) return false;
      }
      if (isExcluded(doc)) return false;
      for (let t = 0; t < scoring.length; t += 1) {
        const list = scoring[t]!;
        parts[t] = contains(list, cursors[t]!, doc) ? score(t, list.tfs[cursors[t]!]!, doc) : 0;
      }
      return true;
    };
    if (required[driver]!.length > 1) {
      // The walked group is an OR list: its papers in doc order, each once.
      const group = required[driver]!;
      const at = new Int32Array(group.length);
      let total = 0;
      for (;;) {
        let doc = NO_DOC;
        for (let g = 0; g < group.length; g += 1) if (at[g]! < group[g]!.docs.length) doc = Math.min(doc, docAt(group[g]!, at[g]!));
        if (doc === NO_DOC) break;
        for (let g = 0; g < group.length; g += 1) if (contains(group[g]!, at[g]!, doc)) at[g]! += 1;
        if (matches(doc)) { total += 1; finish(doc); }
      }
      return { total, estimated: false, hits: top.sorted() };
    }
    // The walked list is one word: once EXACT_TOTAL matches are counted, a block of it is
    // skipped when its bound plus the other lists' block bounds over its doc range cannot
    // reach the k-th score. Those are read from the skip entries, without decoding.
    const walked = groupStart[driver]!;
    const list = scoring[walked]!;
    const rangeBlocks = new Int32Array(scoring.length);
    const rangeBound = (t: number, first: number, last: number) => {
      const other = scoring[t]!;
      const lastDocs = other.blockLastDocs;
      let block = rangeBlocks[t]!;
      while (block < lastDocs.length && lastDocs[block]! < first) block += 1;
      rangeBlocks[t] = block;
      let bound = 0;
      // A block's papers follow the previous block's last one.
      for (; block < lastDocs.length && (block === 0 ? 0 : lastDocs[block - 1]! + 1) <= last; block += 1) bound = Math.max(bound, blockBound(t, block));
      return bound;
    };
    let counted = 0;
    let total: number | undefined;
    for (let block = 0; block * BLOCK < list.docs.length; block += 1) {
      const start = block * BLOCK;
      const end = Math.min(list.docs.length, start + BLOCK);
      // What the other lists can add to a paper of this block; a paper whose own score in the
      // walked list cannot make up the rest is not looked up in them.
      let others = Infinity;
      if (total !== undefined && top.full) {
        others = 0;
        const first = block === 0 ? 0 : list.blockLastDocs[block - 1]! + 1;
        for (let t = 0; t < scoring.length; t += 1) if (t !== walked) others += rangeBound(t, first, list.blockLastDocs[block]!);
        if ((blockBound(walked, block) + others) * (1 + 1e-9) < top.threshold) continue;
      }
      decodeBlock(list, block);
      for (let i = start; i < end; i += 1) {
        if (others !== Infinity && (score(walked, list.tfs[i]!, list.docs[i]!) + others) * (1 + 1e-9) < top.threshold) continue;
        if (!matches(list.docs[i]!)) continue;
        finish(list.docs[i]!);
        if (total === undefined && ++counted === EXACT_TOTAL && i + 1 < list.docs.length) total = Math.round((counted * list.docs.length) / (i + 1));
      }
    }
    return { total: total ?? counted, estimated: total !== undefined, hits: top.sorted() };
  }

  /**
   * How many papers have any of the lists' docs, none of the excluded ones, and not every doc
   * list of any `together` group. Counted exactly up to EXACT_TOTAL papers of the longest list;
   * beyond, the share of its papers counted there stands for the rest (`estimated`), so a
   * common-word OR list does not decode and mark every list it names.
   */
  private countUnion(lists: readonly PostingList[], excluded: readonly PostingList[], together: readonly PostingList[][]): { total: number; estimated: boolean } {
    const longest = lists.reduce((a, b) => (b.docs.length > a.docs.length ? b : a));
    if (lists.length === 1 && excluded.length === 0 && together.length === 0) return { total: longest.docs.length, estimated: false };
    const estimated = longest.docs.length > EXACT_TOTAL;
    const last = estimated ? docAt(longest, EXACT_TOTAL - 1) : this.docCount - 1;
    if (this.marks.length <= last) this.marks = new Uint8Array(this.docCount);
    const marks = this.marks.fill(0, 0, last + 1);
    let count = 0;
    for (let l = 0; l < lists.length; l += 1) count += markAll(marks, lists[l]!, last, 0, 1);
    for (let l = 0; l < excluded.length; l += 1) count -= markAll(marks, excluded[l]!, last, 1, 2);
    for (const group of together) {
      const [shortest, ...others] = [...group].sort((a, b) => a.docs.length - b.docs.length);
      const cursors = new Int32Array(others.length);
      for (let i = 0; shortest && i < shortest.docs.length; i += 1) {
        const doc = docAt(shortest, i);
        if (doc > last) break;
        if (marks[doc] !== 1) continue;
        const inAll = others.every((list, o) => { cursors[o] = seek(list, cursors[o]!, doc); return contains(list, cursors[o]!, doc); });
        if (inAll) { marks[doc] = 2; count -= 1; }
      }
    }
    return estimated ? { total: Math.round((count * longest.docs.length) / EXACT_TOTAL), estimated } : { total: count, estimated };
  }

  /**
   * A buffer of at least `length` doc numbers, kept for the next search: allocating each
   * searched list anew filled the heap with garbage, and the collections it caused took tens of
   * milliseconds of a search.
   */
  private buffer(slot: number, length: number): Uint32Array {
    const kept = this.buffers[slot];
    if (kept && kept.length >= length) return kept;
    return (this.buffers[slot] = new Uint32Array(Math.max(length, Math.ceil((kept?.length ?? 0) * 1.5))));
  }

  /** Buffer `slot`'s flags of decoded blocks, `blocks` of them cleared. */
  private decodedBlocks(slot: number, blocks: number): Uint8Array {
    let kept = this.decodedFlags[slot];
    if (!kept || kept.length < blocks) kept = this.decodedFlags[slot] = new Uint8Array(Math.max(blocks, Math.ceil((kept?.length ?? 0) * 1.5)));
    return kept.fill(0, 0, blocks).subarray(0, blocks);
  }

  /**
   * A word's postings, decoded into buffer `slot` block by block as the search reads them; a
   * prefix's are the merged postings of every term it starts, decoded at once.
   */
  private postings(word: Word, slot: number): PostingList {
    if (!word.prefix) {
      const t = this.termIds.get(word.text);
      if (t === undefined) return this.merged(new Uint32Array(0), new Uint8Array(0));
      const [from, to] = [this.offsets[t]!, this.offsets[t + 1]!];
      const [firstBlock, endBlock] = [this.blockOffsets[t]!, this.blockOffsets[t + 1]!];
      return postingList(
        this.buffer(slot, to - from).subarray(0, to - from), this.tfsOf(t), this.maxImpact[t]!,
        this.blockMaxImpact.subarray(firstBlock, endBlock), this.blockLastDocs.subarray(firstBlock, endBlock),
        this.blockBytes.subarray(firstBlock, endBlock), this.chunkDocBytes[this.termChunks[t]!]!, this.decodedBlocks(slot, endBlock - firstBlock),
      );
    }
    const sorted = this.sortedTerms();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(this.termNames[sorted[middle]!]!, word.text) < 0) low = middle + 1;
      else high = middle;
    }
    const terms: number[] = [];
    for (let i = low; i < sorted.length && this.termNames[sorted[i]!]!.startsWith(word.text); i += 1) {
      // A plain prefix ("a*") is not one of the field terms it happens to start ("authors:…").
      if (word.text.includes(':') || !this.termNames[sorted[i]!]!.includes(':')) terms.push(sorted[i]!);
    }
    // Each posting as one sortable number, doc × 256 + frequency (exact in a double), so the
    // terms' lists merge by one typed-array sort, and a doc's frequencies sum where it repeats.
    const keys = zeroed(Float64Array, terms.reduce((sum, t) => sum + this.offsets[t + 1]! - this.offsets[t]!, 0));
    const buffer = this.buffer(slot, this.longest);
    let filled = 0;
    for (const t of terms) {
      const docs = this.docsOf(t, buffer);
      const tfs = this.tfsOf(t);
      for (let j = 0; j < docs.length; j += 1) keys[filled++] = docs[j]! * 256 + tfs[j]!;
    }
    keys.sort();
    const docs = zeroed(Uint32Array, keys.length);
    const tfs = zeroed(Uint8Array, keys.length);
    let count = 0;
    for (let i = 0; i < keys.length; i += 1) {
      const doc = Math.floor(keys[i]! / 256);
      const tf = keys[i]! % 256;
      if (count > 0 && docs[count - 1] === doc) tfs[count - 1] = Math.min(MAX_TF, tfs[count - 1]! + tf);
      else { docs[count] = doc; tfs[count++] = tf; }
    }
    return this.merged(docs.subarray(0, count), tfs.subarray(0, count));
  }

  /** A list decoded already (a prefix's merged postings), with its bounds and skip entries. */
  private merged(docs: Uint32Array, tfs: Uint8Array): PostingList {
    const bounds = blockBounds(docs, tfs, this.lengths, this.boundsAvgdl);
    const blocks = bounds.blockMaxImpact.length;
    const lastDocs = Uint32Array.from({ length: blocks }, (_, block) => docs[Math.min(docs.length, (block + 1) * BLOCK) - 1]!);
    return postingList(docs, tfs, bounds.maxImpact, bounds.blockMaxImpact, lastDocs, new Uint32Array(blocks), new Uint8Array(0), new Uint8Array(blocks).fill(1));
  }

  /** Sorts only the terms added since the last call, and merges them in. */
  private sortedTerms(): Uint32Array {
    const known = this.sortedTermIds;
    if (known.length === this.termNames.length) return known;
    const byName = (a: number, b: number) => compare(this.termNames[a]!, this.termNames[b]!);
    const added = Array.from({ length: this.termNames.length - known.length }, (_, i) => known.length + i).sort(byName);
    const merged = new Uint32Array(this.termNames.length);
    for (let i = 0, j = 0, out = 0; out < merged.length; out += 1) {
      merged[out] = j >= added.length || (i < known.length && byName(known[i]!, added[j]!) < 0) ? known[i++]! : added[j++]!;
    }
    this.sortedTermIds = merged;
    return merged;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termNames.length;
      this.termIds.set(term, id);
      this.termNames.push(term);
    }
    return id;
  }

  private termOfWord(word: string): number {
    let term = this.wordTerms.get(word);
    if (term === undefined) {
      term = this.termId(stem(word));
      // Rare words would grow the cache without bound; common ones are what it is for.
      if (this.wordTerms.size < 1_000_000) this.wordTerms.set(word, term);
    }
    return term;
  }

  private log(term: number, doc: number, tf: number): void {
    if (this.logSize >= this.logTerms.length) {
      this.logTerms = grow(this.logTerms, this.logSize + 1);
      this.logDocs = grow(this.logDocs, this.logSize + 1);
      this.logTfs = grow(this.logTfs, this.logSize + 1);
    }
    this.logTerms[this.logSize] = term;
    this.logDocs[this.logSize] = doc;
    this.logTfs[this.logSize++] = tf;
  }
}

/** What a rewritten chunk is replaced by until the pack ends, so that its memory can be freed. */
const EMPTY_CHUNK = new Uint8Array(0);

/** A posting list, always built here so that every list has the same shape (one map for the JIT). */
function postingList(
  docs: Uint32Array, tfs: Uint8Array, maxImpact: number, blockMaxImpact: Float32Array,
  blockLastDocs: Uint32Array, blockBytes: Uint32Array, bytes: Uint8Array, decoded: Uint8Array,
): PostingList {
  return { docs, tfs, maxImpact, blockMaxImpact, blockLastDocs, blockBytes, bytes, decoded };
}

/** Decodes block `block` of a list's doc numbers, unless it is already. */
function decodeBlock(list: PostingList, block: number): void {
  if (list.decoded[block] === 0) decodeGaps(list, block);
}

/**
 * The same varint loop as `docsOf`, kept apart: one decoder shared by both, taking the bytes,
 * start, base doc and range as arguments, made the 20 bench queries at 1M about 20 % slower.
 */
function decodeGaps(list: PostingList, block: number): void {
  const { docs, bytes } = list;
  let doc = block === 0 ? 0 : list.blockLastDocs[block - 1]!;
  let at = list.blockBytes[block]!;
  for (let i = block * BLOCK, end = Math.min(docs.length, i + BLOCK); i < end; i += 1) {
    let gap = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      gap |= (b & 127) << shift;
      if (b < 128) break;
    }
    doc += gap;
    docs[i] = doc;
  }
  list.decoded[block] = 1;
}

/** The doc number at position `i` (< the list's length). */
function docAt(list: PostingList, i: number): number {
  if (list.decoded[i >>> BLOCK_BITS] === 0) decodeGaps(list, i >>> BLOCK_BITS);
  return list.docs[i]!;
}

/** Whether position `at` (as `seek` returns it) holds `doc`. */
function contains(list: PostingList, at: number, doc: number): boolean {
  return at < list.docs.length && docAt(list, at) === doc;
}

/** Writes a doc-number gap as a varint at `at`; returns the position after it. */
function putGap(bytes: Uint8Array, at: number, gap: number): number {
  while (gap >= 128) {
    bytes[at++] = (gap & 127) | 128;
    gap >>>= 7;
  }
  bytes[at++] = gap;
  return at;
}

/** A posting's BM25 score over its term's IDF. */
function impact(tf: number, length: number, avgdl: number): number {
  return (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avgdl));
}

/**
 * A list's bounds: the largest {@link impact} of each block of BLOCK postings, and of the list.
 * Taken from the postings themselves rather than from a block's largest frequency and shortest
 * paper apart (which rarely belong to one paper), so a common word's blocks are bounded tightly
 * enough to skip. Rounded up, so that a float32 bound is never below a score.
 */
function blockBounds(docs: Uint32Array, tfs: Uint8Array, lengths: Uint32Array, avgdl: number): Pick<PostingList, 'maxImpact' | 'blockMaxImpact'> {
  const blockMaxImpact = new Float32Array(Math.ceil(docs.length / BLOCK));
  let maxImpact = 0;
  for (let block = 0; block < blockMaxImpact.length; block += 1) {
    let best = 0;
    for (let i = block * BLOCK; i < Math.min(docs.length, (block + 1) * BLOCK); i += 1) best = Math.max(best, impact(tfs[i]!, lengths[docs[i]!]!, avgdl));
    blockMaxImpact[block] = best * (1 + 1e-6);
    maxImpact = Math.max(maxImpact, blockMaxImpact[block]!);
  }
  return { maxImpact, blockMaxImpact };
}

/** Sets `marks[doc]` from `from` to `to` for each of the list's docs up to `last`; returns how many changed. */
function markAll(marks: Uint8Array, list: PostingList, last: number, from: number, to: number): number {
  let changed = 0;
  for (let i = 0; i < list.docs.length; i += 1) {
    const doc = docAt(list, i);
    if (doc > last) break;
    if (marks[doc] === from) { marks[doc] = to; changed += 1; }
  }
  return changed;
}

/**
 * The first position at or after `from` whose doc is >= `doc` (the list's length if none):
 * galloping over the blocks' last docs, then a search in the one block it decodes, by a few
 * steps forward first (the doc sought is most often close by), then by halves.
 */
function seek(list: PostingList, from: number, doc: number): number {
  const length = list.docs.length;
  if (from >= length) return from;
  const lastDocs = list.blockLastDocs;
  let block = from >>> BLOCK_BITS;
  if (lastDocs[block]! < doc) {
    let step = 1;
    while (block + step < lastDocs.length && lastDocs[block + step]! < doc) { block += step; step *= 2; }
    // The block wanted is after `block` and at most `block + step` (or there is none).
    let low = block + 1;
    let high = Math.min(lastDocs.length, block + step);
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (lastDocs[middle]! < doc) low = middle + 1;
      else high = middle;
    }
    if (low >= lastDocs.length) return length;
    block = low;
    from = block * BLOCK;
  }
  if (list.decoded[block] === 0) decodeGaps(list, block);
  const docs = list.docs;
  // The block's last doc is >= doc, so the search ends inside it.
  let low = from;
  for (let probe = 0; probe < 4; probe += 1, low += 1) if (docs[low]! >= doc) return low;
  let high = Math.min(length, (block + 1) * BLOCK);
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (docs[middle]! < doc) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A bounded min-heap of (score, rowid): the best k by score, larger rowid first on ties. */
class TopK {
  private readonly scores: number[] = [];
  private readonly rowids: number[] = [];

  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.scores.length >= this.k;
  }

  /** The score a paper must reach to enter (ties may still enter by rowid). */
  get threshold(): number {
    return this.full ? this.scores[0]! : -Infinity;
  }

  offer(score: number, rowid: number): void {
    if (this.k === 0) return;
    if (!this.full) {
      this.scores.push(score);
      this.rowids.push(rowid);
      this.up(this.scores.length - 1);
    } else if (this.worse(this.scores[0]!, this.rowids[0]!, score, rowid)) {
      this.scores[0] = score;
      this.rowids[0] = rowid;
      this.down(0);
    }
  }

  sorted(): { rowid: number; score: number }[] {
    return this.scores.map((score, i) => ({ rowid: this.rowids[i]!, score }))
      .sort((a, b) => b.score - a.score || b.rowid - a.rowid);
  }

  private worse(scoreA: number, rowidA: number, scoreB: number, rowidB: number): boolean {
    return scoreA < scoreB || (scoreA === scoreB && rowidA < rowidB);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(this.scores[i]!, this.rowids[i]!, this.scores[parent]!, this.rowids[parent]!)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      let least = i;
      for (let child = 2 * i + 1; child <= 2 * i + 2; child += 1) {
        if (child < this.scores.length && this.worse(this.scores[child]!, this.rowids[child]!, this.scores[least]!, this.rowids[least]!)) least = child;
      }
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b]!, this.scores[a]!];
    [this.rowids[a], this.rowids[b]] = [this.rowids[b]!, this.rowids[a]!];
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type TypedArray = Uint8Array | Uint32Array | Float32Array | Float64Array;
type TypedArrayType<T extends TypedArray> = { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T; readonly BYTES_PER_ELEMENT: number };

/** The bytes to allocate for an array of `bytes` (see MMAPPED_BYTES). */
function bufferBytes(bytes: number): number {
  return bytes < LARGE_ARRAY_BYTES ? bytes : Math.max(bytes, MMAPPED_BYTES);
}

/** A zeroed array of `length` elements, mapped apart by malloc when large (see MMAPPED_BYTES). */
function zeroed<T extends TypedArray>(type: TypedArrayType<T>, length: number): T {
  return new type(new ArrayBuffer(bufferBytes(length * type.BYTES_PER_ELEMENT)), 0, length);
}

function grow<T extends Uint8Array | Uint32Array>(array: T, needed: number): T {
  const next = zeroed(array.constructor as TypedArrayType<T>, Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}
