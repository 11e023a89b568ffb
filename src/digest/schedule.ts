/**
 * When a digest is due, by the subscriber's local clock. Pure: the instant is passed in, and the
 * time zone rules come from Intl, so daylight saving changes need no special case.
 */
import { WEEKDAYS, type Preferences } from './subscription.js';

/** A wall-clock reading in one time zone. */
export interface LocalTime {
  /** `YYYY-MM-DD`. */
  date: string;
  hour: number;
  weekday: (typeof WEEKDAYS)[number];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Reads the wall clock of `timeZone` at `at`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', weekday: 'long',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    weekday: parts.weekday!.toLowerCase() as LocalTime['weekday'],
  };
}

/**
 * The period whose digest is due at `now`, or undefined. A period is a local day (`d:2026-11-28`)
 * or, for weekly digests, the local day of the chosen weekday (`w:2026-11-30`). It is due from the
 * chosen local hour to the end of that local day. Keying by local day (not by hour) is what makes
 * daylight saving harmless: when 02:00 is skipped the digest goes at 03:00, and when 01:00 happens
 * twice the second one finds the period already in the ledger.
 */
export function duePeriod(prefs: Pick<Preferences, 'frequency' | 'weekday' | 'hour' | 'timeZone'>, now: Date): string | undefined {
  const local = localTime(now, prefs.timeZone);
  if (local.hour < prefs.hour) return undefined;
  if (prefs.frequency === 'daily') return `d:${local.date}`;
  return local.weekday === prefs.weekday ? `w:${local.date}` : undefined;
}
