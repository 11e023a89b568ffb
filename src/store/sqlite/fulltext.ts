import Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../ts-worker.js';
import { FULLTEXT_SCHEMA } from './sql.js';

/** The full-text database's file, beside the catalog's: `paperfeed.db` → `paperfeed.fulltext.db`. */
export function fulltextFileOf(catalogFile: string): string {
  return catalogFile.endsWith('.db') ? `${catalogFile.slice(0, -3)}.fulltext.db` : `${catalogFile}.fulltext`;
}

/** Creates the full-text database and its schema if missing, so the catalog connection can attach it. */
export function prepareFulltextFile(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(FULLTEXT_SCHEMA);
  } finally {
    db.close();
  }
}

/**
 * Keeps the full-text index in step with the catalog from a worker thread. Tokenising abstracts
 * is the costliest part of an import, so it runs on the second core while the import parses and
 * merges on the first; the index lives in its own file so the two never wait for each other's
 * write lock. The worker follows the `changes` table, so the index is derived data: a crash, or
 * a deleted index file, is made good by catching up from where it stopped.
 */
export class FulltextIndexer {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextRequest = 0;
  private failure: Error | undefined;

  constructor(catalogFile: string, fulltextFile: string) {
    this.worker = startWorker(new URL('./fulltext-worker.ts', import.meta.url), { catalogFile, fulltextFile });
    this.worker.unref();
    this.worker.on('message', (message: { settled: number } | { failed: number; message: string }) => {
      const id = 'settled' in message ? message.settled : message.failed;
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if ('settled' in message) waiter?.resolve();
      else waiter?.reject(new Error(`full-text indexer: ${message.message}`));
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  /** Tells the worker that new changes were committed. */
  poke(): void {
    this.worker.postMessage({ type: 'poke' });
  }

  /** Resolves once every change committed before the call is in the index. */
  settle(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextRequest++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ type: 'settle', id });
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    });
  }

  /** Stops the worker; whatever it had not indexed yet is caught up on the next start. */
  close(): void {
    void this.worker.terminate();
  }
}
