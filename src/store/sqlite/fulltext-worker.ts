/**
 * The full-text indexer's thread (see fulltext.ts): applies committed catalog changes to the
 * full-text index, a batch per transaction, recording the last change applied in the same
 * transaction so it resumes exactly where it stopped.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { Paper } from '../../catalog/paper.js';
import { indexedText } from '../../search/keyword-index.js';
import { FULLTEXT_SQL } from './sql.js';

const BATCH = 2000;
const POLL_MS = 1000;

const { catalogFile, fulltextFile } = workerData as { catalogFile: string; fulltextFile: string };
const db = new Database(fulltextFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 10000');
db.prepare('ATTACH DATABASE ? AS catalog').run(catalogFile);
const sql = Object.fromEntries(Object.entries(FULLTEXT_SQL).map(([name, text]) => [name, db.prepare(text)])) as Record<keyof typeof FULLTEXT_SQL, Database.Statement>;

/**
 * Writes one batch's papers, read beforehand: the transaction touches only the full-text
 * database, so this thread holds no snapshot of the catalog while it stems and indexes. A
 * catalog reader stops the writer from starting its WAL over, and one held for a whole batch
 * made the importing thread wait out every batch to keep its WAL bounded (see
 * SqliteCatalogStore.committed): importing at 2.7M papers, those waits took two thirds of its time.
 */
const applyBatch = db.transaction((papers: { rowid: number; doc: string | null }[], to: number) => {
  for (const { rowid, doc } of papers) {
    sql.deleteRow.run(rowid);
    if (doc === null) continue;
    const text = indexedText(JSON.parse(doc) as Omit<Paper, 'id'>);
    sql.insertRow.run(rowid, text.title, text.authors, text.abstract, text.categories);
  }
  sql.setAppliedSeq.run(to);
});

/** Indexes every change committed so far. */
function catchUp(): void {
  for (;;) {
    // The catalog's writer leaves checkpoints to this thread (see openSqlite): copying its WAL
    // back into the database file, and the fsyncs that takes, then cost the importing thread nothing.
    db.pragma('catalog.wal_checkpoint(PASSIVE)');
    const applied = (sql.appliedSeq.pluck().get() as number | undefined) ?? 0;
    const end = sql.batchEnd.pluck().get(applied, BATCH) as number | null;
    if (end === null) return;
    // Papers changed again after `end` are read as they are now, and indexed again with their later change.
    applyBatch(sql.changedPapers.all(applied, end) as { rowid: number; doc: string | null }[], end);
  }
}

function run(): void {
  try {
    catchUp();
  } catch (error) {
    // A busy database or a catalog mid-migration: the next poke or poll tries again.
    if (!(error instanceof Database.SqliteError)) throw error;
  }
}

parentPort!.on('message', (message: { type: 'poke' } | { type: 'settle'; id: number }) => {
  if (message.type === 'poke') return run();
  try {
    catchUp();
    parentPort!.postMessage({ settled: message.id });
  } catch (error) {
    parentPort!.postMessage({ failed: message.id, message: (error as Error).message });
  }
});
setInterval(run, POLL_MS);
run();
