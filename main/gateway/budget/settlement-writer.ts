// Where a group commit's batch goes (see BudgetBook). With a journal, write() appends the batch to the
// settlement journal (one `write`, durable once it returns) and the batches reach SQLite later, many in
// one transaction: when APPLY_ROWS rows are waiting, APPLY_MS after the first one, before any read of
// the database (flush), and at shutdown. Without one, or when the journal cannot be written, the
// batch goes straight into SQLite in its own transaction, as before the journal existed.
import type { JournalStateRepo } from '../store/journal-state-repo.ts';
import type { KeysRepo } from '../store/keys-repo.ts';
import type { RequestLogRepo } from '../store/request-log-repo.ts';
import { rowCount, writeBatches, written, type Batch, type WrittenBatch } from './settlement-batch.ts';
import type { JournaledBatch, SettlementJournal } from './settlement-journal.ts';

/**
 * Rows waiting that make the next turn apply them. Rows held longer outlive young-generation GCs and
 * get promoted: at c=64, 256 here measured a peak RSS 50-70 MB higher than 64.
 */
const APPLY_ROWS = 64;
/** The longest a settled row waits before SQLite has it (reads do not wait: they flush first). */
const APPLY_MS = 100;
/** After a failed apply, retries back off to this. */
const MAX_RETRY_MS = 5_000;
/**
 * While SQLite refuses the batches (another process holding a lock for minutes, a broken file), they
 * wait in memory and in the journal. Past this many rows (~25 MB held) a batch must go into SQLite with
 * them or fail, as it did before the journal: the request logs the failure, and memory stays bounded.
 */
const MAX_UNAPPLIED_ROWS = 100_000;

export interface SettlementWriterOptions {
  keys: KeysRepo;
  log: RequestLogRepo;
  journal?: { file: SettlementJournal; state: JournalStateRepo } | undefined;
  /** Default MAX_UNAPPLIED_ROWS (tests lower it). */
  maxUnappliedRows?: number | undefined;
  /** What a key has in flight right now (written beside its spend, for `reserved` on disk). */
  reservedOf: (keyId: string) => number;
  /** After each SQLite commit, with the request rows it wrote (the WAL checkpointer counts them). */
  afterCommit?: ((rows: number) => void) | undefined;
  warn: (message: string) => void;
}

export class SettlementWriter {
  readonly #o: SettlementWriterOptions;
  #unapplied: JournaledBatch[] = [];
  #unappliedRows = 0;
  #timer: NodeJS.Timeout | undefined;
  #soon = false;
  #failures = 0;

  constructor(opts: SettlementWriterOptions) {
    this.#o = opts;
  }

  /**
   * Makes a batch durable: in the journal, or, without one or when it fails, in SQLite (with whatever
   * the journal holds, in order). Throws only when neither took it: then nothing of it is stored.
   */
  write(batch: Batch): void {
    const w = written(batch);
    const journal = this.#o.journal;
    if (journal && this.#unappliedRows < (this.#o.maxUnappliedRows ?? MAX_UNAPPLIED_ROWS)) {
      let seq: number | undefined;
      try {
        seq = journal.file.append(w);
      } catch (err) {
        this.#o.warn(
          `the settlement journal could not be written, writing to the database directly: ${String(err)}`,
        );
      }
      if (seq !== undefined) {
        this.#unapplied.push({ seq, batch: w });
        this.#unappliedRows += rowCount(w);
        this.#schedule();
        return;
      }
    }
    this.#apply(w);
  }

  /** Writes every journaled batch into SQLite now; throws if the transaction failed (they stay journaled). */
  flush(): void {
    this.#apply(undefined);
  }

  /** Flushes, then removes this process's journal file. Throws (and keeps the file) if the flush failed. */
  close(): void {
    this.#clearTimer();
    this.flush();
    const journal = this.#o.journal;
    if (!journal) return;
    journal.file.close();
    journal.state.forget(journal.file.name);
  }

  #schedule(): void {
    // After a failure the retry's timer is set: no try per batch (and no warning per batch) until then.
    if (this.#failures > 0) return;
    if (this.#unappliedRows >= APPLY_ROWS) {
      // The next turn, not this one: the responses this batch held back go out first.
      if (this.#soon) return;
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        this.#tryApply();
      });
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#tryApply(), APPLY_MS);
      this.#timer.unref();
    }
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tryApply(): void {
    this.#clearTimer();
    try {
      this.#apply(undefined);
    } catch (err) {
      // The batches stay in the journal and in memory: nothing is lost, the next try writes them.
      this.#failures++;
      this.#o.warn(`settled requests could not be written to the database yet (will retry): ${String(err)}`);
      const delay = Math.min(MAX_RETRY_MS, APPLY_MS * 2 ** this.#failures);
      this.#timer = setTimeout(() => this.#tryApply(), delay);
      this.#timer.unref();
    }
  }

  /** One transaction: the journaled batches in order, then `extra` (a batch the journal did not take). */
  #apply(extra: WrittenBatch | undefined): void {
    const list = this.#unapplied;
    if (list.length === 0 && !extra) return;
    const { keys, log, journal, reservedOf } = this.#o;
    const batches = list.map((j) => j.batch);
    if (extra) batches.push(extra);
    const rows = this.#unappliedRows + (extra ? rowCount(extra) : 0);
    keys.transaction(() => {
      writeBatches(keys, log, batches, reservedOf);
      // In the same transaction: a crash before the journal is emptied cannot apply these twice.
      if (journal && list.length > 0) journal.state.setApplied(journal.file.name, list.at(-1)!.seq);
    });
    this.#unapplied = [];
    this.#unappliedRows = 0;
    // Whichever path got them in (a retry, a read's flush, a batch the journal refused), the backoff ends.
    this.#failures = 0;
    this.#clearTimer();
    if (journal && list.length > 0) {
      try {
        journal.file.clear();
      } catch (err) {
        // Harmless: the applied seq keeps a replay from writing these again.
        this.#o.warn(`the settlement journal could not be emptied: ${String(err)}`);
      }
    }
    this.#o.afterCommit?.(rows);
  }
}
