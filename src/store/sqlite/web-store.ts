import { authorKey, type Paper } from '../../catalog/paper.js';
import type { FeaturedSort, PaperCounts, SignalPoint, WebStore } from '../../web/ports.js';
import type { SqliteDatabase } from './database.js';
import { WEB_SQL } from './web-sql.js';

type Row = { id: string; doc: string };

/** The web's read port on SQLite. */
export class SqliteWebStore implements WebStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare(sql);
    this.statements = Object.fromEntries(
      Object.entries(WEB_SQL).map(([name, sql]) => [name, prepare(sql)]),
    ) as Record<keyof typeof WEB_SQL, ReturnType<typeof prepare>>;
  }

  async dataVersion(): Promise<string> {
    const row = this.statements.dataVersion.get() as { seq: number; signalAt: string; voteSeq: number };
    return `${row.seq}.${row.signalAt}.${row.voteSeq}`;
  }

  async featured(start: string, end: string, sort: FeaturedSort, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
    const total = (this.statements.featuredCount.get({ start, end }) as { n: number }).n;
    const statement = sort === 'upvotes' ? this.statements.featuredByUpvotes : this.statements.featuredByPublished;
    return { total, papers: toPapers(statement.all({ start, end, offset, limit }) as Row[]) };
  }

  async featuredAround(start: string, end: string): Promise<{ before?: string; after?: string }> {
    const before = (this.statements.featuredBefore.get(start) as { at: string | null }).at;
    const after = (this.statements.featuredFrom.get(end) as { at: string | null }).at;
    return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
  }

  async newestFeatured(): Promise<string | undefined> {
    return (this.statements.newestFeatured.get() as { at: string | null }).at ?? undefined;
  }

  async signalsOf(paperId: string): Promise<SignalPoint[]> {
    return this.statements.signalsOf.all(paperId) as SignalPoint[];
  }

  async latestCounts(paperIds: readonly string[]): Promise<Map<string, PaperCounts>> {
    const counts = new Map<string, PaperCounts>(paperIds.map((id) => [id, { upvotes: null, comments: null, githubStars: null, votes: 0 }]));
    const field = { upvotes: 'upvotes', comments: 'comments', github_stars: 'githubStars' } as const;
    // Rows come oldest first, so the last one of each kind is the latest.
    for (const row of this.statements.signalsOfMany.all(JSON.stringify(paperIds)) as { paperId: string; kind: keyof typeof field; value: number }[]) {
      const entry = counts.get(row.paperId);
      if (entry && Object.hasOwn(field, row.kind)) entry[field[row.kind]] = row.value;
    }
    for (const row of this.statements.votesOfMany.all(JSON.stringify(paperIds)) as { paperId: string; n: number }[]) counts.get(row.paperId)!.votes = row.n;
    return counts;
  }

  async papersInCategory(category: string, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
    const total = (this.statements.categoryCount.get(category) as { n: number }).n;
    return { total, papers: toPapers(this.statements.papersInCategory.all({ category, offset, limit }) as Row[]) };
  }

  async categories(): Promise<{ category: string; papers: number }[]> {
    return this.statements.categories.all() as { category: string; papers: number }[];
  }

  async papersByAuthor(name: string): Promise<Paper[]> {
    const words = name.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    // Each word becomes a quoted FTS5 string, so nothing in the name is read as query syntax.
    const match = `authors : (${words.map((word) => `"${word}"`).join(' ')})`;
    const wanted = authorKey(name);
    return toPapers(this.statements.papersByAuthorWords.all(match) as Row[])
      .filter((paper) => paper.authors.some((author) => authorKey(author.name) === wanted));
  }
}

function toPapers(rows: Row[]): Paper[] {
  return rows.map((row) => ({ id: row.id, ...(JSON.parse(row.doc) as Omit<Paper, 'id'>) }));
}
