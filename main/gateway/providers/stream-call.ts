// Streamed answers on upstream-call.ts's lean dispatch. The call resolves once the headers are in; its
// body is pushed, as it arrives, into the one sink attached to it (chunks that came first wait for it),
// with pause and resume for backpressure. An HTTP error answer is read whole and becomes the adapter's
// GatewayError, as for a whole answer.
import type { GatewayError } from '../errors.ts';
import type { UpstreamRequest } from './http-client.ts';
import { httpError } from './unary-call.ts';
import { PushedQueue } from './pushed-queue.ts';
import { bodyText, UpstreamCall, type ResponseHeaders } from './upstream-call.ts';

export interface StreamSink {
  data(chunk: Buffer): void;
  end(): void;
  error(err: GatewayError): void;
}

export interface UpstreamStream {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  /** Stops the first-byte clock: the reader calls it on the stream's first event. */
  firstByte(): void;
  pause(): void;
  resume(): void;
  /** Where the body goes from now on; what came before is handed over at once. */
  attach(sink: StreamSink): void;
  /**
   * The reader wants no more. `drain`: the answer is complete, so what is left is read and dropped
   * (up to DRAIN_LIMIT), and the connection stays reusable; otherwise the call is aborted at once.
   */
  stop(drain: boolean): void;
}

/** What may follow the end of a stream's answer ([DONE]) before the connection is given up instead. */
const DRAIN_LIMIT = 1024 * 1024;

/** Chunks held for a reader not attached yet before the upstream is paused. */
const EARLY_HIGH_WATER = 16;

export function openUpstreamStream(req: UpstreamRequest): Promise<UpstreamStream> {
  return new Promise((resolve, reject) => new StreamCall(req, resolve, reject));
}

class StreamCall extends UpstreamCall implements UpstreamStream {
  #resolve: ((s: UpstreamStream) => void) | undefined;
  readonly #reject: (err: unknown) => void;
  #sink: StreamSink | undefined;
  /** Before a sink is attached: the chunks, and how the body ended. */
  #early: Buffer[] = [];
  #earlyEnd: GatewayError | true | undefined;
  /** An HTTP error answer's body, read whole. */
  #errorBody: Buffer[] | undefined;
  #drained = -1;
  #stopped = false;
  /** Paused because early chunks piled up with no reader, and because the reader asked. */
  #heldEarly = false;
  #readerPaused = false;

  constructor(req: UpstreamRequest, resolve: (s: UpstreamStream) => void, reject: (err: unknown) => void) {
    super(req);
    this.#resolve = resolve;
    this.#reject = reject;
    this.start();
  }

  protected response(): void {
    if (this.statusCode >= 400) {
      this.#errorBody = [];
      return;
    }
    const type = String(this.headers['content-type'] ?? '');
    // Not a stream after all (a server that ignored stream: true): its headers are its first byte.
    if (!type.includes('event-stream') && !type.includes('ndjson')) this.firstByte();
    const resolve = this.#resolve!;
    this.#resolve = undefined;
    resolve(this);
  }

  protected data(chunk: Buffer): void {
    if (this.#errorBody) this.#errorBody.push(chunk);
    else if (this.#sink) this.#sink.data(chunk);
    else if (this.#drained >= 0) {
      this.#drained += chunk.length;
      if (this.#drained > DRAIN_LIMIT) this.abort(new Error('too much after the end of the stream'));
    } else if (!this.#stopped) {
      // No reader yet (a generator not started): hold the upstream back rather than buffer without end.
      if (this.#early.push(chunk) === EARLY_HIGH_WATER) {
        this.#heldEarly = true;
        super.pause();
      }
    }
  }

  protected end(): void {
    if (this.#errorBody) this.#reject(this.#httpError(bodyText(this.#errorBody)));
    else if (this.#sink) this.#sink.end();
    else this.#earlyEnd = true;
  }

  protected failed(err: GatewayError): void {
    if (this.#resolve) this.#reject(err);
    else if (this.#errorBody) this.#reject(this.#httpError(''));
    else if (this.#sink) this.#sink.error(err);
    else if (!this.#stopped) this.#earlyEnd = err;
  }

  #httpError(text: string): GatewayError {
    return httpError(this.req, this.statusCode, text, this.headers);
  }

  attach(sink: StreamSink): void {
    this.#sink = sink;
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) {
      if (this.#sink !== sink) return; // stopped by what it just read
      sink.data(chunk);
    }
    // Resumed only after the held chunks are in (a resume can deliver the next ones at once), and only
    // if the reader, having taken them, did not ask to wait.
    if (this.#heldEarly) {
      this.#heldEarly = false;
      if (!this.#readerPaused) super.resume();
    }
    const end = this.#earlyEnd;
    if (end === undefined || this.#sink !== sink) return;
    if (end === true) sink.end();
    else sink.error(end);
  }

  override pause(): void {
    this.#readerPaused = true;
    super.pause();
  }

  override resume(): void {
    this.#readerPaused = false;
    if (!this.#heldEarly) super.resume();
  }

  stop(drain: boolean): void {
    if (this.#stopped) return;
    this.#sink = undefined;
    this.#early = [];
    this.#heldEarly = false;
    this.#stopped = true;
    if (this.settled) return;
    if (drain) {
      this.#drained = 0;
      this.resume();
    } else this.abort(new Error('the reader stopped the stream'));
  }
}

/** Chunks a pulling reader lets queue up before the upstream is paused, and when it resumes. */
const PULL_HIGH_WATER = 16;
const PULL_LOW_WATER = 4;

/**
 * The body as an async iterable, for readers that pull (Anthropic's SSE and Ollama's NDJSON parsers).
 * Ending the iteration early does not stop the call: the reader calls stop() when it is done, saying
 * whether the answer was whole (then the rest is drained, and the connection kept).
 */
export function bodyOf(stream: UpstreamStream): AsyncIterable<Buffer> {
  return { [Symbol.asyncIterator]: () => new PullReader(stream) };
}

class PullReader implements AsyncIterator<Buffer, undefined>, StreamSink {
  readonly #queue: PushedQueue<Buffer>;

  constructor(stream: UpstreamStream) {
    this.#queue = new PushedQueue(stream, PULL_HIGH_WATER, PULL_LOW_WATER);
    stream.attach(this);
  }

  data(chunk: Buffer): void {
    this.#queue.push(chunk);
  }

  end(): void {
    this.#queue.end();
  }

  error(err: GatewayError): void {
    this.#queue.fail(err);
  }

  next(): Promise<IteratorResult<Buffer, undefined>> {
    return this.#queue.next();
  }

  return(): Promise<IteratorResult<Buffer, undefined>> {
    this.#queue.clear();
    return Promise.resolve({ value: undefined, done: true });
  }
}
