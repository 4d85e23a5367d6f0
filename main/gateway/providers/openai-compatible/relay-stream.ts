import type { Usage } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import { NOT_ABORTED, transportError, type UpstreamRequest } from '../http-client.ts';
import type { ProviderStream, StreamPiece } from '../provider.ts';
import { PushedQueue } from '../pushed-queue.ts';
import type { StreamSink, UpstreamStream } from '../stream-call.ts';
import { SseSplitter } from '../stream-parsers.ts';
import { redact } from '../upstream-errors.ts';

interface OpenAIChunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: { function?: { arguments?: string } }[] };
    text?: string;
  }[];
  usage?: Usage | null;
  error?: { message?: string };
}

function textOf(chunk: OpenAIChunk): string {
  let text = '';
  for (const choice of chunk.choices ?? []) {
    if (typeof choice.text === 'string') text += choice.text;
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string') text += delta.content;
    for (const call of delta.tool_calls ?? []) text += call.function?.arguments ?? '';
  }
  return text;
}

// Keys as JSON writes them (a quote right after the name, then the colon): inside a string value the same
// text would have its quotes escaped (\"usage\"), so content can never match. `"usage": null`, which
// some servers put on every chunk, does not need a parse; `"error"` with any value does.
const NEEDS_PARSE = /"usage"\s*:\s*\{|"error"\s*:/;
const FINISHED = /"finish_reason"\s*:\s*"[^"]/;

/** A chunk relayed unparsed: its text is read (and kept) only when asked for. A class, so that the
 * getter lives on the prototype instead of a closure and an accessor pair per chunk. */
class LazyTextPiece implements StreamPiece {
  readonly data: string;
  #text: string | undefined;

  constructor(data: string) {
    this.data = data;
  }

  get text(): string {
    if (this.#text === undefined) {
      try {
        this.#text = textOf(JSON.parse(this.data) as OpenAIChunk);
      } catch {
        this.#text = ''; // not JSON: nothing to count, and the client already has it as sent
      }
    }
    return this.#text;
  }
}

export interface RelayOptions {
  /** Filters the usage a chunk reports before it reaches the ledger. */
  usage?(raw: unknown): Usage | undefined;
  /** Chunks for which this is true are not relayed (they still count as the first byte). */
  skip?(chunk: Record<string, unknown>): boolean;
}

/** Pieces queued ahead of the consumer before the upstream body is paused, and when it resumes. */
const HIGH_WATER = 32;
const LOW_WATER = 8;

/**
 * Relays an upstream OpenAI SSE stream piece by piece; the `data` text is the upstream's own bytes.
 * Push-based: events are split and classified straight from the body's chunks as they arrive and
 * queued for the consumer, one promise per piece it waits for (nested async generators cost three per
 * event).
 */
export function relayOpenAIStream(
  res: UpstreamStream,
  req: UpstreamRequest,
  opts: RelayOptions = {},
): ProviderStream {
  return new OpenAIRelay(res, req, opts);
}

class OpenAIRelay implements ProviderStream, StreamSink {
  readonly #res: UpstreamStream;
  readonly #req: UpstreamRequest;
  readonly #opts: RelayOptions;
  readonly #splitter = new SseSplitter();
  readonly #queue: PushedQueue<StreamPiece>;
  /** No more pieces will come: [DONE], the end of the body, a failure, or return(). */
  #ended = false;
  #done = false;
  #finished = false;

  constructor(res: UpstreamStream, req: UpstreamRequest, opts: RelayOptions) {
    this.#res = res;
    this.#req = req;
    this.#opts = opts;
    this.#queue = new PushedQueue(res, HIGH_WATER, LOW_WATER);
    res.attach(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPiece, void>> {
    return this.#queue.next();
  }

  /** The consumer stopped early (the client left, or it has what it needs). */
  return(): Promise<IteratorResult<StreamPiece, void>> {
    this.#queue.clear();
    this.#stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  data(chunk: Uint8Array): void {
    if (this.#ended) return;
    try {
      this.#splitter.feed(chunk, this.#onEvent);
    } catch (err) {
      this.#fail(err);
    }
  }

  end(): void {
    if (this.#ended) return;
    try {
      this.#splitter.end(this.#onEvent);
      // Some servers omit [DONE]; a finish_reason still says the answer is whole. Neither: it was cut off.
      if (!this.#done && !this.#finished) {
        throw new GatewayError(
          502,
          'upstream_error',
          `${this.#req.label} ended the stream before the answer was finished`,
          { retryable: true },
        );
      }
      this.#stop();
    } catch (err) {
      this.#fail(err);
    }
  }

  error(err: GatewayError): void {
    this.#fail(err);
  }

  /** One event's data: queued as a piece, or the end ([DONE]); throws for what fails the stream. */
  readonly #onEvent = (data: string) => {
    if (this.#ended) return; // whatever follows [DONE] or a failure
    const req = this.#req;
    const opts = this.#opts;
    this.#res.firstByte();
    if (data === '[DONE]') {
      this.#done = true;
      this.#stop();
      return;
    }
    // Most chunks carry only a delta: relayed as they came, with their text read only if the ledger
    // ends up needing it (no usage reported). Chunks with usage or an error, every chunk of an upstream
    // whose chunks are filtered, and events that do not even start like a JSON object (to fail, and fall
    // back, as not JSON) are parsed here.
    if (!opts.skip && data.charCodeAt(0) === 123 && !NEEDS_PARSE.test(data)) {
      if (FINISHED.test(data)) this.#finished = true;
      this.#queue.push(new LazyTextPiece(data));
      return;
    }
    let chunk: OpenAIChunk;
    try {
      chunk = JSON.parse(data) as OpenAIChunk;
    } catch {
      throw new GatewayError(502, 'upstream_error', `${req.label} sent a stream event that is not JSON`, {
        retryable: true,
      });
    }
    if (chunk.error) {
      throw new GatewayError(
        502,
        'upstream_error',
        `${req.label} failed mid-stream: ${redact(chunk.error.message ?? '', req.target.apiKey)}`,
        { retryable: true },
      );
    }
    if (chunk.choices?.some((c) => (c as { finish_reason?: unknown }).finish_reason)) this.#finished = true;
    if (opts.skip?.(chunk as Record<string, unknown>)) return;
    const piece: StreamPiece = { data, text: textOf(chunk) };
    const usage = chunk.usage && opts.usage ? opts.usage(chunk.usage) : chunk.usage;
    if (usage) {
      piece.usage = usage;
      if (!chunk.choices || chunk.choices.length === 0) piece.usageOnly = true;
    }
    this.#queue.push(piece);
  };

  #fail(err: unknown): void {
    if (this.#ended) return;
    this.#queue.fail(transportError(err, this.#req, NOT_ABORTED));
    this.#stop();
  }

  /**
   * No more pieces. After [DONE] only the end of the response is left: read it, so the connection stays
   * reusable and no abort error is built. Stopped early (the client left, the upstream failed): the
   * upstream request is aborted at once.
   */
  #stop(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue.end();
    this.#res.stop(this.#done);
  }
}
