import type { ServerResponse } from 'node:http';

/**
 * Writes a stream's SSE events (with an `event:` line when they have a name, as Anthropic's dialect
 * does). The events of one turn of the event loop leave in one write, made once the turn's promise jobs
 * have run (process.nextTick): an upstream that sent a burst of events in one packet costs one syscall
 * and one HTTP chunk, not one per event, and a paced event still leaves in the turn it arrived in.
 * (res.cork() does not do this: OutgoingMessage.uncork() sends each held chunk in its own write.)
 */
export class SseWriter {
  readonly #res: ServerResponse;
  #held = '';
  #flushing = false;
  readonly #flush = () => {
    this.#flushing = false;
    const held = this.#held;
    this.#held = '';
    if (held !== '' && !this.#res.destroyed) this.#res.write(held);
  };

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /** Queues one event; resolves at once, or once the client has drained what it was sent (backpressure). */
  write(data: string, event?: string): Promise<void> | void {
    const res = this.#res;
    if (res.destroyed) return;
    // A multi-line payload (an upstream event relayed as its joined data lines) needs a data: per line.
    const lines = data.includes('\n') ? data.split('\n').join('\ndata: ') : data;
    this.#held += event === undefined ? `data: ${lines}\n\n` : `event: ${event}\ndata: ${lines}\n\n`;
    if (!this.#flushing) {
      this.#flushing = true;
      process.nextTick(this.#flush);
    }
    if (!res.writableNeedDrain) return;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  /** Sends what is held and ends the response, in one write. */
  end(): void {
    const held = this.#held;
    this.#held = '';
    if (held === '' || this.#res.destroyed) this.#res.end();
    else this.#res.end(held);
  }
}
