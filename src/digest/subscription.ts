/**
 * Subscribers and their preferences: how often, when, how many papers, and what to include.
 * Everything here is validated once at the boundary with zod and trusted inside.
 */
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { FollowSchema, MAX_FOLLOWS, type Follow } from '../follows/follow.js';

/** Where a subscription stands. Only `active` subscribers receive digests. */
export type SubscriberStatus = 'pending' | 'active' | 'suspended' | 'unsubscribed';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What a subscriber chose. `weekday` only matters for weekly digests. */
export interface Preferences {
  frequency: 'daily' | 'weekly';
  weekday: Weekday;
  /** Local hour (0–23) in `timeZone` from which the period's digest is due. */
  hour: number;
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Papers per digest, 5–50. */
  size: number;
  /** Include what is trending overall. */
  trending: boolean;
  follows: Follow[];
}

/** One subscription. `key` is random and public-ish: links carry it, signed. */
export interface Subscriber {
  id: number;
  key: string;
  email: string;
  status: SubscriberStatus;
  prefs: Preferences;
  createdAt: string;
  confirmedAt?: string;
  hardBounces: number;
}

/** Zones already checked: asking Intl costs a formatter, and every stored subscriber is checked on each run. */
const checkedZones = new Map<string, boolean>();

/** Whether the runtime knows this IANA zone; Intl is the only time zone database we use. */
export function isTimeZone(zone: string): boolean {
  let known = checkedZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = zone.length <= 64;
    } catch {
      known = false;
    }
    // Bounded, since the zone can come from a form.
    if (checkedZones.size < 1000) checkedZones.set(zone, known);
  }
  return known;
}

export const PreferencesSchema = z.object({
  frequency: z.enum(['daily', 'weekly']).default('daily'),
  weekday: z.enum(WEEKDAYS).default('monday'),
  hour: z.coerce.number().int().min(0).max(23).default(7),
  timeZone: z.string().refine(isTimeZone, 'not a known IANA time zone').default('UTC'),
  size: z.coerce.number().int().min(5).max(50).default(10),
  trending: z.boolean().default(true),
  follows: z.array(FollowSchema).max(MAX_FOLLOWS, `at most ${MAX_FOLLOWS} follows`).default([]),
}).refine((prefs) => prefs.trending || prefs.follows.length > 0, { message: 'choose trending papers or at least one follow', path: ['follows'] });

/** The preferences of a new subscription: a daily digest of 10 trending papers at 07:00 UTC. */
export const DEFAULT_PREFERENCES: Preferences = PreferencesSchema.parse({});

/**
 * An email address we are willing to send to, normalised: trimmed, the domain lower-cased and
 * IDN domains in their ASCII (punycode) form. Local parts must be ASCII, since SMTPUTF8 is not
 * assumed of the relay; lengths follow RFC 5321 (64 for the local part, 254 in all).
 */
export const EmailSchema = z
  .string()
  .trim()
  .max(254, 'an email address has at most 254 characters')
  .transform((value, ctx) => {
    const at = value.lastIndexOf('@');
    const local = value.slice(0, at);
    const domain = at > 0 ? domainToASCII(value.slice(at + 1).toLowerCase()) : '';
    const address = `${local}@${domain}`;
    const localOk = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local) && local.length <= 64;
    const domainOk = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(domain);
    if (at <= 0 || !localOk || !domainOk || address.length > 254) {
      ctx.addIssue({ code: 'custom', message: 'not an email address we can send to' });
      return z.NEVER;
    }
    return address;
  });
