import type { TrendingInput } from '../../trending/score.js';
import type { TrendingStore } from '../../trending/trending.js';
import type { PostgresDatabase } from './database.js';
import { SQL } from './sql.js';

/** Trending's port on PostgreSQL. */
export class PostgresTrendingStore implements TrendingStore {
  constructor(private readonly db: PostgresDatabase) {}

  async newestActivity(): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ at: Date | null }>(SQL.newestActivity);
    return row?.at?.toISOString();
  }

  async trendingInputs(start: string, end: string, votesUntil: string): Promise<TrendingInput[]> {
    const rows = await this.db.executeSql<Omit<TrendingInput, 'since'> & { since: Date }>(SQL.trendingInputs, [start, end, votesUntil]);
    return rows.map((row) => ({ ...row, since: row.since.toISOString() }));
  }
}
