import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDigestScheduler } from '../../src/digest/scheduler.js';
import type { RunSummary } from '../../src/digest/service.js';

const summary = (sent: number): RunSummary => ({ due: sent, sent, empty: 0, skipped: 0, retry: 0, bounced: 0, failed: 0, dryRun: false });

test('runs at once and on every tick, never two at once; stop waits for the run in progress', async () => {
  let running = 0;
  let overlapped = false;
  const runs: Date[] = [];
  const reported: RunSummary[] = [];
  const stop = startDigestScheduler(async (now) => {
    running += 1;
    overlapped ||= running > 1;
    runs.push(now);
    await new Promise((resolve) => setTimeout(resolve, 25));
    running -= 1;
    return summary(runs.length === 1 ? 1 : 0);
  }, { intervalMs: 10, onRun: (result) => reported.push(result) });
  await new Promise((resolve) => setTimeout(resolve, 120));
  await stop();
  assert.equal(running, 0);
  assert.equal(overlapped, false);
  assert.ok(runs.length >= 2 && runs.length <= 5, `${runs.length} runs`);
  assert.deepEqual(reported, [summary(1)], 'only runs that did something are reported');
});

test('a failed run is reported and the next tick tries again', async () => {
  let calls = 0;
  const errors: Error[] = [];
  const stop = startDigestScheduler(async () => {
    calls += 1;
    if (calls === 1) throw new Error('database is locked');
    return summary(0);
  }, { intervalMs: 10, onError: (error) => errors.push(error) });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await stop();
  assert.equal(errors[0]?.message, 'database is locked');
  assert.ok(calls >= 2);
});
