import type { AppConfig } from './config.js';
import type { CatalogStore, StateStore } from './catalog/store.js';
import type { TrendingStore } from './trending/trending.js';
import { PaperfeedError } from './errors.js';
import { openPostgres } from './store/postgres/database.js';
import { PostgresCatalogStore } from './store/postgres/catalog-store.js';
import { PostgresTrendingStore } from './store/postgres/trending-store.js';
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
import { SqliteCommunityStore } from './store/sqlite/community-store.js';
import { AccountService } from './community/accounts.js';
import { CommunityService } from './community/service.js';

/** The catalog alone: what import, harvest and stats need, on SQLite or PostgreSQL. */
export interface Catalog {
  config: AppConfig;
  store: CatalogStore & StateStore;
  trendingStore: TrendingStore;
  close(): void | Promise<void>;
}

/** The wired application: what the CLI, the web server and the tests work with. */
export interface App extends Catalog {
  store: SqliteCatalogStore;
  trendingStore: SqliteTrendingStore;
  searchStore: SqliteSearchStore;
  /** The web's reads: daily lists, signals, authors, categories (src/web/ports.ts). */
  webStore: SqliteWebStore;
  /** Keyword, semantic and hybrid search, and similar papers (src/search/types.ts). */
  search: Search;
  /** Subscriptions and digest runs (src/digest). */
  digests: DigestService;
  /** Magic-link sign-in and sessions (src/community/accounts.ts). */
  accounts: AccountService;
  /** Upvotes, follows, collections and "For you" (src/community). */
  community: CommunityService;
  mail: MailConfig;
  close(): void;
}

/**
 * Opens the catalog where the config says: the PostgreSQL server at `databaseUrl`, else the
 * SQLite file (with the whole app wired, as {@link createApp}).
 */
export function openCatalog(config: AppConfig, now: () => Date = () => new Date()): Catalog {
  if (config.databaseUrl === undefined) return createApp(config, now);
  const db = openPostgres(config.databaseUrl);
  return { config, store: new PostgresCatalogStore(db), trendingStore: new PostgresTrendingStore(db), close: () => db.close() };
}

/**
 * The composition root: opens the store and wires the subsystems around it. The CLI and the
 * tests both call it, so they exercise the same wiring.
 */
export function createApp(config: AppConfig, now: () => Date = () => new Date()): App {
  if (config.databaseUrl !== undefined) {
    throw new PaperfeedError('usage', 'PAPERFEED_DATABASE_URL is set: on PostgreSQL, import, harvest and stats work so far; search, embed, serve and digests still need SQLite (unset it, or pass --db)');
  }
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
  const communityStore = new SqliteCommunityStore(db);
  const accounts = new AccountService({ store: communityStore, subscriptions: digestStore, state: store, mailer, settings: mail });
  const community = new CommunityService({
    store: communityStore,
    catalog: { getPapers: (ids) => store.getPapers(ids), newestPaper: () => digestStore.newestPaper() },
    topics: searchTopics(search), search, vectors: () => search.vectors(),
  });
  return {
    config,
    store,
    trendingStore,
    searchStore,
    webStore: new SqliteWebStore(db),
    search,
    digests,
    accounts,
    community,
    mail,
    close: () => {
      void mailer.close();
      fulltext.close();
      search.close();
      db.close();
    },
  };
}
