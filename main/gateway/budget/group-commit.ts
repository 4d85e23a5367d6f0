// Group commit: everything settled during one turn of the event loop is written in one transaction.
// A COMMIT costs far more than the rows in it, so under load many requests share one. The batch is
// committed by setImmediate, which runs right after the I/O callbacks of this turn: the requests that
// finished together are written together, and none waits for a timer. Callers hold their response's last
// bytes until `done` settles, so a response the client saw complete is on disk.

interface Pending<B> {
  batch: B;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<B> {
  readonly #make: () => B;
  readonly #commit: (batch: B) => void;
  #pending: Pending<B> | undefined;

  /** `commit` writes a batch synchronously (one transaction, no await inside) or throws. */
  constructor(make: () => B, commit: (batch: B) => void) {
    this.#make = make;
    this.#commit = commit;
  }

  /** The batch now filling, and a promise that settles once it is committed (rejects if it failed). */
  join(): { batch: B; done: Promise<void> } {
    if (this.#pending) return this.#pending;
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that does not wait for the commit must not turn a failed one into an unhandled rejection.
    done.catch(() => {});
    this.#pending = { batch: this.#make(), done, resolve, reject };
    setImmediate(() => {
      try {
        this.flush();
      } catch {
        // Reported through `done` to every request in the batch.
      }
    });
    return this.#pending;
  }

  /** Whether a batch is waiting to be committed. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /** Commits the waiting batch now (a no-op when there is none); throws what the commit threw. */
  flush(): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    try {
      this.#commit(p.batch);
    } catch (err) {
      p.reject(err);
      throw err;
    }
    p.resolve();
  }
}
