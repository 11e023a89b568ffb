import type { JobQueue } from './queue.js';

/** A job sent every `everySeconds`, once per period whatever the number of nodes. */
export interface Recurring {
  name: string;
  everySeconds: number;
  data?: Record<string, unknown>;
}

/**
 * Sends each recurring job into its singleton slot at every tick: the first node to reach a
 * period enqueues its job and the others' sends are no-ops, so N nodes give one job per period
 * and a node that dies leaves the others to keep the schedule. Returns `stop`.
 *
 * @example const stop = startRecurring(queue, [{ name: 'digest', everySeconds: 60 }]);
 */
export function startRecurring(queue: JobQueue, jobs: readonly Recurring[], options: { tickMs?: number; onError?: (error: Error) => void } = {}): () => void {
  const tick = () => {
    for (const job of jobs) {
      queue.send(job.name, job.data ?? {}, { singleton: { key: 'recurring', seconds: job.everySeconds } })
        .catch((error: Error) => options.onError?.(error));
    }
  };
  // A tick well inside the shortest period, so a period's job starts within seconds of it.
  const timer = setInterval(tick, options.tickMs ?? 5000);
  tick();
  return () => clearInterval(timer);
}
