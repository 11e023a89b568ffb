/**
 * The digest engine: subscriptions (double opt-in, preferences, unsubscribe, export, delete) and
 * runs that deliver each due digest exactly once through the send ledger. It owns its ports
 * ({@link DigestStore}, {@link DigestCatalog}, {@link Mailer}); adapters are wired in `createApp`.
 */
import { randomBytes } from 'node:crypto';
import type { StateStore } from '../catalog/store.js';
import { PaperfeedError } from '../errors.js';
import type { TrendingStore } from '../trending/trending.js';
import { composeDigest, type DigestItem } from './compose.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import { loadPool, type RunPool } from './pool.js';
import type { DigestRenderer, RenderedDigest } from './render.js';
import { duePeriod } from './schedule.js';
import type { DigestCatalog, DigestStore, SendRecord, TopicSearch } from './store.js';
import { DEFAULT_PREFERENCES, type Preferences, type Subscriber } from './subscription.js';
import { TOKEN_LIFETIME_MS, loadOrCreateSecret, signToken, verifyToken, type TokenPurpose } from './tokens.js';

/** Delivery settings (a subset of the mail config). */
export interface DigestSettings {
  from: string;
  /** The public site, without a trailing slash. */
  baseUrl: string;
  /** Emails per second at most; 0 for no limit. */
  rate: number;
  /** Digests in flight at once. */
  concurrency: number;
  /**
   * How long a claim holds before another run may take it over (its sender is presumed dead);
   * default {@link CLAIM_LEASE_MS}. Longer than any one send may take, or a slow send goes twice.
   */
  claimLeaseSeconds?: number;
}

/** Something that happened in the background that the edge may want to log. */
export type DigestEvent =
  | { type: 'notice_failed'; subscriberId: number; error: Error }
  | { type: 'send_failed'; subscriberId: number; period: string; outcome: 'retry' | 'failed' | 'bounced'; error: Error };

export interface DigestDeps {
  store: DigestStore;
  catalog: DigestCatalog;
  topics: TopicSearch;
  trending: TrendingStore;
  state: StateStore;
  mailer: Mailer;
  render: DigestRenderer;
  settings: DigestSettings;
  /** Waits between sends to keep the rate; real time even when the clock is faked. */
  sleep?: (ms: number) => Promise<void>;
}

/** What one run did; `dryRun` runs claim and send nothing and count what they would send as `sent`. */
export interface RunSummary {
  due: number;
  sent: number;
  empty: number;
  skipped: number;
  retry: number;
  bounced: number;
  failed: number;
  dryRun: boolean;
}

type Outcome = Exclude<keyof RunSummary, 'due' | 'dryRun'>;

/** How long a claim holds by default before another run may take it over. */
export const CLAIM_LEASE_MS = 10 * 60_000;
/** Minutes to wait before each retry of a transient failure; the period fails after the last. */
const RETRY_MINUTES = [2, 10, 30, 120, 360];
/** Hard bounces in a row that suspend a subscription. */
const SUSPEND_AFTER_BOUNCES = 3;
/** At most one confirmation or reminder per address in this time, whoever asks. */
const NOTICE_INTERVAL_MS = 10 * 60_000;
const SECRET_KEY = 'digest.token-secret';

export class DigestService {
  private secretPromise: Promise<Buffer> | undefined;
  private readonly listeners: ((event: DigestEvent) => void)[] = [];

  constructor(private readonly deps: DigestDeps) {}

  /** Listens for background failures; the engine itself never logs. */
  onEvent(listener: (event: DigestEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Starts a subscription, or re-sends its confirmation. Known and unknown addresses get the same
   * treatment from the caller's point of view: the answer does not say which; an active
   * subscriber gets a reminder with their preferences link instead of a confirmation.
   */
  async subscribe(email: string, now: Date, timeZone?: string): Promise<void> {
    const { store } = this.deps;
    let subscriber = await store.subscriberByEmail(email);
    if (!subscriber) {
      subscriber = await store.addSubscriber({
        key: randomBytes(16).toString('base64url'), email, status: 'pending',
        prefs: { ...DEFAULT_PREFERENCES, ...(timeZone && { timeZone }) }, createdAt: now.toISOString(), hardBounces: 0,
      });
    } else if (subscriber.status === 'unsubscribed' || subscriber.status === 'suspended') {
      await store.updateSubscriber(subscriber.id, { status: 'pending', hardBounces: 0 });
      subscriber = { ...subscriber, status: 'pending' };
    }
    if (!(await store.claimNotice(subscriber.id, now.toISOString(), new Date(now.getTime() - NOTICE_INTERVAL_MS).toISOString()))) return;
    try {
      await this.deps.mailer.send(await this.notice(subscriber, now));
    } catch (error) {
      this.emit({ type: 'notice_failed', subscriberId: subscriber.id, error: error as Error });
    }
  }

  /** Confirms the subscription a confirmation token names; confirming twice is harmless. */
  async confirm(token: string, now: Date): Promise<Subscriber> {
    const subscriber = await this.subscriberFor(token, 'confirm', now);
    if (subscriber.status === 'pending') {
      await this.deps.store.updateSubscriber(subscriber.id, { status: 'active', confirmedAt: now.toISOString() });
      return { ...subscriber, status: 'active', confirmedAt: now.toISOString() };
    }
    return subscriber;
  }

  async updatePreferences(token: string, prefs: Preferences, now: Date): Promise<Subscriber> {
    const subscriber = await this.subscriberFor(token, 'manage', now);
    await this.deps.store.updateSubscriber(subscriber.id, { prefs });
    return { ...subscriber, prefs };
  }

  /** Unsubscribes at once (RFC 8058 one-click included); nothing more is sent. */
  async unsubscribe(token: string, now: Date): Promise<void> {
    const subscriber = await this.subscriberFor(token, 'unsubscribe', now);
    await this.deps.store.updateSubscriber(subscriber.id, { status: 'unsubscribed' });
  }

  /** Everything kept about the subscriber a preferences link names. */
  async exportData(token: string, now: Date): Promise<{ email: string; status: string; createdAt: string; confirmedAt?: string; preferences: Preferences; digests: SendRecord[] }> {
    const subscriber = await this.subscriberFor(token, 'manage', now);
    return {
      email: subscriber.email,
      status: subscriber.status,
      createdAt: subscriber.createdAt,
      ...(subscriber.confirmedAt && { confirmedAt: subscriber.confirmedAt }),
      preferences: subscriber.prefs,
      digests: await this.deps.store.history(subscriber.id),
    };
  }

  /** Deletes the subscriber and their history; their links stop working. */
  async deleteData(token: string, now: Date): Promise<void> {
    const subscriber = await this.subscriberFor(token, 'manage', now);
    await this.deps.store.deleteSubscriber(subscriber.id);
  }

  /** The subscription of an address, if any (an account's page links to it). */
  async subscriptionOf(email: string): Promise<Subscriber | undefined> {
    return this.deps.store.subscriberByEmail(email);
  }

  /** The signed links of a subscriber, valid from `now`. */
  async links(subscriber: Subscriber, now: Date): Promise<{ confirm: string; manage: string; unsubscribe: string }> {
    const link = async (path: string, purpose: TokenPurpose) => `${this.deps.settings.baseUrl}/${path}/${await this.token(subscriber, purpose, now)}`;
    return { confirm: await link('confirm', 'confirm'), manage: await link('preferences', 'manage'), unsubscribe: await link('unsubscribe', 'unsubscribe') };
  }

  /**
   * A digest as it would be sent now, without recording anything: for the subscriber a
   * preferences token names (skipping what they already got), or for default preferences.
   */
  async preview(now: Date, token?: string): Promise<RenderedDigest | undefined> {
    const subscriber = token ? await this.subscriberFor(token, 'manage', now) : undefined;
    const prefs = subscriber?.prefs ?? DEFAULT_PREFERENCES;
    const pool = await loadPool(this.deps, prefs.frequency, now);
    await pool.addFollows(prefs.follows);
    const sent = subscriber ? await this.deps.store.sentPaperIds(subscriber.id) : new Set<string>();
    const items = composeDigest(prefs, pool.pool, sent);
    if (items.length === 0) return undefined;
    const base = this.deps.settings.baseUrl;
    const links = subscriber ? await this.links(subscriber, now) : { manage: `${base}/digest/preview`, unsubscribe: `${base}/digest/preview` };
    return this.deps.render({ items, date: now, timeZone: prefs.timeZone, links: { base, ...links } });
  }

  /**
   * Sends every digest due at `now`: each active subscriber whose local hour has come, once per
   * period. Claim → send → mark sent, so a run killed at any point and started again sends what
   * is left and nothing twice (a message cut off mid-transfer is re-sent with its Message-ID).
   */
  async run(now: Date, options: { dryRun?: boolean } = {}): Promise<RunSummary> {
    const dryRun = options.dryRun === true;
    const summary: RunSummary = { due: 0, sent: 0, empty: 0, skipped: 0, retry: 0, bounced: 0, failed: 0, dryRun };
    const due = (await this.deps.store.activeSubscribers()).flatMap((subscriber) => {
      const period = duePeriod(subscriber.prefs, now);
      return period ? [{ subscriber, period }] : [];
    });
    summary.due = due.length;
    const pools = new Map<string, Promise<RunPool>>();
    const poolFor = (frequency: Preferences['frequency']) => {
      let pool = pools.get(frequency);
      if (!pool) {
        pool = loadPool(this.deps, frequency, now);
        pools.set(frequency, pool);
      }
      return pool;
    };
    const pace = this.pacer();
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const { subscriber, period } = due[next++]!;
        summary[await this.deliver(subscriber, period, now, dryRun, poolFor, pace)] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.deps.settings.concurrency) }, worker));
    return summary;
  }

  private async deliver(
    subscriber: Subscriber, period: string, now: Date, dryRun: boolean,
    poolFor: (frequency: Preferences['frequency']) => Promise<RunPool>, pace: () => Promise<void>,
  ): Promise<Outcome> {
    const { store } = this.deps;
    const at = now.toISOString();
    let attempt: number | undefined;
    if (dryRun) {
      const state = await store.sendState(subscriber.id, period);
      if (state && state !== 'retry') return 'skipped';
    } else {
      attempt = await store.claim(subscriber.id, period, at, new Date(now.getTime() + (this.deps.settings.claimLeaseSeconds ?? CLAIM_LEASE_MS / 1000) * 1000).toISOString());
      if (attempt === undefined) return 'skipped';
    }
    const pool = await poolFor(subscriber.prefs.frequency);
    await pool.addFollows(subscriber.prefs.follows);
    const items = composeDigest(subscriber.prefs, pool.pool, await store.sentPaperIds(subscriber.id));
    if (items.length === 0) {
      if (!dryRun) await store.markDone(subscriber.id, period, 'empty', at);
      return 'empty';
    }
    if (dryRun) return 'sent';
    try {
      await pace();
      await this.deps.mailer.send(await this.digestMail(subscriber, period, items, now));
      await store.markSent(subscriber.id, period, items.map((item) => item.paper.id), at);
      return 'sent';
    } catch (error) {
      return this.failed(subscriber, period, attempt!, now, error as Error);
    }
  }

  /** Hard bounces count toward suspension; transient failures wait and retry, then give up. */
  private async failed(subscriber: Subscriber, period: string, attempt: number, now: Date, error: Error): Promise<Outcome> {
    const { store } = this.deps;
    const at = now.toISOString();
    const message = error.message.slice(0, 500);
    let outcome: 'retry' | 'failed' | 'bounced';
    if (error instanceof PaperfeedError && error.details.permanent === true) {
      await store.markBounced(subscriber.id, period, message, at, SUSPEND_AFTER_BOUNCES);
      outcome = 'bounced';
    } else if (attempt <= RETRY_MINUTES.length) {
      await store.markRetry(subscriber.id, period, new Date(now.getTime() + RETRY_MINUTES[attempt - 1]! * 60_000).toISOString(), message, at);
      outcome = 'retry';
    } else {
      await store.markDone(subscriber.id, period, 'failed', at, message);
      outcome = 'failed';
    }
    this.emit({ type: 'send_failed', subscriberId: subscriber.id, period, outcome, error });
    return outcome;
  }

  private async digestMail(subscriber: Subscriber, period: string, items: DigestItem[], now: Date): Promise<OutgoingMail> {
    const links = await this.links(subscriber, now);
    const rendered = await this.deps.render({ items, date: now, timeZone: subscriber.prefs.timeZone, links: { base: this.deps.settings.baseUrl, ...links } });
    // Stable across retries, so a receiver can drop a copy re-sent after a crash mid-transfer.
    const key = `digest-${period.replace(':', '-')}-${subscriber.key}`;
    return this.mail(subscriber, key, now, { ...rendered, unsubscribe: { url: links.unsubscribe, mailto: this.unsubscribeMailto(subscriber) } });
  }

  /** The confirmation request, or for an active subscriber a reminder with their links. */
  private async notice(subscriber: Subscriber, now: Date): Promise<OutgoingMail> {
    const links = await this.links(subscriber, now);
    const text = subscriber.status === 'active'
      ? `Someone (hopefully you) asked to subscribe ${subscriber.email} to paperfeed digests.\n\nYou are already subscribed. To change what you get or when:\n${links.manage}\n\nTo unsubscribe:\n${links.unsubscribe}\n`
      : `Someone (hopefully you) asked to subscribe ${subscriber.email} to paperfeed digests of trending papers.\n\nTo confirm, open this link within 48 hours:\n${links.confirm}\n\nIf it wasn't you, ignore this email: nothing more will be sent.\n\nYour preferences (frequency, time, topics):\n${links.manage}\n`;
    const subject = subscriber.status === 'active' ? 'Your paperfeed subscription' : 'Confirm your paperfeed subscription';
    return this.mail(subscriber, `notice-${subscriber.key}-${now.getTime()}`, now, { subject, text });
  }

  private mail(subscriber: Subscriber, key: string, now: Date, content: Pick<OutgoingMail, 'subject' | 'text'> & Partial<OutgoingMail>): OutgoingMail {
    return {
      ...content,
      key,
      from: this.deps.settings.from,
      to: subscriber.email,
      messageId: `${key}@${new URL(this.deps.settings.baseUrl).hostname}`,
      date: now,
    };
  }

  /** RFC 2369 wants a mailto alternative: a mail to the From address with the subscriber's key. */
  private unsubscribeMailto(subscriber: Subscriber): string {
    const address = /<([^>]+)>/.exec(this.deps.settings.from)?.[1] ?? this.deps.settings.from;
    return `mailto:${address}?subject=${encodeURIComponent(`unsubscribe ${subscriber.key}`)}`;
  }

  /** The subscriber a link of this purpose names; an invalid, expired or deleted one is `unauthorized`. */
  async subscriberFor(token: string, purpose: TokenPurpose, now: Date): Promise<Subscriber> {
    const key = verifyToken(await this.secret(), token, purpose, now);
    const subscriber = await this.deps.store.subscriberByKey(key);
    // A deleted subscriber's links look like any invalid link.
    if (!subscriber) throw new PaperfeedError('unauthorized', 'this link is not valid; use the newest link we sent you');
    return subscriber;
  }

  private async token(subscriber: Subscriber, purpose: TokenPurpose, now: Date): Promise<string> {
    return signToken(await this.secret(), purpose, subscriber.key, new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]));
  }

  private secret(): Promise<Buffer> {
    this.secretPromise ??= loadOrCreateSecret(this.deps.state, SECRET_KEY);
    return this.secretPromise;
  }

  private emit(event: DigestEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Spaces sends evenly to keep the configured rate across all workers of a run. */
  private pacer(): () => Promise<void> {
    const { rate } = this.deps.settings;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let nextSlot = 0;
    return async () => {
      if (rate <= 0) return;
      const slot = Math.max(nextSlot, Date.now());
      nextSlot = slot + 1000 / rate;
      if (slot > Date.now()) await sleep(slot - Date.now());
    };
  }
}
