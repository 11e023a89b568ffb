import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { createApp } from '../../src/app.js';
import { fulltextFileOf } from '../../src/store/sqlite/fulltext.js';
import { fixture, runCli, tempApp } from '../support.js';

test('the full-text index follows imports, updates and merges, and is rebuilt when its file is lost', async () => {
  const app = tempApp();
  try {
    await runCli(['import', '--db', app.dbFile, '--format', 'daily-jsonl', fixture('daily-jsonl')]);
    const db = (app as unknown as { store: { db: import('better-sqlite3').Database } }).store.db;
    const match = (query: string) => db.prepare(`SELECT p.id FROM fulltext.papers_fts f JOIN papers p ON p.rowid = f.rowid WHERE papers_fts MATCH ? ORDER BY p.id`).pluck().all(query);
    assert.deepEqual(match('diphoton'), ['0704.0001']);
    // 0704.0002's second version replaced its abstract: the index holds the new text only.
    assert.deepEqual(match('"revised abstract"'), ['0704.0002']);
    assert.deepEqual(match('abstract:Sparsity'), []);
    assert.deepEqual(match('categories:"hep ex"'), ['0704.0001']);

    app.close();
    rmSync(fulltextFileOf(app.dbFile));
    const reopened = createApp({ dbFile: app.dbFile, port: 0 });
    try {
      await reopened.store.settle();
      const again = (reopened.store as unknown as { db: import('better-sqlite3').Database }).db;
      assert.deepEqual(again.prepare(`SELECT rowid FROM fulltext.papers_fts WHERE papers_fts MATCH 'diphoton'`).pluck().all().length, 1);
    } finally {
      reopened.close();
    }
  } finally {
    app.cleanup();
  }
});
