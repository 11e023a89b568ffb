import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PaperfeedError } from '../../errors.js';
import { fulltextFileOf, prepareFulltextFile } from './fulltext.js';
import { MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) a SQLite database file in WAL mode and brings its schema up to
 * date, with the full-text database beside it attached as `fulltext`. The folder is created too,
 * so `--db data/x.db` works on a fresh clone.
 */
export function openSqlite(file: string): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(file);
  } catch (error) {
    throw new PaperfeedError('usage', `${file}: cannot open database: ${(error as Error).message}`);
  }
  // Only a new file takes it. A paper's row is about 2.4 kB (its JSON doc), so a 4 kB page holds
  // one and wastes the rest; an 8 kB page holds three: the catalog is about a quarter smaller, and
  // an import writes (and the full-text worker checkpoints) that much less.
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // in WAL mode, a crash may lose the last commits but never corrupts
  // The full-text worker checkpoints the catalog after every batch it indexes, off the writer's
  // thread; the writer checkpoints only if the WAL grows past 40 MB anyway (the worker stopped).
  db.pragma('wal_autocheckpoint = 5000');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const fulltextFile = fulltextFileOf(file);
  prepareFulltextFile(fulltextFile);
  db.prepare('ATTACH DATABASE ? AS fulltext').run(fulltextFile);
  return db;
}

function migrate(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) WITHOUT ROWID');
  const applied = new Set((db.prepare('SELECT name FROM migrations').all() as { name: string }[]).map((row) => row.name));
  const record = db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.name)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.name, new Date().toISOString());
    })();
  }
}
