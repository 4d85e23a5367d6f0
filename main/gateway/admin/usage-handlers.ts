// usage.summary: the Overview page's numbers, from the ledger through store/usage-repo.ts.
import type { usageOperations } from '../../../shared/admin/usage.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';

const MINUTE_MS = 60_000;
const RECENT = 20;

/** Local midnight `daysBack` days before `now`'s day (DST-safe: built from the calendar, not by subtracting ms). */
function localMidnight(now: number, daysBack = 0): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysBack).getTime();
}

const pad = (n: number) => String(n).padStart(2, '0');
const localDay = (t: number) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

export function usageHandlers({ runtime, spend }: AdminDeps): HandlersFor<typeof usageOperations> {
  const repo = spend.usage;
  return {
    'usage.summary': ({ days }) => {
      const now = runtime.clock();
      // The ledger may hold rows a moment in the future of a test's manual clock: include this whole day.
      const until = localMidnight(now, -1);
      const today = localMidnight(now);
      const d = new Date(now);
      const monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
      const seriesStart = localMidnight(now, days - 1);
      const sum = (since: number) => repo.totals({ since, until }).spend;
      const todayTotals = repo.totals({ since: today, until });
      const series = { since: seriesStart, until };
      return {
        now,
        days: Array.from({ length: days }, (_, i) => localDay(localMidnight(now, days - 1 - i))),
        spend: {
          today: todayTotals.spend,
          d7: sum(localMidnight(now, 6)),
          d30: sum(localMidnight(now, 29)),
          month: sum(monthStart),
        },
        requests: { today: todayTotals.requests, errors_today: todayTotals.errors },
        by_key: repo.spendByDayAndKey(series),
        by_model: repo.spendByDayAndAlias(series),
        rpm: repo.requestsPerMinute({
          since: Math.floor(now / MINUTE_MS) * MINUTE_MS - 59 * MINUTE_MS,
          until: now + 1,
        }),
        recent_errors: repo.recentErrors(RECENT).map(({ deployment_id: _d, tried: _t, ...e }) => e),
        recent_fallbacks: repo.recentFallbacks(RECENT),
      };
    },
  };
}
