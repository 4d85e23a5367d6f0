// The background checkpointer: it backfills the WAL from a worker of its own once the commits it counted
// have written about CHECKPOINT_PAGES pages, leaves the main connection's automatic checkpoint only as a
// distant bound, keeps no worker alive between checkpoints, lets the WAL start over under steady commits,
// and when a worker cannot run, hands checkpointing back to SQLite and says so.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/gateway/store/db.ts';
import {
  CHECKPOINT_PAGES,
  estimatePages,
  startCheckpointer,
} from '../../../main/gateway/store/wal-checkpointer.ts';
import { memoryLogger } from '../../support/temp-gateway.ts';

let dir: string;
let file: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
  file = join(dir, 'switchyard.db');
  db = openDatabase(file);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const autocheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true }) as number;
/** Frames in the WAL now (a passive checkpoint from the test's own connection reports them). */
const walFrames = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
/** Commits of 64 rows each that make a checkpoint due. */
const DUE = Math.ceil(CHECKPOINT_PAGES / estimatePages(64));

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the WAL checkpointer', () => {
  it('copies the WAL into the database from its worker once the commits counted make a checkpoint due', async () => {
    const log = memoryLogger();
    const cp = startCheckpointer(db, file, log);
    expect(autocheckpoint()).toBeGreaterThan(1000);
    const before = statSync(file).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < DUE - 1; i++) {
      insert.run('x'.repeat(500));
      cp.committed(64);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(statSync(file).size).toBe(before);
    // The main connection's own automatic checkpoint is far off (20,000 pages): only a worker's
    // checkpoint can bring these ~200 KB from the WAL into the database file.
    insert.run('x'.repeat(500));
    cp.committed(64);
    await until('the rows to reach the database file', () => statSync(file).size > before + 200_000);
    await cp.stop();
    expect(autocheckpoint()).toBe(1000);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it("starts no worker for a lone client's requests, one row per commit, until a few thousand", async () => {
    // Counted per commit (512 of them, before), a client sending one request at a time started a worker
    // every 512 requests: ~30 ms of CPU each.
    const cp = startCheckpointer(db, file, memoryLogger());
    const before = statSync(file).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 1500; i++) {
      insert.run('x'.repeat(300));
      cp.committed(1);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(statSync(file).size).toBe(before);
    await cp.stop();
  });

  it('checkpoints, at the first quiet spell, what a previous run left in the WAL', async () => {
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(500));
    const before = statSync(file).size;
    const cp = startCheckpointer(db, file, memoryLogger());
    await cp.rest();
    expect(statSync(file).size).toBeGreaterThan(before + 80_000);
    await cp.stop();
  });

  it('leaves the WAL to start over when commits land while it copies', async () => {
    const cp = startCheckpointer(db, file, memoryLogger(), { everyPages: 100 });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(500));
    const before = statSync(file).size;
    cp.committed(400);
    // Commit until the worker's copy has begun (the database file grows), then some more: these frames
    // come after what its first pass set out to copy.
    const deadline = Date.now() + 10_000;
    while (statSync(file).size === before && Date.now() < deadline) insert.run('y'.repeat(500));
    for (let i = 0; i < 20; i++) insert.run('z'.repeat(500));
    await cp.settled();
    // Everything was copied, so this commit writes the WAL from its start: it holds only its own frames.
    // (After a single pass, the frames of the commits above were still waiting, and the WAL kept growing.)
    insert.run('w'.repeat(500));
    expect(walFrames()).toBeLessThan(10);
    await cp.stop();
  });

  it('when resting, checkpoints what was committed since the last one; commits later bring another', async () => {
    const log = memoryLogger();
    const cp = startCheckpointer(db, file, log);
    await cp.rest();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commit = (n: number) => {
      for (let i = 0; i < n; i++) {
        insert.run('x'.repeat(500));
        cp.committed(64);
      }
    };
    // Fewer commits than a checkpoint is due after: the rows are still only in the WAL.
    const first = statSync(file).size;
    commit(100);
    expect(statSync(file).size).toBe(first);
    await cp.rest();
    expect(statSync(file).size).toBeGreaterThan(first + 40_000);

    // Then a burst: a new worker backfills it (SQLite's own mark is still far off).
    const second = statSync(file).size;
    commit(DUE);
    await until('the new worker to checkpoint', () => statSync(file).size > second + 200_000);
    await cp.stop();
    expect(autocheckpoint()).toBe(1000);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('gives checkpointing back to SQLite, and says so, when its worker cannot open the database', async () => {
    const log = memoryLogger();
    const cp = startCheckpointer(db, join(dir, 'missing.db'), log);
    await cp.rest();
    await until('the fallback', () => log.lines.some((l) => l.level === 'warn'));
    expect(log.lines.find((l) => l.level === 'warn')?.message).toMatch(/background checkpoints stopped/);
    expect(autocheckpoint()).toBe(1000);
    await cp.stop();
  });
});
