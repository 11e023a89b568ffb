/**
 * Keeps the in-memory keyword index (keyword-index.ts) in step with the catalog: built from the
 * store on first use, then following the `changes` log by seq before each search, the way the
 * full-text worker follows it.
 */
import { KeywordIndex, type KeywordPlan, type KeywordTopK } from './keyword-index.js';
import type { KeywordFeed } from './store.js';

/** Papers read per batch while building; the event loop gets a turn between batches. */
const BUILD_BATCH = 5000;
/** Changes applied per batch while catching up. */
const CHANGE_BATCH = 5000;
/** The log is packed when it holds this many postings, or a quarter of the packed ones. */
const MIN_FLUSH = 4_000_000;

/** The index and the seq it has applied, behind one queue so builds and catch-ups never interleave. */
export class KeywordEngine {
  private readonly index = new KeywordIndex();
  private seq = 0;
  private built: Promise<void> | undefined;
  private ready = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly feed: KeywordFeed) {}

  /** Builds the index once; later calls return the same promise. */
  build(): Promise<void> {
    return this.built ??= this.serially(async () => {
      // Changes committed while the papers are read are applied again afterwards: putting a
      // paper twice leaves it as it is.
      this.seq = await this.feed.lastChange();
      for (let after = 0; ;) {
        const batch = await this.feed.papersAfter(after, BUILD_BATCH);
        if (batch.length === 0) break;
        for (const { rowid, text } of batch) this.index.put(rowid, text);
        after = batch.at(-1)!.rowid;
        if (this.index.pending > Math.max(MIN_FLUSH, this.index.packed / 4)) this.index.flush();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await this.applyChanges();
      this.ready = true;
    }).catch((error: unknown) => { this.built = undefined; throw error; });
  }

  /**
   * The top `k` for a plan, after applying every committed change; undefined while the first
   * build runs (it is started here), so the caller answers from FTS5 meanwhile.
   */
  async search(plan: KeywordPlan, k: number): Promise<KeywordTopK | undefined> {
    if (!this.ready) {
      this.build().catch(() => undefined); // a failed build is retried by the next search
      return undefined;
    }
    if ((await this.feed.lastChange()) > this.seq) await this.serially(() => this.applyChanges());
    return this.index.search(plan, k);
  }

  /** Memory held by the index's arrays, in bytes. */
  get arrayBytes(): number {
    return this.index.arrayBytes;
  }

  private async applyChanges(): Promise<void> {
    // A search that queued behind another's catch-up finds nothing left, and repacks nothing.
    const from = this.seq;
    for (let batch = await this.feed.changesAfter(this.seq, CHANGE_BATCH); batch; batch = await this.feed.changesAfter(this.seq, CHANGE_BATCH)) {
      for (const { rowid, text } of batch.papers) {
        if (text) this.index.put(rowid, text);
        else this.index.remove(rowid);
      }
      this.seq = batch.seq;
    }
    if (this.seq > from || this.index.pending > 0) this.index.flush();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
