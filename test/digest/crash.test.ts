import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../src/app.js';
import { startSmtpSink } from '../mail/smtp-sink.js';
import { tempDir } from '../support.js';
import { addActiveSubscribers, featured, seed } from './support.js';

const BIN = fileURLToPath(new URL('../../bin/paperfeed.js', import.meta.url));
const SUBSCRIBERS = 12;

/** Runs `paperfeed digest run` in a child process; resolves with its exit and output. */
function digestRun(dbFile: string, now: string, smtpUrl: string, started?: (pid: number) => void) {
  const child = spawn(process.execPath, [BIN, 'digest', 'run', '--now', now, '--db', dbFile], {
    // One message in flight: when the sink kills the child mid-message, every earlier message
    // has been acknowledged and recorded, so the test is deterministic.
    env: { ...process.env, PAPERFEED_SMTP_URL: smtpUrl, PAPERFEED_MAIL_CONCURRENCY: '1', PAPERFEED_BASE_URL: 'http://paperfeed.test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started?.(child.pid!);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { err += chunk; });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}

test('kill -9 in the middle of a run, start again: the rest go out once, none twice', async () => {
  const { dir, cleanup } = tempDir();
  const dbFile = join(dir, 'paperfeed.db');
  const app = createApp({ dbFile, port: 0 });
  await seed(app, [featured('2611.00001', '2026-11-27', 30), featured('2611.00002', '2026-11-27', 20)]);
  app.close();
  await addActiveSubscribers(dbFile, SUBSCRIBERS);

  let childPid = 0;
  const sink = await startSmtpSink({
    parse: false,
    // The fifth message: kill the sender while it waits for our answer to its DATA.
    reply: ({ index }) => {
      if (index !== 4) return undefined;
      process.kill(childPid, 'SIGKILL');
      return 'hang';
    },
  });
  try {
    const killed = await digestRun(dbFile, '2026-11-28T07:00:00Z', sink.url, (pid) => { childPid = pid; });
    assert.equal(killed.signal, 'SIGKILL', killed.err);
    assert.equal(sink.received.length, 4);

    // Restarted after the dead run's claim lease (10 minutes) ran out, in the same local hour.
    const restarted = await digestRun(dbFile, '2026-11-28T07:11:00Z', sink.url);
    assert.equal(restarted.code, 0, restarted.err);
    assert.deepEqual(JSON.parse(restarted.out), { due: SUBSCRIBERS, sent: SUBSCRIBERS - 4, empty: 0, skipped: 4, retry: 0, bounced: 0, failed: 0, dryRun: false });
    const recipients = sink.received.map((message) => message.to[0]).sort();
    assert.deepEqual(recipients, Array.from({ length: SUBSCRIBERS }, (_, index) => `reader${index}@example.org`).sort());

    const again = await digestRun(dbFile, '2026-11-28T08:00:00Z', sink.url);
    assert.equal(JSON.parse(again.out).sent, 0);
    assert.equal(sink.received.length, SUBSCRIBERS);
  } finally {
    await sink.close();
    cleanup();
  }
});
