// Drives an Ollama NDJSON stream: parses each line, surfaces in-band errors, and hands lines to a
// mapper that turns them into OpenAI-shaped pieces.
import { GatewayError } from '../../errors.ts';
import { NOT_ABORTED, transportError, type UpstreamRequest } from '../http-client.ts';
import { bodyOf, type UpstreamStream } from '../stream-call.ts';
import type { ProviderStream, StreamPiece } from '../provider.ts';
import { ndjsonLines, parseStreamJson } from '../stream-parsers.ts';
import { redact } from '../upstream-errors.ts';
import type { OllamaDoneFields } from './wire.ts';

export async function* mapOllamaStream<L extends OllamaDoneFields>(
  res: UpstreamStream,
  req: UpstreamRequest,
  map: (line: L) => StreamPiece[],
): ProviderStream {
  let whole = false;
  try {
    for await (const text of ndjsonLines(bodyOf(res))) {
      res.firstByte();
      const line = parseStreamJson<L>(text, req.label, 'line');
      if (line.error !== undefined && line.error !== null) {
        const detail = typeof line.error === 'string' ? line.error : JSON.stringify(line.error);
        throw new GatewayError(
          502,
          'upstream_error',
          `${req.label} failed mid-stream: ${redact(detail, req.target.apiKey)}`,
          {
            retryable: true,
          },
        );
      }
      if (line.done === true) whole = true;
      yield* map(line);
      if (whole) return;
    }
    // A clean end without the `done` line means the answer was cut short; the client must not take it as whole.
    throw new GatewayError(502, 'upstream_error', `${req.label} ended the stream before it was done`, {
      retryable: true,
    });
  } catch (err) {
    throw transportError(err, req, NOT_ABORTED);
  } finally {
    // Whole: what is left is read and the connection kept. Cut short or abandoned: aborted.
    res.stop(whole);
  }
}
