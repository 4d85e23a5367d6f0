// Checkpoints the WAL from a worker thread. SQLite's automatic checkpoint runs inside whichever COMMIT
// crosses wal_autocheckpoint, on the event loop, and fsyncs the WAL and the database there: measured
// here at 2-8 ms every ~150 commits, which every request and stream in flight waits out. Instead, once
// the commits since the last checkpoint have written about CHECKPOINT_PAGES pages, a worker opens a
// second connection, runs PASSIVE checkpoints (they never block or wait for the writer) and exits: the
// same checkpointing, with the fsyncs off the event loop. The main connection keeps an automatic
// checkpoint at a much higher mark only as a bound. If a worker cannot run (a packaged app that cannot
// load the module in a worker, say), the main connection goes back to SQLite's default.
// Why a worker per checkpoint and not one that waits for the next: while any worker thread is alive,
// Node's process.nextTick, which every socket read and write goes through, ran ~8x as many samples on
// the main thread (profiled under paced streams: the tick object's literal went through V8's runtime
// instead of optimized code), and a waiting worker was alive through every burst. (Measured later as CPU
// per request or stream, an idle worker made no difference beyond this machine's ±10% noise.) A worker
// holds a whole Node environment (~11 MB of RSS), and checkpoints are now rare. Starting one costs
// 0.2-1.3 ms on the main thread and ~20-35 ms of CPU on its own, which is why checkpoints are counted in
// pages written: counted in settlement batches (512 of them), a lone client's requests, a batch each,
// started a worker every 512 requests, ~55 µs of CPU per request.
// Why several passes: a passive checkpoint copies the frames that were in the WAL when it began, and
// commits that land meanwhile add more. SQLite starts the WAL over only at a write that finds every frame
// copied; under steady load one pass never gets there, the file grew to the bound, and the bound's
// checkpoint then copied the rest on the event loop. The few frames added during a pass take a fraction
// of its time to copy, so a few passes end with nothing left, and the next commit rewinds the WAL.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import type { Db } from './db.ts';

/** WAL pages (4 KB) written between checkpoints: ~32 MB, 8x SQLite's own mark. */
export const CHECKPOINT_PAGES = 8_000;
/**
 * What a commit writes to the WAL, estimated from what it held: each touches a few pages whatever its size
 * (the key's row, the journal's mark, the table's and its index's last leaves), and its rows fill more.
 * Measured: 150 commits of ~67 request_log rows each wrote 2,746 pages (the estimate says 3,100).
 */
export const estimatePages = (rows: number): number => PAGES_PER_COMMIT + rows / ROWS_PER_PAGE;
const PAGES_PER_COMMIT = 4;
const ROWS_PER_PAGE = 4;
/** Passes a checkpoint makes at most before it leaves the rest to the next one. */
const MAX_PASSES = 8;
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
  let seen = -1;
  for (let pass = 0; pass < workerData.passes; pass++) {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    // Done once a pass finds no frame the last one did not copy (nothing new, or the WAL started over).
    if (!r || r.busy || r.log === seen || r.log === 0) break;
    seen = r.log;
  }
} catch {
} finally {
  db.close();
}
`;

export interface Checkpointer {
  /** Counts a commit of the main connection and the request rows it wrote: see estimatePages. */
  committed(rows?: number): void;
  /** The gateway is quiet: checkpoint what the WAL holds, if anything was committed since the last. */
  rest(): Promise<void>;
  /** Resolves once no checkpoint is running (tests). */
  settled(): Promise<void>;
  /** Waits for a running checkpoint and gives checkpointing back to SQLite (before the connection closes). */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Pages between checkpoints (default CHECKPOINT_PAGES; tests lower it). */
  everyPages?: number;
}

export function startCheckpointer(
  db: Db,
  file: string,
  log: Logger,
  opts: CheckpointerOptions = {},
): Checkpointer {
  const everyPages = opts.everyPages ?? CHECKPOINT_PAGES;
  let sqlite: string;
  try {
    sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  } catch (err) {
    log.warn(`the ledger's background checkpoints could not start (${String(err)})`);
    return { committed: () => {}, rest: async () => {}, settled: async () => {}, stop: async () => {} };
  }
  let failed = false;
  let stopped = false;
  // What a previous run left in the WAL is unknown: the first quiet spell checkpoints it. (Not at start:
  // a worker there cost ~30 ms of CPU and its memory before the first request.)
  let pages = 1;
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
          workerData: { sqlite, file, passes: MAX_PASSES },
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
  return {
    committed(rows = 0) {
      pages += estimatePages(rows);
      if (pages < everyPages) return;
      pages = 0;
      void checkpoint();
    },
    async rest() {
      if (pages === 0) return running;
      pages = 0;
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
