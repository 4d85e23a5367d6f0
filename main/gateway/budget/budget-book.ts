// Exact money budgets under concurrency. Admission reserves the request's worst-case cost against
// `spend + reserved <= max_budget`; settlement swaps the reservation for the true cost and writes the
// ledger row in the same transaction. Both are synchronous SQLite transactions: nothing awaits inside,
// so no other request can interleave between the check and the write.
import { GatewayError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import { parseDuration, periodEnd, periodStartFor } from '../keys/budget-period.ts';
import type { EffectiveKey } from '../keys/effective-key.ts';
import type { BudgetState, KeysRepo } from '../store/keys-repo.ts';
import type { RequestLogRepo, RequestLogRow } from '../store/request-log-repo.ts';

/** The most a request can cost: its prompt, plus every completion token it may produce. */
export interface WorstCase {
  promptCost: number;
  outputCostPerToken: number;
  /** The completion tokens it may produce (undefined: none, e.g. embeddings). */
  maxTokens: number | undefined;
}

export interface Reservation {
  keyId: string;
  amount: number;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation | undefined; maxTokens: number | undefined; clamped: boolean }
  | { ok: false; error: GatewayError };

/** Below this many affordable tokens a reply is not worth sending: refuse instead of clamping. */
export const MIN_USEFUL_TOKENS = 64;

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export class BudgetBook {
  readonly #keys: KeysRepo;
  readonly #log: RequestLogRepo;
  readonly #events: EventBus;
  readonly #clock: () => number;

  constructor(keys: KeysRepo, log: RequestLogRepo, events: EventBus, clock: () => number) {
    this.#keys = keys;
    this.#log = log;
    this.#events = events;
    this.#clock = clock;
  }

  /** Moves a key into its current budget period (resetting spend at a boundary). Call inside a transaction. */
  #roll(id: string, duration: string | null, now: number): BudgetState | undefined {
    const st = this.#keys.budgetState(id);
    if (!st) return undefined;
    const d = duration ? parseDuration(duration) : undefined;
    if (!d) {
      if (st.budget_reset_at !== null || st.period_duration !== null) {
        Object.assign(st, { budget_reset_at: null, period_duration: null });
        this.#keys.setPeriod(id, st);
      }
      return st;
    }
    if (st.period_duration !== duration || st.budget_reset_at === null) {
      // A new or changed duration: the current period keeps its spend and gets the new boundary.
      Object.assign(st, { period_duration: duration, budget_reset_at: periodEnd(d, st.period_start, now) });
      this.#keys.setPeriod(id, st);
    } else if (now >= st.budget_reset_at) {
      const end = periodEnd(d, st.budget_reset_at, now);
      Object.assign(st, { spend: 0, period_start: periodStartFor(d, end), budget_reset_at: end });
      this.#keys.setPeriod(id, st);
    }
    return st;
  }

  /** The key's budget state now (rolling the period if a boundary passed). */
  current(key: EffectiveKey): BudgetState | undefined {
    return this.#keys.transaction(() => this.#roll(key.row.id, key.budgetDuration, this.#clock()));
  }

  reserve(key: EffectiveKey, worst: WorstCase): ReserveResult {
    const now = this.#clock();
    return this.#keys.transaction((): ReserveResult => {
      const st = this.#roll(key.row.id, key.budgetDuration, now);
      const maxTokens = worst.maxTokens;
      const amount = worst.promptCost + (maxTokens ?? 0) * worst.outputCostPerToken;
      // Free requests (local models) are never blocked by a money budget.
      if (!st || key.maxBudget === null || amount <= 0) {
        return { ok: true, reservation: undefined, maxTokens, clamped: false };
      }
      const remaining = key.maxBudget - st.spend - st.reserved;
      if (amount <= remaining + 1e-12) {
        this.#keys.addReserved(key.row.id, amount);
        return { ok: true, reservation: { keyId: key.row.id, amount }, maxTokens, clamped: false };
      }
      if (maxTokens !== undefined && worst.outputCostPerToken > 0) {
        const affordable = Math.floor((remaining - worst.promptCost) / worst.outputCostPerToken);
        if (affordable >= Math.min(MIN_USEFUL_TOKENS, maxTokens)) {
          const clampedAmount = worst.promptCost + affordable * worst.outputCostPerToken;
          this.#keys.addReserved(key.row.id, clampedAmount);
          return {
            ok: true,
            reservation: { keyId: key.row.id, amount: clampedAmount },
            maxTokens: affordable,
            clamped: true,
          };
        }
      }
      return { ok: false, error: budgetError(key, st) };
    });
  }

  /** Releases a reservation, charges the true cost and writes the ledger row: one transaction. */
  settle(key: EffectiveKey | undefined, reservation: Reservation | undefined, row: RequestLogRow): void {
    const now = this.#clock();
    const fired: Parameters<EventBus['emit']>[0][] = [];
    this.#keys.transaction(() => {
      this.#log.insert(row);
      if (!key) return;
      // Roll first: a request that ends after a boundary is charged to the period it ended in. Rolling
      // after charging would reset its cost away, unless another request happened to roll the key first.
      this.#roll(key.row.id, key.budgetDuration, now);
      this.#keys.settle(key.row.id, reservation?.amount ?? 0, row.cost_usd, now);
      if (row.cost_usd <= 0) return;
      const st = this.#keys.budgetState(key.row.id);
      if (!st) return;
      const thresholds: [BudgetThresholdName, number | null][] = [
        ['soft', key.softBudget],
        ['80%', key.maxBudget === null ? null : key.maxBudget * 0.8],
        ['100%', key.maxBudget],
      ];
      for (const [name, at] of thresholds) {
        if (at === null || st.spend < at - 1e-12) continue;
        if (!this.#keys.markAlert(key.row.id, st.period_start, name, now)) continue;
        fired.push({
          type: 'budget.threshold',
          key_id: key.row.id,
          key_alias: key.row.key_alias,
          threshold: name,
          spend: st.spend,
          max_budget: key.maxBudget,
          soft_budget: key.softBudget,
          period_start: new Date(st.period_start).toISOString(),
          budget_reset_at: st.budget_reset_at === null ? null : new Date(st.budget_reset_at).toISOString(),
        });
      }
    });
    for (const e of fired) this.#events.emit(e);
  }

  /** Gives a reservation back without charging (the request never reached a provider). */
  release(reservation: Reservation | undefined): void {
    if (!reservation) return;
    this.#keys.transaction(() => this.#keys.addReserved(reservation.keyId, -reservation.amount));
  }
}

type BudgetThresholdName = 'soft' | '80%' | '100%';

function budgetError(key: EffectiveKey, st: BudgetState): GatewayError {
  const name = key.row.key_alias ? `'${key.row.key_alias}'` : key.row.key_name;
  const resets =
    st.budget_reset_at === null
      ? 'it does not reset'
      : `it resets at ${new Date(st.budget_reset_at).toISOString()}`;
  return new GatewayError(
    429,
    'budget_exceeded',
    `Budget exceeded for key ${name}: spent ${usd(st.spend)} (+${usd(st.reserved)} in flight) of ${usd(key.maxBudget ?? 0)}; ${resets}`,
    { headers: { 'x-should-retry': 'false' } },
  );
}
