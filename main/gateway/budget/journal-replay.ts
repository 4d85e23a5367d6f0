// At start: settlements that an earlier process journaled but had not written to SQLite when it died
// (settlement-journal.ts) are written now, so its clients' completed responses have their ledger rows
// and their keys' spend. A batch that SQLite already has (the process died after the commit, before
// emptying the file) is skipped by its seq.
import type { Logger } from '../logger.ts';
import type { JournalStateRepo } from '../store/journal-state-repo.ts';
import type { KeysRepo } from '../store/keys-repo.ts';
import type { RequestLogRepo } from '../store/request-log-repo.ts';
import { rowCount, writeBatches } from './settlement-batch.ts';
import { orphanJournals, readJournal, removeJournal } from './settlement-journal.ts';

export interface Replayed {
  batches: number;
  rows: number;
}

export function replayJournals(
  dir: string,
  repos: { keys: KeysRepo; log: RequestLogRepo; state: JournalStateRepo },
  logger: Logger,
): Replayed {
  const { keys, log, state } = repos;
  const total: Replayed = { batches: 0, rows: 0 };
  for (const file of orphanJournals(dir)) {
    const batches = readJournal(file.path);
    let done: Replayed;
    try {
      done = keys.transaction(() => {
        const applied = state.appliedSeq(file.name);
        const left = batches.filter((j) => j.seq > applied).map((j) => j.batch);
        // Nothing of a dead process is in flight: no reservation is written back.
        writeBatches(keys, log, left, () => 0);
        const n: Replayed = { batches: left.length, rows: left.reduce((sum, b) => sum + rowCount(b), 0) };
        if (batches.length > 0) state.setApplied(file.name, batches.at(-1)!.seq);
        return n;
      });
    } catch (err) {
      logger.error(
        `the settlement journal ${file.path} could not be applied (kept for the next start): ${String(err)}`,
      );
      continue;
    }
    removeJournal(file.path);
    state.forget(file.name);
    total.batches += done.batches;
    total.rows += done.rows;
  }
  if (total.batches > 0) {
    logger.info(
      `wrote ${total.batches} settlement batch(es) with ${total.rows} ledger row(s) left in the journal by an earlier run`,
    );
  }
  return total;
}
