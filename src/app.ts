import type { AppConfig } from './config.js';
import type { CatalogStore, StateStore } from './catalog/store.js';
import type { TrendingStore } from './trending/trending.js';
import type { EmbeddingStore, KeywordFeed, SearchStore } from './search/store.js';
import type { WebStore } from './web/ports.js';
import type { DigestCatalog, DigestStore } from './digest/store.js';
import type { CommunityStore, SubscriptionLookup } from './community/store.js';
import { openPostgres, type PostgresOptions } from './store/postgres/database.js';
import { PostgresCatalogStore } from './store/postgres/catalog-store.js';
import { PostgresFulltextIndexer } from './store/postgres/fulltext.js';
import { PostgresTrendingStore } from './store/postgres/trending-store.js';
import { PostgresSearchStore } from './store/postgres/search-store.js';
import { PostgresWebStore } from './store/postgres/web-store.js';
import { PostgresDigestStore } from './store/postgres/digest-store.js';
import { PostgresCommunityStore } from './store/postgres/community-store.js';
import { openSqlite } from './store/sqlite/database.js';
import { FulltextIndexer, fulltextFileOf } from './store/sqlite/fulltext.js';
import { SqliteCatalogStore } from './store/sqlite/catalog-store.js';
import { SqliteTrendingStore } from './store/sqlite/trending-store.js';
import { SqliteSearchStore } from './store/sqlite/search-store.js';
import { createSearch, type Search } from './search/service.js';
import { lazyEmbedder, type Embedder } from './search/embedder.js';
import { indexFiles, type IndexFiles } from './search/index-files.js';
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
import type { JobQueue } from './jobs/queue.js';
import { SqliteJobQueue } from './store/sqlite/job-queue.js';
import { PgBossJobQueue } from './store/postgres/job-queue.js';
import { PostgresRateLimiter } from './store/postgres/rate-limiter.js';
import { SqliteRateLimiter } from './store/sqlite/rate-limiter.js';
import type { RateLimiter } from './web/ports.js';
import type { RateLimits } from './web/rate-limit.js';

/** The catalog alone: what import, harvest and stats need, on SQLite or PostgreSQL. */
export interface Catalog {
  config: AppConfig;
  store: CatalogStore & StateStore;
  trendingStore: TrendingStore;
  close(): void | Promise<void>;
}

/** The wired application: what the CLI, the web server and the tests work with, on either backend. */
export interface App extends Catalog {
  /** Search's ports: the full-text index and filters, the catalog's change feed, models and vectors. */
  searchStore: SearchStore & KeywordFeed & EmbeddingStore;
  /** The web's reads: daily lists, signals, authors, categories (src/web/ports.ts). */
  webStore: WebStore;
  /** Keyword, semantic and hybrid search, and similar papers (src/search/types.ts). */
  search: Search;
  /** The configured embedding model (`PAPERFEED_EMBEDDING_MODEL`: `use-lite` or an ONNX folder), if any. */
  embeddingModel?: () => Promise<Embedder>;
  /** Subscriptions and digest runs (src/digest). */
  digests: DigestService;
  /** Magic-link sign-in and sessions (src/community/accounts.ts). */
  accounts: AccountService;
  /** Upvotes, follows, collections and "For you" (src/community). */
  community: CommunityService;
  mail: MailConfig;
  /** The durable job queue every node of this database shares (src/jobs). */
  jobs: JobQueue;
  /** A rate limiter every process on this database counts against; `scope` names what it limits. */
  rateLimiter(scope: string, limits: RateLimits): RateLimiter;
  close(): Promise<void>;
}

/** One backend's adapters, each behind the port its consumer owns. */
interface Stores {
  store: CatalogStore & StateStore;
  trendingStore: TrendingStore;
  searchStore: SearchStore & KeywordFeed & EmbeddingStore;
  webStore: WebStore;
  digestStore: DigestStore & DigestCatalog & SubscriptionLookup;
  communityStore: CommunityStore;
  jobs: JobQueue;
  rateLimiter(scope: string, limits: RateLimits): RateLimiter;
  /** Where vector indexes are saved: beside a SQLite file, or in `vectorsDir`. */
  indexFiles?: IndexFiles;
  close(): Promise<void>;
}

/**
 * Opens the catalog where the config says: the PostgreSQL server at `databaseUrl`, else the
 * SQLite file (with the whole app wired, as {@link createApp}).
 */
export function openCatalog(config: AppConfig, now: () => Date = () => new Date()): Catalog {
  if (config.databaseUrl === undefined) return createApp(config, now);
  const db = openPostgres(config.databaseUrl);
  const fulltext = new PostgresFulltextIndexer(db);
  return {
    config, store: new PostgresCatalogStore(db, fulltext), trendingStore: new PostgresTrendingStore(db),
    close: async () => {
      await fulltext.close();
      await db.close();
    },
  };
}

/**
 * The composition root: opens the store (the PostgreSQL server at `databaseUrl`, else the SQLite
 * file) and wires the subsystems around it. The CLI and the tests both call it, so they exercise
 * the same wiring; `postgres` picks a schema (tests use one each).
 */
export function createApp(config: AppConfig, now: () => Date = () => new Date(), postgres: PostgresOptions = {}): App {
  const stores = config.databaseUrl === undefined ? sqliteStores(config.dbFile) : postgresStores(config.databaseUrl, postgres);
  // Without a folder, a PostgreSQL node builds its vector index at each start.
  const savedIndexes = config.vectorsDir === undefined ? stores.indexFiles : indexFiles(config.vectorsDir);
  const { store, trendingStore, searchStore } = stores;
  // Search sorts by the past week's trending scores.
  const trendingScores = async () => new Map((await trending(trendingStore, 'week', now(), 100_000)).items.map((item) => [item.paperId, item.score]));
  const embeddingModel = config.embeddingModel === undefined ? undefined : lazyEmbedder(config.embeddingModel);
  const search = createSearch({
    store: searchStore, feed: searchStore, embeddings: searchStore, trendingScores, now: () => now().getTime(),
    ...(embeddingModel && { embedder: embeddingModel }), ...(savedIndexes && { indexFiles: savedIndexes }),
  });
  const mail = config.mail ?? resolveMailConfig({}, config.dbFile, config.port);
  const mailer = createMailer(mail);
  const { digestStore, communityStore } = stores;
  const digests = new DigestService({
    store: digestStore, catalog: digestStore, topics: searchTopics(search), trending: trendingStore, state: store,
    mailer, render: createDigestRenderer(), settings: mail,
  });
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
    webStore: stores.webStore,
    search,
    ...(embeddingModel && { embeddingModel }),
    digests,
    accounts,
    community,
    mail,
    jobs: stores.jobs,
    rateLimiter: stores.rateLimiter,
    close: async () => {
      void mailer.close();
      search.close();
      await stores.close();
    },
  };
}

function sqliteStores(dbFile: string): Stores {
  const db = openSqlite(dbFile);
  const fulltext = new FulltextIndexer(dbFile, fulltextFileOf(dbFile));
  return {
    store: new SqliteCatalogStore(db, fulltext),
    trendingStore: new SqliteTrendingStore(db),
    searchStore: new SqliteSearchStore(db),
    webStore: new SqliteWebStore(db),
    digestStore: new SqliteDigestStore(db),
    communityStore: new SqliteCommunityStore(db),
    jobs: new SqliteJobQueue(db),
    rateLimiter: (scope, limits) => new SqliteRateLimiter(db, scope, limits),
    indexFiles: indexFiles(vectorFolderOf(dbFile)),
    close: async () => {
      fulltext.close();
      db.close();
    },
  };
}

function postgresStores(url: string, options: PostgresOptions): Stores {
  const db = openPostgres(url, options);
  const jobs = new PgBossJobQueue(url, { schema: options.schema ? `${options.schema}_jobs` : 'pgboss' });
  // Every node follows the changes into the full-text vectors, so a paper written by a process
  // that stopped before they caught up is indexed all the same.
  const fulltext = new PostgresFulltextIndexer(db);
  fulltext.start();
  return {
    store: new PostgresCatalogStore(db, fulltext),
    trendingStore: new PostgresTrendingStore(db),
    searchStore: new PostgresSearchStore(db),
    webStore: new PostgresWebStore(db),
    digestStore: new PostgresDigestStore(db),
    communityStore: new PostgresCommunityStore(db),
    // pg-boss keeps its tables in a schema of its own, beside paperfeed's.
    jobs,
    rateLimiter: (scope, limits) => new PostgresRateLimiter(db, scope, limits),
    close: async () => {
      await jobs.stop();
      await fulltext.close();
      await db.close();
    },
  };
}

/** The folder of saved vector indexes beside a catalog file: `paperfeed.db` keeps them in `paperfeed.vectors/`. */
function vectorFolderOf(dbFile: string): string {
  return dbFile.endsWith('.db') ? `${dbFile.slice(0, -3)}.vectors` : `${dbFile}.vectors`;
}
