// Drives an Ollama NDJSON stream: parses each line, surfaces in-band errors, and hands lines to a
// mapper that turns them into OpenAI-shaped pieces.
import { GatewayError } from '../../errors.ts';
import { transportError, type UpstreamRequest, type UpstreamResponse } from '../http-client.ts';
import type { ProviderStream, StreamPiece } from '../provider.ts';
import { ndjsonLines, parseStreamJson } from '../stream-parsers.ts';
import { redact } from '../upstream-errors.ts';
import type { OllamaDoneFields } from './wire.ts';

export async function* mapOllamaStream<L extends OllamaDoneFields>(
  res: UpstreamResponse,
  req: UpstreamRequest,
  map: (line: L) => StreamPiece[],
): ProviderStream {
  try {
    for await (const text of ndjsonLines(res.body)) {
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
      yield* map(line);
      if (line.done === true) return;
    }
    // A clean end without the `done` line means the answer was cut short; the client must not take it as whole.
    throw new GatewayError(502, 'upstream_error', `${req.label} ended the stream before it was done`, {
      retryable: true,
    });
  } catch (err) {
    throw transportError(err, req, res.signal);
  } finally {
    if (!res.body.destroyed) res.body.destroy();
  }
}
