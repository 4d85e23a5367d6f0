// Every upstream call goes through undici's dispatch() with a handler of our own. undici's request()
// gives each call a Readable for its body, an AsyncResource and AbortSignal listeners in both
// directions; at c=64 that showed in profiles as about a quarter of Switchyard's CPU per request and
// half of its garbage. Here a call is this object, its chunks and one timer: a first-byte deadline, then
// what is left of the whole-call deadline; the client's abort; one error mapping. What differs between
// a whole answer (unary-call.ts) and a stream (stream-call.ts) is what is done with the body.
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../errors.ts';
import {
  defaultDispatcher,
  FirstByteTimeout,
  originAndPath,
  totalTimeout,
  transportError,
  type UpstreamRequest,
} from './http-client.ts';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export abstract class UpstreamCall implements Dispatcher.DispatchHandler {
  protected readonly req: UpstreamRequest;
  readonly #started = performance.now();
  #controller: Dispatcher.DispatchController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waitingForFirstByte = true;
  statusCode = 0;
  headers: ResponseHeaders = {};
  /** Why the call was aborted (client gone, a deadline, stopped), once it was. */
  #reason: Error | undefined;
  /** Ended, failed or aborted: undici's further callbacks are ignored. */
  protected settled = false;

  constructor(req: UpstreamRequest) {
    this.req = req;
  }

  /** The status line and headers of a final answer have arrived. */
  protected abstract response(): void;
  protected abstract data(chunk: Buffer): void;
  protected abstract end(): void;
  /** The call failed or was aborted; `err` says why, as the client should hear it. */
  protected abstract failed(err: GatewayError): void;

  /** Sends the request: the last thing a subclass's constructor does. */
  protected start(): void {
    const { req } = this;
    const outer = req.signal;
    if (outer.aborted) {
      this.#fail(undefined, abortReason(outer));
      return;
    }
    outer.addEventListener('abort', this.#onOuterAbort, { once: true });
    const { firstByteTimeoutMs, totalTimeoutMs } = req.target;
    this.#timer = setTimeout(this.#onTimer, Math.min(firstByteTimeoutMs, totalTimeoutMs));
    try {
      const { origin, path } = originAndPath(req.url);
      (req.dispatcher ?? defaultDispatcher).dispatch(
        {
          origin,
          path,
          method: req.method ?? 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...req.headers },
          body: req.body === undefined ? null : JSON.stringify(req.body),
          headersTimeout: 0,
          // A stream that stalls between events for this long is abandoned.
          bodyTimeout: Math.max(firstByteTimeoutMs, 1_000),
        },
        this,
      );
    } catch (err) {
      this.#fail(err);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Aborted while it waited for a connection: it must not go out now.
    if (this.#reason) controller.abort(this.#reason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
  ): void {
    if (statusCode < 200 || this.settled) return;
    this.statusCode = statusCode;
    this.headers = headers;
    this.response();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.settled) this.data(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.finish();
    this.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#fail(err);
  }

  /** Stops the first-byte clock: a whole answer's headers are its first byte, a stream's first event. */
  firstByte(): void {
    this.#waitingForFirstByte = false;
  }

  pause(): void {
    this.#controller?.pause();
  }

  resume(): void {
    this.#controller?.resume();
  }

  /** Aborts the call (the connection is closed); `failed` hears of it unless the call had settled. */
  abort(reason: Error): void {
    if (this.settled) {
      // Settled but still reading (a stream draining after its end): just stop.
      this.#controller?.abort(reason);
      return;
    }
    this.#reason = reason;
    this.#controller?.abort(reason);
    // Not started yet (queued for a connection): fail now; onRequestStart aborts it if it ever starts.
    this.#fail(reason);
  }

  /** No more callbacks matter: the clock and the client's abort listener are dropped. */
  protected finish(): void {
    this.settled = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.req.signal.removeEventListener('abort', this.#onOuterAbort);
  }

  readonly #onOuterAbort = (): void => {
    this.abort(abortReason(this.req.signal));
  };

  // One timer, armed for whichever deadline comes first. The first byte does not re-arm it (most calls
  // end long before either deadline); when it fires after the first byte, it re-arms itself for what
  // is left of the whole-call deadline.
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const { firstByteTimeoutMs, totalTimeoutMs } = this.req.target;
    const left = totalTimeoutMs - (performance.now() - this.#started);
    if (this.#waitingForFirstByte && firstByteTimeoutMs < totalTimeoutMs) this.abort(new FirstByteTimeout());
    else if (left <= 0) this.abort(totalTimeout(totalTimeoutMs));
    else this.#timer = setTimeout(this.#onTimer, left);
  };

  #fail(err: unknown, reason: Error | undefined = this.#reason): void {
    if (this.settled) return;
    this.#reason = reason;
    this.finish();
    this.failed(transportError(err ?? reason, this.req, { aborted: reason !== undefined, reason }));
  }
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new DOMException('This operation was aborted', 'AbortError');
}

/** A body's text, as undici's body.text() reads it: UTF-8, without a byte order mark. */
export function bodyText(chunks: Buffer[]): string {
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
