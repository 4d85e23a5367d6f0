// Counts o200k tokens for a gateway that needs a count only now and then: for a request its upstream
// reported no usage for (every cancelled request: an autocomplete client cancels on each keystroke), or
// a reservation the UTF-8 byte bound does not fit. Short texts (the usual prompt: a few thousand tokens,
// well under a millisecond at ~0.12 µs per token) are counted on this thread. Longer ones go to a worker
// thread that exists only while there is such counting to do, so that a long prompt never holds up the
// streams in flight. A worker is not free while it lives: its isolate (~11 MB) and ranks (~5 MB), and
// V8's slow path for process.nextTick on the main thread that profiles showed while any worker lived
// (see wal-checkpointer.ts). If the worker cannot run, counting goes back to this thread and nothing
// else changes.
import { Worker } from 'node:worker_threads';
import { o200kCounter } from './o200k-counter.ts';
import { readO200kRanks } from './o200k-ranks.ts';

/** How long the worker stays after its last count. */
export const TOKENIZER_IDLE_MS = 10_000;
/** Texts up to this many UTF-16 units in all are counted on this thread (~4k tokens, <1 ms). */
export const INLINE_CHARS = 16_384;

// CommonJS, evaluated in the worker: a file of its own would not survive the bundles, so the counter's
// own source text goes in. The ranks come in the first message; counts posted before it wait for it.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const makeCounter = (${o200kCounter.toString()});
let countText;
const waiting = [];
const answer = ({ id, texts }) => {
  try {
    let total = 0;
    for (const text of texts) total += countText(text);
    parentPort.postMessage({ id, total });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
};
parentPort.on('message', (m) => {
  if (m.ranks) {
    countText = makeCounter(m.ranks); // a file that is not a rank file throws: the worker fails
    for (const q of waiting.splice(0)) answer(q);
  } else if (countText) answer(m);
  else waiting.push(m);
});
`;

type Reply = { id: number; total: number } | { id: number; error: string };

interface Pending {
  texts: readonly string[];
  resolve(total: number): void;
  reject(err: Error): void;
}

export interface TextCounter {
  /** The sum of the texts' token counts. */
  count(texts: readonly string[]): Promise<number>;
  /** Whether a worker is running now (tests). */
  running(): boolean;
  /** Ends the worker now, if one runs; a later count starts a new one. */
  stop(): Promise<void>;
}

export interface TextCounterOptions {
  /** Default TOKENIZER_IDLE_MS. */
  idleMs?: number;
  /** Default INLINE_CHARS (tests pass 0 to send every count to the worker). */
  inlineChars?: number;
  /** Reads the o200k rank file; default readO200kRanks (tests pass a broken one). */
  ranks?: () => Promise<Uint8Array>;
}

/** `inProcess` counts on this thread: short texts, and all of them when no worker can run. */
export function workerTextCounter(
  inProcess: (texts: readonly string[]) => Promise<number>,
  opts: TextCounterOptions = {},
): TextCounter {
  const idleMs = opts.idleMs ?? TOKENIZER_IDLE_MS;
  const inlineChars = opts.inlineChars ?? INLINE_CHARS;
  let worker: Worker | undefined;
  let broken = false;
  let nextId = 0;
  let idle: NodeJS.Timeout | undefined;
  const pending = new Map<number, Pending>();

  const settleIdle = () => {
    if (!worker) return;
    if (pending.size > 0) {
      clearTimeout(idle);
      idle = undefined;
      worker.ref();
      return;
    }
    // Nothing waits on it: it must not keep the process alive, and it goes after idleMs.
    worker.unref();
    clearTimeout(idle);
    const w = worker;
    idle = setTimeout(() => {
      if (worker === w && pending.size === 0) {
        worker = undefined;
        void w.terminate();
      }
    }, idleMs).unref();
  };

  // The pending counts of a worker that failed, exited or was stopped are counted on this thread instead.
  const countPendingHere = () => {
    clearTimeout(idle);
    const left = [...pending.values()];
    pending.clear();
    for (const p of left) inProcess(p.texts).then(p.resolve, p.reject);
  };
  const abandon = (w: Worker, why: string | undefined) => {
    if (worker !== w) return;
    worker = undefined;
    if (why !== undefined) broken = true;
    countPendingHere();
  };

  const start = (): Worker | undefined => {
    if (worker || broken) return worker;
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.on('message', (m: Reply) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if ('error' in m) p.reject(new Error(`token count failed: ${m.error}`));
        else p.resolve(m.total);
        if (worker === w) settleIdle();
      });
      w.once('error', (err) => abandon(w, String(err)));
      w.once('exit', (code) => abandon(w, code === 0 || code === 1 ? undefined : `exit ${code}`));
      worker = w;
      // Through a promise job, so that even a reader that throws at once only sends counting back here.
      Promise.resolve()
        .then(() => (opts.ranks ?? readO200kRanks)())
        .then(
          (file) => {
            if (worker !== w) return;
            // Transferred, so it must be a buffer of its own (not a slice of a shared pool).
            const own =
              file.byteOffset === 0 && file.byteLength === file.buffer.byteLength ? file : file.slice();
            w.postMessage({ ranks: own }, [own.buffer as ArrayBuffer]);
          },
          (err: unknown) => {
            abandon(w, String(err));
            void w.terminate();
          },
        );
    } catch {
      broken = true;
    }
    return worker;
  };

  return {
    count(texts) {
      if (texts.length === 0) return Promise.resolve(0);
      let chars = 0;
      for (const text of texts) chars += text.length;
      if (chars <= inlineChars) return inProcess(texts);
      const w = start();
      if (!w) return inProcess(texts);
      return new Promise<number>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { texts, resolve, reject });
        settleIdle();
        w.postMessage({ id, texts });
      });
    },
    running: () => worker !== undefined,
    async stop() {
      const w = worker;
      if (!w) return;
      worker = undefined;
      countPendingHere();
      await w.terminate();
    },
  };
}
