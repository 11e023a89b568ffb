import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSampleIfEmpty } from '../../src/cli/serve.js';
import { tempApp } from '../support.js';

test('the shipped sample loads into an empty catalog once, with upvotes, in seconds', async () => {
  const app = tempApp();
  try {
    const log: string[] = [];
    const io = { out: () => undefined, err: (line: string) => log.push(line), isTty: false };
    const started = Date.now();
    await loadSampleIfEmpty(app, io);
    assert.ok(Date.now() - started < 10_000);
    const stats = await app.store.stats();
    assert.ok(stats.papers > 4000, `only ${stats.papers} papers`);
    assert.ok(stats.signals > stats.papers);
    assert.match(log.join('\n'), /loaded the sample catalog: \d+ papers/);

    await loadSampleIfEmpty(app, io);
    assert.equal((await app.store.stats()).papers, stats.papers);
  } finally {
    app.cleanup();
  }
});
