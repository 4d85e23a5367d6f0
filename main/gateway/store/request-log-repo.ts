import type { Db } from './db.ts';

export interface AttemptRecord {
  deployment: string;
  provider: string;
  status: number;
  code: string | null;
  latency_ms: number;
}

export interface RequestLogRow {
  id: string;
  ts: number;
  key_id: string | null;
  endpoint: string;
  alias: string;
  provider: string | null;
  deployment_id: string | null;
  model: string | null;
  status: number;
  error_code: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  estimated: boolean;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  streamed: boolean;
  attempts: AttemptRecord[];
  /** Request tags (metadata.tags or x-switchyard-tags), for grouping spend. */
  tags: string[];
  /** The part of prompt_tokens read from the provider's prompt cache. */
  cache_read_tokens?: number;
  /** The part of prompt_tokens written to the provider's prompt cache. */
  cache_write_tokens?: number;
  /** Where cost_usd came from: the upstream's own bill ('upstream') or a price (see PriceSource). */
  cost_source?: string | null;
}

interface StoredRow extends Omit<
  RequestLogRow,
  'estimated' | 'streamed' | 'attempts' | 'tags' | 'cache_read_tokens' | 'cache_write_tokens' | 'cost_source'
> {
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_source: string | null;
  tags: string;
  estimated: number;
  streamed: number;
  attempts: number;
  attempt_chain: string;
}

export interface RequestLogQuery {
  since?: number;
  until?: number;
  keyId?: string | null;
  alias?: string;
  limit?: number;
}

export class RequestLogRepo {
  readonly #insert;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO request_log (id, ts, key_id, endpoint, alias, provider, deployment_id, model, status, error_code,
        prompt_tokens, completion_tokens, estimated, cost_usd, latency_ms, ttft_ms, streamed, attempts, attempt_chain, tags,
        cache_read_tokens, cache_write_tokens, cost_source)
      VALUES (@id, @ts, @key_id, @endpoint, @alias, @provider, @deployment_id, @model, @status, @error_code,
        @prompt_tokens, @completion_tokens, @estimated, @cost_usd, @latency_ms, @ttft_ms, @streamed, @attempts,
        @attempt_chain, @tags, @cache_read_tokens, @cache_write_tokens, @cost_source)`);
  }

  insert(row: RequestLogRow): void {
    this.#insert.run({
      ...row,
      estimated: row.estimated ? 1 : 0,
      streamed: row.streamed ? 1 : 0,
      attempts: row.attempts.length,
      attempt_chain: JSON.stringify(row.attempts),
      tags: JSON.stringify(row.tags),
      cache_read_tokens: row.cache_read_tokens ?? 0,
      cache_write_tokens: row.cache_write_tokens ?? 0,
      cost_source: row.cost_source ?? null,
    });
  }

  list(q: RequestLogQuery = {}): RequestLogRow[] {
    const where: string[] = [];
    const args: Record<string, unknown> = { limit: q.limit ?? 100 };
    const filter = (sql: string, name: string, value: unknown) => {
      where.push(sql);
      args[name] = value;
    };
    if (q.since !== undefined) filter('ts >= @since', 'since', q.since);
    if (q.until !== undefined) filter('ts < @until', 'until', q.until);
    if (q.keyId === null) where.push('key_id IS NULL');
    else if (q.keyId !== undefined) filter('key_id = @keyId', 'keyId', q.keyId);
    if (q.alias !== undefined) filter('alias = @alias', 'alias', q.alias);
    const sql = `SELECT * FROM request_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY ts DESC, rowid DESC LIMIT @limit`;
    return (this.#db.prepare(sql).all(args) as StoredRow[]).map(
      ({ attempt_chain, attempts: _count, tags, ...r }): RequestLogRow => ({
        ...r,
        tags: JSON.parse(tags) as string[],
        estimated: r.estimated === 1,
        streamed: r.streamed === 1,
        attempts: JSON.parse(attempt_chain) as AttemptRecord[],
      }),
    );
  }
}
