import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Job, QueuePolicy } from '../../src/jobs/queue.js';
import { startRecurring } from '../../src/jobs/recurring.js';
import { sharedQueues, type BackendKind } from './backends.js';

const POLICY: QueuePolicy = { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false, expireInSeconds: 60 };
const DYING_WORKER = fileURLToPath(new URL('./dying-worker.ts', import.meta.url));

/** Resolves once `check` holds, polling; fails the test after `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const kind of ['sqlite', 'postgres'] as BackendKind[]) {
  describe(`the job queue on ${kind}`, () => {
    test('a sent job runs once, with its data', async () => {
      const shared = await sharedQueues(kind);
      try {
        const queue = shared.node();
        await queue.createQueue('greet', POLICY);
        const seen: Job[] = [];
        await queue.work('greet', { concurrency: 2 }, async (job) => { seen.push(job); });
        const id = await queue.send('greet', { to: 'ada' });
        await eventually(() => seen.length === 1);
        await pause(1000);
        assert.equal(seen.length, 1);
        assert.equal(seen[0]!.id, id);
        assert.deepEqual(seen[0]!.data, { to: 'ada' });
      } finally {
        await shared.cleanup();
      }
    });

    test('a failing job is retried with backoff, then given up after its retry limit', async () => {
      const shared = await sharedQueues(kind);
      try {
        const queue = shared.node();
        await queue.createQueue('flaky', { ...POLICY, retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true });
        const runs: number[] = [];
        const failures: string[] = [];
        queue.onEvent((event) => { if (event.type === 'failed') failures.push(event.error.message); });
        await queue.work('flaky', { concurrency: 1 }, async () => {
          runs.push(Date.now());
          throw new Error(`attempt ${runs.length} failed`);
        });
        await queue.send('flaky', {});
        await eventually(() => runs.length === 3);
        await pause(3000);
        assert.equal(runs.length, 3, 'the first attempt and two retries, no more');
        assert.ok(runs[1]! - runs[0]! >= 900, `first retry after ${runs[1]! - runs[0]!} ms`);
        assert.ok(runs[2]! - runs[1]! >= 1900, `second retry after ${runs[2]! - runs[1]!} ms: the delay doubles`);
        assert.deepEqual(failures, ['attempt 1 failed', 'attempt 2 failed', 'attempt 3 failed']);
      } finally {
        await shared.cleanup();
      }
    });

    test('a job whose worker is killed mid-job runs again on another node and completes', async () => {
      const shared = await sharedQueues(kind);
      try {
        const survivor = shared.node();
        await survivor.createQueue('fragile', { ...POLICY, expireInSeconds: 2 });
        const id = await survivor.send('fragile', { n: 1 });
        const child = spawn(process.execPath, ['--import', 'tsx', DYING_WORKER, ...shared.where, 'fragile'], { stdio: ['ignore', 'pipe', 'inherit'] });
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        let out = '';
        child.stdout.on('data', (chunk) => { out += chunk; });
        await eventually(() => out.includes(`started ${id}`), 30_000);
        child.kill('SIGKILL');
        assert.equal(await exited, 'SIGKILL');

        const completed: Job[] = [];
        await survivor.work('fragile', { concurrency: 1 }, async (job) => { completed.push(job); });
        await eventually(() => completed.length === 1);
        assert.equal(completed[0]!.id, id);
        assert.deepEqual(completed[0]!.data, { n: 1 });
      } finally {
        await shared.cleanup();
      }
    });

    test('a recurring job sent by two nodes runs once per period', async () => {
      const shared = await sharedQueues(kind);
      const stops: (() => void)[] = [];
      try {
        const runs: string[] = [];
        for (const node of [shared.node(), shared.node()]) {
          await node.createQueue('tick', POLICY);
          await node.work('tick', { concurrency: 2 }, async (job) => { runs.push(job.id); });
          stops.push(startRecurring(node, [{ name: 'tick', everySeconds: 3600 }], { tickMs: 100 }));
        }
        await eventually(() => runs.length === 1);
        await pause(1500);
        assert.equal(runs.length, 1);
      } finally {
        for (const stop of stops) stop();
        await shared.cleanup();
      }
    });
  });
}
