/**
 * The store as the digest engine needs it. The engine declares these ports and the SQLite adapter
 * implements them, so the engine never imports a database.
 */
import type { DigestPaper } from './compose.js';
import type { Preferences, Subscriber, SubscriberStatus } from './subscription.js';

/** Where one (subscriber, period) stands in the send ledger. */
export type SendState = 'claimed' | 'sent' | 'empty' | 'retry' | 'failed' | 'bounced';

/** One ledger row, as exported to its subscriber. */
export interface SendRecord {
  period: string;
  state: SendState;
  attempts: number;
  updatedAt: string;
  paperIds: string[];
  error?: string;
}

/** Subscribers and the send ledger. Times are ISO 8601 strings of the injected clock. */
export interface DigestStore {
  subscriberByEmail(email: string): Promise<Subscriber | undefined>;
  subscriberByKey(key: string): Promise<Subscriber | undefined>;
  /** Creates a pending subscriber. */
  addSubscriber(subscriber: Omit<Subscriber, 'id'>): Promise<Subscriber>;
  updateSubscriber(id: number, change: { status?: SubscriberStatus; prefs?: Preferences; confirmedAt?: string; hardBounces?: number }): Promise<void>;
  /**
   * Records that a notice (confirmation, reminder) goes to this subscriber now, unless one went
   * after `notBefore`; false then. Atomic, so two requests at once send one notice.
   */
  claimNotice(id: number, now: string, notBefore: string): Promise<boolean>;
  /** Removes the subscriber with everything recorded about them. */
  deleteSubscriber(id: number): Promise<void>;
  activeSubscribers(): Promise<Subscriber[]>;
  /**
   * Claims (subscriber, period) for sending until `leaseUntil`: a new period, a claim whose lease
   * ran out (its sender died), or a retry that is due. Returns the attempt number (1 for the
   * first), or undefined when someone else has it or it is done.
   */
  claim(subscriberId: number, period: string, now: string, leaseUntil: string): Promise<number | undefined>;
  /** The ledger state of a period, if any (for dry runs, which claim nothing). */
  sendState(subscriberId: number, period: string): Promise<SendState | undefined>;
  /** Marks the period sent and remembers its papers, in one transaction. */
  markSent(subscriberId: number, period: string, paperIds: readonly string[], now: string): Promise<void>;
  /** Closes a period: `empty` (nothing new), or `failed` after the last retry. */
  markDone(subscriberId: number, period: string, state: 'empty' | 'failed', now: string, error?: string): Promise<void>;
  markRetry(subscriberId: number, period: string, nextAttemptAt: string, error: string, now: string): Promise<void>;
  /** Records a hard bounce; the subscriber is suspended at `suspendAfter` bounces in a row. */
  markBounced(subscriberId: number, period: string, error: string, now: string, suspendAfter: number): Promise<void>;
  /** Every paper ever sent to the subscriber. */
  sentPaperIds(subscriberId: number): Promise<Set<string>>;
  history(subscriberId: number): Promise<SendRecord[]>;
}

/** The catalog reads of digest composition. Windows are (start, end]. */
export interface DigestCatalog {
  /** Papers that entered attention (featured, else published) in the window, newest first. */
  recentPapers(start: string, end: string, limit: number): Promise<DigestPaper[]>;
  digestPapers(ids: readonly string[]): Promise<DigestPaper[]>;
  /** When the newest paper entered attention. */
  newestPaper(): Promise<string | undefined>;
}

/** Topic follows are saved searches: this runs one over a window and returns paper ids, best first. */
export interface TopicSearch {
  matchTopic(topic: string, start: string, end: string, limit: number): Promise<string[]>;
}
