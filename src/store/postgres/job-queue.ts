import PgBoss from 'pg-boss';
import type { JobEvent, JobHandler, JobQueue, QueuePolicy, SendOptions } from '../../jobs/queue.js';

export interface PgBossJobQueueOptions {
  /** pg-boss's own schema (created on start), apart from paperfeed's tables. */
  schema: string;
  /** How often expired jobs are failed over to retry, among pg-boss's other upkeep. */
  maintenanceIntervalSeconds?: number;
  /** How often an idle worker looks for a job. */
  pollSeconds?: number;
  /** How long {@link JobQueue.stop} waits for running jobs before failing them over to another node. */
  stopTimeoutMs?: number;
}

/**
 * The job queue on PostgreSQL, backed by pg-boss: jobs are claimed with `SKIP LOCKED`, a
 * singleton slot is a unique index, and pg-boss's upkeep fails over jobs whose node died
 * (running past `expireInSeconds`). Started lazily on first use; several nodes start at once
 * safely (pg-boss migrates under an advisory lock).
 */
export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly listeners: ((event: JobEvent) => void)[] = [];
  private started: Promise<void> | undefined;

  constructor(url: string, private readonly options: PgBossJobQueueOptions) {
    this.boss = new PgBoss({
      connectionString: url,
      schema: options.schema,
      max: 4,
      // paperfeed sends its recurring jobs itself (src/jobs/recurring.ts), with singleton slots.
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
      // Completed jobs stay in the job table, where their singleton slots hold, for two days:
      // longer than any recurring period.
      archiveCompletedAfterSeconds: 2 * 24 * 3600,
    });
    this.boss.on('error', (error) => this.emit({ type: 'error', error }));
  }

  async createQueue(name: string, policy: QueuePolicy): Promise<void> {
    await this.start();
    const settings = { name, retryLimit: policy.retryLimit, retryDelay: policy.retryDelaySeconds, retryBackoff: policy.retryBackoff, expireInSeconds: policy.expireInSeconds };
    await this.boss.createQueue(name, settings);
    // createQueue leaves an existing queue as it was; the policy in the code is the one that holds.
    await this.boss.updateQueue(name, settings);
  }

  async send(name: string, data: Record<string, unknown>, options: SendOptions = {}): Promise<string | undefined> {
    await this.start();
    const id = await this.boss.send(name, data, {
      ...(options.singleton && { singletonKey: options.singleton.key, singletonSeconds: options.singleton.seconds }),
      ...(options.startAfter && { startAfter: options.startAfter }),
    });
    return id ?? undefined;
  }

  async work(name: string, options: { concurrency: number }, handler: JobHandler): Promise<void> {
    await this.start();
    // pg-boss 10 has no concurrency setting: each worker polls for one job at a time.
    for (let index = 0; index < options.concurrency; index += 1) {
      await this.boss.work<Record<string, unknown>>(name, { pollingIntervalSeconds: this.options.pollSeconds ?? 2, batchSize: 1 }, async ([job]) => {
        try {
          await handler({ id: job!.id, name: job!.name, data: job!.data });
        } catch (error) {
          this.emit({ type: 'failed', name, id: job!.id, error: error as Error });
          throw error;
        }
      });
    }
  }

  onEvent(listener: (event: JobEvent) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => {});
    await this.boss.stop({ graceful: true, wait: true, timeout: this.options.stopTimeoutMs ?? 60_000 });
  }

  private start(): Promise<void> {
    this.started ??= this.boss.start().then(() => {});
    return this.started;
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
