// How numbers, money and times read in the window: the same everywhere.

/** Dollars with enough digits that a fraction of a cent still shows. */
export function money(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  if (usd === 0) return '$0.00';
  const abs = Math.abs(usd);
  const digits = abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return `${usd < 0 ? '-' : ''}$${abs.toFixed(digits)}`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function dateTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function clock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "3 min ago", "in 2 h": for resets, expiry and last use. */
export function relative(t: string | number | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined) return 'never';
  const at = new Date(t).getTime();
  if (Number.isNaN(at)) return '—';
  const diff = at - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([s]) => abs >= s) ?? [1000, 's'];
  const n = Math.max(1, Math.round(abs / size));
  return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** Short day label for a chart axis: `2026-06-10` → `Jun 10`. */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}

const PERIODS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  mo: 'month',
  w: 'week',
};

/** `1d` → "per day", `30d` → "per 30 days". */
export function period(duration: string | null | undefined): string {
  if (!duration) return 'in total';
  const m = /^(\d+)(mo|s|m|h|d|w)$/.exec(duration);
  if (!m) return `per ${duration}`;
  const n = Number(m[1]);
  const unit = PERIODS[m[2]!]!;
  return n === 1 ? `per ${unit}` : `per ${n} ${unit}s`;
}
