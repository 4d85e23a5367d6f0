// Reads over the request ledger for the Overview page: totals in a time range, per-day series by app and
// by alias, per-minute request counts, and the latest errors and fallbacks.
import type { Db } from './db.ts';

/** A request fell back when more than one deployment was tried (retries on the same one do not count). */
export const FELL_BACK_SQL = `(SELECT count(DISTINCT json_extract(a.value, '$.deployment'))
  FROM json_each(r.attempt_chain) a) > 1`;

/** Local days, as spend-repo's `day` group: the user's Tuesday, not UTC's. */
const DAY_SQL = "date(r.ts / 1000, 'unixepoch', 'localtime')";

export interface TimeRange {
  since: number;
  until: number;
}

export interface LedgerEvent {
  ts: number;
  request_id: string;
  alias: string;
  status: number;
  error_code: string | null;
  key_alias: string | null;
  deployment_id: string | null;
  tried: string[];
}

interface EventRow extends Omit<LedgerEvent, 'tried'> {
  attempt_chain: string;
}

export class UsageRepo {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  totals(range: TimeRange): { spend: number; requests: number; errors: number } {
    return this.#db
      .prepare(
        `SELECT round(coalesce(sum(cost_usd), 0), 10) AS spend, count(*) AS requests,
           coalesce(sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END), 0) AS errors
         FROM request_log r WHERE r.ts >= @since AND r.ts < @until`,
      )
      .get(range) as { spend: number; requests: number; errors: number };
  }

  spendByDayAndKey(range: TimeRange) {
    return this.#db
      .prepare(
        `SELECT ${DAY_SQL} AS day, r.key_id AS key_id, k.key_alias AS key_alias,
           round(sum(r.cost_usd), 10) AS spend, count(*) AS requests
         FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id
         WHERE r.ts >= @since AND r.ts < @until
         GROUP BY day, r.key_id ORDER BY day, spend DESC`,
      )
      .all(range) as {
      day: string;
      key_id: string | null;
      key_alias: string | null;
      spend: number;
      requests: number;
    }[];
  }

  spendByDayAndAlias(range: TimeRange) {
    return this.#db
      .prepare(
        `SELECT ${DAY_SQL} AS day, r.alias AS alias, round(sum(r.cost_usd), 10) AS spend, count(*) AS requests
         FROM request_log r WHERE r.ts >= @since AND r.ts < @until
         GROUP BY day, r.alias ORDER BY day, spend DESC`,
      )
      .all(range) as { day: string; alias: string; spend: number; requests: number }[];
  }

  requestsPerMinute(range: TimeRange): { minute: number; requests: number }[] {
    return this.#db
      .prepare(
        `SELECT CAST(r.ts / 60000 AS INTEGER) * 60000 AS minute, count(*) AS requests
         FROM request_log r WHERE r.ts >= @since AND r.ts < @until
         GROUP BY minute ORDER BY minute`,
      )
      .all(range) as { minute: number; requests: number }[];
  }

  recentErrors(limit: number): LedgerEvent[] {
    return this.#events('r.status >= 400', limit);
  }

  recentFallbacks(limit: number): LedgerEvent[] {
    return this.#events(FELL_BACK_SQL, limit);
  }

  #events(where: string, limit: number): LedgerEvent[] {
    const rows = this.#db
      .prepare(
        `SELECT r.ts, r.id AS request_id, r.alias, r.status, r.error_code, k.key_alias AS key_alias,
           r.deployment_id, r.attempt_chain
         FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id
         WHERE ${where} ORDER BY r.ts DESC, r.rowid DESC LIMIT @limit`,
      )
      .all({ limit }) as EventRow[];
    return rows.map(({ attempt_chain, ...r }) => ({
      ...r,
      tried: (JSON.parse(attempt_chain) as { deployment: string }[]).map((a) => a.deployment),
    }));
  }
}
