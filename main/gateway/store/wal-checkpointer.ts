// Checkpoints the WAL from a worker thread. SQLite's automatic checkpoint runs inside whichever COMMIT
// crosses wal_autocheckpoint, on the event loop, and fsyncs the WAL and the database there: measured
// here at 2-8 ms every ~150 commits, which every request and stream in flight waits out. Instead, every
// CHECKPOINT_EVERY commits a worker opens a second connection, runs a PASSIVE checkpoint (it never
// blocks or waits for the writer) and exits: the same checkpointing, with the fsyncs off the event loop.
// The main connection keeps an automatic checkpoint at a much higher mark only as a bound: under load
// that never pauses, the WAL cannot be rewound while commits keep arriving, and this caps how far it
// grows. If a worker cannot run (a packaged app that cannot load the module in a worker, say), the main
// connection goes back to SQLite's default and nothing else changes.
// Why a worker per checkpoint and not one that waits for the next: while any worker thread is alive,
// Node's process.nextTick, which every socket read and write goes through, ran ~8x as many samples on
// the main thread (profiled under paced streams: the tick object's literal went through V8's runtime
// instead of optimized code), and a waiting worker was alive through every burst. A worker also holds a
// whole Node environment (~11 MB of RSS). Starting one costs 0.2-1.3 ms on the main thread and ~20-35 ms
// on its own, so checkpoints come every CHECKPOINT_EVERY batches, not more often.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import type { Db } from './db.ts';

/** Batches between checkpoints: ~64 rows each under load, so a few thousand pages of WAL. */
export const CHECKPOINT_EVERY = 512;
/** SQLite's default (pages), restored when workers cannot run. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** With the workers: the bound above (about 80 MB of WAL). */
const BOUND_AUTOCHECKPOINT = 20_000;

// CommonJS, evaluated in the worker: a file of its own would not survive the desktop app's bundling.
// A busy or locked database is not a failure: the next checkpoint tries again.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 0');
  db.pragma('wal_checkpoint(PASSIVE)');
} catch {
} finally {
  db.close();
}
`;

export interface Checkpointer {
  /**
   * Counts a commit of the main connection, as the settlement batches it held (a batch is about one
   * commit's worth of pages): a checkpoint runs every CHECKPOINT_EVERY.
   */
  committed(batches?: number): void;
  /** The gateway is quiet: checkpoint what the WAL holds, if anything was committed since the last. */
  rest(): Promise<void>;
  /** Resolves once no checkpoint is running (tests). */
  settled(): Promise<void>;
  /** Waits for a running checkpoint and gives checkpointing back to SQLite (before the connection closes). */
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string, log: Logger): Checkpointer {
  let sqlite: string;
  try {
    sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  } catch (err) {
    log.warn(`the ledger's background checkpoints could not start (${String(err)})`);
    return { committed: () => {}, rest: async () => {}, settled: async () => {}, stop: async () => {} };
  }
  let failed = false;
  let stopped = false;
  let commits = 0;
  /** The checkpoint running now, and whether another came due meanwhile. */
  let running: Promise<void> | undefined;
  let again = false;

  const fallBack = (why: string) => {
    if (failed) return;
    failed = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    log.warn(`the ledger's background checkpoints stopped (${why}); SQLite checkpoints on commit instead`);
  };

  const runOnce = () =>
    new Promise<void>((resolve) => {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { sqlite, file },
          // It holds one connection for one checkpoint: keep its heap small.
          resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
        });
      } catch (err) {
        fallBack(`its worker could not start: ${String(err)}`);
        resolve();
        return;
      }
      worker.unref();
      let error: unknown;
      worker.once('error', (err) => (error = err));
      worker.once('exit', (code) => {
        if (error !== undefined || code !== 0) fallBack(error !== undefined ? String(error) : `exit ${code}`);
        resolve();
      });
    });

  const checkpoint = (): Promise<void> => {
    if (failed || stopped) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    const run: Promise<void> = runOnce().then(() => {
      running = undefined;
      if (again) {
        again = false;
        return checkpoint();
      }
    });
    running = run;
    return run;
  };

  db.pragma(`wal_autocheckpoint = ${BOUND_AUTOCHECKPOINT}`);
  // One at start: it backfills what a previous run left in the WAL, and finds out early if workers
  // cannot run here.
  void checkpoint();
  return {
    committed(batches = 1) {
      commits += batches;
      if (commits < CHECKPOINT_EVERY) return;
      commits = 0;
      void checkpoint();
    },
    async rest() {
      if (commits === 0) return running;
      commits = 0;
      return checkpoint();
    },
    settled: async () => {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      while (running) await running;
      if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    },
  };
}
