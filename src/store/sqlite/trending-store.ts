import type { TrendingInput } from '../../trending/score.js';
import type { TrendingStore } from '../../trending/trending.js';
import type { SqliteDatabase } from './database.js';
import { SQL } from './sql.js';

/** Trending's port on SQLite. */
export class SqliteTrendingStore implements TrendingStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      newestActivity: db.prepare(SQL.newestActivity),
      trendingInputs: db.prepare(SQL.trendingInputs),
    };
  }

  async newestActivity(): Promise<string | undefined> {
    return (this.statements.newestActivity.get() as { at: string | null }).at ?? undefined;
  }

  async trendingInputs(start: string, end: string, votesUntil: string): Promise<TrendingInput[]> {
    return this.statements.trendingInputs.all({ start, end, votesUntil }) as TrendingInput[];
  }
}
