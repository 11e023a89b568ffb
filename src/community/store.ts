/**
 * The store as the community features need it: accounts, magic links, sessions, votes, follows,
 * "not interested" marks and collections. The SQLite adapter implements it
 * (src/store/sqlite/community-store.ts); the domain never imports a database.
 */
import type { Paper } from '../catalog/paper.js';
import type { Follow } from '../follows/follow.js';

/** A signed-in person, known by their email address. */
export interface Account {
  id: number;
  email: string;
  createdAt: string;
  /** The digest subscription of the same address, linked at sign-in. */
  subscriberId: number | null;
}

/** A named list of papers; only its owner sees it unless it is public. */
export interface Collection {
  id: number;
  /** Random and URL-safe: the collection's address. */
  key: string;
  accountId: number;
  name: string;
  public: boolean;
  createdAt: string;
  papers: number;
}

/** A paper an account acted on, with the catalog rowid that keys its embedding. */
export interface PaperRef {
  paperId: string;
  rowid: number;
}

/** A paper that may be recommended: new in the candidate window. */
export interface CandidatePaper {
  rowid: number;
  paper: Paper;
}

/** Times are ISO 8601 strings of the injected clock; secrets arrive already hashed. */
export interface CommunityStore {
  addMagicLink(tokenHash: string, email: string, now: string, expiresAt: string): Promise<void>;
  /** How many links were sent to this address after `since` (to cap sign-in mail). */
  magicLinksSince(email: string, since: string): Promise<number>;
  /** Spends an unexpired, unused link and returns its address; undefined otherwise. Atomic. */
  consumeMagicLink(tokenHash: string, now: string): Promise<string | undefined>;
  /** Why a link cannot be spent: it was used, it expired, or it never existed. */
  magicLinkState(tokenHash: string): Promise<{ usedAt: string | null; expiresAt: string } | undefined>;

  /** The account of this address, created if new. */
  accountFor(email: string, now: string): Promise<Account>;
  account(id: number): Promise<Account | undefined>;
  /** Links the account to the digest subscription of its address, if any; returns its id. */
  linkSubscriber(accountId: number): Promise<number | null>;

  addSession(idHash: string, accountId: number, now: string, expiresAt: string): Promise<void>;
  sessionAccount(idHash: string, now: string): Promise<number | undefined>;
  deleteSession(idHash: string): Promise<void>;

  /** Records a vote (and its event) unless one stands; true when something changed. */
  vote(accountId: number, paperId: string, now: string): Promise<boolean>;
  /** Undoes a standing vote (recording the event); true when something changed. */
  unvote(accountId: number, paperId: string, now: string): Promise<boolean>;
  hasVoted(accountId: number, paperId: string): Promise<boolean>;
  /** Standing votes on a paper. */
  voteCount(paperId: string): Promise<number>;
  votedPapers(accountId: number): Promise<PaperRef[]>;

  follows(accountId: number): Promise<Follow[]>;
  /** Adds a follow unless the account already has `max`; atomic, so parallel posts cannot pass the cap. */
  addFollow(accountId: number, key: string, follow: Follow, now: string, max: number): Promise<'added' | 'exists' | 'full'>;
  removeFollow(accountId: number, key: string): Promise<void>;

  setNotInterested(accountId: number, paperId: string, now: string, on: boolean): Promise<void>;
  notInterested(accountId: number): Promise<PaperRef[]>;

  /** Creates a collection unless the account has `max`; undefined then. */
  addCollection(accountId: number, key: string, name: string, isPublic: boolean, now: string, max: number): Promise<Collection | undefined>;
  collections(accountId: number): Promise<Collection[]>;
  collection(key: string): Promise<Collection | undefined>;
  updateCollection(id: number, name: string, isPublic: boolean): Promise<void>;
  deleteCollection(id: number): Promise<void>;
  /** Adds a paper unless the collection holds `max`; false then. */
  addToCollection(id: number, paperId: string, now: string, max: number): Promise<boolean>;
  removeFromCollection(id: number, paperId: string): Promise<void>;
  /** Paper ids of a collection, most recently added first. */
  collectionPaperIds(id: number, limit: number): Promise<string[]>;
  /** Every paper in any of the account's collections. */
  savedPapers(accountId: number): Promise<PaperRef[]>;

  /** Papers that entered attention (featured, else published) in (start, end], newest first. */
  recentCandidates(start: string, end: string, limit: number): Promise<CandidatePaper[]>;
  /** Changes whenever papers change: keys the candidate pool. */
  catalogVersion(): Promise<number>;
}

/** The digest subscription of an address, as far as accounts care: its follows. */
export interface SubscriptionLookup {
  subscriberByEmail(email: string): Promise<{ id: number; prefs: { follows: Follow[] } } | undefined>;
}
