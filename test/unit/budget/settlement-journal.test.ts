// The settlement journal on real files and a real SQLite database: a settled request is durable in the
// journal when its promise resolves, reaches SQLite in a later batch (or at once before a read), and a
// journal left by a dead process is written at the next start exactly once.
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetBook } from '../../../main/gateway/budget/budget-book.ts';
import { replayJournals } from '../../../main/gateway/budget/journal-replay.ts';
import { newBatch, rowIds, writeBatches, written } from '../../../main/gateway/budget/settlement-batch.ts';
import {
  orphanJournals,
  readJournal,
  SettlementJournal,
} from '../../../main/gateway/budget/settlement-journal.ts';
import { EventBus, type GatewayEvent } from '../../../main/gateway/events.ts';
import { memoryLogger } from '../../support/temp-gateway.ts';
import { openDatabase, type Db } from '../../../main/gateway/store/db.ts';
import { JournalStateRepo } from '../../../main/gateway/store/journal-state-repo.ts';
import { KeysRepo } from '../../../main/gateway/store/keys-repo.ts';
import { RequestLogRepo, type RequestLogRow } from '../../../main/gateway/store/request-log-repo.ts';
import { insertKey, ledgerRow } from '../../support/budget-fixtures.ts';
import { waitFor } from '../../support/wait-for.ts';

const START = new Date(2025, 5, 10, 12).getTime();
/** Above Linux's pid_max: no process has it, so its journal is an orphan. */
const DEAD_PID = 99_999_999;

let dir: string;
let jdir: string;
let db: Db;
let keys: KeysRepo;
let log: RequestLogRepo;
let state: JournalStateRepo;
let events: GatewayEvent[];
let now: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settlement-journal-'));
  jdir = join(dir, 'journal');
  db = openDatabase(join(dir, 'switchyard.db'));
  keys = new KeysRepo(db);
  log = new RequestLogRepo(db);
  state = new JournalStateRepo(db);
  events = [];
  now = START;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function journaledBook(file = new SettlementJournal(jdir)) {
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const book = new BudgetBook(keys, log, bus, () => now, { journal: { file, state } });
  return { book, file };
}

/** What another process sees: a fresh connection to the same file. */
function onDisk(keyId: string) {
  const other = openDatabase(join(dir, 'switchyard.db'));
  try {
    const k = other.prepare('SELECT spend, total_spend FROM api_keys WHERE id = ?').get(keyId) as {
      spend: number;
      total_spend: number;
    };
    const ids = (other.prepare('SELECT id FROM request_log ORDER BY id').all() as { id: string }[]).map(
      (r) => r.id,
    );
    return { ...k, ids };
  } finally {
    other.close();
  }
}

describe('the journal file', () => {
  it('reads back each batch in order, leaving out a torn last line and lines that are not batches', () => {
    const j = new SettlementJournal(jdir, DEAD_PID);
    const k = insertKey(keys, START);
    const first = newBatch();
    first.rows.push(ledgerRow(k.row.id, 0.5, START));
    first.keys.set(k.row.id, { cost: 0.5, costSinceRoll: 0.5, period: undefined, lastUsedAt: START });
    expect(j.append(written(first))).toBe(1);
    appendFileSync(j.path, 'not json\n{"s":7}\nnull\n{"s":8,"v":[1,2],"k":[],"a":[]}\n');
    const second = newBatch();
    second.rows.push(ledgerRow(null, 0, START), ledgerRow(null, 0, START));
    expect(j.append(written(second))).toBe(2);
    // The process died inside a write: no line break, so no response waited on it.
    appendFileSync(j.path, '{"s":3,"r":[{"id":"torn"');

    const read = readJournal(j.path);
    expect(read.map((b) => b.seq)).toEqual([1, 2]);
    expect(read[0]!.batch).toEqual(written(first));
    expect(rowIds(read[1]!.batch)).toEqual(second.rows.map((r) => r.id));
    j.close();
  });

  it('is emptied by clear(), and the next line starts the file again', () => {
    const j = new SettlementJournal(jdir);
    j.append(written(newBatch()));
    expect(statSync(j.path).size).toBeGreaterThan(0);
    j.clear();
    expect(statSync(j.path).size).toBe(0);
    expect(j.append(written(newBatch()))).toBe(2);
    expect(readJournal(j.path).map((b) => b.seq)).toEqual([2]);
    j.close();
    expect(readdirSync(jdir)).toEqual([]);
  });

  it('names as orphans only the files no running process writes, oldest first', () => {
    const open = new SettlementJournal(jdir);
    writeFileSync(join(jdir, `settlements-${DEAD_PID}-zz.jsonl`), '');
    writeFileSync(join(jdir, `settlements-${DEAD_PID}-aa.jsonl`), '');
    writeFileSync(join(jdir, `settlements-${process.ppid}-aa.jsonl`), '');
    writeFileSync(join(jdir, 'notes.txt'), '');
    expect(orphanJournals(jdir).map((o) => o.name)).toEqual([
      `settlements-${DEAD_PID}-aa`,
      `settlements-${DEAD_PID}-zz`,
    ]);
    open.close();
  });
});

describe('a book with a journal', () => {
  it('has a settled request in the journal when its promise resolves, and in SQLite once flushed', async () => {
    const { book, file } = journaledBook();
    const k = insertKey(keys, START, { max_budget: 10 });
    const r = ledgerRow(k.row.id, 1.5, START);
    await book.settleBatched(k, undefined, r);

    expect(readJournal(file.path).flatMap((b) => rowIds(b.batch))).toEqual([r.id]);
    expect(onDisk(k.row.id)).toEqual({ spend: 0, total_spend: 0, ids: [] });
    expect(book.current(k)!.spend).toBe(1.5);

    book.flush();
    expect(onDisk(k.row.id)).toEqual({ spend: 1.5, total_spend: 1.5, ids: [r.id] });
    expect(statSync(file.path).size).toBe(0);
    expect(state.appliedSeq(file.name)).toBe(1);
    book.close();
    expect(readdirSync(jdir)).toEqual([]);
  });

  it("writes many batches' costs at once, resetting spend where a key's period rolled between them", async () => {
    const { book } = journaledBook();
    const k = insertKey(keys, START, { max_budget: 100, budget_duration: '1h' });
    await book.settleBatched(k, undefined, ledgerRow(k.row.id, 2, now));
    await book.settleBatched(k, undefined, ledgerRow(k.row.id, 4, now));
    now += 3_600_000; // the next hour's period: spend starts again from 0
    await book.settleBatched(k, undefined, ledgerRow(k.row.id, 3, now));
    await book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, now));
    expect(onDisk(k.row.id).ids).toHaveLength(0);
    book.flush();
    expect(onDisk(k.row.id)).toMatchObject({ spend: 4, total_spend: 10 });
    expect(onDisk(k.row.id).ids).toHaveLength(4);
    expect(book.current(k)!.spend).toBe(4);
    book.close();
  });

  it('writes what is waiting to SQLite on its own, within about 100 ms', async () => {
    const { book } = journaledBook();
    const k = insertKey(keys, START);
    await Promise.all([1, 2, 3].map(() => book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, START))));
    expect(onDisk(k.row.id).ids).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 250));
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
    expect(onDisk(k.row.id).ids).toHaveLength(3);
    book.close();
  });

  it('emits a budget alert once its batch is journaled, and not again after a restart', async () => {
    const k = insertKey(keys, START, { max_budget: 10 });
    const first = journaledBook();
    await first.book.settleBatched(k, undefined, ledgerRow(k.row.id, 9, START));
    expect(events.map((e) => e.type === 'budget.threshold' && e.threshold)).toEqual(['80%']);
    first.book.close();

    // A new process: the key's 80% has fired in this period, and key_alerts remembers it.
    const second = journaledBook();
    await second.book.settleBatched(k, undefined, ledgerRow(k.row.id, 0.5, START));
    expect(events).toHaveLength(1);
    await second.book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, START));
    expect(events.map((e) => e.type === 'budget.threshold' && e.threshold)).toEqual(['80%', '100%']);
    second.book.close();
  });

  it('keeps batches SQLite refuses, retries them, and past its bound fails new ones instead of holding more', async () => {
    const warnings: string[] = [];
    const book = new BudgetBook(keys, log, new EventBus(), () => now, {
      journal: { file: new SettlementJournal(jdir), state },
      maxUnappliedRows: 3,
      warn: (m) => warnings.push(m),
    });
    const k = insertKey(keys, START);
    // Another connection holds the write lock: every apply times out.
    const other = openDatabase(join(dir, 'switchyard.db'));
    db.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      const rows = [1, 2, 3].map(() => ledgerRow(k.row.id, 1, now));
      for (const r of rows) await book.settleBatched(k, undefined, r);
      await new Promise((r) => setTimeout(r, 150));
      expect(warnings.some((w) => /could not be written to the database yet \(will retry\)/.test(w))).toBe(
        true,
      );
      // Three rows wait: the fourth may not join them, and fails as a failed commit did.
      await expect(book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, now))).rejects.toThrow(
        /locked|busy/i,
      );
      expect(book.current(k)!.spend).toBe(3);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The lock is gone: the retry writes the three that waited.
    await waitFor(() => onDisk(k.row.id).ids.length === 3, 'the retry', 5_000);
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
    expect(onDisk(k.row.id).ids).toHaveLength(3);
    book.close();
  });

  it('goes back to writing on its own once a flush has got the refused batches in', async () => {
    const book = new BudgetBook(keys, log, new EventBus(), () => now, {
      journal: { file: new SettlementJournal(jdir), state },
    });
    const k = insertKey(keys, START);
    const other = openDatabase(join(dir, 'switchyard.db'));
    db.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      await book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, now));
      await new Promise((r) => setTimeout(r, 150)); // the first apply fails: a retry is set
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    book.flush(); // as an admin read does, before the retry's turn
    expect(onDisk(k.row.id).ids).toHaveLength(1);
    await book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, now));
    await waitFor(() => onDisk(k.row.id).ids.length === 2, 'the next batch, written on its own', 2_000);
    book.close();
  });

  it('writes a batch to SQLite directly when the journal cannot take it', async () => {
    const file = new SettlementJournal(jdir);
    const { book } = journaledBook(file);
    const k = insertKey(keys, START);
    const r = ledgerRow(k.row.id, 2, START);
    await book.settleBatched(k, undefined, ledgerRow(k.row.id, 1, START));
    file.close(); // appends throw from here on
    await book.settleBatched(k, undefined, r);
    // In SQLite when it resolved, after the journaled batch before it.
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
    expect(onDisk(k.row.id).ids).toHaveLength(2);
  });
});

describe('replay at start', () => {
  /** A dead process's journal of one batch per row, each charging its key. */
  function deadJournal(rows: RequestLogRow[], name: string) {
    const j = new SettlementJournal(jdir, DEAD_PID);
    const batches = rows.map((r) => {
      const b = newBatch();
      b.rows.push(r);
      b.keys.set(r.key_id!, {
        cost: r.cost_usd,
        costSinceRoll: r.cost_usd,
        period: undefined,
        lastUsedAt: START,
      });
      const w = written(b);
      j.append(w);
      return w;
    });
    copyFileSync(j.path, join(jdir, `${name}.jsonl`));
    j.close();
    return batches;
  }

  it("writes a dead process's journal into SQLite once, and removes it", () => {
    const k = insertKey(keys, START, { max_budget: 10 });
    const rows = [1, 2, 3].map(() => ledgerRow(k.row.id, 1, START));
    deadJournal(rows, `settlements-${DEAD_PID}-a1`);
    // A torn line at the end: the process died inside that write.
    appendFileSync(join(jdir, `settlements-${DEAD_PID}-a1.jsonl`), '{"s":4,"r":[');

    const logger = memoryLogger();
    expect(replayJournals(jdir, { keys, log, state }, logger)).toEqual({ batches: 3, rows: 3 });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
    expect(onDisk(k.row.id).ids).toEqual(rows.map((r) => r.id).sort());
    expect(readdirSync(jdir)).toEqual([]);
    expect(logger.lines.map((l) => l.message)).toEqual([
      'wrote 3 settlement batch(es) with 3 ledger row(s) left in the journal by an earlier run',
    ]);
    expect(replayJournals(jdir, { keys, log, state }, logger)).toEqual({ batches: 0, rows: 0 });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
  });

  it('skips the batches SQLite already had when the process died before emptying the file', () => {
    const k = insertKey(keys, START);
    const rows = [1, 2, 3].map(() => ledgerRow(k.row.id, 1, START));
    const name = `settlements-${DEAD_PID}-b2`;
    const batches = deadJournal(rows, name);
    // Batches 1 and 2 were committed, with their seq, and then the process died.
    keys.transaction(() => {
      writeBatches(keys, log, batches.slice(0, 2), () => 0);
      state.setApplied(name, 2);
    });

    expect(replayJournals(jdir, { keys, log, state }, memoryLogger())).toEqual({ batches: 1, rows: 1 });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
    expect(onDisk(k.row.id).ids).toEqual(rows.map((r) => r.id).sort());
    expect(state.appliedSeq(name)).toBe(0);
  });

  it('keeps a journal it cannot write for the next start, and the gateway starts all the same', () => {
    const k = insertKey(keys, START);
    const rows = [ledgerRow(k.row.id, 1, START)];
    deadJournal(rows, `settlements-${DEAD_PID}-c3`);
    log.insertMany(rows); // the same id already there: the INSERT fails
    const logger = memoryLogger();
    expect(replayJournals(jdir, { keys, log, state }, logger)).toEqual({ batches: 0, rows: 0 });
    expect(readdirSync(jdir)).toEqual([`settlements-${DEAD_PID}-c3.jsonl`]);
    expect(logger.lines[0]).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/kept for the next start/),
    });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 0, total_spend: 0 });
  });
});
