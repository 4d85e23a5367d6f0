// When a key's budget period ends. `1d`, `7d` and `1mo` follow the calendar in local time (midnight,
// Monday, the 1st), which is what a person setting "$5 a day" expects; other durations roll from the
// start of the period.

export type Duration = { unit: 's' | 'm' | 'h' | 'd' | 'mo'; n: number };

const DURATION = /^(\d+)(s|m|h|d|mo)$/;

export function parseDuration(text: string): Duration | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  return { n, unit: m[2] as Duration['unit'] };
}

const MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function startOfLocalDay(t: number): Date {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d;
}

/** The end of the period that contains `now`, for a period that began at `periodStart`. */
export function periodEnd(duration: Duration, periodStart: number, now: number): number {
  if (duration.unit === 'd' && duration.n === 1) {
    const d = startOfLocalDay(now);
    d.setDate(d.getDate() + 1);
    return d.getTime();
  }
  if (duration.unit === 'd' && duration.n === 7) {
    const d = startOfLocalDay(now);
    const daysToMonday = (8 - d.getDay()) % 7 || 7;
    d.setDate(d.getDate() + daysToMonday);
    return d.getTime();
  }
  if (duration.unit === 'mo' && duration.n === 1) {
    const d = startOfLocalDay(now);
    d.setDate(1);
    d.setMonth(d.getMonth() + 1);
    return d.getTime();
  }
  if (duration.unit === 'mo') {
    const d = new Date(periodStart);
    while (d.getTime() <= now) d.setMonth(d.getMonth() + duration.n);
    return d.getTime();
  }
  const len = duration.n * MS[duration.unit];
  const elapsed = Math.max(0, now - periodStart);
  return periodStart + (Math.floor(elapsed / len) + 1) * len;
}

/** The start of the period that ends at `end` (for calendar periods, the previous boundary). */
export function periodStartFor(duration: Duration, end: number): number {
  if (duration.unit === 'mo') {
    const d = new Date(end);
    d.setMonth(d.getMonth() - duration.n);
    return d.getTime();
  }
  const d = new Date(end);
  if (duration.unit === 'd' && (duration.n === 1 || duration.n === 7)) {
    d.setDate(d.getDate() - duration.n);
    return d.getTime();
  }
  return end - duration.n * MS[duration.unit];
}
