// Exact money budgets under concurrency. Admission reserves the request's worst-case cost against
// `spend + reserved <= max_budget`; settlement swaps the reservation for the true cost and writes the
// ledger row. One process owns the database, so each key's spend and reservations are held in memory
// (loaded from SQLite on first use): a reservation is a synchronous check-and-add with nothing to
// interleave, and never touches the disk (the start discards stored reservations anyway). Settlements
// are written by group commit (group-commit.ts): the ledger rows and key spends of one event-loop turn
// as one batch, made durable in the settlement journal and written to SQLite in one transaction with
// other batches (settlement-writer.ts), with the key's reservations as they stand then, which
// `reserved` on disk reports.
import { GatewayError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import { parseDuration, periodEnd, periodStartFor, type Duration } from '../keys/budget-period.ts';
import type { EffectiveKey } from '../keys/effective-key.ts';
import type { BudgetState, KeysRepo } from '../store/keys-repo.ts';
import type { RequestLogRepo, RequestLogRow } from '../store/request-log-repo.ts';
import type { JournalStateRepo } from '../store/journal-state-repo.ts';
import { GroupCommit } from './group-commit.ts';
import { crossedThresholds, newBatch, type Batch, type KeyChange } from './settlement-batch.ts';
import type { SettlementJournal } from './settlement-journal.ts';
import { SettlementWriter } from './settlement-writer.ts';

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

/** How stale, at most, another process's writes may be when this one reserves (see #refresh). */
const REFRESH_MS = 250;

/** Releases come in another order than reservations, so float sums leave crumbs like 1e-17 behind. */
const RESERVED_EPSILON = 1e-12;

export interface BudgetBookOptions {
  /** Write a request_log row per request (default true). Off, keys still settle. */
  ledger?: boolean;
  /** Called after each SQLite commit with the request rows it wrote (the WAL checkpointer counts them). */
  afterCommit?: (rows: number) => void;
  /**
   * Where batches are made durable before SQLite has them (settlement-journal.ts). Without one, each
   * batch is its own SQLite transaction.
   */
  journal?: { file: SettlementJournal; state: JournalStateRepo };
  /** Rows waiting for SQLite past which a batch must go in with them or fail (settlement-writer.ts). */
  maxUnappliedRows?: number;
  warn?: (message: string) => void;
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const SETTLED: Promise<void> = Promise.resolve();

export class BudgetBook {
  readonly #keys: KeysRepo;
  readonly #events: EventBus;
  readonly #clock: () => number;
  readonly #ledger: boolean;
  readonly #writer: SettlementWriter;
  /** Each key's budget as it stands, reservations included: the truth, which the disk follows. */
  readonly #state = new Map<string, BudgetState>();
  readonly #durations = new Map<string, Duration | undefined>();
  /** Thresholds known to have fired (or queued to), so a key over one does not ask SQLite every time. */
  readonly #fired = new Set<string>();
  readonly #commits: GroupCommit<Batch>;
  /** Period changes whose batch failed to commit: written with the key's next batch. */
  readonly #unwritten = new Map<string, NonNullable<KeyChange['period']>>();
  /** PRAGMA data_version when last checked, and when (performance.now()): see #refresh(). */
  #version: number | undefined;
  #checkedAt = -Infinity;

  constructor(
    keys: KeysRepo,
    log: RequestLogRepo,
    events: EventBus,
    clock: () => number,
    opts: BudgetBookOptions = {},
  ) {
    this.#keys = keys;
    this.#events = events;
    this.#clock = clock;
    this.#ledger = opts.ledger ?? true;
    this.#writer = new SettlementWriter({
      keys,
      log,
      journal: opts.journal,
      maxUnappliedRows: opts.maxUnappliedRows,
      reservedOf: (id) => this.#state.get(id)?.reserved ?? 0,
      afterCommit: opts.afterCommit,
      warn: opts.warn ?? (() => {}),
    });
    this.#commits = new GroupCommit<Batch>(newBatch, (batch) => this.#commit(batch));
  }

  #load(id: string): BudgetState | undefined {
    let st = this.#state.get(id);
    if (st) return st;
    const stored = this.#keys.budgetState(id);
    if (!stored) return undefined;
    // Nothing is in flight for this key yet in this process, whatever an earlier one left stored.
    st = { ...stored, reserved: 0 };
    this.#state.set(id, st);
    return st;
  }

  #duration(text: string): Duration | undefined {
    if (!this.#durations.has(text)) this.#durations.set(text, parseDuration(text));
    return this.#durations.get(text);
  }

  /** The key's entry in the batch now filling: whatever is in it is written at the next commit. */
  #change(id: string): KeyChange {
    const { batch } = this.#commits.join();
    let c = batch.keys.get(id);
    if (!c) {
      c = { cost: 0, costSinceRoll: 0, period: this.#unwritten.get(id), lastUsedAt: null };
      this.#unwritten.delete(id);
      batch.keys.set(id, c);
    }
    return c;
  }

  /**
   * One process owns the database, so the memory is the truth. Should another process write to it anyway
   * (a second copy started on the same data folder), its commits change PRAGMA data_version: then, at
   * most every REFRESH_MS, ours are written first and then spend and periods are read again. Costs
   * always reach the disk as increments, so neither process's are lost; budgets are exact within a
   * process and only as fresh as REFRESH_MS across two.
   */
  #refresh(): void {
    const t = performance.now();
    if (t - this.#checkedAt < REFRESH_MS || this.#commits.pending) return;
    this.#checkedAt = t;
    const version = this.#keys.dataVersion();
    if (version === this.#version) return;
    if (this.#version === undefined) {
      this.#version = version;
      return;
    }
    try {
      this.#writer.flush();
    } catch {
      // Ours cannot be written yet: reading the disk now would drop them from memory. Next time.
      return;
    }
    this.#version = version;
    for (const [id, st] of this.#state) {
      const stored = this.#keys.budgetState(id);
      if (stored) Object.assign(st, { ...stored, reserved: st.reserved });
    }
  }

  /** Records a period change to write; at a new period (reset) the spend on disk starts again from 0. */
  #periodChanged(id: string, st: BudgetState, reset: boolean): void {
    const c = this.#change(id);
    c.period = {
      period_start: st.period_start,
      budget_reset_at: st.budget_reset_at,
      period_duration: st.period_duration,
      reset: reset || (c.period?.reset ?? false),
    };
    if (reset) c.costSinceRoll = 0;
  }

  /** Moves a key into its current budget period (resetting spend at a boundary). */
  #roll(id: string, duration: string | null, now: number): BudgetState | undefined {
    const st = this.#load(id);
    if (!st) return undefined;
    const d = duration ? this.#duration(duration) : undefined;
    if (!d) {
      if (st.budget_reset_at !== null || st.period_duration !== null) {
        st.budget_reset_at = null;
        st.period_duration = null;
        this.#periodChanged(id, st, false);
      }
      return st;
    }
    if (st.period_duration !== duration || st.budget_reset_at === null) {
      // A new or changed duration: the current period keeps its spend and gets the new boundary.
      st.period_duration = duration;
      st.budget_reset_at = periodEnd(d, st.period_start, now);
      this.#periodChanged(id, st, false);
    } else if (now >= st.budget_reset_at) {
      const end = periodEnd(d, st.budget_reset_at, now);
      st.spend = 0;
      st.period_start = periodStartFor(d, end);
      st.budget_reset_at = end;
      this.#periodChanged(id, st, true);
    }
    return st;
  }

  /** The key's budget state now (rolling the period if a boundary passed), reservations included. */
  current(key: EffectiveKey): Readonly<BudgetState> | undefined {
    this.#refresh();
    return this.#roll(key.row.id, key.budgetDuration, this.#clock());
  }

  /** Reserves the worst case, clamping max_tokens to what is left, or refuses. */
  reserve(key: EffectiveKey, worst: WorstCase): ReserveResult {
    return this.#reserve(key, worst, false)!;
  }

  /**
   * Reserves the worst case only if it fits whole; undefined when it would need clamping or refusing.
   * Admission tries a cheap upper bound of the prompt here first, and counts tokens only when it fails.
   */
  tryReserve(key: EffectiveKey, worst: WorstCase): ReserveResult | undefined {
    return this.#reserve(key, worst, true);
  }

  #reserve(key: EffectiveKey, worst: WorstCase, wholeOnly: boolean): ReserveResult | undefined {
    this.#refresh();
    const st = this.#roll(key.row.id, key.budgetDuration, this.#clock());
    const maxTokens = worst.maxTokens;
    const amount = worst.promptCost + (maxTokens ?? 0) * worst.outputCostPerToken;
    // Free requests (local models) are never blocked by a money budget.
    if (!st || key.maxBudget === null || amount <= 0) {
      return { ok: true, reservation: undefined, maxTokens, clamped: false };
    }
    const remaining = key.maxBudget - st.spend - st.reserved;
    if (amount <= remaining + 1e-12) {
      st.reserved += amount;
      return { ok: true, reservation: { keyId: key.row.id, amount }, maxTokens, clamped: false };
    }
    if (wholeOnly) return undefined;
    if (maxTokens !== undefined && worst.outputCostPerToken > 0) {
      const affordable = Math.floor((remaining - worst.promptCost) / worst.outputCostPerToken);
      if (affordable >= Math.min(MIN_USEFUL_TOKENS, maxTokens)) {
        const clampedAmount = worst.promptCost + affordable * worst.outputCostPerToken;
        st.reserved += clampedAmount;
        return {
          ok: true,
          reservation: { keyId: key.row.id, amount: clampedAmount },
          maxTokens: affordable,
          clamped: true,
        };
      }
    }
    return { ok: false, error: budgetError(key, st) };
  }

  /** Gives a reservation back without charging (the request never reached a provider). */
  release(reservation: Reservation | undefined): void {
    if (!reservation) return;
    const st = this.#state.get(reservation.keyId);
    if (st) st.reserved = unreserve(st.reserved, reservation.amount);
  }

  /**
   * Releases a reservation, charges the true cost and queues the ledger row; the promise settles once
   * both are committed (rejecting if the commit failed). The request path waits for it before the
   * response's last bytes.
   */
  settleBatched(key: EffectiveKey | undefined, reservation: Reservation | undefined, row: RequestLogRow) {
    if (!key && !this.#ledger) return SETTLED;
    this.#charge(key, reservation, row);
    return this.#commits.join().done;
  }

  /** Like settleBatched(), in SQLite before it returns (with anything else waiting): off the request path. */
  settle(key: EffectiveKey | undefined, reservation: Reservation | undefined, row: RequestLogRow): void {
    if (!key && !this.#ledger) return;
    this.#charge(key, reservation, row);
    this.flush();
  }

  /**
   * Writes everything settled so far into SQLite now: before a read of the ledger or of spend on disk,
   * and at shutdown. Throws if the transaction failed (what was journaled stays journaled).
   */
  flush(): void {
    this.#commits.flush();
    this.#writer.flush();
  }

  /** Shutdown, before the database closes: flushes and removes the journal file (kept if that failed). */
  close(): void {
    this.#commits.flush();
    this.#writer.close();
  }

  #charge(key: EffectiveKey | undefined, reservation: Reservation | undefined, row: RequestLogRow): void {
    const now = this.#clock();
    const { batch } = this.#commits.join();
    if (this.#ledger) batch.rows.push(row);
    if (!key) return;
    const id = key.row.id;
    // Roll first: a request that ends after a boundary is charged to the period it ended in. Rolling
    // after charging would reset its cost away, unless another request happened to roll the key first.
    const st = this.#roll(id, key.budgetDuration, now);
    if (!st) return;
    st.reserved = unreserve(st.reserved, reservation?.amount ?? 0);
    st.spend += row.cost_usd;
    const change = this.#change(id);
    change.cost += row.cost_usd;
    change.costSinceRoll += row.cost_usd;
    change.lastUsedAt = now;
    if (row.cost_usd > 0) this.#thresholds(key, st, now, batch);
  }

  #thresholds(key: EffectiveKey, st: BudgetState, now: number, batch: Batch): void {
    for (const alert of crossedThresholds(key, st, now)) {
      if (this.#fired.has(alert.tag)) continue;
      if (this.#fired.size > 10_000) {
        // Forgetting must not forget an alert that is journaled but not yet in key_alerts.
        try {
          this.#writer.flush();
          this.#fired.clear();
        } catch {
          // kept: cleared once the database takes the journal
        }
      }
      this.#fired.add(alert.tag);
      // Asked once per threshold and period in a process: whether an earlier run fired it already.
      if (this.#keys.alertFired(alert.keyId, alert.periodStart, alert.event.threshold)) continue;
      batch.alerts.push(alert);
    }
  }

  #commit(batch: Batch): void {
    try {
      this.#writer.write(batch);
    } catch (err) {
      // Nothing of the batch is on disk: its costs come off the keys again, as a failed settlement
      // transaction left them before, and its thresholds may fire later.
      for (const [id, change] of batch.keys) {
        const st = this.#state.get(id);
        if (st) st.spend = Math.max(0, st.spend - change.costSinceRoll);
        if (change.period) this.#unwritten.set(id, change.period);
      }
      for (const a of batch.alerts) this.#fired.delete(a.tag);
      throw err;
    }
    // Durable in the journal: it has fired, whenever key_alerts gets it.
    for (const a of batch.alerts) this.#events.emit(a.event);
  }
}

function unreserve(reserved: number, amount: number): number {
  const left = reserved - amount;
  return left < RESERVED_EPSILON ? 0 : left;
}

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
