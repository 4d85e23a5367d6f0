// Between a source that pushes (undici's handler, as chunks arrive) and a reader that pulls (next()):
// the source is paused while `high` items wait and resumed once no more than `low` are left; a failure
// reaches the reader after the items that came before it; a reader waiting in next() is handed an item
// straight from the push that brought it, with no promise per item it did not wait for.
import { GatewayError } from '../errors.ts';

export interface Flow {
  pause(): void;
  resume(): void;
}

type Waiter<T> = { resolve(r: IteratorResult<T, undefined>): void; reject(err: unknown): void };

const DONE = { value: undefined, done: true } as const;

export class PushedQueue<T> {
  readonly #flow: Flow;
  readonly #high: number;
  readonly #low: number;
  #items: T[] = [];
  #head = 0;
  #paused = false;
  /** Delivered once the items before it have been taken. */
  #failure: GatewayError | undefined;
  #ended = false;
  #waiter: Waiter<T> | undefined;

  constructor(flow: Flow, high: number, low: number) {
    this.#flow = flow;
    this.#high = high;
    this.#low = low;
  }

  push(item: T): void {
    this.#items.push(item);
    if (!this.#paused && this.#items.length - this.#head >= this.#high) {
      this.#paused = true;
      this.#flow.pause();
    }
    this.#wake();
  }

  /** No more items: next() says done once the queue is empty. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  fail(err: GatewayError): void {
    this.#failure = err;
    this.end();
  }

  /** The reader stopped: what waits is dropped, and next() says done. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#failure = undefined;
    this.end();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const ready = this.#ready();
    if (ready === undefined) return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
    return ready instanceof GatewayError ? Promise.reject(ready) : Promise.resolve(ready);
  }

  /** The next item, the failure, or the end; undefined while there is nothing yet. */
  #ready(): IteratorResult<T, undefined> | GatewayError | undefined {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++]!;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      if (this.#paused && this.#items.length - this.#head <= this.#low) {
        this.#paused = false;
        this.#flow.resume();
      }
      return { value, done: false };
    }
    const failure = this.#failure;
    if (failure) {
      this.#failure = undefined;
      return failure;
    }
    return this.#ended ? DONE : undefined;
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const ready = this.#ready();
    if (ready === undefined) return;
    this.#waiter = undefined;
    if (ready instanceof GatewayError) waiter.reject(ready);
    else waiter.resolve(ready);
  }
}
