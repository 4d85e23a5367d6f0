// Budget period boundaries. Calendar periods (1d, 7d, 1mo) follow local time, so they are checked in
// zones with daylight saving time (23 and 25 hour days, a day whose midnight does not exist); rolling
// periods are plain elapsed time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseDuration,
  periodEnd,
  periodStartFor,
  type Duration,
} from '../../../main/gateway/keys/budget-period.ts';

const savedTz = process.env.TZ;
const setTz = (tz: string) => {
  process.env.TZ = tz;
};
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const d = (text: string): Duration => {
  const r = parseDuration(text);
  if (!r) throw new Error(`bad duration ${text}`);
  return r;
};
/** A local wall-clock time in the current TZ. */
const local = (y: number, mo: number, day: number, h = 0, mi = 0, s = 0, ms = 0) =>
  new Date(y, mo - 1, day, h, mi, s, ms).getTime();
const HOUR = 3_600_000;

describe('parseDuration', () => {
  it('reads the LiteLLM forms', () => {
    expect(parseDuration('30s')).toEqual({ n: 30, unit: 's' });
    expect(parseDuration('15m')).toEqual({ n: 15, unit: 'm' });
    expect(parseDuration('1h')).toEqual({ n: 1, unit: 'h' });
    expect(parseDuration('1d')).toEqual({ n: 1, unit: 'd' });
    expect(parseDuration('7d')).toEqual({ n: 7, unit: 'd' });
    expect(parseDuration('1mo')).toEqual({ n: 1, unit: 'mo' });
    expect(parseDuration(' 2h ')).toEqual({ n: 2, unit: 'h' });
  });

  it('refuses what is not a positive whole duration', () => {
    for (const bad of ['', '0d', '1w', '1.5h', '-1d', 'd', '1', '1 d', '1y', '99999999999999999999s']) {
      expect(parseDuration(bad), bad).toBeUndefined();
    }
  });
});

describe.each(['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kathmandu'])(
  'calendar periods in %s',
  (tz) => {
    beforeAll(() => setTz(tz));

    it('1d ends at the next local midnight, wherever in the day it starts', () => {
      const created = local(2025, 6, 10, 15, 42);
      expect(periodEnd(d('1d'), created, created)).toBe(local(2025, 6, 11));
      expect(periodEnd(d('1d'), created, local(2025, 6, 10, 23, 59, 59, 999))).toBe(local(2025, 6, 11));
      // The boundary itself belongs to the next period.
      expect(periodEnd(d('1d'), created, local(2025, 6, 11))).toBe(local(2025, 6, 12));
      // Days later: the midnight after now, not after the period start.
      expect(periodEnd(d('1d'), created, local(2025, 6, 14, 9))).toBe(local(2025, 6, 15));
      expect(periodStartFor(d('1d'), local(2025, 6, 15))).toBe(local(2025, 6, 14));
    });

    it('7d ends at the next Monday 00:00 local', () => {
      // 2025-06-11 is a Wednesday; 2025-06-16 a Monday.
      const wed = local(2025, 6, 11, 13);
      expect(new Date(local(2025, 6, 16)).getDay()).toBe(1);
      expect(periodEnd(d('7d'), wed, wed)).toBe(local(2025, 6, 16));
      expect(periodEnd(d('7d'), wed, local(2025, 6, 15, 23, 59))).toBe(local(2025, 6, 16));
      // On Monday at midnight the next period runs to the Monday after.
      expect(periodEnd(d('7d'), wed, local(2025, 6, 16))).toBe(local(2025, 6, 23));
      expect(periodEnd(d('7d'), wed, local(2025, 6, 16, 0, 0, 1))).toBe(local(2025, 6, 23));
      expect(periodStartFor(d('7d'), local(2025, 6, 23))).toBe(local(2025, 6, 16));
    });

    it('1mo ends on the 1st of the next month, across month lengths and years', () => {
      expect(periodEnd(d('1mo'), 0, local(2025, 1, 31, 18))).toBe(local(2025, 2, 1));
      expect(periodEnd(d('1mo'), 0, local(2024, 2, 29, 12))).toBe(local(2024, 3, 1));
      expect(periodEnd(d('1mo'), 0, local(2025, 12, 15))).toBe(local(2026, 1, 1));
      expect(periodEnd(d('1mo'), 0, local(2025, 3, 1))).toBe(local(2025, 4, 1));
      expect(periodStartFor(d('1mo'), local(2026, 1, 1))).toBe(local(2025, 12, 1));
      expect(periodStartFor(d('1mo'), local(2025, 3, 1))).toBe(local(2025, 2, 1));
    });
  },
);

describe('calendar periods across daylight saving changes (America/New_York)', () => {
  beforeAll(() => setTz('America/New_York'));

  it('a 23-hour day (clocks forward) still ends at local midnight', () => {
    // 2025-03-09: 02:00 EST becomes 03:00 EDT.
    const morning = local(2025, 3, 9, 1);
    const end = periodEnd(d('1d'), morning, morning);
    expect(end).toBe(local(2025, 3, 10));
    expect(end - local(2025, 3, 9)).toBe(23 * HOUR);
    expect(periodStartFor(d('1d'), end)).toBe(local(2025, 3, 9));
  });

  it('a 25-hour day (clocks back) still ends at local midnight', () => {
    // 2025-11-02: 02:00 EDT becomes 01:00 EST.
    const end = periodEnd(d('1d'), 0, local(2025, 11, 2, 12));
    expect(end).toBe(local(2025, 11, 3));
    expect(end - local(2025, 11, 2)).toBe(25 * HOUR);
    expect(periodStartFor(d('1d'), end)).toBe(local(2025, 11, 2));
  });

  it('a week with a clock change still ends on Monday 00:00 local', () => {
    const end = periodEnd(d('7d'), 0, local(2025, 3, 6, 12));
    expect(end).toBe(local(2025, 3, 10));
    expect(new Date(end).getHours()).toBe(0);
    expect(periodStartFor(d('7d'), end)).toBe(local(2025, 3, 3));
    expect(end - local(2025, 3, 3)).toBe(7 * 24 * HOUR - HOUR);
  });

  it('a month with a clock change still ends on the 1st at 00:00 local', () => {
    const end = periodEnd(d('1mo'), 0, local(2025, 11, 20));
    expect(end).toBe(local(2025, 12, 1));
    expect(new Date(end).getHours()).toBe(0);
  });
});

describe('a day whose midnight does not exist (America/Santiago)', () => {
  beforeAll(() => setTz('America/Santiago'));

  it('ends the 1d period at the first instant of the next day', () => {
    // 2024-09-08: clocks go from 00:00 straight to 01:00 in Chile.
    const end = periodEnd(d('1d'), 0, local(2024, 9, 7, 20));
    const next = new Date(end);
    expect(next.getDate()).toBe(8);
    expect(end).toBeGreaterThan(local(2024, 9, 7, 20));
    // One millisecond earlier is still the 7th.
    expect(new Date(end - 1).getDate()).toBe(7);
    expect(periodEnd(d('1d'), 0, end)).toBeGreaterThan(end);
  });
});

describe('rolling periods', () => {
  beforeAll(() => setTz('America/New_York'));
  const t0 = Date.UTC(2025, 2, 9, 6, 30, 0); // 01:30 EST, half an hour before the clocks go forward

  it('30s rolls from the start of the period', () => {
    expect(periodEnd(d('30s'), t0, t0)).toBe(t0 + 30_000);
    expect(periodEnd(d('30s'), t0, t0 + 29_999)).toBe(t0 + 30_000);
    expect(periodEnd(d('30s'), t0, t0 + 30_000)).toBe(t0 + 60_000);
    // After a long pause the boundary stays on the 30 s grid from the start.
    expect(periodEnd(d('30s'), t0, t0 + 95_000)).toBe(t0 + 120_000);
    expect(periodStartFor(d('30s'), t0 + 120_000)).toBe(t0 + 90_000);
  });

  it('a clock earlier than the start (a clock set back) ends one period after the start', () => {
    expect(periodEnd(d('30s'), t0, t0 - 5_000)).toBe(t0 + 30_000);
  });

  it('hours and days count elapsed time, whatever the wall clock does', () => {
    expect(periodEnd(d('1h'), t0, t0 + 10)).toBe(t0 + HOUR);
    expect(periodEnd(d('2h'), t0, t0 + 10)).toBe(t0 + 2 * HOUR);
    expect(periodEnd(d('15m'), t0, t0 + 16 * 60_000)).toBe(t0 + 30 * 60_000);
    expect(periodEnd(d('2d'), t0, t0 + 10)).toBe(t0 + 48 * HOUR);
    expect(periodStartFor(d('2d'), t0 + 48 * HOUR)).toBe(t0);
  });

  it('months other than 1mo roll from the start date', () => {
    const jan15 = local(2025, 1, 15, 9);
    expect(periodEnd(d('3mo'), jan15, local(2025, 2, 1))).toBe(local(2025, 4, 15, 9));
    expect(periodEnd(d('3mo'), jan15, local(2025, 4, 15, 9))).toBe(local(2025, 7, 15, 9));
    expect(periodStartFor(d('3mo'), local(2025, 7, 15, 9))).toBe(local(2025, 4, 15, 9));
  });
});
