// The budget book on a real SQLite file: reservations held in memory, settlements written by group
// commit (one transaction per turn of the event loop), and what is on disk when each promise resolves,
// read through a second connection as another process would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetBook } from '../../../main/gateway/budget/budget-book.ts';
import { EventBus, type GatewayEvent } from '../../../main/gateway/events.ts';
import type { EffectiveKey } from '../../../main/gateway/keys/effective-key.ts';
import { openDatabase, type Db } from '../../../main/gateway/store/db.ts';
import { KeysRepo, type KeyRow } from '../../../main/gateway/store/keys-repo.ts';
import { RequestLogRepo, type RequestLogRow } from '../../../main/gateway/store/request-log-repo.ts';
import { insertKey, ledgerRow } from '../../support/budget-fixtures.ts';

let dir: string;
let db: Db;
let keys: KeysRepo;
let log: RequestLogRepo;
let events: GatewayEvent[];
let now: number;
const START = new Date(2025, 5, 10, 12).getTime();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'budget-book-'));
  db = openDatabase(join(dir, 'switchyard.db'));
  keys = new KeysRepo(db);
  log = new RequestLogRepo(db);
  events = [];
  now = START;
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function book(opts: { ledger?: boolean } = {}): BudgetBook {
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  return new BudgetBook(keys, log, bus, () => now, opts);
}

const key = (settings: Partial<KeyRow> = {}): EffectiveKey => insertKey(keys, START, settings);
const row = (keyId: string | null, cost: number): RequestLogRow => ledgerRow(keyId, cost, now);

/** What another process sees: a fresh connection to the same file. */
function onDisk(keyId: string) {
  const other = openDatabase(join(dir, 'switchyard.db'));
  try {
    const k = other.prepare('SELECT spend, reserved, total_spend FROM api_keys WHERE id = ?').get(keyId) as {
      spend: number;
      reserved: number;
      total_spend: number;
    };
    const rows = other.prepare('SELECT id, cost_usd FROM request_log WHERE key_id = ?').all(keyId) as {
      id: string;
      cost_usd: number;
    }[];
    return { ...k, rows };
  } finally {
    other.close();
  }
}

const worst = (amount: number) => ({ promptCost: 0, outputCostPerToken: amount / 10, maxTokens: 10 });

describe('reservations', () => {
  it('are exact and in memory: the disk is not written until something settles', () => {
    const b = book();
    const k = key({ max_budget: 1 });
    const taken = [];
    for (let i = 0; i < 12; i++) {
      const r = b.reserve(k, worst(0.1));
      if (r.ok) taken.push(r.reservation);
    }
    // 10 of 0.1 fit in 1; the 11th would need clamping to under MIN_USEFUL_TOKENS and is refused.
    expect(taken).toHaveLength(10);
    expect(b.current(k)).toMatchObject({ spend: 0, reserved: expect.closeTo(1, 12) });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 0, reserved: 0, rows: [] });
    for (const r of taken) b.release(r);
    // Released in another order than reserved, float crumbs would remain: they are dropped.
    expect(b.current(k)!.reserved).toBe(0);
  });

  it('tryReserve reserves only what fits whole, and leaves clamping to reserve()', () => {
    const b = book();
    const k = key({ max_budget: 1 });
    const tooMuch = { promptCost: 0, outputCostPerToken: 1 / 1024, maxTokens: 2048 };
    expect(b.tryReserve(k, tooMuch)).toBeUndefined();
    expect(b.current(k)!.reserved).toBe(0);
    expect(b.reserve(k, tooMuch)).toMatchObject({ ok: true, clamped: true, maxTokens: 1024 });
    const fits = b.tryReserve(key({ max_budget: 1 }), worst(0.5));
    expect(fits).toMatchObject({ ok: true, clamped: false, reservation: { amount: 0.5 } });
  });
});

describe('settlement by group commit', () => {
  it('writes what settles in one turn in one transaction, all on disk when the promise resolves', async () => {
    const b = book();
    const k = key({ max_budget: 100 });
    const settled: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      const r = b.reserve(k, worst(1));
      if (!r.ok) throw r.error;
      settled.push(b.settleBatched(k, r.reservation, row(k.row.id, 0.25)));
    }
    // Charged in memory at once (the next reservation sees it); nothing on disk before the commit.
    expect(b.current(k)).toMatchObject({ spend: expect.closeTo(12.5, 12), reserved: 0 });
    expect(onDisk(k.row.id).rows).toHaveLength(0);
    // One batch: every request of the turn waits for the same commit.
    expect(new Set(settled).size).toBe(1);
    await Promise.all(settled);
    const disk = onDisk(k.row.id);
    expect(disk.rows).toHaveLength(50);
    expect(disk.spend).toBeCloseTo(12.5, 12);
    expect(disk.total_spend).toBeCloseTo(12.5, 12);
    expect(disk.reserved).toBe(0);
  });

  it('writes the reservations still in flight with each commit, so a crash leaves them to release', async () => {
    const b = book();
    const k = key({ max_budget: 100 });
    const inFlight = b.reserve(k, worst(2));
    const done = b.reserve(k, worst(1));
    if (!inFlight.ok || !done.ok) throw new Error('refused');
    await b.settleBatched(k, done.reservation, row(k.row.id, 0.5));
    expect(onDisk(k.row.id)).toMatchObject({ spend: 0.5, reserved: 2 });
    expect(keys.releaseAllReservations()).toBe(1);
  });

  it('settle() commits before it returns, with anything already queued', () => {
    const b = book();
    const k = key();
    void b.settleBatched(k, undefined, row(k.row.id, 1));
    b.settle(undefined, undefined, row(null, 0));
    expect(onDisk(k.row.id)).toMatchObject({ spend: 1, rows: [{ cost_usd: 1 }] });
  });

  it('a failed commit rejects its requests and takes their cost off the key again', async () => {
    const b = book();
    const k = key({ max_budget: 10 });
    const first = row(k.row.id, 1);
    await b.settleBatched(k, undefined, first);
    // The same ledger id again: the primary key refuses the batch.
    const r = b.reserve(k, worst(1));
    if (!r.ok) throw r.error;
    const failed = b.settleBatched(k, r.reservation, { ...row(k.row.id, 3), id: first.id });
    await expect(failed).rejects.toThrow(/UNIQUE/);
    expect(b.current(k)).toMatchObject({ spend: 1, reserved: 0 });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 1, reserved: 0 });
    // And the key goes on: the next settlement writes the right spend.
    await b.settleBatched(k, undefined, row(k.row.id, 2));
    expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
  });

  it('with the ledger off, keys still settle durably and no row is written', async () => {
    const b = book({ ledger: false });
    const k = key({ max_budget: 10 });
    const r = b.reserve(k, worst(1));
    if (!r.ok) throw r.error;
    await b.settleBatched(k, r.reservation, row(k.row.id, 0.75));
    expect(onDisk(k.row.id)).toMatchObject({ spend: 0.75, total_spend: 0.75, reserved: 0, rows: [] });
  });

  it('rolls the budget period in memory and on disk, charging the period a request ended in', async () => {
    const b = book();
    const k = key({ max_budget: 10, budget_duration: '30s' });
    await b.settleBatched(k, undefined, row(k.row.id, 4));
    expect(onDisk(k.row.id).spend).toBe(4);
    now += 30_000;
    await b.settleBatched(k, undefined, row(k.row.id, 1));
    expect(b.current(k)).toMatchObject({ spend: 1, budget_reset_at: START + 60_000 });
    expect(onDisk(k.row.id)).toMatchObject({ spend: 1, total_spend: 5 });
  });

  it('fires each budget threshold once per period, after its commit', async () => {
    const b = book();
    const k = key({ max_budget: 10, soft_budget: 2 });
    const settled = [1, 2, 5, 1].map((cost) => b.settleBatched(k, undefined, row(k.row.id, cost)));
    expect(events).toEqual([]);
    await Promise.all(settled);
    expect(events.map((e) => (e.type === 'budget.threshold' ? e.threshold : e.type))).toEqual([
      'soft',
      '80%',
    ]);
    await b.settleBatched(k, undefined, row(k.row.id, 1));
    expect(events.map((e) => (e.type === 'budget.threshold' ? e.threshold : e.type))).toEqual([
      'soft',
      '80%',
      '100%',
    ]);
    // A new book (a restart) reads what fired from the table, not from memory.
    await book().settleBatched(k, undefined, row(k.row.id, 1));
    expect(events).toHaveLength(3);
  });
});

describe('a second process on the same database', () => {
  it("loses neither process's costs, and each sees the other's spend once it has committed", async () => {
    const k = key({ max_budget: 10 });
    const here = book();
    const otherDb = openDatabase(join(dir, 'switchyard.db'));
    try {
      const there = new BudgetBook(
        new KeysRepo(otherDb),
        new RequestLogRepo(otherDb),
        new EventBus(),
        () => now,
      );
      expect(here.current(k)!.spend).toBe(0);
      expect(there.current(k)!.spend).toBe(0);
      await Promise.all([
        here.settleBatched(k, undefined, row(k.row.id, 1)),
        there.settleBatched(k, undefined, row(k.row.id, 2)),
      ]);
      expect(onDisk(k.row.id)).toMatchObject({ spend: 3, total_spend: 3 });
      // Each re-reads the disk once it notices the other's commit (checked at most every 250 ms).
      await new Promise((r) => setTimeout(r, 300));
      expect(here.current(k)!.spend).toBe(3);
      expect(there.current(k)!.spend).toBe(3);
    } finally {
      otherDb.close();
    }
  });
});
