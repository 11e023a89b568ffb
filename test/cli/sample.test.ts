import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSampleIfEmpty } from '../../src/cli/serve.js';
import { tempApp } from '../support.js';

// How fast it loads is a benchmark's matter (a shared CI machine makes any bound here flaky).
test('the shipped sample loads into an empty catalog once, with upvotes', async () => {
  const app = tempApp();
  try {
    const log: string[] = [];
    const io = { out: () => undefined, err: (line: string) => log.push(line), isTty: false };
    await loadSampleIfEmpty(app, io);
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
