// Calls whose whole answer is read before anything is done with it (chat without streaming, embeddings,
// model lists): undici's dispatch() with a handler of our own. request() gives every call a Readable
// for its body, an AsyncResource, and AbortSignal listeners in both directions; at c=64 that showed in
// profiles as microseconds and kilobytes per request. Here a call is one object, its chunks and one
// timer, with the same deadlines, abort and error mapping as callUpstream(), which streams keep using.
import type { Dispatcher } from 'undici';
import { GatewayError } from '../errors.ts';
import {
  defaultDispatcher,
  FirstByteTimeout,
  originAndPath,
  totalTimeout,
  transportError,
  type UpstreamRequest,
} from './http-client.ts';
import { upstreamHttpError } from './upstream-errors.ts';

/** An answer's body parsed, and its text as it came (a body passed on unchanged is not serialised again). */
export interface UpstreamJson<T> {
  json: T;
  text: string;
}

/**
 * Sends the request and reads the whole answer as JSON. An HTTP error answer becomes the adapter's
 * GatewayError (req.httpError), a body that is not JSON a retryable 502, a transport failure or a
 * deadline what transportError() makes of it.
 */
export async function callUpstreamJson<T>(req: UpstreamRequest): Promise<UpstreamJson<T>> {
  const answer = await new Promise<Answer>((resolve, reject) => new UnaryCall(req, resolve, reject));
  if (answer.statusCode >= 400) {
    const toError = req.httpError ?? upstreamHttpError;
    throw toError(answer.statusCode, answer.text, answer.headers, req.label, req.target.apiKey);
  }
  try {
    return { json: JSON.parse(answer.text) as T, text: answer.text };
  } catch (err) {
    throw new GatewayError(502, 'upstream_error', `${req.label} sent a response that is not JSON`, {
      retryable: true,
      cause: err,
    });
  }
}

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const BOM = 0xfeff;

class UnaryCall implements Dispatcher.DispatchHandler {
  readonly #req: UpstreamRequest;
  readonly #resolve: (a: Answer) => void;
  readonly #reject: (err: unknown) => void;
  readonly #started = performance.now();
  #controller: Dispatcher.DispatchController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waitingForHeaders = true;
  #statusCode = 0;
  #headers: Answer['headers'] = {};
  #chunks: Buffer[] = [];
  /** Why the call was aborted (client gone, a deadline), once it was. */
  #reason: Error | undefined;
  #done = false;

  constructor(req: UpstreamRequest, resolve: (a: Answer) => void, reject: (err: unknown) => void) {
    this.#req = req;
    this.#resolve = resolve;
    this.#reject = reject;
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
    headers: Answer['headers'],
  ): void {
    if (statusCode < 200) return;
    this.#waitingForHeaders = false;
    this.#statusCode = statusCode;
    this.#headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#done) return;
    this.#finish();
    const chunks = this.#chunks;
    let text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    // As undici's body.text(): a UTF-8 byte order mark is not part of the text.
    if (text.charCodeAt(0) === BOM) text = text.slice(1);
    this.#resolve({ statusCode: this.#statusCode, headers: this.#headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    // An error answer whose body broke off is still that error, without its message.
    if (this.#statusCode >= 400 && !this.#done) {
      this.#finish();
      this.#resolve({ statusCode: this.#statusCode, headers: this.#headers, text: '' });
      return;
    }
    this.#fail(err);
  }

  readonly #onOuterAbort = (): void => {
    this.#abort(abortReason(this.#req.signal));
  };

  // One timer, armed for whichever deadline comes first; after the headers it re-arms itself for what
  // is left of the whole-call deadline (callUpstream's clock, for the same reasons).
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const { firstByteTimeoutMs, totalTimeoutMs } = this.#req.target;
    const left = totalTimeoutMs - (performance.now() - this.#started);
    if (this.#waitingForHeaders && firstByteTimeoutMs < totalTimeoutMs) this.#abort(new FirstByteTimeout());
    else if (left <= 0) this.#abort(totalTimeout(totalTimeoutMs));
    else this.#timer = setTimeout(this.#onTimer, left);
  };

  #abort(reason: Error): void {
    if (this.#done) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    // Not started yet (queued for a connection): fail now; onRequestStart aborts it if it ever starts.
    this.#fail(reason);
  }

  #fail(err: unknown, reason: Error | undefined = this.#reason): void {
    if (this.#done) return;
    this.#reason = reason;
    this.#finish();
    const signal = { aborted: reason !== undefined, reason };
    this.#reject(transportError(err ?? reason, this.#req, signal));
  }

  #finish(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#req.signal.removeEventListener('abort', this.#onOuterAbort);
  }
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new DOMException('This operation was aborted', 'AbortError');
}
