import type { Statement } from 'better-sqlite3';
import type { Account, CandidatePaper, Collection, CommunityStore, PaperRef } from '../../community/store.js';
import { FollowSchema, type Follow } from '../../follows/follow.js';
import { fromDoc } from './catalog-store.js';
import { COMMUNITY_SQL } from './community-sql.js';
import type { SqliteDatabase } from './database.js';

type CollectionRow = Omit<Collection, 'public'> & { public: number };

/** The community features' store port on SQLite. */
export class SqliteCommunityStore implements CommunityStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = Object.fromEntries(
      Object.entries(COMMUNITY_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<keyof typeof COMMUNITY_SQL, Statement<unknown[]>>;
  }

  async addMagicLink(tokenHash: string, email: string, now: string, expiresAt: string): Promise<void> {
    this.db.transaction(() => {
      this.statements.pruneMagicLinks.run(now);
      this.statements.insertMagicLink.run(tokenHash, email, now, expiresAt);
    })();
  }

  async magicLinksSince(email: string, since: string): Promise<number> {
    return (this.statements.recentMagicLinks.get(email, since) as { n: number }).n;
  }

  async consumeMagicLink(tokenHash: string, now: string): Promise<string | undefined> {
    return (this.statements.consumeMagicLink.get({ hash: tokenHash, now }) as { email: string } | undefined)?.email;
  }

  async magicLinkState(tokenHash: string): Promise<{ usedAt: string | null; expiresAt: string } | undefined> {
    return this.statements.magicLinkState.get(tokenHash) as { usedAt: string | null; expiresAt: string } | undefined;
  }

  async accountFor(email: string, now: string): Promise<Account> {
    this.statements.insertAccount.run(email, now);
    return this.statements.accountByEmail.get(email) as Account;
  }

  async account(id: number): Promise<Account | undefined> {
    return this.statements.accountById.get(id) as Account | undefined;
  }

  async linkSubscriber(accountId: number): Promise<number | null> {
    return (this.statements.linkSubscriber.get(accountId) as { subscriberId: number | null } | undefined)?.subscriberId ?? null;
  }

  async addSession(idHash: string, accountId: number, now: string, expiresAt: string): Promise<void> {
    this.statements.insertSession.run(idHash, accountId, now, expiresAt);
  }

  async sessionAccount(idHash: string, now: string): Promise<number | undefined> {
    return (this.statements.sessionAccount.get(idHash, now) as { accountId: number } | undefined)?.accountId;
  }

  async deleteSession(idHash: string): Promise<void> {
    this.statements.deleteSession.run(idHash);
  }

  async vote(accountId: number, paperId: string, now: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.statements.insertVote.run(accountId, paperId, now).changes === 0) return false;
      this.statements.insertVoteEvent.run(accountId, paperId, 'vote', now);
      return true;
    })();
  }

  async unvote(accountId: number, paperId: string, now: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.statements.deleteVote.run(accountId, paperId).changes === 0) return false;
      this.statements.insertVoteEvent.run(accountId, paperId, 'unvote', now);
      return true;
    })();
  }

  async hasVoted(accountId: number, paperId: string): Promise<boolean> {
    return this.statements.hasVoted.get(accountId, paperId) !== undefined;
  }

  async voteCount(paperId: string): Promise<number> {
    return (this.statements.voteCount.get(paperId) as { n: number }).n;
  }

  async votedPapers(accountId: number): Promise<PaperRef[]> {
    return this.statements.votedPapers.all(accountId) as PaperRef[];
  }

  async follows(accountId: number): Promise<Follow[]> {
    // Rows were validated when written; parsing again keeps a hand-edited row from reaching the domain.
    return (this.statements.follows.all(accountId) as { follow: string }[]).flatMap((row) => {
      const parsed = FollowSchema.safeParse(JSON.parse(row.follow));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async addFollow(accountId: number, key: string, follow: Follow, now: string, max: number): Promise<'added' | 'exists' | 'full'> {
    return this.db.transaction(() => {
      if ((this.statements.countFollows.get(accountId) as { n: number }).n >= max) return 'full';
      return this.statements.insertFollow.run(accountId, key, JSON.stringify(follow), now).changes > 0 ? 'added' : 'exists';
    }).immediate();
  }

  async removeFollow(accountId: number, key: string): Promise<void> {
    this.statements.deleteFollow.run(accountId, key);
  }

  async setNotInterested(accountId: number, paperId: string, now: string, on: boolean): Promise<void> {
    if (on) this.statements.insertNotInterested.run(accountId, paperId, now);
    else this.statements.deleteNotInterested.run(accountId, paperId);
  }

  async notInterested(accountId: number): Promise<PaperRef[]> {
    return this.statements.notInterested.all(accountId) as PaperRef[];
  }

  async addCollection(accountId: number, key: string, name: string, isPublic: boolean, now: string, max: number): Promise<Collection | undefined> {
    const added = this.db.transaction(() => {
      if ((this.statements.countCollections.get(accountId) as { n: number }).n >= max) return false;
      this.statements.insertCollection.run(key, accountId, name, isPublic ? 1 : 0, now);
      return true;
    }).immediate();
    return added ? this.collection(key) : undefined;
  }

  async collections(accountId: number): Promise<Collection[]> {
    return (this.statements.collectionsOf.all(accountId) as CollectionRow[]).map(toCollection);
  }

  async collection(key: string): Promise<Collection | undefined> {
    const row = this.statements.collectionByKey.get(key) as CollectionRow | undefined;
    return row && toCollection(row);
  }

  async updateCollection(id: number, name: string, isPublic: boolean): Promise<void> {
    this.statements.updateCollection.run({ id, name, public: isPublic ? 1 : 0 });
  }

  async deleteCollection(id: number): Promise<void> {
    this.statements.deleteCollection.run(id);
  }

  async addToCollection(id: number, paperId: string, now: string, max: number): Promise<boolean> {
    return this.db.transaction(() => {
      if ((this.statements.countInCollection.get(id) as { n: number }).n >= max) return false;
      this.statements.addToCollection.run(id, paperId, now);
      return true;
    }).immediate();
  }

  async removeFromCollection(id: number, paperId: string): Promise<void> {
    this.statements.removeFromCollection.run(id, paperId);
  }

  async collectionPaperIds(id: number, limit: number): Promise<string[]> {
    return (this.statements.collectionPaperIds.all(id, limit) as { paperId: string }[]).map((row) => row.paperId);
  }

  async savedPapers(accountId: number): Promise<PaperRef[]> {
    return this.statements.savedPapers.all(accountId) as PaperRef[];
  }

  async recentCandidates(start: string, end: string, limit: number): Promise<CandidatePaper[]> {
    const rows = this.statements.recentCandidates.all({ start, end, limit }) as { rowid: number; id: string; doc: string }[];
    return rows.map((row) => ({ rowid: row.rowid, paper: fromDoc(row.id, row.doc) }));
  }

  async catalogVersion(): Promise<number> {
    return (this.statements.catalogVersion.get() as { seq: number }).seq;
  }
}

function toCollection(row: CollectionRow): Collection {
  return { ...row, public: row.public === 1 };
}
