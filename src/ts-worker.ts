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

/**
 * A worker thread asked by request and answered in order, each answer matched to its request;
 * it lets the process exit while nothing is waiting. `Replies` maps each request's `op` to its
 * answer's type; the worker posts `{ id, result }` or `{ id, error }` for each `{ id, request }`.
 */
export class RequestThread<Request extends { op: string }, Replies extends Record<Request['op'], unknown>> {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  /** `name` prefixes the errors the worker reports. */
  constructor(entry: URL, private readonly name: string) {
    this.worker = startWorker(entry);
    this.worker.unref();
    this.worker.on('message', ({ id, result, error }: { id: number; result?: never; error?: string }) => {
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) this.worker.unref();
      if (error === undefined) waiter?.resolve(result as never);
      else waiter?.reject(new Error(`${this.name}: ${error}`));
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    });
  }

  /** The thread died (out of memory, say): every request since fails. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Sends a request; `transfer` lists buffers handed over rather than copied. */
  request<R extends Request>(request: R, transfer: ArrayBuffer[] = []): Promise<Replies[R['op']]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Replies[R['op']]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (result: never) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ id, request }, transfer);
    });
  }

  close(): void {
    void this.worker.terminate();
  }
}
