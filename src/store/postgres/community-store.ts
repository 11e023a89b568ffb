import type { Account, CandidatePaper, Collection, CommunityStore, PaperRef } from '../../community/store.js';
import type { Paper } from '../../catalog/paper.js';
import { FollowSchema, type Follow } from '../../follows/follow.js';
import { fromRow } from './catalog-store.js';
import { COMMUNITY_SQL } from './community-sql.js';
import type { PostgresDatabase } from './database.js';

type AccountRow = Omit<Account, 'createdAt'> & { createdAt: Date };
type CollectionRow = Omit<Collection, 'createdAt'> & { createdAt: Date };

/**
 * The community features' store port on PostgreSQL. What SQLite gets from its single writer, this
 * gets from single statements (a magic link is spent by one `UPDATE … RETURNING`, a vote and its
 * event are written by one statement) or from locking the owning row before counting against a cap.
 */
export class PostgresCommunityStore implements CommunityStore {
  constructor(private readonly db: PostgresDatabase) {}

  async addMagicLink(tokenHash: string, email: string, now: string, expiresAt: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.executeSql(COMMUNITY_SQL.pruneMagicLinks, [now]);
      await this.db.executeSql(COMMUNITY_SQL.insertMagicLink, [tokenHash, email, now, expiresAt]);
    });
  }

  async magicLinksSince(email: string, since: string): Promise<number> {
    return (await this.db.executeSql<{ n: number }>(COMMUNITY_SQL.recentMagicLinks, [email, since]))[0]!.n;
  }

  async consumeMagicLink(tokenHash: string, now: string): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ email: string }>(COMMUNITY_SQL.consumeMagicLink, [tokenHash, now]);
    return row?.email;
  }

  async magicLinkState(tokenHash: string): Promise<{ usedAt: string | null; expiresAt: string } | undefined> {
    const [row] = await this.db.executeSql<{ usedAt: Date | null; expiresAt: Date }>(COMMUNITY_SQL.magicLinkState, [tokenHash]);
    return row && { usedAt: row.usedAt?.toISOString() ?? null, expiresAt: row.expiresAt.toISOString() };
  }

  async accountFor(email: string, now: string): Promise<Account> {
    await this.db.executeSql(COMMUNITY_SQL.insertAccount, [email, now]);
    const [row] = await this.db.executeSql<AccountRow>(COMMUNITY_SQL.accountByEmail, [email]);
    return toAccount(row!);
  }

  async account(id: number): Promise<Account | undefined> {
    const [row] = await this.db.executeSql<AccountRow>(COMMUNITY_SQL.accountById, [id]);
    return row && toAccount(row);
  }

  async linkSubscriber(accountId: number): Promise<number | null> {
    const [row] = await this.db.executeSql<{ subscriberId: number | null }>(COMMUNITY_SQL.linkSubscriber, [accountId]);
    return row?.subscriberId ?? null;
  }

  async addSession(idHash: string, accountId: number, now: string, expiresAt: string): Promise<void> {
    await this.db.executeSql(COMMUNITY_SQL.insertSession, [idHash, accountId, now, expiresAt]);
  }

  async sessionAccount(idHash: string, now: string): Promise<number | undefined> {
    const [row] = await this.db.executeSql<{ accountId: number }>(COMMUNITY_SQL.sessionAccount, [idHash, now]);
    return row?.accountId;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.executeSql(COMMUNITY_SQL.deleteSession, [idHash]);
  }

  async vote(accountId: number, paperId: string, now: string): Promise<boolean> {
    return (await this.db.executeSql(COMMUNITY_SQL.vote, [accountId, paperId, now])).length > 0;
  }

  async unvote(accountId: number, paperId: string, now: string): Promise<boolean> {
    return (await this.db.executeSql(COMMUNITY_SQL.unvote, [accountId, paperId, now])).length > 0;
  }

  async hasVoted(accountId: number, paperId: string): Promise<boolean> {
    return (await this.db.executeSql(COMMUNITY_SQL.hasVoted, [accountId, paperId])).length > 0;
  }

  async voteCount(paperId: string): Promise<number> {
    return (await this.db.executeSql<{ n: number }>(COMMUNITY_SQL.voteCount, [paperId]))[0]!.n;
  }

  async votedPapers(accountId: number): Promise<PaperRef[]> {
    return this.db.executeSql<PaperRef>(COMMUNITY_SQL.votedPapers, [accountId]);
  }

  async follows(accountId: number): Promise<Follow[]> {
    // Rows were validated when written; parsing again keeps a hand-edited row from reaching the domain.
    return (await this.db.executeSql<{ follow: unknown }>(COMMUNITY_SQL.follows, [accountId])).flatMap((row) => {
      const parsed = FollowSchema.safeParse(row.follow);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async addFollow(accountId: number, key: string, follow: Follow, now: string, max: number): Promise<'added' | 'exists' | 'full'> {
    return this.db.transaction(async () => {
      await this.db.executeSql(COMMUNITY_SQL.lockAccount, [accountId]);
      if ((await this.db.executeSql<{ n: number }>(COMMUNITY_SQL.countFollows, [accountId]))[0]!.n >= max) return 'full';
      const added = await this.db.executeSql(COMMUNITY_SQL.insertFollow, [accountId, key, JSON.stringify(follow), now]);
      return added.length > 0 ? 'added' : 'exists';
    });
  }

  async removeFollow(accountId: number, key: string): Promise<void> {
    await this.db.executeSql(COMMUNITY_SQL.deleteFollow, [accountId, key]);
  }

  async setNotInterested(accountId: number, paperId: string, now: string, on: boolean): Promise<void> {
    if (on) await this.db.executeSql(COMMUNITY_SQL.insertNotInterested, [accountId, paperId, now]);
    else await this.db.executeSql(COMMUNITY_SQL.deleteNotInterested, [accountId, paperId]);
  }

  async notInterested(accountId: number): Promise<PaperRef[]> {
    return this.db.executeSql<PaperRef>(COMMUNITY_SQL.notInterested, [accountId]);
  }

  async addCollection(accountId: number, key: string, name: string, isPublic: boolean, now: string, max: number): Promise<Collection | undefined> {
    const added = await this.db.transaction(async () => {
      await this.db.executeSql(COMMUNITY_SQL.lockAccount, [accountId]);
      if ((await this.db.executeSql<{ n: number }>(COMMUNITY_SQL.countCollections, [accountId]))[0]!.n >= max) return false;
      await this.db.executeSql(COMMUNITY_SQL.insertCollection, [key, accountId, name, isPublic, now]);
      return true;
    });
    return added ? this.collection(key) : undefined;
  }

  async collections(accountId: number): Promise<Collection[]> {
    return (await this.db.executeSql<CollectionRow>(COMMUNITY_SQL.collectionsOf, [accountId])).map(toCollection);
  }

  async collection(key: string): Promise<Collection | undefined> {
    const [row] = await this.db.executeSql<CollectionRow>(COMMUNITY_SQL.collectionByKey, [key]);
    return row && toCollection(row);
  }

  async updateCollection(id: number, name: string, isPublic: boolean): Promise<void> {
    await this.db.executeSql(COMMUNITY_SQL.updateCollection, [id, name, isPublic]);
  }

  async deleteCollection(id: number): Promise<void> {
    await this.db.executeSql(COMMUNITY_SQL.deleteCollection, [id]);
  }

  async addToCollection(id: number, paperId: string, now: string, max: number): Promise<boolean> {
    return this.db.transaction(async () => {
      await this.db.executeSql(COMMUNITY_SQL.lockCollection, [id]);
      if ((await this.db.executeSql<{ n: number }>(COMMUNITY_SQL.countInCollection, [id]))[0]!.n >= max) return false;
      await this.db.executeSql(COMMUNITY_SQL.addToCollection, [id, paperId, now]);
      return true;
    });
  }

  async removeFromCollection(id: number, paperId: string): Promise<void> {
    await this.db.executeSql(COMMUNITY_SQL.removeFromCollection, [id, paperId]);
  }

  async collectionPaperIds(id: number, limit: number): Promise<string[]> {
    return (await this.db.executeSql<{ paperId: string }>(COMMUNITY_SQL.collectionPaperIds, [id, limit])).map((row) => row.paperId);
  }

  async savedPapers(accountId: number): Promise<PaperRef[]> {
    return this.db.executeSql<PaperRef>(COMMUNITY_SQL.savedPapers, [accountId]);
  }

  async recentCandidates(start: string, end: string, limit: number): Promise<CandidatePaper[]> {
    const rows = await this.db.executeSql<{ rowid: number; id: string; doc: Omit<Paper, 'id'> }>(COMMUNITY_SQL.recentCandidates, [start, end, limit]);
    return rows.map((row) => ({ rowid: row.rowid, paper: fromRow(row) }));
  }

  async catalogVersion(): Promise<number> {
    return (await this.db.executeSql<{ seq: number }>(COMMUNITY_SQL.catalogVersion))[0]!.seq;
  }
}

function toAccount(row: AccountRow): Account {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

function toCollection(row: CollectionRow): Collection {
  return { ...row, createdAt: row.createdAt.toISOString() };
}
