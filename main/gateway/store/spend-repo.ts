// Reads over the request ledger for spend reporting. Keys are joined for their aliases.
import type { Db } from './db.ts';
import type { RequestLogRow } from './request-log-repo.ts';
import { FELL_BACK_SQL, UsageRepo } from './usage-repo.ts';

export interface SpendFilter {
  keyId?: string;
  keyAlias?: string;
  alias?: string;
  provider?: string;
  /** `error`: status 400 and above. */
  outcome?: 'ok' | 'error';
  /** Whether another deployment answered after the first failed. */
  fellBack?: boolean;
  since?: number;
  until?: number;
  limit?: number;
}

export type SpendGroup = 'key' | 'alias' | 'model' | 'provider' | 'day' | 'tag';

const GROUP_SQL: Record<SpendGroup, { select: string; by: string }> = {
  key: { select: 'r.key_id AS key_id, k.key_alias AS key_alias', by: 'r.key_id' },
  alias: { select: 'r.alias AS alias', by: 'r.alias' },
  model: { select: 'r.model AS model', by: 'r.model' },
  provider: { select: 'r.provider AS provider', by: 'r.provider' },
  // Local days: "what did I spend on Tuesday" means the user's Tuesday.
  day: { select: "date(r.ts / 1000, 'unixepoch', 'localtime') AS day", by: 'day' },
  tag: { select: 't.value AS tag', by: 't.value' },
};

export interface SpendRowWithKey extends RequestLogRow {
  key_alias: string | null;
}

export class SpendRepo {
  readonly #db: Db;
  /** The Overview page's reads over the same ledger. */
  readonly usage: UsageRepo;
  constructor(db: Db) {
    this.#db = db;
    this.usage = new UsageRepo(db);
  }

  #where(f: SpendFilter): { sql: string; args: Record<string, unknown> } {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    const add = (sql: string, name: string, value: unknown) => {
      where.push(sql);
      args[name] = value;
    };
    if (f.keyId !== undefined) add('r.key_id = @keyId', 'keyId', f.keyId);
    if (f.keyAlias !== undefined) add('k.key_alias = @keyAlias', 'keyAlias', f.keyAlias);
    if (f.alias !== undefined) add('r.alias = @alias', 'alias', f.alias);
    if (f.provider !== undefined) add('r.provider = @provider', 'provider', f.provider);
    if (f.outcome !== undefined) where.push(f.outcome === 'error' ? 'r.status >= 400' : 'r.status < 400');
    if (f.fellBack !== undefined) where.push(f.fellBack ? FELL_BACK_SQL : `NOT ${FELL_BACK_SQL}`);
    if (f.since !== undefined) add('r.ts >= @since', 'since', f.since);
    if (f.until !== undefined) add('r.ts < @until', 'until', f.until);
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
  }

  logs(f: SpendFilter): SpendRowWithKey[] {
    const w = this.#where(f);
    const rows = this.#db
      .prepare(
        `SELECT r.*, k.key_alias AS key_alias FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id
         ${w.sql} ORDER BY r.ts DESC, r.rowid DESC LIMIT @limit`,
      )
      .all({ ...w.args, limit: f.limit ?? 1000 }) as (Record<string, unknown> & {
      attempt_chain: string;
      tags: string;
    })[];
    return rows.map(({ attempt_chain, attempts: _n, tags, estimated, streamed, ...r }) => ({
      ...(r as unknown as SpendRowWithKey),
      estimated: estimated === 1,
      streamed: streamed === 1,
      attempts: JSON.parse(attempt_chain),
      tags: JSON.parse(tags) as string[],
    }));
  }

  /** What was spent, each request counted once (a report grouped by tag counts a request under each tag). */
  total(f: SpendFilter): number {
    const w = this.#where(f);
    const r = this.#db
      .prepare(
        `SELECT round(coalesce(sum(r.cost_usd), 0), 10) AS spend
         FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id ${w.sql}`,
      )
      .get(w.args) as { spend: number };
    return r.spend;
  }

  report(groups: SpendGroup[], f: SpendFilter): Record<string, unknown>[] {
    const w = this.#where(f);
    const parts = groups.map((g) => GROUP_SQL[g]);
    const tagJoin = groups.includes('tag')
      ? ", json_each(CASE WHEN r.tags = '[]' THEN '[null]' ELSE r.tags END) t"
      : '';
    return this.#db
      .prepare(
        `SELECT ${parts.map((p) => p.select).join(', ')},
           count(*) AS requests,
           sum(CASE WHEN r.status >= 400 THEN 1 ELSE 0 END) AS errors,
           sum(r.prompt_tokens) AS prompt_tokens,
           sum(r.completion_tokens) AS completion_tokens,
           round(sum(r.cost_usd), 10) AS spend
         FROM request_log r LEFT JOIN api_keys k ON k.id = r.key_id${tagJoin}
         ${w.sql}
         GROUP BY ${parts.map((p) => p.by).join(', ')}
         ORDER BY spend DESC`,
      )
      .all(w.args) as Record<string, unknown>[];
  }
}
