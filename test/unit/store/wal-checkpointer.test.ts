// The background checkpointer: it backfills the WAL from a worker of its own as commits are counted,
// leaves the main connection's automatic checkpoint only as a distant bound, keeps no worker alive
// between checkpoints, and when a worker cannot run, hands checkpointing back to SQLite and says so.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/gateway/store/db.ts';
import { CHECKPOINT_EVERY, startCheckpointer } from '../../../main/gateway/store/wal-checkpointer.ts';
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

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the WAL checkpointer', () => {
  it('copies the WAL into the database from its worker as commits are counted', async () => {
    const log = memoryLogger();
    const cp = startCheckpointer(db, file, log);
    expect(autocheckpoint()).toBeGreaterThan(1000);
    await cp.settled();
    const before = statSync(file).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < CHECKPOINT_EVERY - 1; i++) {
      insert.run('x'.repeat(500));
      cp.committed();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(statSync(file).size).toBe(before);
    // The main connection's own automatic checkpoint is far off (20,000 pages): only a worker's
    // checkpoint can bring these ~250 KB from the WAL into the database file.
    insert.run('x'.repeat(500));
    cp.committed();
    await until('the rows to reach the database file', () => statSync(file).size > before + 200_000);
    await cp.stop();
    expect(autocheckpoint()).toBe(1000);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('when resting, checkpoints what was committed since the last one; commits later bring another', async () => {
    const log = memoryLogger();
    const cp = startCheckpointer(db, file, log);
    await cp.settled();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commit = (n: number) => {
      for (let i = 0; i < n; i++) {
        insert.run('x'.repeat(500));
        cp.committed();
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
    commit(CHECKPOINT_EVERY);
    await until('the new worker to checkpoint', () => statSync(file).size > second + 200_000);
    await cp.stop();
    expect(autocheckpoint()).toBe(1000);
    expect(log.lines.filter((l) => l.level !== 'info')).toEqual([]);
  });

  it('gives checkpointing back to SQLite, and says so, when its worker cannot open the database', async () => {
    const log = memoryLogger();
    const cp = startCheckpointer(db, join(dir, 'missing.db'), log);
    await until('the fallback', () => log.lines.some((l) => l.level === 'warn'));
    expect(log.lines.find((l) => l.level === 'warn')?.message).toMatch(/background checkpoints stopped/);
    expect(autocheckpoint()).toBe(1000);
    await cp.stop();
  });
});
