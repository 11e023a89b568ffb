import type { PostgresDatabase } from './database.js';
import { FULLTEXT_SQL } from './sql.js';

/** Changes applied per transaction. */
const BATCH = 2000;
/** How often a node looks for changes that nobody has applied (another node's, or a crashed one's). */
const POLL_MS = 1000;

/**
 * Keeps the full-text vectors (`paper_search`) in step with the catalog by following the
 * `changes` table, as SQLite's full-text worker does: an import commits its papers without
 * stemming them, and the vectors catch up behind it on another connection (so on the server's
 * other core). Each batch is one transaction that also records the last change applied, so a
 * crash loses nothing and repeats nothing. Every node runs one: the position row's lock lets
 * one node apply a batch at a time, and a node that finds it taken in the background leaves
 * the work to the holder. The process that writes papers pokes its own; `settle` waits for
 * every change committed before it.
 */
export class PostgresFulltextIndexer {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Whether this node applied vectors that may still wait in the GIN index's pending list. */
  private unmerged = false;

  constructor(private readonly db: PostgresDatabase) {}

  /** Catches up now, then looks again every second while the process runs for something else. */
  start(): void {
    this.timer = setInterval(() => this.poke(true), POLL_MS);
    this.timer.unref();
    this.poke();
  }

  /**
   * Starts catching up in the background, unless it is under way (then it goes round again).
   * `mergeWhenIdle` (the poll) merges the pending list when there was nothing left to apply.
   */
  poke(mergeWhenIdle = false): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.db.detached(async () => {
      let applied = false;
      do {
        this.again = false;
        applied = (await this.catchUp(false)) || applied;
      } while (this.again && !this.closed);
      if (mergeWhenIdle && !applied) await this.mergePending();
    }).catch(() => {
      // A dropped connection or a schema mid-migration: the next poke or poll tries again, and
      // settle reports what still fails.
    }).finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once every change committed before the call has its vector, waiting for other nodes' batches. */
  async settle(): Promise<void> {
    await this.running;
    await this.db.detached(async () => {
      await this.catchUp(true);
      await this.mergePending();
    });
  }

  /** Stops polling; what is not applied yet is caught up by the next node that looks. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * New vectors wait in the GIN index's pending list, which every search reads through. Merging
   * it in one pass once caught up costs less than merging as they come (or than a small list
   * merged often), so it happens when an import settles or a poll finds nothing to do.
   */
  private async mergePending(): Promise<void> {
    if (!this.unmerged) return;
    this.unmerged = false;
    await this.db.executeSql(FULLTEXT_SQL.mergePending);
  }

  /**
   * Applies batches until none is left, and tells whether it applied any; in the background
   * (`wait` false) it gives way to a node that holds the position.
   */
  private async catchUp(wait: boolean): Promise<boolean> {
    let applied = false;
    for (let more = true; more && !this.closed; applied ||= more) {
      if (!wait && !(await this.db.executeSql<{ behind: boolean }>(FULLTEXT_SQL.behind))[0]!.behind) break;
      more = await this.db.transaction(async () => {
        const [position] = await this.db.executeSql<{ applied_seq: string }>(wait ? FULLTEXT_SQL.lockPosition : FULLTEXT_SQL.tryLockPosition);
        if (!position) return false;
        const [end] = await this.db.executeSql<{ seq: string | null }>(FULLTEXT_SQL.batchEnd, [position.applied_seq, BATCH]);
        if (end?.seq == null) return false;
        await this.db.executeSql(FULLTEXT_SQL.applyChanges, [position.applied_seq, end.seq]);
        await this.db.executeSql(FULLTEXT_SQL.setPosition, [end.seq]);
        return true;
      });
    }
    this.unmerged ||= applied;
    return applied;
  }
}
