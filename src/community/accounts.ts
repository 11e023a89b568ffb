/**
 * Accounts without passwords: a magic link sent by email signs a person in. Links are random,
 * single-use and expire after 15 minutes; sessions are signed cookies naming a random session id
 * that the store keeps (hashed) until it expires or the person signs out. Every sign-in starts a
 * new session id, so an id planted before sign-in (session fixation) never becomes signed in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StateStore } from '../catalog/store.js';
import type { Mailer } from '../digest/mailer.js';
import { TOKEN_LIFETIME_MS, loadOrCreateSecret, signToken, verifyToken } from '../digest/tokens.js';
import { PaperfeedError } from '../errors.js';
import { followKey, MAX_FOLLOWS } from '../follows/follow.js';
import type { Account, CommunityStore, SubscriptionLookup } from './store.js';

/** How long a sign-in link works. */
export const MAGIC_LINK_LIFETIME_MS = 15 * 60_000;
/** Sign-in mails per address per hour at most, whoever asks. */
const LINKS_PER_HOUR = 5;
const SECRET_KEY = 'community.token-secret';

export interface AccountDeps {
  store: CommunityStore;
  subscriptions: SubscriptionLookup;
  state: StateStore;
  mailer: Mailer;
  settings: { from: string; baseUrl: string };
}

/** A session as the web hands it to the browser. */
export interface SignedIn {
  account: Account;
  /** The signed cookie value. */
  cookie: string;
  expires: Date;
}

export class AccountService {
  private secretPromise: Promise<Buffer> | undefined;

  constructor(private readonly deps: AccountDeps) {}

  /**
   * Mails a sign-in link to the address (valid, normalised by the caller). The caller answers the
   * same whatever happens, so no one learns which addresses have accounts; past the hourly cap the
   * request is dropped silently.
   */
  async requestSignIn(email: string, now: Date): Promise<void> {
    const { store } = this.deps;
    if ((await store.magicLinksSince(email, new Date(now.getTime() - 3_600_000).toISOString())) >= LINKS_PER_HOUR) return;
    const token = randomBytes(32).toString('base64url');
    await store.addMagicLink(hash(token), email, now.toISOString(), new Date(now.getTime() + MAGIC_LINK_LIFETIME_MS).toISOString());
    const link = `${this.deps.settings.baseUrl}/signin/${token}`;
    await this.deps.mailer.send({
      key: `signin-${hash(token).slice(0, 16)}`,
      from: this.deps.settings.from,
      to: email,
      subject: 'Sign in to paperfeed',
      text: `Someone (hopefully you) asked to sign in to paperfeed as ${email}.\n\nTo sign in, open this link within 15 minutes; it works once:\n${link}\n\nIf it wasn't you, ignore this email.\n`,
      messageId: `signin-${hash(token).slice(0, 16)}@${new URL(this.deps.settings.baseUrl).hostname}`,
      date: now,
    });
  }

  /**
   * Spends a sign-in link and starts a new session, ending the one the browser had (if any).
   * The first sign-in creates the account; an address with a digest subscription becomes linked
   * to it, and its follows carry over to an account that has none yet.
   */
  async signIn(token: string, now: Date, previousCookie?: string): Promise<SignedIn> {
    const { store } = this.deps;
    const email = await store.consumeMagicLink(hash(token), now.toISOString());
    if (!email) {
      const state = await store.magicLinkState(hash(token));
      throw new PaperfeedError('unauthorized', state?.usedAt
        ? 'this sign-in link was already used; ask for a new one'
        : state ? 'this sign-in link has expired; ask for a new one' : 'this sign-in link is not valid; ask for a new one');
    }
    if (previousCookie) await this.signOut(previousCookie, now);
    const account = await store.accountFor(email, now.toISOString());
    const subscriberId = await store.linkSubscriber(account.id);
    if (subscriberId !== null && (await store.follows(account.id)).length === 0) {
      const subscriber = await this.deps.subscriptions.subscriberByEmail(email);
      for (const follow of subscriber?.prefs.follows ?? []) {
        await store.addFollow(account.id, followKey(follow), follow, now.toISOString(), MAX_FOLLOWS);
      }
    }
    const sessionId = randomBytes(32).toString('base64url');
    const expires = new Date(now.getTime() + TOKEN_LIFETIME_MS.session);
    await store.addSession(hash(sessionId), account.id, now.toISOString(), expires.toISOString());
    return { account: { ...account, subscriberId }, cookie: signToken(await this.secret(), 'session', sessionId, expires), expires };
  }

  /** The account a session cookie belongs to; undefined for a missing, forged, expired or ended one. */
  async accountOf(cookie: string | undefined, now: Date): Promise<Account | undefined> {
    const sessionId = cookie && (await this.sessionIdOf(cookie, now));
    if (!sessionId) return undefined;
    const accountId = await this.deps.store.sessionAccount(hash(sessionId), now.toISOString());
    return accountId === undefined ? undefined : this.deps.store.account(accountId);
  }

  /** Ends the session of a cookie. */
  async signOut(cookie: string, now: Date): Promise<void> {
    const sessionId = await this.sessionIdOf(cookie, now);
    if (sessionId) await this.deps.store.deleteSession(hash(sessionId));
  }

  /** The secret part of an account's personal feed address. */
  async feedToken(account: Account, now: Date): Promise<string> {
    return signToken(await this.secret(), 'feed', String(account.id), new Date(now.getTime() + TOKEN_LIFETIME_MS.feed));
  }

  /** The account a feed token names; an invalid one is `not_found`, like any unknown feed. */
  async accountOfFeed(token: string, now: Date): Promise<Account> {
    let id: string;
    try {
      id = verifyToken(await this.secret(), token, 'feed', now);
    } catch {
      throw new PaperfeedError('not_found', 'no such feed');
    }
    const account = await this.deps.store.account(Number(id));
    if (!account) throw new PaperfeedError('not_found', 'no such feed');
    return account;
  }

  private async sessionIdOf(cookie: string, now: Date): Promise<string | undefined> {
    try {
      return verifyToken(await this.secret(), cookie, 'session', now);
    } catch {
      return undefined;
    }
  }

  private secret(): Promise<Buffer> {
    this.secretPromise ??= loadOrCreateSecret(this.deps.state, SECRET_KEY);
    return this.secretPromise;
  }
}

/** Secrets are stored only as hashes, so the database alone signs no one in. */
function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
