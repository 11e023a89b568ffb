import type { Statement } from 'better-sqlite3';
import type { DigestPaper } from '../../digest/compose.js';
import type { DigestCatalog, DigestStore, SendRecord, SendState } from '../../digest/store.js';
import { type Preferences, type Subscriber, type SubscriberStatus } from '../../digest/subscription.js';
import { toDigestPaper, toPreferences } from '../digest-paper.js';
import type { SqliteDatabase } from './database.js';
import { DIGEST_SQL } from './digest-sql.js';

interface SubscriberRow {
  id: number;
  key: string;
  email: string;
  status: SubscriberStatus;
  prefs: string;
  createdAt: string;
  confirmedAt: string | null;
  hardBounces: number;
}

/** The digest engine's store and catalog ports on SQLite. */
export class SqliteDigestStore implements DigestStore, DigestCatalog {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = Object.fromEntries(
      Object.entries(DIGEST_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Record<keyof typeof DIGEST_SQL, Statement<unknown[]>>;
  }

  async subscriberByEmail(email: string): Promise<Subscriber | undefined> {
    return this.subscriber(this.statements.subscriberByEmail.get(email));
  }

  async subscriberByKey(key: string): Promise<Subscriber | undefined> {
    return this.subscriber(this.statements.subscriberByKey.get(key));
  }

  async addSubscriber(subscriber: Omit<Subscriber, 'id'>): Promise<Subscriber> {
    this.statements.insertSubscriber.run({ ...subscriber, prefs: JSON.stringify(subscriber.prefs) });
    return (await this.subscriberByEmail(subscriber.email))!;
  }

  async updateSubscriber(id: number, change: { status?: SubscriberStatus; prefs?: Preferences; confirmedAt?: string; hardBounces?: number }): Promise<void> {
    this.statements.updateSubscriber.run({
      id,
      status: change.status ?? null,
      prefs: change.prefs ? JSON.stringify(change.prefs) : null,
      confirmedAt: change.confirmedAt ?? null,
      hardBounces: change.hardBounces ?? null,
    });
  }

  async claimNotice(id: number, now: string, notBefore: string): Promise<boolean> {
    return this.statements.claimNotice.run({ id, now, notBefore }).changes > 0;
  }

  async deleteSubscriber(id: number): Promise<void> {
    this.statements.deleteSubscriber.run(id);
  }

  async activeSubscribers(): Promise<Subscriber[]> {
    return (this.statements.activeSubscribers.all() as SubscriberRow[]).map((row) => this.subscriber(row)!);
  }

  async claim(subscriberId: number, period: string, now: string, leaseUntil: string): Promise<number | undefined> {
    return (this.statements.claim.get({ subscriberId, period, now, leaseUntil }) as { attempts: number } | undefined)?.attempts;
  }

  async sendState(subscriberId: number, period: string): Promise<SendState | undefined> {
    return (this.statements.sendState.get(subscriberId, period) as { state: SendState } | undefined)?.state;
  }

  async markSent(subscriberId: number, period: string, paperIds: readonly string[], now: string): Promise<void> {
    this.db.transaction(() => {
      const ids = JSON.stringify(paperIds);
      this.statements.markSent.run({ subscriberId, period, paperIds: ids, now });
      this.statements.insertSentPapers.run({ subscriberId, paperIds: ids });
      this.statements.resetBounces.run(subscriberId);
    })();
  }

  async markDone(subscriberId: number, period: string, state: 'empty' | 'failed', now: string, error?: string): Promise<void> {
    this.statements.markDone.run({ subscriberId, period, state, now, error: error ?? null });
  }

  async markRetry(subscriberId: number, period: string, nextAttemptAt: string, error: string, now: string): Promise<void> {
    this.statements.markRetry.run({ subscriberId, period, nextAttemptAt, error, now });
  }

  async markBounced(subscriberId: number, period: string, error: string, now: string, suspendAfter: number): Promise<void> {
    this.db.transaction(() => {
      this.statements.markDone.run({ subscriberId, period, state: 'bounced', now, error });
      this.statements.addBounce.run({ id: subscriberId, suspendAfter });
    })();
  }

  async sentPaperIds(subscriberId: number): Promise<Set<string>> {
    return new Set((this.statements.sentPaperIds.all(subscriberId) as { paperId: string }[]).map((row) => row.paperId));
  }

  async history(subscriberId: number): Promise<SendRecord[]> {
    const rows = this.statements.history.all(subscriberId) as (Omit<SendRecord, 'paperIds' | 'error'> & { paperIds: string; error: string | null })[];
    return rows.map(({ paperIds, error, ...row }) => ({ ...row, paperIds: JSON.parse(paperIds) as string[], ...(error && { error }) }));
  }

  async recentPapers(start: string, end: string, limit: number): Promise<DigestPaper[]> {
    return (this.statements.recentPapers.all({ start, end, limit }) as PaperRow[]).map(fromPaperRow);
  }

  async digestPapers(ids: readonly string[]): Promise<DigestPaper[]> {
    return ids.flatMap((id) => {
      const row = this.statements.digestPaper.get(id) as PaperRow | undefined;
      return row ? [fromPaperRow(row)] : [];
    });
  }

  async newestPaper(): Promise<string | undefined> {
    return (this.statements.newestPaper.get() as { at: string | null }).at ?? undefined;
  }

  /** Rows are parsed at the edge: a row that no longer fits the model is an error, not a crash later. */
  private subscriber(row: unknown): Subscriber | undefined {
    if (!row) return undefined;
    const { prefs, confirmedAt, ...rest } = row as SubscriberRow;
    return { ...rest, prefs: toPreferences(rest.id, JSON.parse(prefs)), ...(confirmedAt && { confirmedAt }) };
  }
}

interface PaperRow {
  id: string;
  doc: string;
  upvotes: number;
}

function fromPaperRow(row: PaperRow): DigestPaper {
  return toDigestPaper(row.id, JSON.parse(row.doc), row.upvotes);
}
