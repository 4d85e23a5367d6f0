// Per-app keys and their budget state. The budget module keeps spend and reservations in memory and
// writes them here in one synchronous transaction per batch (see transaction()); nothing here awaits.
import type { Db } from './db.ts';

export interface KeyRow {
  id: string;
  token: string;
  key_name: string;
  key_alias: string | null;
  models: string[];
  plan: string | null;
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  period_duration: string | null;
  period_start: number;
  budget_reset_at: number | null;
  spend: number;
  reserved: number;
  total_spend: number;
  tpm_limit: number | null;
  rpm_limit: number | null;
  max_parallel_requests: number | null;
  budget_fallback: string | null;
  expires: number | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  deleted_at: number | null;
}

type StoredKey = Omit<KeyRow, 'models' | 'metadata' | 'blocked'> & {
  models: string;
  metadata: string;
  blocked: number;
};

const COLUMNS = [
  'id',
  'token',
  'key_name',
  'key_alias',
  'models',
  'plan',
  'max_budget',
  'soft_budget',
  'budget_duration',
  'period_duration',
  'period_start',
  'budget_reset_at',
  'spend',
  'reserved',
  'total_spend',
  'tpm_limit',
  'rpm_limit',
  'max_parallel_requests',
  'budget_fallback',
  'expires',
  'blocked',
  'metadata',
  'created_at',
  'updated_at',
  'last_used_at',
  'deleted_at',
] as const;

/** The settings a caller may change through update(). */
export type KeyPatch = Partial<
  Pick<
    KeyRow,
    | 'token'
    | 'key_name'
    | 'key_alias'
    | 'models'
    | 'plan'
    | 'max_budget'
    | 'soft_budget'
    | 'budget_duration'
    | 'tpm_limit'
    | 'rpm_limit'
    | 'max_parallel_requests'
    | 'budget_fallback'
    | 'expires'
    | 'blocked'
    | 'metadata'
    | 'deleted_at'
  >
>;

function toRow(s: StoredKey): KeyRow {
  return {
    ...s,
    models: JSON.parse(s.models) as string[],
    metadata: JSON.parse(s.metadata),
    blocked: s.blocked === 1,
  };
}

function toStored(patch: KeyPatch | KeyRow): Record<string, unknown> {
  const out: Record<string, unknown> = { ...patch };
  if (patch.models !== undefined) out.models = JSON.stringify(patch.models);
  if (patch.metadata !== undefined) out.metadata = JSON.stringify(patch.metadata);
  if (patch.blocked !== undefined) out.blocked = patch.blocked ? 1 : 0;
  return out;
}

export interface BudgetState {
  spend: number;
  reserved: number;
  period_start: number;
  budget_reset_at: number | null;
  period_duration: string | null;
}

export class KeysRepo {
  readonly #db: Db;
  readonly #byToken;
  readonly #byId;
  readonly #budget;
  readonly #addSpend;
  readonly #setPeriod;
  readonly #dataVersion;
  readonly #alert;
  readonly #alertFired;
  readonly #tx;

  constructor(db: Db) {
    this.#db = db;
    this.#byToken = db.prepare('SELECT * FROM api_keys WHERE token = ? AND deleted_at IS NULL');
    this.#byId = db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.#budget = db.prepare(
      'SELECT spend, reserved, period_start, budget_reset_at, period_duration FROM api_keys WHERE id = ?',
    );
    this.#addSpend = db.prepare(
      `UPDATE api_keys SET spend = spend + ?, total_spend = total_spend + ?, reserved = ?,
         last_used_at = coalesce(?, last_used_at) WHERE id = ?`,
    );
    this.#setPeriod = db.prepare(
      `UPDATE api_keys SET spend = CASE WHEN ? THEN 0 ELSE spend END, period_start = ?, budget_reset_at = ?,
         period_duration = ? WHERE id = ?`,
    );
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.#alert = db.prepare(
      'INSERT OR IGNORE INTO key_alerts (key_id, period_start, threshold, fired_at) VALUES (?, ?, ?, ?)',
    );
    this.#alertFired = db
      .prepare('SELECT 1 FROM key_alerts WHERE key_id = ? AND period_start = ? AND threshold = ?')
      .pluck();
    // Built once: better-sqlite3's db.transaction() makes a new wrapper (several closures) per call.
    this.#tx = db.transaction((fn: () => unknown) => fn());
  }

  /** Runs fn in one BEGIN IMMEDIATE transaction. fn must be synchronous: no await inside. */
  transaction<T>(fn: () => T): T {
    return this.#tx.immediate(fn) as T;
  }

  insert(row: KeyRow): void {
    const cols = COLUMNS.join(', ');
    const vals = COLUMNS.map((c) => `@${c}`).join(', ');
    this.#db.prepare(`INSERT INTO api_keys (${cols}) VALUES (${vals})`).run(toStored(row));
  }

  update(id: string, patch: KeyPatch, now: number): void {
    const keys = Object.keys(patch).filter((k) => (COLUMNS as readonly string[]).includes(k));
    if (keys.length === 0) return;
    const sets = [...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ');
    this.#db
      .prepare(`UPDATE api_keys SET ${sets} WHERE id = @id`)
      .run({ ...toStored(patch), updated_at: now, id });
  }

  byToken(token: string): KeyRow | undefined {
    const s = this.#byToken.get(token) as StoredKey | undefined;
    return s && toRow(s);
  }

  byId(id: string): KeyRow | undefined {
    const s = this.#byId.get(id) as StoredKey | undefined;
    return s && toRow(s);
  }

  byAlias(alias: string): KeyRow | undefined {
    const s = this.#db
      .prepare('SELECT * FROM api_keys WHERE key_alias = ? AND deleted_at IS NULL')
      .get(alias) as StoredKey | undefined;
    return s && toRow(s);
  }

  list(q: { key_alias?: string; plan?: string; offset: number; limit: number }): {
    rows: KeyRow[];
    total: number;
  } {
    const where = ['deleted_at IS NULL'];
    if (q.key_alias !== undefined) where.push('key_alias = @key_alias');
    if (q.plan !== undefined) where.push('plan = @plan');
    const w = where.join(' AND ');
    const total = (this.#db.prepare(`SELECT count(*) AS n FROM api_keys WHERE ${w}`).get(q) as { n: number })
      .n;
    const rows = this.#db
      .prepare(`SELECT * FROM api_keys WHERE ${w} ORDER BY created_at, id LIMIT @limit OFFSET @offset`)
      .all(q) as StoredKey[];
    return { rows: rows.map(toRow), total };
  }

  budgetState(id: string): BudgetState | undefined {
    return this.#budget.get(id) as BudgetState | undefined;
  }

  /**
   * Writes a key's budget period as the budget module holds it, resetting spend to 0 when a new period
   * began. Spend itself is only ever written as increments (addSpend): a second process on the same
   * database (which the product does not run, but a user can start) never erases the other's cost.
   */
  setPeriod(id: string, p: Omit<BudgetState, 'reserved' | 'spend'>, reset: boolean): void {
    this.#setPeriod.run(reset ? 1 : 0, p.period_start, p.budget_reset_at, p.period_duration, id);
  }

  /** Adds settled cost to a key and records what it has reserved right now (in flight, in memory). */
  addSpend(id: string, spend: number, total: number, reserved: number, lastUsedAt: number | null): void {
    this.#addSpend.run(spend, total, reserved, lastUsedAt, id);
  }

  /** Changes when another connection commits (another process on this file): see BudgetBook. */
  dataVersion(): number {
    return this.#dataVersion.get() as number;
  }

  /** Whether a threshold has fired in a period. */
  alertFired(id: string, periodStart: number, threshold: string): boolean {
    return this.#alertFired.get(id, periodStart, threshold) !== undefined;
  }

  /** Records that a threshold fired in a period; false when it already had. */
  markAlert(id: string, periodStart: number, threshold: string, now: number): boolean {
    return this.#alert.run(id, periodStart, threshold, now).changes === 1;
  }

  /** After a restart no request is in flight: nothing may stay reserved. */
  releaseAllReservations(): number {
    return this.#db.prepare('UPDATE api_keys SET reserved = 0 WHERE reserved != 0').run().changes;
  }
}
