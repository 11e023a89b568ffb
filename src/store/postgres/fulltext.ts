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

  constructor(private readonly db: PostgresDatabase) {}

  /** Catches up now, then looks again every second while the process runs for something else. */
  start(): void {
    this.timer = setInterval(() => this.poke(), POLL_MS);
    this.timer.unref();
    this.poke();
  }

  /** Starts catching up in the background, unless it is under way (then it goes round again). */
  poke(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.db.detached(async () => {
      do {
        this.again = false;
        await this.catchUp(false);
      } while (this.again && !this.closed);
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
    await this.db.detached(() => this.catchUp(true));
  }

  /** Stops polling; what is not applied yet is caught up by the next node that looks. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Applies batches until none is left; in the background (`wait` false) it gives way to a node that holds the position. */
  private async catchUp(wait: boolean): Promise<void> {
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
    // New vectors wait in the GIN index's pending list, which every search reads through; once
    // caught up, they are merged into the index in one pass (cheaper than as they come).
    if (applied) await this.db.executeSql(FULLTEXT_SQL.mergePending);
  }
}
