// One group commit's worth of settlements (see BudgetBook): the ledger rows, each key's change, and the
// budget thresholds they crossed, and how a batch is written inside its transaction.
import type { BudgetThresholdEvent } from '../events.ts';
import type { EffectiveKey } from '../keys/effective-key.ts';
import type { BudgetState, KeysRepo } from '../store/keys-repo.ts';
import type { RequestLogRepo, RequestLogRow } from '../store/request-log-repo.ts';

export interface KeyChange {
  /** Settled since the last write: what total_spend grows by. */
  cost: number;
  /** Settled since spend last reset to 0 in this batch (what spend grows by on disk). */
  costSinceRoll: number;
  /** The period as it changed in this batch, written before the costs; reset: a new period began. */
  period: (Omit<BudgetState, 'reserved' | 'spend'> & { reset: boolean }) | undefined;
  lastUsedAt: number | null;
}

export interface Alert {
  /** Key, period and threshold: what fires at most once. */
  tag: string;
  keyId: string;
  periodStart: number;
  at: number;
  event: BudgetThresholdEvent;
}

export interface Batch {
  rows: RequestLogRow[];
  keys: Map<string, KeyChange>;
  alerts: Alert[];
}

export const newBatch = (): Batch => ({ rows: [], keys: new Map(), alerts: [] });

/** The thresholds a key's spend is at or past (each fires once per period: the caller dedupes). */
export function crossedThresholds(key: EffectiveKey, st: BudgetState, now: number): Alert[] {
  const thresholds: [BudgetThresholdEvent['threshold'], number | null][] = [
    ['soft', key.softBudget],
    ['80%', key.maxBudget === null ? null : key.maxBudget * 0.8],
    ['100%', key.maxBudget],
  ];
  const out: Alert[] = [];
  for (const [name, at] of thresholds) {
    if (at === null || st.spend < at - 1e-12) continue;
    out.push({
      tag: `${key.row.id}\n${st.period_start}\n${name}`,
      keyId: key.row.id,
      periodStart: st.period_start,
      at: now,
      event: {
        type: 'budget.threshold',
        key_id: key.row.id,
        key_alias: key.row.key_alias,
        threshold: name,
        spend: st.spend,
        max_budget: key.maxBudget,
        soft_budget: key.softBudget,
        period_start: new Date(st.period_start).toISOString(),
        budget_reset_at: st.budget_reset_at === null ? null : new Date(st.budget_reset_at).toISOString(),
      },
    });
  }
  return out;
}

/**
 * Writes a batch; call inside one transaction. Its alerts were emitted when it was journaled: key_alerts
 * remembers them, so that a later run does not fire them again in the same period.
 */
export function writeBatch(
  keys: KeysRepo,
  log: RequestLogRepo,
  batch: Batch,
  reservedOf: (keyId: string) => number,
): void {
  log.insertMany(batch.rows);
  for (const [id, change] of batch.keys) {
    if (change.period) keys.setPeriod(id, change.period, change.period.reset);
    keys.addSpend(id, change.costSinceRoll, change.cost, reservedOf(id), change.lastUsedAt);
  }
  for (const a of batch.alerts) keys.markAlert(a.keyId, a.periodStart, a.event.threshold, a.at);
}
