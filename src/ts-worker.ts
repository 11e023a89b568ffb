/** Worker threads whose entry module is TypeScript, as every module here is (no build step). */
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module. tsx's loader does not reach a worker's entry
 * module, so a one-line bootstrap registers it first.
 *
 * @example startWorker(new URL('./fulltext-worker.ts', import.meta.url), { catalogFile, fulltextFile })
 */
export function startWorker(entry: URL, workerData?: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
    { eval: true, workerData },
  );
}
