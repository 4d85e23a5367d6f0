// Checkpoints the WAL from a worker thread. SQLite's automatic checkpoint runs inside whichever COMMIT
// crosses wal_autocheckpoint, on the event loop, and fsyncs the WAL and the database there: measured
// here at 2-8 ms every ~150 commits, which every request and stream in flight waits out. Instead, every
// CHECKPOINT_EVERY commits the main thread nudges a worker holding a second connection, which runs a
// PASSIVE checkpoint (it never blocks or waits for the writer): the same amount of checkpointing, with
// the fsyncs off the event loop. The main connection keeps an automatic checkpoint at a much higher mark
// only as a bound: under load that never pauses, the WAL cannot be rewound while commits keep arriving,
// and this caps how far it grows. If the worker cannot run (a packaged app that cannot load the module
// in a worker, say), the main connection goes back to SQLite's default and nothing else changes.
// A worker is a whole Node environment (~11 MB of RSS measured here), so when the gateway goes quiet
// it checkpoints once more and exits, and the next checkpoint due starts a new one.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import type { Db } from './db.ts';

/** Batches between checkpoints: at ~7 pages per batch, about SQLite's default of 1,000 pages. */
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
  /**
   * Counts a commit of the main connection, as the settlement batches it held (a batch is about one
   * commit's worth of pages): the worker checkpoints every CHECKPOINT_EVERY.
   */
  committed(batches?: number): void;
  /**
   * The gateway is quiet: checkpoint what the WAL holds and let the worker exit. The next checkpoint
   * due starts a new one. Resolves once it has exited.
   */
  rest(): Promise<void>;
  /** Stops the worker and closes its connection (before the main connection closes). */
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string, log: Logger): Checkpointer {
  let sqlite: string;
  try {
    sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  } catch (err) {
    log.warn(`the ledger's background checkpoints could not start (${String(err)})`);
    return { committed: () => {}, rest: async () => {}, stop: async () => {} };
  }
  /** The running worker, if any; `exited` settles when it has gone. */
  let current: { worker: Worker; ready: boolean; exited: Promise<void> } | undefined;
  let failed = false;
  let stopped = false;
  let commits = 0;
  /** A checkpoint came due while the worker was starting: run it once it is ready. */
  let wanted = false;

  const fallBack = (why: string) => {
    if (failed) return;
    failed = true;
    current = undefined;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    log.warn(`the ledger's background checkpoints stopped (${why}); SQLite checkpoints on commit instead`);
  };

  const spawn = () => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { sqlite, file },
        // It holds one connection and a timer: keep its heap small.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      });
    } catch (err) {
      fallBack(`its worker could not start: ${String(err)}`);
      return;
    }
    worker.unref();
    const me = {
      worker,
      ready: false,
      exited: new Promise<void>((resolve) =>
        worker.once('exit', (code) => {
          // A worker told to rest or stop has been let go already; any other exit is a failure.
          if (current === me) fallBack(`its worker exited with code ${code}`);
          resolve();
        }),
      ),
    };
    current = me;
    worker.once('message', () => {
      if (current !== me || !db.open) return;
      db.pragma(`wal_autocheckpoint = ${BOUND_AUTOCHECKPOINT}`);
      me.ready = true;
      if (wanted) {
        wanted = false;
        worker.postMessage('checkpoint');
      }
    });
    worker.once('error', (err) => {
      if (current === me) fallBack(String(err));
    });
  };

  /** Lets the running worker go: `last` asks for one more checkpoint first. */
  let lastExit: Promise<void> = Promise.resolve();
  const release = async (last: boolean): Promise<void> => {
    const me = current;
    current = undefined;
    wanted = false;
    if (!me) return lastExit;
    lastExit = me.exited;
    // Messages queue until the worker listens, so this holds for one still starting too.
    if (last) me.worker.postMessage('checkpoint');
    me.worker.postMessage('stop');
    const killer = setTimeout(() => void me.worker.terminate(), 2_000);
    await me.exited;
    clearTimeout(killer);
  };

  spawn();
  return {
    committed(batches = 1) {
      commits += batches;
      if (commits < CHECKPOINT_EVERY || failed || stopped) return;
      commits = 0;
      if (!current) spawn();
      if (current?.ready) current.worker.postMessage('checkpoint');
      else wanted = true;
    },
    rest: () => release(true),
    async stop() {
      stopped = true;
      await release(false);
      if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    },
  };
}
