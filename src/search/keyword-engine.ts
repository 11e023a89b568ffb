/**
 * Keeps the in-memory keyword index (keyword-index.ts) in step with the catalog: built from the
 * store on first use, then following the `changes` log by seq before each search, the way the
 * full-text worker follows it. The index lives in a worker thread (keyword-worker.ts): this
 * side only reads the store through the KeywordFeed port, whatever database is behind it, and
 * sends the papers over, so the event loop stays free while the index is built.
 */
import { RequestThread } from '../ts-worker.js';
import type { KeywordPlan, KeywordTopK } from './keyword-index.js';
import type { IndexReply, IndexRequest } from './keyword-worker.js';
import type { KeywordFeed } from './store.js';

/**
 * Papers read from the store per batch while building. Reading and parsing them is the only
 * build work on the event loop, so batches stay small enough for a turn of a few milliseconds.
 */
const BUILD_BATCH = 1000;
/** Changes applied per batch while catching up. */
const CHANGE_BATCH = 5000;

/** The index and the seq it has applied, behind one queue so builds and catch-ups never interleave. */
export class KeywordEngine {
  private thread: RequestThread<IndexRequest, IndexReply> | undefined;
  private seq = 0;
  private built: Promise<void> | undefined;
  private ready = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly feed: KeywordFeed) {}

  /** Builds the index once; later calls return the same promise. */
  build(): Promise<void> {
    return this.built ??= this.serially(async () => {
      const thread = this.thread ??= new RequestThread<IndexRequest, IndexReply>(new URL('./keyword-worker.ts', import.meta.url), 'keyword index');
      // Changes committed while the papers are read are applied again afterwards: putting a
      // paper twice leaves it as it is.
      this.seq = await this.feed.lastChange();
      // One batch is indexed while the next is read.
      let indexing: Promise<unknown> = Promise.resolve();
      for (let after = 0; ;) {
        const batch = await this.feed.papersAfter(after, BUILD_BATCH);
        await indexing;
        if (batch.length === 0) break;
        indexing = thread.request({ op: 'put', papers: batch });
        after = batch.at(-1)!.rowid;
      }
      await this.applyChanges(true);
      this.ready = true;
    }).catch((error: unknown) => { this.built = undefined; throw error; });
  }

  /**
   * The top `k` for a plan, after applying every committed change; undefined while the first
   * build runs (it is started here), so the caller answers from FTS5 meanwhile.
   */
  async search(plan: KeywordPlan, k: number): Promise<KeywordTopK | undefined> {
    // A thread that died (out of memory, say) is started again, and FTS5 answers meanwhile.
    if (this.thread?.failed) this.close();
    if (!this.ready) {
      this.build().catch(() => undefined); // a failed build is retried by the next search
      return undefined;
    }
    if ((await this.feed.lastChange()) > this.seq) await this.serially(() => this.applyChanges(false));
    return this.thread!.request({ op: 'search', plan, k });
  }

  /** Memory held by the index's arrays, in bytes (0 before the first build). */
  async arrayBytes(): Promise<number> {
    return this.thread ? this.thread.request({ op: 'arrayBytes' }) : 0;
  }

  /** Stops the thread; the next search builds the index again. */
  close(): void {
    this.thread?.close();
    this.thread = undefined;
    this.built = undefined;
    this.ready = false;
  }

  private async applyChanges(packAnyway: boolean): Promise<void> {
    // A search that queued behind another's catch-up finds nothing left, and repacks nothing.
    const from = this.seq;
    for (let batch = await this.feed.changesAfter(this.seq, CHANGE_BATCH); batch; batch = await this.feed.changesAfter(this.seq, CHANGE_BATCH)) {
      await this.thread!.request({ op: 'put', papers: batch.papers });
      this.seq = batch.seq;
    }
    if (packAnyway || this.seq > from) await this.thread!.request({ op: 'flush' });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
