import type { AppConfig } from './config.js';
import { openSqlite } from './store/sqlite/database.js';
import { FulltextIndexer, fulltextFileOf } from './store/sqlite/fulltext.js';
import { SqliteCatalogStore } from './store/sqlite/catalog-store.js';
import { SqliteTrendingStore } from './store/sqlite/trending-store.js';
import { SqliteSearchStore } from './store/sqlite/search-store.js';
import { createSearch, type Search } from './search/service.js';
import { trending } from './trending/trending.js';
import { DigestService } from './digest/service.js';
import { createDigestRenderer } from './digest/render.js';
import { searchTopics } from './digest/topics.js';
import { createMailer, resolveMailConfig, type MailConfig } from './mail/config.js';
import { SqliteDigestStore } from './store/sqlite/digest-store.js';
import { SqliteWebStore } from './store/sqlite/web-store.js';

/** The wired application: what the CLI, the web server and the tests work with. */
export interface App {
  config: AppConfig;
  store: SqliteCatalogStore;
  trendingStore: SqliteTrendingStore;
  searchStore: SqliteSearchStore;
  /** The web's reads: daily lists, signals, authors, categories (src/web/ports.ts). */
  webStore: SqliteWebStore;
  /** Keyword, semantic and hybrid search, and similar papers (src/search/types.ts). */
  search: Search;
  /** Subscriptions and digest runs (src/digest). */
  digests: DigestService;
  mail: MailConfig;
  close(): void;
}

/**
 * The composition root: opens the store and wires the subsystems around it. The CLI and the
 * tests both call it, so they exercise the same wiring.
 */
export function createApp(config: AppConfig, now: () => Date = () => new Date()): App {
  const db = openSqlite(config.dbFile);
  const fulltext = new FulltextIndexer(config.dbFile, fulltextFileOf(config.dbFile));
  const store = new SqliteCatalogStore(db, fulltext);
  const trendingStore = new SqliteTrendingStore(db);
  const searchStore = new SqliteSearchStore(db);
  // Search sorts by the past week's trending scores.
  const trendingScores = async () => new Map((await trending(trendingStore, 'week', now(), 100_000)).items.map((item) => [item.paperId, item.score]));
  const search = createSearch({ store: searchStore, feed: searchStore, embeddings: searchStore, trendingScores });
  const mail = config.mail ?? resolveMailConfig({}, config.dbFile, config.port);
  const mailer = createMailer(mail);
  const digestStore = new SqliteDigestStore(db);
  const digests = new DigestService({
    store: digestStore, catalog: digestStore, topics: searchTopics(search), trending: trendingStore, state: store,
    mailer, render: createDigestRenderer(), settings: mail,
  });
  return {
    config,
    store,
    trendingStore,
    searchStore,
    webStore: new SqliteWebStore(db),
    search,
    digests,
    mail,
    close: () => {
      void mailer.close();
      fulltext.close();
      db.close();
    },
  };
}
