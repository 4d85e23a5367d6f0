import type { Usage } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import { transportError, type UpstreamRequest, type UpstreamResponse } from '../http-client.ts';
import type { ProviderStream, StreamPiece } from '../provider.ts';
import { sseData } from '../stream-parsers.ts';
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

/** What may follow [DONE] before the connection is given up instead of drained. */
const DUMP_LIMIT = 1024 * 1024;

export interface RelayOptions {
  /** Filters the usage a chunk reports before it reaches the ledger. */
  usage?(raw: unknown): Usage | undefined;
  /** Chunks for which this is true are not relayed (they still count as the first byte). */
  skip?(chunk: Record<string, unknown>): boolean;
}

/** Relays an upstream OpenAI SSE stream piece by piece; the `data` text is the upstream's own bytes. */
export async function* relayOpenAIStream(
  res: UpstreamResponse,
  req: UpstreamRequest,
  opts: RelayOptions = {},
): ProviderStream {
  let finished = false;
  let done = false;
  try {
    // Not destroyed when this loop stops at [DONE]: the finally below decides (see there).
    for await (const data of sseData(res.body.iterator({ destroyOnReturn: false }))) {
      res.firstByte();
      if (data === '[DONE]') {
        done = true;
        return;
      }
      // Most chunks carry only a delta: relayed as they came, with their text read only if the ledger
      // ends up needing it (no usage reported). Chunks with usage or an error, and every chunk of an
      // upstream whose chunks are filtered, are parsed here.
      // An event that does not even start like a JSON object is parsed too, to fail (and fall back) as not JSON.
      if (!opts.skip && data.charCodeAt(0) === 123 && !NEEDS_PARSE.test(data)) {
        if (FINISHED.test(data)) finished = true;
        yield new LazyTextPiece(data);
        continue;
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
          {
            retryable: true,
          },
        );
      }
      if (chunk.choices?.some((c) => (c as { finish_reason?: unknown }).finish_reason)) finished = true;
      if (opts.skip?.(chunk as Record<string, unknown>)) continue;
      const piece: StreamPiece = { data, text: textOf(chunk) };
      const usage = chunk.usage && opts.usage ? opts.usage(chunk.usage) : chunk.usage;
      if (usage) {
        piece.usage = usage;
        if (!chunk.choices || chunk.choices.length === 0) piece.usageOnly = true;
      }
      yield piece;
    }
    // Some servers omit [DONE]; a finish_reason still says the answer is whole. Neither: it was cut off.
    if (!finished) {
      throw new GatewayError(
        502,
        'upstream_error',
        `${req.label} ended the stream before the answer was finished`,
        {
          retryable: true,
        },
      );
    }
  } catch (err) {
    throw transportError(err, req, res.signal);
  } finally {
    // After [DONE] only the end of the response is left: read it, so the connection stays reusable and
    // no abort error is built (destroy() makes one, with its stack, per stream). Stopped early (the client
    // left, the upstream failed): destroy, which aborts the upstream request at once.
    if (!res.body.destroyed) {
      if (done) void res.body.dump({ limit: DUMP_LIMIT }).catch(() => {});
      // The loop's iterator no longer listens: the abort error destroy() emits must not go unheard.
      else res.body.on('error', () => {}).destroy();
    }
  }
}
