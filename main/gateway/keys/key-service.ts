// Per-app keys: generate, change, look up. Secrets are shown once and stored only as a SHA-256 hash.
// Lookups on the request path come from an in-memory cache keyed by hash, dropped on every change.
import type { Plan } from '../../../shared/config/litellm-config-schema.ts';
import type { KeyGenerateInput, KeyInfo, KeySettings } from '../../../shared/admin/keys.ts';
import type { BudgetBook } from '../budget/budget-book.ts';
import { GatewayError } from '../errors.ts';
import type { KeyPatch, KeyRow, KeysRepo } from '../store/keys-repo.ts';
import { parseDuration } from './budget-period.ts';
import { effectiveKey, type EffectiveKey } from './effective-key.ts';
import { hashSecret, maskSecret, newKeyId, newSecret } from './key-secrets.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

const MS_PER = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, mo: 30 * 86_400_000 } as const;

export class KeyService {
  readonly #repo: KeysRepo;
  readonly #clock: () => number;
  readonly #plans: () => Map<string, Plan>;
  readonly #book: BudgetBook;
  readonly #cache = new Map<string, KeyRow | null>();

  constructor(repo: KeysRepo, book: BudgetBook, clock: () => number, plans: () => Map<string, Plan>) {
    this.#repo = repo;
    this.#book = book;
    this.#clock = clock;
    this.#plans = plans;
  }

  /** The key a request presented, or undefined when no such key exists. Throws for blocked or expired keys. */
  authenticate(secret: string): EffectiveKey | undefined {
    return this.authenticateToken(hashSecret(secret));
  }

  /** authenticate() for a secret already hashed (`token`, hashSecret's hex SHA-256). */
  authenticateToken(token: string): EffectiveKey | undefined {
    let row = this.#cache.get(token);
    if (row === undefined) {
      row = this.#repo.byToken(token) ?? null;
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(token, row);
    }
    if (row === null) return undefined;
    if (row.blocked) throw new GatewayError(401, 'key_blocked', `The key ${label(row)} is blocked`);
    if (row.expires !== null && this.#clock() >= row.expires) {
      throw new GatewayError(401, 'key_expired', `The key ${label(row)} expired at ${iso(row.expires)}`);
    }
    const plans = this.#plans();
    if (row.plan !== null && !plans.has(row.plan)) {
      // Without its plan the key would have no model list, budget or limits at all: fail closed until the
      // plan is back in the config or the key is moved off it.
      throw new GatewayError(
        401,
        'invalid_api_key',
        `The key ${label(row)} is on plan '${row.plan}', which the config no longer has`,
      );
    }
    return effectiveKey(row, plans);
  }

  effective(row: KeyRow): EffectiveKey {
    return effectiveKey(row, this.#plans());
  }

  #invalidate(): void {
    this.#cache.clear();
  }

  /** A key named by its secret, its hash (`token`), its id or its alias. */
  find(ref: string): KeyRow {
    const row =
      (ref.startsWith('sk-') ? this.#repo.byToken(hashSecret(ref)) : undefined) ??
      this.#repo.byToken(ref) ??
      this.#repo.byId(ref) ??
      this.#repo.byAlias(ref);
    if (!row || row.deleted_at !== null) throw new GatewayError(404, 'not_found', 'No such key');
    return row;
  }

  /** The ledger's key_id for a reference: like find(), but a deleted key's id still names its history. */
  ledgerKeyId(ref: string): string {
    return this.#repo.byId(ref)?.id ?? this.find(ref).id;
  }

  #checkSettings(s: KeySettings): void {
    if (s.plan && !this.#plans().has(s.plan)) {
      const known = [...this.#plans().keys()];
      throw new GatewayError(
        400,
        'invalid_request',
        `Unknown plan '${s.plan}' (plans: ${known.join(', ') || 'none'})`,
        {
          param: 'plan',
        },
      );
    }
    if (s.key_alias) {
      const other = this.#repo.byAlias(s.key_alias);
      if (other)
        throw new GatewayError(400, 'invalid_request', `A key named '${s.key_alias}' exists`, {
          param: 'key_alias',
        });
    }
  }

  #patchFrom(s: KeySettings, now: number): KeyPatch {
    const p: KeyPatch = {};
    const copy = [
      'key_alias',
      'models',
      'plan',
      'max_budget',
      'soft_budget',
      'budget_duration',
      'tpm_limit',
      'rpm_limit',
      'max_parallel_requests',
      'budget_fallback',
      'metadata',
    ] as const;
    for (const k of copy) if (s[k] !== undefined) (p as Record<string, unknown>)[k] = s[k];
    if (s.duration !== undefined) {
      const d = s.duration === null ? undefined : parseDuration(s.duration);
      p.expires = d ? now + d.n * MS_PER[d.unit] : null;
    }
    return p;
  }

  generate(input: KeyGenerateInput): KeyInfo & { key: string } {
    this.#checkSettings(input);
    const now = this.#clock();
    const secret = input.key ?? newSecret();
    const token = hashSecret(secret);
    if (this.#repo.byToken(token))
      throw new GatewayError(400, 'invalid_request', 'That key already exists', { param: 'key' });
    const row: KeyRow = {
      id: newKeyId(),
      token,
      key_name: maskSecret(secret),
      key_alias: null,
      models: [],
      plan: null,
      max_budget: null,
      soft_budget: null,
      budget_duration: null,
      period_duration: null,
      period_start: now,
      budget_reset_at: null,
      spend: 0,
      reserved: 0,
      total_spend: 0,
      tpm_limit: null,
      rpm_limit: null,
      max_parallel_requests: null,
      budget_fallback: null,
      expires: null,
      blocked: false,
      metadata: {},
      created_at: now,
      updated_at: now,
      last_used_at: null,
      deleted_at: null,
      ...this.#patchFrom(input, now),
    };
    unique(() => this.#repo.insert(row), 'key');
    this.#invalidate();
    return { ...this.info(row.id), key: secret };
  }

  update(ref: string, s: KeySettings): KeyInfo {
    const row = this.find(ref);
    this.#checkSettings({ ...s, key_alias: s.key_alias === row.key_alias ? undefined : s.key_alias });
    unique(() => this.#repo.update(row.id, this.#patchFrom(s, this.#clock()), this.#clock()), 'key');
    this.#invalidate();
    return this.info(row.id);
  }

  /** A new secret for the same key: settings, spend and history stay; the old secret stops working. */
  regenerate(ref: string, secret?: string): KeyInfo & { key: string } {
    const row = this.find(ref);
    const next = secret ?? newSecret();
    unique(
      () => this.#repo.update(row.id, { token: hashSecret(next), key_name: maskSecret(next) }, this.#clock()),
      'new_key',
    );
    this.#invalidate();
    return { ...this.info(row.id), key: next };
  }

  setBlocked(ref: string, blocked: boolean): KeyInfo {
    const row = this.find(ref);
    this.#repo.update(row.id, { blocked }, this.#clock());
    this.#invalidate();
    return this.info(row.id);
  }

  delete(refs: string[]): string[] {
    // One key may be named twice (by secret and by alias): it is deleted, and reported, once.
    const rows = [...new Map(refs.map((r) => this.find(r)).map((row) => [row.id, row])).values()];
    const now = this.#clock();
    for (const row of rows) this.#repo.update(row.id, { deleted_at: now }, now);
    this.#invalidate();
    return rows.map((r) => r.id);
  }

  info(ref: string): KeyInfo {
    const row = this.find(ref);
    const eff = this.effective(row);
    const st = this.#book.current(eff);
    return toInfo(
      row,
      eff,
      st?.spend ?? row.spend,
      st?.reserved ?? row.reserved,
      st?.budget_reset_at ?? null,
    );
  }

  list(q: { key_alias?: string; plan?: string; page?: number; size?: number }) {
    const size = q.size ?? 100;
    const page = q.page ?? 1;
    const { rows, total } = this.#repo.list({
      ...(q.key_alias !== undefined ? { key_alias: q.key_alias } : {}),
      ...(q.plan !== undefined ? { plan: q.plan } : {}),
      offset: (page - 1) * size,
      limit: size,
    });
    return {
      keys: rows.map((r) => this.info(r.id)),
      total_count: total,
      current_page: page,
      total_pages: Math.max(1, Math.ceil(total / size)),
    };
  }
}

/**
 * Runs a write, turning a unique-index clash into a 400 naming the field. The checks before a write cannot
 * see everything the indexes do: a deleted key's secret (revoked, so it must not come back to life), a
 * secret another key holds after regenerating, or a concurrent writer taking the alias.
 */
function unique(write: () => void, secretParam: 'key' | 'new_key'): void {
  try {
    write();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' || typeof e.message !== 'string') throw err;
    if (e.message.includes('api_keys.token')) {
      throw new GatewayError(400, 'invalid_request', 'That key is taken, or belonged to a deleted key', {
        param: secretParam,
      });
    }
    if (e.message.includes('api_keys.key_alias')) {
      throw new GatewayError(400, 'invalid_request', 'Another key has that key_alias', {
        param: 'key_alias',
      });
    }
    throw err;
  }
}

function label(row: KeyRow): string {
  return row.key_alias ? `'${row.key_alias}'` : row.key_name;
}

function toInfo(
  row: KeyRow,
  eff: EffectiveKey,
  spend: number,
  reserved: number,
  resetAt: number | null,
): KeyInfo {
  return {
    id: row.id,
    token: row.token,
    key_name: row.key_name,
    key_alias: row.key_alias,
    models: eff.models,
    plan: row.plan,
    max_budget: eff.maxBudget,
    soft_budget: eff.softBudget,
    budget_duration: eff.budgetDuration,
    budget_reset_at: iso(resetAt),
    spend,
    reserved,
    total_spend: row.total_spend,
    tpm_limit: eff.tpmLimit,
    rpm_limit: eff.rpmLimit,
    max_parallel_requests: eff.maxParallel,
    budget_fallback: eff.budgetFallback,
    expires: iso(row.expires),
    blocked: row.blocked,
    metadata: row.metadata,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    last_used_at: iso(row.last_used_at),
  };
}
