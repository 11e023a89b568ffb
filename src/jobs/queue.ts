/**
 * The job port: durable background work shared by every node on one database. The jobs
 * (src/jobs/jobs.ts) declare what they need here; the SQLite table and pg-boss on PostgreSQL are
 * adapters in src/store/<dialect>/job-queue.ts.
 */

/** How a queue's jobs are retried and when a running one is presumed dead. */
export interface QueuePolicy {
  /** Retries after the first attempt; a job that fails more often is given up (state `failed`). */
  retryLimit: number;
  /** Wait before the first retry; with `retryBackoff` it doubles on each further retry. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /**
   * A job still running after this long is presumed dead (its node was killed) and counts as a
   * failed attempt: another worker runs it again. Handlers must finish well within it.
   */
  expireInSeconds: number;
}

export interface SendOptions {
  /**
   * At most one job of this name and key per slot of `seconds` (slots are aligned to the Unix
   * epoch), whoever sends it and however often: what makes a recurring job run once per period
   * with N nodes.
   */
  singleton?: { key: string; seconds: number };
  /** Not before this time. */
  startAfter?: Date;
}

/** One job as its handler sees it. */
export interface Job {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

export type JobHandler = (job: Job) => Promise<void>;

/** What happened to a job in the background, for the edge to log; adapters never print. */
export type JobEvent =
  | { type: 'failed'; name: string; id: string; error: Error }
  | { type: 'error'; error: Error };

/**
 * A durable queue of named jobs.
 *
 * @example
 * await queue.createQueue('digest', { retryLimit: 3, retryDelaySeconds: 30, retryBackoff: true, expireInSeconds: 600 });
 * await queue.work('digest', { concurrency: 1 }, async () => { await digests.run(new Date()); });
 * await queue.send('digest', {}, { singleton: { key: 'tick', seconds: 60 } });
 */
export interface JobQueue {
  /** Declares a queue and its policy; idempotent, so every node declares what it uses at start. */
  createQueue(name: string, policy: QueuePolicy): Promise<void>;
  /** Enqueues a job; resolves with its id, or undefined when a singleton slot was already taken. */
  send(name: string, data: Record<string, unknown>, options?: SendOptions): Promise<string | undefined>;
  /**
   * Runs `handler` for this queue's jobs, at most `concurrency` at once in this process, until
   * {@link JobQueue.stop}. A handler that throws fails the attempt; the policy decides what follows.
   */
  work(name: string, options: { concurrency: number }, handler: JobHandler): Promise<void>;
  /** Listens for failures in the background. */
  onEvent(listener: (event: JobEvent) => void): void;
  /** Stops taking jobs and resolves once the running ones have finished. */
  stop(): Promise<void>;
}
