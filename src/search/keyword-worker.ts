/**
 * The keyword index's thread (see keyword-engine.ts). It owns the index, so word splitting,
 * stemming and repacking postings (seconds to minutes on a large catalog) never hold up the
 * server's event loop. Requests are answered in the order they arrive, so a search sees every
 * paper sent before it.
 */
import { parentPort } from 'node:worker_threads';
import { KeywordIndex, type IndexedText, type KeywordPlan, type KeywordTopK } from './keyword-index.js';

/**
 * The log is packed when it holds a quarter of the packed postings, within these bounds. Packing
 * rewrites every list, so rarer packs build faster; but the log takes 9 bytes a posting (and 4
 * more to sort it while packing) beside the postings, so at millions of papers an unbounded
 * quarter made the log the largest part of the build's peak memory. 8M (about 110 MB at the
 * pack) against 16M: twice the packs, each half as long since they leave the bounds to the end.
 */
const MIN_FLUSH = 4_000_000;
const MAX_FLUSH = 8_000_000;

/** What the engine asks of the thread; `text` undefined removes the paper. */
export type IndexRequest =
  | { op: 'put'; papers: { rowid: number; text: IndexedText | undefined }[] }
  | { op: 'flush' }
  | { op: 'search'; plan: KeywordPlan; k: number }
  | { op: 'arrayBytes' };

/** Each request's answer, by the request's op. */
export interface IndexReply {
  put: undefined;
  flush: undefined;
  search: KeywordTopK;
  arrayBytes: number;
}

const index = new KeywordIndex();

function answer(request: IndexRequest): IndexReply[IndexRequest['op']] {
  switch (request.op) {
    case 'put':
      for (const { rowid, text } of request.papers) {
        if (text) index.put(rowid, text);
        else index.remove(rowid);
      }
      // A pack without bounds: the build, or a catch-up, ends with a flush.
      if (index.pending > Math.min(MAX_FLUSH, Math.max(MIN_FLUSH, index.packed / 4))) index.pack();
      return undefined;
    case 'flush':
      // Also after removals alone: dead papers must leave the lists for exact document frequencies.
      index.flush();
      return undefined;
    case 'search':
      return index.search(request.plan, request.k);
    case 'arrayBytes':
      return index.arrayBytes;
  }
}

parentPort!.on('message', ({ id, request }: { id: number; request: IndexRequest }) => {
  try {
    parentPort!.postMessage({ id, result: answer(request) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
