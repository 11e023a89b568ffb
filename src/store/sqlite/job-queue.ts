import type { Statement } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Job, JobEvent, JobHandler, JobQueue, QueuePolicy, SendOptions } from '../../jobs/queue.js';
import type { SqliteDatabase } from './database.js';
import { JOBS_SQL } from './jobs-sql.js';

export interface SqliteJobQueueOptions {
  /** The clock leases and start times are read from; tests pass a fake one. */
  now?: () => Date;
  /** How often an idle worker looks for a job. */
  pollMs?: number;
  /** Finished jobs are kept this long, for inspection, then deleted. */
  keepFinishedMs?: number;
}

/**
 * The job queue in the SQLite file (`jobs` table): every process that opens the file may send
 * and work. A claim holds a lease of the queue's `expireInSeconds`; a killed process's job is
 * taken again once its lease has run out.
 */
export class SqliteJobQueue implements JobQueue {
  private readonly statements;
  private readonly now: () => Date;
  private readonly pollMs: number;
  private readonly keepFinishedMs: number;
  private readonly listeners: ((event: JobEvent) => void)[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private stopped = false;
  private lastPurge = 0;

  constructor(db: SqliteDatabase, options: SqliteJobQueueOptions = {}) {
    this.statements = Object.fromEntries(
      Object.entries(JOBS_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<keyof typeof JOBS_SQL, Statement<unknown[]>>;
    this.now = options.now ?? (() => new Date());
    this.pollMs = options.pollMs ?? 2000;
    this.keepFinishedMs = options.keepFinishedMs ?? 7 * 24 * 3600_000;
  }

  async createQueue(name: string, policy: QueuePolicy): Promise<void> {
    this.statements.upsertQueue.run({ name, ...policy, retryBackoff: policy.retryBackoff ? 1 : 0 });
  }

  async send(name: string, data: Record<string, unknown>, options: SendOptions = {}): Promise<string | undefined> {
    const now = this.now().getTime();
    const { singleton } = options;
    const row = this.statements.insert.get({
      id: randomUUID(), name, data: JSON.stringify(data), now,
      singletonKey: singleton?.key ?? null,
      singletonOn: singleton ? Math.floor(now / (singleton.seconds * 1000)) * singleton.seconds * 1000 : null,
      startAfter: options.startAfter?.getTime() ?? now,
    }) as { id: string } | undefined;
    return row?.id;
  }

  async work(name: string, options: { concurrency: number }, handler: JobHandler): Promise<void> {
    for (let index = 0; index < options.concurrency; index += 1) this.loops.push(this.loop(name, handler));
  }

  onEvent(listener: (event: JobEvent) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
  }

  private async loop(name: string, handler: JobHandler): Promise<void> {
    while (!this.stopped) {
      let claimed: { job: Job; token: string } | undefined;
      try {
        claimed = this.claim(name);
      } catch (error) {
        // A busy or unreachable file: report it and try again at the next poll.
        this.emit({ type: 'error', error: error as Error });
      }
      if (claimed) await this.run(claimed.job, claimed.token, handler);
      else await this.sleep();
    }
  }

  private claim(name: string): { job: Job; token: string } | undefined {
    const now = this.now().getTime();
    if (now - this.lastPurge > 3600_000) {
      this.lastPurge = now;
      this.statements.deleteFinished.run({ before: now - this.keepFinishedMs });
    }
    this.statements.failExpired.run({ name, now });
    const token = randomUUID();
    const row = this.statements.claim.get({ name, now, token }) as { id: string; name: string; data: string } | undefined;
    return row && { job: { id: row.id, name: row.name, data: JSON.parse(row.data) as Record<string, unknown> }, token };
  }

  private async run(job: Job, token: string, handler: JobHandler): Promise<void> {
    try {
      await handler(job);
      this.statements.complete.run({ id: job.id, token, now: this.now().getTime() });
    } catch (error) {
      this.emit({ type: 'failed', name: job.name, id: job.id, error: error as Error });
      try {
        this.statements.fail.run({ id: job.id, token, now: this.now().getTime(), error: String((error as Error).message ?? error).slice(0, 1000) });
      } catch (failError) {
        this.emit({ type: 'error', error: failError as Error });
      }
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.pollMs);
      this.wakers.add(wake);
    });
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
