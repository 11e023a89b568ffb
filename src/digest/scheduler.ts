/** Runs due digests every minute while the server runs. */
import type { RunSummary } from './service.js';

export interface SchedulerOptions {
  /** Default one minute: the finest grain of a delivery hour that DST or a late start needs. */
  intervalMs?: number;
  now?: () => Date;
  /** After each run that did something. */
  onRun?: (summary: RunSummary) => void;
  /** A run that failed as a whole; the next tick tries again. */
  onError?: (error: Error) => void;
}

/**
 * Calls `run` now and then every interval, never two at once. Returns `stop`, which resolves
 * when a run in progress has finished, so shutdown never cuts a send in half.
 *
 * @example const stop = startDigestScheduler((now) => app.digests.run(now)); … await stop();
 */
export function startDigestScheduler(run: (now: Date) => Promise<RunSummary>, options: SchedulerOptions = {}): () => Promise<void> {
  const now = options.now ?? (() => new Date());
  let current: Promise<void> | undefined;
  const tick = () => {
    if (current) return;
    current = run(now())
      .then((summary) => {
        if (summary.sent + summary.retry + summary.bounced + summary.failed > 0) options.onRun?.(summary);
      }, (error: Error) => options.onError?.(error))
      .finally(() => { current = undefined; });
  };
  const timer = setInterval(tick, options.intervalMs ?? 60_000);
  tick();
  return async () => {
    clearInterval(timer);
    await current;
  };
}
