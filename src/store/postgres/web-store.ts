import { authorKey, type Paper } from '../../catalog/paper.js';
import type { FeaturedSort, PaperCounts, SignalPoint, WebStore } from '../../web/ports.js';
import { fromRow, type PaperRow } from './catalog-store.js';
import type { PostgresDatabase } from './database.js';
import { toTsquery } from './search-sql.js';
import { WEB_SQL } from './web-sql.js';

/** The web's read port on PostgreSQL, with the semantics of `SqliteWebStore`. */
export class PostgresWebStore implements WebStore {
  constructor(private readonly db: PostgresDatabase) {}

  async dataVersion(): Promise<string> {
    const [row] = await this.db.executeSql<{ seq: string; signalAt: Date | null; voteSeq: string }>(WEB_SQL.dataVersion);
    return `${row!.seq}.${row!.signalAt?.toISOString() ?? ''}.${row!.voteSeq}`;
  }

  async featured(start: string, end: string, sort: FeaturedSort, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
    const [[count], rows] = await Promise.all([
      this.db.executeSql<{ n: number }>(WEB_SQL.featuredCount, [start, end]),
      this.db.executeSql<PaperRow>(sort === 'upvotes' ? WEB_SQL.featuredByUpvotes : WEB_SQL.featuredByPublished, [start, end, offset, limit]),
    ]);
    return { total: count!.n, papers: rows.map(fromRow) };
  }

  async featuredAround(start: string, end: string): Promise<{ before?: string; after?: string }> {
    const [[before], [after]] = await Promise.all([
      this.db.executeSql<{ at: Date | null }>(WEB_SQL.featuredBefore, [start]),
      this.db.executeSql<{ at: Date | null }>(WEB_SQL.featuredFrom, [end]),
    ]);
    return { ...(before?.at && { before: before.at.toISOString() }), ...(after?.at && { after: after.at.toISOString() }) };
  }

  async newestFeatured(): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ at: Date | null }>(WEB_SQL.newestFeatured);
    return row?.at?.toISOString();
  }

  async signalsOf(paperId: string): Promise<SignalPoint[]> {
    const rows = await this.db.executeSql<Omit<SignalPoint, 'observedAt'> & { observedAt: Date }>(WEB_SQL.signalsOf, [paperId]);
    return rows.map((row) => ({ ...row, observedAt: row.observedAt.toISOString() }));
  }

  async latestCounts(paperIds: readonly string[]): Promise<Map<string, PaperCounts>> {
    const counts = new Map<string, PaperCounts>(paperIds.map((id) => [id, { upvotes: null, comments: null, githubStars: null, votes: 0 }]));
    const field = { upvotes: 'upvotes', comments: 'comments', github_stars: 'githubStars' } as const;
    const [signals, votes] = await Promise.all([
      this.db.executeSql<{ paperId: string; kind: keyof typeof field; value: number }>(WEB_SQL.signalsOfMany, [paperIds]),
      this.db.executeSql<{ paperId: string; n: number }>(WEB_SQL.votesOfMany, [paperIds]),
    ]);
    // Rows come oldest first, so the last one of each kind is the latest.
    for (const row of signals) {
      const entry = counts.get(row.paperId);
      if (entry && Object.hasOwn(field, row.kind)) entry[field[row.kind]] = row.value;
    }
    for (const row of votes) counts.get(row.paperId)!.votes = row.n;
    return counts;
  }

  async papersInCategory(category: string, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
    const [[count], rows] = await Promise.all([
      this.db.executeSql<{ n: number }>(WEB_SQL.categoryCount, [category]),
      this.db.executeSql<PaperRow>(WEB_SQL.papersInCategory, [category, offset, limit]),
    ]);
    return { total: count!.n, papers: rows.map(fromRow) };
  }

  async categories(): Promise<{ category: string; papers: number }[]> {
    return this.db.executeSql<{ category: string; papers: number }>(WEB_SQL.categories);
  }

  async papersByAuthor(name: string): Promise<Paper[]> {
    const words = name.match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0) return [];
    // Every word must be in the author list; rendered as a tsquery, nothing in the name is syntax.
    const query = toTsquery({ kind: 'and', children: words.map((text) => ({ kind: 'term', text, prefix: false, phrase: false, field: 'authors' })) });
    const wanted = authorKey(name);
    return (await this.db.executeSql<PaperRow>(WEB_SQL.papersByAuthorWords, [query])).map(fromRow)
      .filter((paper) => paper.authors.some((author) => authorKey(author.name) === wanted));
  }
}
