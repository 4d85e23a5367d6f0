import type { Statement } from 'better-sqlite3';
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

const COLUMNS = `id, ts, key_id, endpoint, alias, provider, deployment_id, model, status, error_code,
  prompt_tokens, completion_tokens, estimated, cost_usd, latency_ms, ttft_ms, streamed, attempts, attempt_chain, tags,
  cache_read_tokens, cache_write_tokens, cost_source`;
/** Values per row, in COLUMNS order. */
export const ROW_VALUES = 23;
const PLACEHOLDERS = `(${Array.from({ length: ROW_VALUES }, () => '?').join(', ')})`;
/** Rows per INSERT statement when writing a batch: one statement for many rows costs less per row. */
const MAX_ROWS_PER_INSERT = 16;

/** Appends a row as the INSERT's ROW_VALUES positional parameters, in COLUMNS order. */
export function rowValues(row: RequestLogRow, out: unknown[]): void {
  out.push(
    row.id,
    row.ts,
    row.key_id,
    row.endpoint,
    row.alias,
    row.provider,
    row.deployment_id,
    row.model,
    row.status,
    row.error_code,
    row.prompt_tokens,
    row.completion_tokens,
    row.estimated ? 1 : 0,
    row.cost_usd,
    row.latency_ms,
    row.ttft_ms,
    row.streamed ? 1 : 0,
    row.attempts.length,
    JSON.stringify(row.attempts),
    row.tags.length === 0 ? '[]' : JSON.stringify(row.tags),
    row.cache_read_tokens ?? 0,
    row.cache_write_tokens ?? 0,
    row.cost_source ?? null,
  );
}

export class RequestLogRepo {
  readonly #db: Db;
  /** INSERT statements by how many rows they write (1 to MAX_ROWS_PER_INSERT), prepared on first use. */
  readonly #inserts: Statement[] = [];

  constructor(db: Db) {
    this.#db = db;
    this.#insertFor(1);
  }

  #insertFor(rows: number): Statement {
    // Positional parameters: no per-row parameter object to build, and no 23 named lookups to bind.
    return (this.#inserts[rows] ??= this.#db.prepare(
      `INSERT INTO request_log (${COLUMNS}) VALUES ${Array.from({ length: rows }, () => PLACEHOLDERS).join(', ')}`,
    ));
  }

  insert(row: RequestLogRow): void {
    this.insertMany([row]);
  }

  /** Writes rows with as few statements as possible; call inside a transaction to make them one write. */
  insertMany(rows: readonly RequestLogRow[]): void {
    const values: unknown[] = [];
    for (const row of rows) rowValues(row, values);
    this.insertValues(values);
  }

  /** Writes rows given as rowValues() (ROW_VALUES per row), as insertMany() does. */
  insertValues(values: readonly unknown[]): void {
    const per = MAX_ROWS_PER_INSERT * ROW_VALUES;
    for (let at = 0; at < values.length; at += per) {
      const chunk = at === 0 && values.length <= per ? values : values.slice(at, at + per);
      this.#insertFor(chunk.length / ROW_VALUES).run(chunk);
    }
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
