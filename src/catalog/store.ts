import type { Paper, Signal } from './paper.js';

/** What one import batch writes: new and changed papers, listing papers absorbed, new signals. */
export interface CatalogBatch {
  papers: Paper[];
  /** Content-id papers merged into an arXiv paper: their rows go, their ids become aliases. */
  absorbed: { id: string; into: string }[];
  signals: Signal[];
  /** Fingerprints of the records this batch merged, so that a re-import can skip them. */
  fingerprints: string[];
}

/**
 * The store as the catalog needs it. SQLite and PostgreSQL adapters implement it; nothing of
 * either leaks through.
 */
export interface CatalogStore {
  /** The current records of these papers; ids that are not in the catalog are absent. */
  getPapers(ids: readonly string[]): Promise<Map<string, Paper>>;
  /** Which of these record fingerprints were merged before. */
  knownFingerprints(fingerprints: readonly string[]): Promise<Set<string>>;
  /** Papers whose normalised title (see `titleKey`) is this key. */
  findByTitleKey(key: string): Promise<Paper[]>;
  /** Writes one batch atomically, together with its change events. Returns the papers that gained a signal. */
  writeBatch(batch: CatalogBatch): Promise<Set<string>>;
  /**
   * Runs `work` inside one transaction: everything it writes lands, or nothing does. Batches
   * written inside it do not commit on their own.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once derived indexes (full text) have caught up with everything written so far. */
  settle(): Promise<void>;
  countPapers(): Promise<number>;
  stats(): Promise<CatalogStats>;
  /** How many papers are known only from listings, by content id. */
  countContentPapers(): Promise<number>;
  /** Resolves an alias (a content id that was merged into an arXiv paper) to the paper's id. */
  resolveAlias(id: string): Promise<string | undefined>;
}

/** Small durable key-value state: harvest checkpoints, generated secrets. */
export interface StateStore {
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
}

export interface CatalogStats {
  papers: number;
  withdrawn: number;
  /** Papers known only from listings, not yet matched to an arXiv record. */
  listingOnly: number;
  signals: number;
  /** Newest publication date in the catalog. */
  newest: string | null;
}
