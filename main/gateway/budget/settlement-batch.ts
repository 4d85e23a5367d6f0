// One group commit's worth of settlements (see BudgetBook): the ledger rows, each key's change, and the
// budget thresholds they crossed, and how a batch is written inside its transaction.
import type { BudgetThresholdEvent } from '../events.ts';
import type { EffectiveKey } from '../keys/effective-key.ts';
import type { BudgetState, KeysRepo } from '../store/keys-repo.ts';
import { ROW_VALUES, rowValues, type RequestLogRepo, type RequestLogRow } from '../store/request-log-repo.ts';

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

/**
 * A batch as it is journaled and kept until SQLite has it: the rows as their INSERT values (a flat list
 * of strings and numbers: cheaper to serialise, and fewer objects held than rows with their attempt
 * and tag arrays).
 */
export interface WrittenBatch {
  values: unknown[];
  keys: [string, KeyChange][];
  alerts: Alert[];
}

export function written(batch: Batch): WrittenBatch {
  const values: unknown[] = [];
  for (const row of batch.rows) rowValues(row, values);
  return { values, keys: [...batch.keys], alerts: batch.alerts };
}

export const rowCount = (w: WrittenBatch): number => w.values.length / ROW_VALUES;

/** The request ids of a written batch's rows. */
export const rowIds = (w: WrittenBatch): string[] =>
  w.values.filter((_, i) => i % ROW_VALUES === 0) as string[];

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
 * Writes batches, in order; call inside one transaction. All their rows go in as few INSERTs as
 * possible, and each key's costs as one UPDATE (one per period where a period changes in between).
 * Their alerts were emitted when they were journaled: key_alerts remembers them, so that a later run
 * does not fire them again in the same period.
 */
export function writeBatches(
  keys: KeysRepo,
  log: RequestLogRepo,
  batches: readonly WrittenBatch[],
  reservedOf: (keyId: string) => number,
): void {
  const values = batches.length === 1 ? batches[0]!.values : batches.flatMap((b) => b.values);
  log.insertValues(values);
  const costs = new Map<string, Omit<KeyChange, 'period'>>();
  const charge = (id: string) => {
    const c = costs.get(id);
    if (!c) return;
    keys.addSpend(id, c.costSinceRoll, c.cost, reservedOf(id), c.lastUsedAt);
    costs.delete(id);
  };
  for (const batch of batches) {
    for (const [id, change] of batch.keys) {
      if (change.period) {
        // What was charged before the new period goes in before its spend resets.
        charge(id);
        keys.setPeriod(id, change.period, change.period.reset);
      }
      const c = costs.get(id);
      if (!c) {
        costs.set(id, {
          cost: change.cost,
          costSinceRoll: change.costSinceRoll,
          lastUsedAt: change.lastUsedAt,
        });
        continue;
      }
      c.cost += change.cost;
      c.costSinceRoll += change.costSinceRoll;
      c.lastUsedAt = change.lastUsedAt ?? c.lastUsedAt;
    }
  }
  for (const id of [...costs.keys()]) charge(id);
  for (const batch of batches) {
    for (const a of batch.alerts) keys.markAlert(a.keyId, a.periodStart, a.event.threshold, a.at);
  }
}
