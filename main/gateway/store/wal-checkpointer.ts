// Checkpoints the WAL from a worker thread. SQLite's automatic checkpoint runs inside whichever COMMIT
// crosses wal_autocheckpoint, on the event loop, and fsyncs the WAL and the database there: measured
// here at 2-8 ms every ~150 commits, which every request and stream in flight waits out. Instead, every
// CHECKPOINT_EVERY commits the main thread nudges a worker holding a second connection, which runs a
// PASSIVE checkpoint (it never blocks or waits for the writer): the same amount of checkpointing, with
// the fsyncs off the event loop. The main connection keeps an automatic checkpoint at a much higher mark
// only as a bound: under load that never pauses, the WAL cannot be rewound while commits keep arriving,
// and this caps how far it grows. If the worker cannot run (a packaged app that cannot load the module
// in a worker, say), the main connection goes back to SQLite's default and nothing else changes.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import type { Db } from './db.ts';

/** Commits between checkpoints: at ~7 pages per commit, about SQLite's default of 1,000 pages. */
const CHECKPOINT_EVERY = 128;
/** SQLite's default (pages), restored when the worker is not running. */
const DEFAULT_AUTOCHECKPOINT = 1000;
/** With the worker: the bound above (about 80 MB of WAL). */
const BOUND_AUTOCHECKPOINT = 20_000;

// CommonJS, evaluated in the worker: a file of its own would not survive the desktop app's bundling.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
parentPort.on('message', (m) => {
  if (m === 'checkpoint') {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy or locked: the next nudge tries again
    }
    return;
  }
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export interface Checkpointer {
  /** Counts a commit of the main connection (the worker checkpoints every CHECKPOINT_EVERY). */
  committed(): void;
  /** Stops the worker and closes its connection (before the main connection closes). */
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string, log: Logger): Checkpointer {
  let worker: Worker | undefined;
  const fallBack = (why: string) => {
    if (!worker) return;
    worker = undefined;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    log.warn(`the ledger's background checkpoints stopped (${why}); SQLite checkpoints on commit instead`);
  };
  try {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sqlite, file },
      // It holds one connection and a timer: keep its heap small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
  } catch (err) {
    log.warn(`the ledger's background checkpoints could not start (${String(err)})`);
    return { committed: () => {}, stop: async () => {} };
  }
  let ready = false;
  let commits = 0;
  worker.unref();
  worker.once('message', () => {
    if (!worker || !db.open) return;
    db.pragma(`wal_autocheckpoint = ${BOUND_AUTOCHECKPOINT}`);
    ready = true;
  });
  worker.once('error', (err) => fallBack(String(err)));
  const exited = new Promise<void>((resolve) =>
    worker!.once('exit', (code) => {
      fallBack(`its worker exited with code ${code}`);
      resolve();
    }),
  );
  return {
    committed() {
      if (++commits < CHECKPOINT_EVERY || !ready || !worker) return;
      commits = 0;
      worker.postMessage('checkpoint');
    },
    async stop() {
      const w = worker;
      worker = undefined;
      if (!w) return;
      ready = false;
      w.postMessage('stop');
      const killer = setTimeout(() => void w.terminate(), 2_000);
      await exited;
      clearTimeout(killer);
      if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    },
  };
}
