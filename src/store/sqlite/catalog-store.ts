import { statSync } from 'node:fs';
import type { CatalogBatch, CatalogStats, CatalogStore, StateStore } from '../../catalog/store.js';
import { titleKey, type Paper } from '../../catalog/paper.js';
import type { SqliteDatabase } from './database.js';
import type { FulltextIndexer } from './fulltext.js';
import { SQL } from './sql.js';

type StoredDoc = Omit<Paper, 'id'>;

/** The size of the catalog's WAL past which a commit restarts it (see `committed`). */
const WAL_LIMIT = 256 * 2 ** 20;

/** The catalog and state ports on SQLite. FTS rows are kept in step with paper rows in the same transaction. */
export class SqliteCatalogStore implements CatalogStore, StateStore {
  private readonly statements;
  private transactionDepth = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly fulltext: FulltextIndexer,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = {
      getState: prepare(SQL.getState),
      setState: prepare(SQL.setState),
      papersByIds: prepare(SQL.papersByIds),
      paperRowid: prepare(SQL.paperRowid).pluck(),
      contentPapersByTitleKey: prepare(SQL.contentPapersByTitleKey),
      papersByTitleWords: prepare(SQL.papersByTitleWords),
      countContentPapers: prepare(SQL.countContentPapers),
      countPapers: prepare(SQL.countPapers),
      stats: prepare(SQL.stats),
      recentPapers: prepare(SQL.recentPapers),
      insertPaper: prepare(SQL.insertPaper),
      updatePaper: prepare(SQL.updatePaper),
      deletePaper: prepare(SQL.deletePaper),
      deleteCategories: prepare(SQL.deleteCategories),
      insertCategory: prepare(SQL.insertCategory),
      insertAlias: prepare(SQL.insertAlias),
      resolveAlias: prepare(SQL.resolveAlias),
      insertSignal: prepare(SQL.insertSignal),
      insertChange: prepare(SQL.insertChange),
      knownFingerprints: prepare(SQL.knownFingerprints).pluck(),
      insertFingerprints: prepare(SQL.insertFingerprints),
    };
  }

  async getState(key: string): Promise<string | undefined> {
    const row = this.statements.getState.get(key) as { value: string } | undefined;
    return row?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    this.statements.setState.run(key, value);
  }

  async getPapers(ids: readonly string[]): Promise<Map<string, Paper>> {
    if (ids.length === 0) return new Map();
    const rows = this.statements.papersByIds.all(JSON.stringify(ids)) as { id: string; doc: string }[];
    return new Map(rows.map((row) => [row.id, fromDoc(row.id, row.doc)]));
  }

  async knownFingerprints(fingerprints: readonly string[]): Promise<Set<string>> {
    if (fingerprints.length === 0) return new Set();
    return new Set(this.statements.knownFingerprints.all(JSON.stringify(fingerprints)) as string[]);
  }

  async findByTitleKey(key: string): Promise<Paper[]> {
    if (key === '') return [];
    await this.fulltext.settle(); // arXiv papers are found through the full-text index: let it see every write

    // A title key is lower-case words and single spaces, so it is safe inside an FTS5 phrase.
    const rows = [
      ...(this.statements.contentPapersByTitleKey.all(key) as { id: string; doc: string }[]),
      ...(this.statements.papersByTitleWords.all(`title:"${key}"`, key) as { id: string; doc: string }[]).filter((row) => !row.id.startsWith('pf:')),
    ];
    return rows.map((row) => fromDoc(row.id, row.doc));
  }

  async countPapers(): Promise<number> {
    return (this.statements.countPapers.get() as { n: number }).n;
  }

  async stats(): Promise<CatalogStats> {
    return this.statements.stats.get() as CatalogStats;
  }

  async recentPapers(limit: number): Promise<Paper[]> {
    const rows = this.statements.recentPapers.all(limit) as { id: string; doc: string }[];
    return rows.map((row) => fromDoc(row.id, row.doc));
  }

  async countContentPapers(): Promise<number> {
    return (this.statements.countContentPapers.get() as { n: number }).n;
  }

  async resolveAlias(id: string): Promise<string | undefined> {
    return (this.statements.resolveAlias.get(id) as { paper_id: string } | undefined)?.paper_id;
  }

  async settle(): Promise<void> {
    await this.fulltext.settle();
  }

  async writeBatch(batch: CatalogBatch): Promise<Set<string>> {
    const signalled = this.inTransaction(() => {
      for (const { id, into } of batch.absorbed) this.removePaper(id, into);
      for (const paper of batch.papers) this.upsertPaper(paper);
      if (batch.fingerprints.length > 0) this.statements.insertFingerprints.run(JSON.stringify(batch.fingerprints));
      const signalled = new Set<string>();
      for (const signal of batch.signals) {
        const result = this.statements.insertSignal.run(signal.paperId, signal.source, signal.kind, signal.observedAt, signal.value);
        if (result.changes > 0) signalled.add(signal.paperId);
      }
      return signalled;
    });
    if (this.transactionDepth === 0) this.committed();
    return signalled;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    this.transactionDepth += 1;
    try {
      const result = await work();
      this.db.exec('COMMIT');
      this.committed();
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.transactionDepth -= 1;
    }
  }

  /**
   * After a commit: wakes the full-text worker, and keeps the WAL bounded. SQLite starts the WAL
   * over only when a write begins with all of it checkpointed and no reader in it, which a
   * continuous import never meets while the worker reads behind it: importing 2.7M papers, the
   * WAL grew to 27 GB, three times the catalog, until the disk ran short. Past WAL_LIMIT the
   * writer checkpoints with RESTART, which waits (busy_timeout) for readers to leave the WAL (the
   * worker's passive checkpoints have copied most of it already), so the next write starts it over.
   */
  private committed(): void {
    this.fulltext.poke();
    if ((statSync(`${this.db.name}-wal`, { throwIfNoEntry: false })?.size ?? 0) > WAL_LIMIT) this.db.pragma('wal_checkpoint(RESTART)');
  }

  private inTransaction<T>(work: () => T): T {
    return this.transactionDepth > 0 ? work() : this.db.transaction(work)();
  }

  private upsertPaper(paper: Paper): void {
    const row = {
      id: paper.id,
      titleKey: titleKey(paper.title),
      primaryCategory: paper.categories[0] ?? null,
      published: paper.published,
      updated: paper.updated,
      featuredAt: paper.featuredAt ?? null,
      hasCode: paper.codeUrl ? 1 : 0,
      withdrawn: paper.withdrawn ? 1 : 0,
      doc: toDoc(paper),
    };
    const inserted = this.statements.insertPaper.get(row) as { rowid: number } | undefined;
    const rowid = inserted?.rowid ?? (this.statements.updatePaper.get(row) as { rowid: number }).rowid;
    if (!inserted) this.statements.deleteCategories.run(rowid);
    for (const category of paper.categories) this.statements.insertCategory.run(category, rowid);
    for (const alias of paper.aliases ?? []) this.statements.insertAlias.run(alias, paper.id);
    this.statements.insertChange.run(paper.id, rowid, inserted ? 'added' : 'updated');
  }

  private removePaper(id: string, into: string): void {
    const rowid = this.statements.paperRowid.get(id) as number | undefined;
    if (rowid === undefined) return;
    this.statements.deleteCategories.run(rowid);
    this.statements.deletePaper.run(rowid);
    this.statements.insertAlias.run(id, into);
    this.statements.insertChange.run(id, rowid, 'merged');
  }
}

function toDoc(paper: Paper): string {
  const { id: _id, ...doc } = paper;
  return JSON.stringify(doc);
}

/** A paper from its row's id and JSON doc (shared with the search adapter). */
export function fromDoc(id: string, doc: string): Paper {
  return { id, ...(JSON.parse(doc) as StoredDoc) };
}
