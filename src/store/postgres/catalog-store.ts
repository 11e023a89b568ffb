import type { CatalogBatch, CatalogStats, CatalogStore, StateStore } from '../../catalog/store.js';
import { titleKey, type Paper } from '../../catalog/paper.js';
import type { PostgresDatabase } from './database.js';
import { PostgresFulltextIndexer } from './fulltext.js';
import { SQL } from './sql.js';

export type PaperRow = { id: string; doc: Omit<Paper, 'id'> };

/**
 * The catalog and state ports on PostgreSQL. The full-text vectors are derived data that
 * `fulltext` fills behind the writes (see fulltext.ts): each committed batch pokes it, and
 * `settle` waits for it.
 */
export class PostgresCatalogStore implements CatalogStore, StateStore {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly fulltext = new PostgresFulltextIndexer(db),
  ) {}

  async getState(key: string): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ value: string }>(SQL.getState, [key]);
    return row?.value;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.db.executeSql(SQL.setState, [key, value]);
  }

  async getPapers(ids: readonly string[]): Promise<Map<string, Paper>> {
    const rows = await this.db.executeSql<PaperRow>(SQL.papersByIds, [ids]);
    return new Map(rows.map((row) => [row.id, fromRow(row)]));
  }

  async knownFingerprints(fingerprints: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.executeSql<{ fp: string }>(SQL.knownFingerprints, [fingerprints]);
    return new Set(rows.map((row) => row.fp));
  }

  async findByTitleKey(key: string): Promise<Paper[]> {
    return (await this.db.executeSql<PaperRow>(SQL.papersByTitleKey, [key])).map(fromRow);
  }

  async countPapers(): Promise<number> {
    return (await this.db.executeSql<{ n: number }>(SQL.countPapers))[0]!.n;
  }

  async countContentPapers(): Promise<number> {
    return (await this.db.executeSql<{ n: number }>(SQL.countContentPapers))[0]!.n;
  }

  async stats(): Promise<CatalogStats> {
    const [row] = await this.db.executeSql<Omit<CatalogStats, 'newest'> & { newest: Date | null }>(SQL.stats);
    return { ...row!, newest: row!.newest?.toISOString() ?? null };
  }

  async resolveAlias(id: string): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ paper_id: string }>(SQL.resolveAlias, [id]);
    return row?.paper_id;
  }

  async settle(): Promise<void> {
    await this.fulltext.settle();
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const outermost = !this.db.inTransaction;
    const result = await this.db.transaction(work);
    if (outermost) this.fulltext.poke();
    return result;
  }

  async writeBatch(batch: CatalogBatch): Promise<Set<string>> {
    return this.transaction(async () => {
      const { db } = this;
      await db.executeSql(SQL.lockChanges);
      if (batch.absorbed.length > 0) await db.executeSql(SQL.absorbPapers, [JSON.stringify(batch.absorbed)]);
      if (batch.papers.length > 0) {
        const ids = batch.papers.map((paper) => paper.id);
        await db.executeSql(SQL.upsertPapers, [JSON.stringify(batch.papers.map(toRow))]);
        await db.executeSql(SQL.deleteCategories, [ids]);
        const categories = batch.papers.flatMap((paper) => paper.categories.map((category) => [category, paper.id] as const));
        await db.executeSql(SQL.insertCategories, columns(categories, 2));
        // One statement cannot set the same alias twice, so the last paper to claim it wins, as it would row by row.
        const aliases = new Map(batch.papers.flatMap((paper) => (paper.aliases ?? []).map((alias) => [alias, paper.id] as const)));
        if (aliases.size > 0) await db.executeSql(SQL.insertAliases, columns([...aliases], 2));
      }
      if (batch.fingerprints.length > 0) await db.executeSql(SQL.insertFingerprints, [batch.fingerprints]);
      if (batch.signals.length === 0) return new Set<string>();
      const added = await db.executeSql<{ paper_id: string }>(SQL.insertSignals, columns(
        batch.signals.map((s) => [s.paperId, s.source, s.kind, s.observedAt, s.value] as const), 5,
      ));
      return new Set(added.map((row) => row.paper_id));
    });
  }
}

/** The row columns of a paper, as `upsertPapers` reads them from JSON. */
function toRow(paper: Paper) {
  const { id, ...doc } = paper;
  return {
    id,
    title_key: titleKey(paper.title),
    primary_category: paper.categories[0] ?? null,
    published: paper.published,
    updated: paper.updated,
    featured_at: paper.featuredAt ?? null,
    has_code: Boolean(paper.codeUrl),
    withdrawn: paper.withdrawn,
    doc,
  };
}

/** A paper from its row: the id beside the document. */
export function fromRow(row: PaperRow): Paper {
  return { id: row.id, ...row.doc };
}

/** Tuples turned into one array per column, for `unnest`. */
function columns(tuples: readonly (readonly unknown[])[], width: number): unknown[][] {
  return Array.from({ length: width }, (_, index) => tuples.map((tuple) => tuple[index]));
}
