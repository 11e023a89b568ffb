import type { AppConfig } from './config.js';
import { openSqlite } from './store/sqlite/database.js';
import { FulltextIndexer, fulltextFileOf } from './store/sqlite/fulltext.js';
import { SqliteCatalogStore } from './store/sqlite/catalog-store.js';
import { SqliteTrendingStore } from './store/sqlite/trending-store.js';

/** The wired application: what the CLI, the web server and the tests work with. */
export interface App {
  config: AppConfig;
  store: SqliteCatalogStore;
  trendingStore: SqliteTrendingStore;
  close(): void;
}

/**
 * The composition root: opens the store and wires the subsystems around it. The CLI and the
 * tests both call it, so they exercise the same wiring.
 */
export function createApp(config: AppConfig): App {
  const db = openSqlite(config.dbFile);
  const fulltext = new FulltextIndexer(config.dbFile, fulltextFileOf(config.dbFile));
  const store = new SqliteCatalogStore(db, fulltext);
  return {
    config,
    store,
    trendingStore: new SqliteTrendingStore(db),
    close: () => {
      fulltext.close();
      db.close();
    },
  };
}
