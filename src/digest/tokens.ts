/**
 * Signed, expiring links: they let a subscriber confirm, change preferences or unsubscribe
 * without a password. A token names its purpose, so an unsubscribe link cannot read anyone's data.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StateStore } from '../catalog/store.js';
import { PaperfeedError } from '../errors.js';

/**
 * What a token allows: confirming, managing (preferences, export, delete), unsubscribing; and
 * for accounts (src/community), a session cookie and a personal feed's address.
 */
export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'session' | 'feed';

/** How long each kind of link works after it was sent. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  confirm: 2 * 86_400_000,
  // Digests stay in inboxes for a long time; their links must keep working.
  manage: 365 * 86_400_000,
  unsubscribe: 365 * 86_400_000,
  session: 30 * 86_400_000,
  // Feed readers keep an address for years.
  feed: 10 * 365 * 86_400_000,
};

/**
 * The secret stored under `key`, generated on first use. No secret ships in the code, and every
 * process of one installation agrees because the state store is shared.
 */
export async function loadOrCreateSecret(state: StateStore, key: string): Promise<Buffer> {
  const stored = await state.getState(key);
  if (stored) return Buffer.from(stored, 'base64url');
  await state.setState(key, randomBytes(32).toString('base64url'));
  // Read back, so two processes starting at once both use whichever write landed last.
  return Buffer.from((await state.getState(key))!, 'base64url');
}

const mac = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/**
 * A token `<purpose>.<subscriber key>.<expiry, base36 seconds>.<HMAC>`: URL-safe, with nothing
 * secret in it.
 *
 * @example signToken(secret, 'manage', 'k3Yc…', new Date('2027-11-28T00:00:00Z'))
 */
export function signToken(secret: Buffer, purpose: TokenPurpose, subscriberKey: string, expires: Date): string {
  const body = `${purpose}.${subscriberKey}.${Math.floor(expires.getTime() / 1000).toString(36)}`;
  return `${body}.${mac(secret, body)}`;
}

/** The subscriber key a valid, unexpired token of this purpose names; anything else is `unauthorized`. */
export function verifyToken(secret: Buffer, token: string, purpose: TokenPurpose, now: Date): string {
  const parts = token.split('.');
  const [tokenPurpose, key, expiry, signature] = parts;
  const body = parts.slice(0, 3).join('.');
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature ?? '');
  if (parts.length !== 4 || given.length !== expected.length || !timingSafeEqual(given, expected) || tokenPurpose !== purpose || !key) {
    throw new PaperfeedError('unauthorized', 'this link is not valid; use the newest link we sent you');
  }
  if (parseInt(expiry!, 36) * 1000 < now.getTime()) {
    throw new PaperfeedError('unauthorized', 'this link has expired; subscribe again to get a new one');
  }
  return key;
}
