import type { DigestPaper } from '../../digest/compose.js';
import type { DigestCatalog, DigestStore, SendRecord, SendState } from '../../digest/store.js';
import { type Preferences, type Subscriber, type SubscriberStatus } from '../../digest/subscription.js';
import { toDigestPaper, toPreferences } from '../digest-paper.js';
import type { PostgresDatabase } from './database.js';
import { DIGEST_SQL } from './digest-sql.js';

interface SubscriberRow {
  id: number;
  key: string;
  email: string;
  status: SubscriberStatus;
  prefs: unknown;
  createdAt: Date;
  confirmedAt: Date | null;
  hardBounces: number;
}

interface PaperRow {
  id: string;
  doc: unknown;
  upvotes: number;
}

/**
 * The digest engine's store and catalog ports on PostgreSQL. Claims are one `INSERT … ON
 * CONFLICT … WHERE … RETURNING`, so several worker processes sharing the server send each
 * (subscriber, period) once.
 */
export class PostgresDigestStore implements DigestStore, DigestCatalog {
  constructor(private readonly db: PostgresDatabase) {}

  async subscriberByEmail(email: string): Promise<Subscriber | undefined> {
    const [row] = await this.db.executeSql<SubscriberRow>(DIGEST_SQL.subscriberByEmail, [email]);
    return row && toSubscriber(row);
  }

  async subscriberByKey(key: string): Promise<Subscriber | undefined> {
    const [row] = await this.db.executeSql<SubscriberRow>(DIGEST_SQL.subscriberByKey, [key]);
    return row && toSubscriber(row);
  }

  async addSubscriber(subscriber: Omit<Subscriber, 'id'>): Promise<Subscriber> {
    const { key, email, status, prefs, createdAt, hardBounces } = subscriber;
    await this.db.executeSql(DIGEST_SQL.insertSubscriber, [key, email, status, JSON.stringify(prefs), createdAt, hardBounces]);
    return (await this.subscriberByEmail(email))!;
  }

  async updateSubscriber(id: number, change: { status?: SubscriberStatus; prefs?: Preferences; confirmedAt?: string; hardBounces?: number }): Promise<void> {
    await this.db.executeSql(DIGEST_SQL.updateSubscriber, [
      id,
      change.status ?? null,
      change.prefs ? JSON.stringify(change.prefs) : null,
      change.confirmedAt ?? null,
      change.hardBounces ?? null,
    ]);
  }

  async claimNotice(id: number, now: string, notBefore: string): Promise<boolean> {
    return (await this.db.executeSql(DIGEST_SQL.claimNotice, [id, now, notBefore])).length > 0;
  }

  async deleteSubscriber(id: number): Promise<void> {
    await this.db.executeSql(DIGEST_SQL.deleteSubscriber, [id]);
  }

  async activeSubscribers(): Promise<Subscriber[]> {
    return (await this.db.executeSql<SubscriberRow>(DIGEST_SQL.activeSubscribers)).map(toSubscriber);
  }

  async claim(subscriberId: number, period: string, now: string, leaseUntil: string): Promise<number | undefined> {
    const [row] = await this.db.executeSql<{ attempts: number }>(DIGEST_SQL.claim, [subscriberId, period, now, leaseUntil]);
    return row?.attempts;
  }

  async sendState(subscriberId: number, period: string): Promise<SendState | undefined> {
    const [row] = await this.db.executeSql<{ state: SendState }>(DIGEST_SQL.sendState, [subscriberId, period]);
    return row?.state;
  }

  async markSent(subscriberId: number, period: string, paperIds: readonly string[], now: string): Promise<void> {
    const ids = JSON.stringify(paperIds);
    await this.db.transaction(async () => {
      await this.db.executeSql(DIGEST_SQL.markSent, [subscriberId, period, ids, now]);
      await this.db.executeSql(DIGEST_SQL.insertSentPapers, [subscriberId, ids]);
      await this.db.executeSql(DIGEST_SQL.resetBounces, [subscriberId]);
    });
  }

  async markDone(subscriberId: number, period: string, state: 'empty' | 'failed', now: string, error?: string): Promise<void> {
    await this.db.executeSql(DIGEST_SQL.markDone, [subscriberId, period, state, now, error ?? null]);
  }

  async markRetry(subscriberId: number, period: string, nextAttemptAt: string, error: string, now: string): Promise<void> {
    await this.db.executeSql(DIGEST_SQL.markRetry, [subscriberId, period, nextAttemptAt, error, now]);
  }

  async markBounced(subscriberId: number, period: string, error: string, now: string, suspendAfter: number): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.executeSql(DIGEST_SQL.markDone, [subscriberId, period, 'bounced', now, error]);
      await this.db.executeSql(DIGEST_SQL.addBounce, [subscriberId, suspendAfter]);
    });
  }

  async sentPaperIds(subscriberId: number): Promise<Set<string>> {
    return new Set((await this.db.executeSql<{ paperId: string }>(DIGEST_SQL.sentPaperIds, [subscriberId])).map((row) => row.paperId));
  }

  async history(subscriberId: number): Promise<SendRecord[]> {
    const rows = await this.db.executeSql<Omit<SendRecord, 'updatedAt' | 'error'> & { updatedAt: Date; error: string | null }>(DIGEST_SQL.history, [subscriberId]);
    return rows.map(({ updatedAt, error, ...row }) => ({ ...row, updatedAt: updatedAt.toISOString(), ...(error && { error }) }));
  }

  async recentPapers(start: string, end: string, limit: number): Promise<DigestPaper[]> {
    return (await this.db.executeSql<PaperRow>(DIGEST_SQL.recentPapers, [start, end, limit])).map(fromPaperRow);
  }

  async digestPapers(ids: readonly string[]): Promise<DigestPaper[]> {
    return (await this.db.executeSql<PaperRow>(DIGEST_SQL.digestPapers, [ids])).map(fromPaperRow);
  }

  async newestPaper(): Promise<string | undefined> {
    const [row] = await this.db.executeSql<{ at: Date | null }>(DIGEST_SQL.newestPaper);
    return row?.at?.toISOString();
  }
}

/** Rows are parsed at the edge: a row that no longer fits the model is an error, not a crash later. */
function toSubscriber(row: SubscriberRow): Subscriber {
  const { prefs, createdAt, confirmedAt, ...rest } = row;
  return { ...rest, prefs: toPreferences(rest.id, prefs), createdAt: createdAt.toISOString(), ...(confirmedAt && { confirmedAt: confirmedAt.toISOString() }) };
}

function fromPaperRow(row: PaperRow): DigestPaper {
  return toDigestPaper(row.id, row.doc, row.upvotes);
}
