import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duePeriod, localTime } from '../../src/digest/schedule.js';
import { DEFAULT_PREFERENCES } from '../../src/digest/subscription.js';

const at = (iso: string) => new Date(iso);
const prefs = (over: Partial<typeof DEFAULT_PREFERENCES>) => ({ ...DEFAULT_PREFERENCES, ...over });

/** Every run of a scheduler ticking each minute over [start, end), and the periods it finds due. */
function periodsDue(p: ReturnType<typeof prefs>, start: string, end: string): { first: string; period: string }[] {
  const seen = new Map<string, string>();
  for (let t = Date.parse(start); t < Date.parse(end); t += 60_000) {
    const period = duePeriod(p, new Date(t));
    if (period && !seen.has(period)) seen.set(period, new Date(t).toISOString());
  }
  return [...seen].map(([period, first]) => ({ first, period }));
}

test('the local hour decides, in each time zone', () => {
  assert.equal(duePeriod(prefs({ hour: 8, timeZone: 'Asia/Tokyo' }), at('2026-11-27T22:59:00Z')), undefined);
  assert.equal(duePeriod(prefs({ hour: 8, timeZone: 'Asia/Tokyo' }), at('2026-11-27T23:00:00Z')), 'd:2026-11-28');
  assert.equal(duePeriod(prefs({ hour: 8, timeZone: 'America/Los_Angeles' }), at('2026-11-28T16:00:00Z')), 'd:2026-11-28');
  assert.equal(duePeriod(prefs({ hour: 0, timeZone: 'Asia/Kolkata' }), at('2026-11-27T18:30:00Z')), 'd:2026-11-28');
  assert.deepEqual(localTime(at('2026-11-28T07:00:00Z'), 'Europe/Berlin'), { date: '2026-11-28', hour: 8, weekday: 'saturday' });
});

test('weekly digests come on the chosen local weekday only', () => {
  const weekly = prefs({ frequency: 'weekly', weekday: 'monday', hour: 9, timeZone: 'Pacific/Auckland' });
  // Sunday 20:00 UTC is Monday 09:00 in Auckland (UTC+13 in November).
  assert.equal(duePeriod(weekly, at('2026-11-29T20:00:00Z')), 'w:2026-11-30');
  assert.equal(duePeriod(weekly, at('2026-11-30T20:00:00Z')), undefined);
});

test('spring forward: a 02:00 delivery skipped by DST goes at 03:00, once', () => {
  // New York, 8 March 2026: 02:00 local does not exist; clocks jump from 01:59 EST to 03:00 EDT (07:00 UTC).
  assert.deepEqual(periodsDue(prefs({ hour: 2, timeZone: 'America/New_York' }), '2026-03-08T05:00:00Z', '2026-03-09T12:00:00Z'), [
    { first: '2026-03-08T07:00:00.000Z', period: 'd:2026-03-08' },
    { first: '2026-03-09T06:00:00.000Z', period: 'd:2026-03-09' },
  ]);
});

test('fall back: a 01:00 delivery that happens twice is one period', () => {
  // New York, 1 November 2026: 01:00–01:59 happens twice (05:00 UTC as EDT, 06:00 UTC as EST).
  const newYork = prefs({ hour: 1, timeZone: 'America/New_York' });
  assert.equal(duePeriod(newYork, at('2026-11-01T06:30:00Z')), 'd:2026-11-01');
  assert.deepEqual(periodsDue(newYork, '2026-11-01T04:00:00Z', '2026-11-02T12:00:00Z'), [
    { first: '2026-11-01T05:00:00.000Z', period: 'd:2026-11-01' },
    { first: '2026-11-02T06:00:00.000Z', period: 'd:2026-11-02' },
  ]);
  // Berlin's change (25 October 2026, 03:00 → 02:00): a 02:00 subscriber is due once that day.
  assert.equal(periodsDue(prefs({ hour: 2, timeZone: 'Europe/Berlin' }), '2026-10-24T23:00:00Z', '2026-10-25T22:00:00Z').length, 1);
});
