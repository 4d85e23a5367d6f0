// Incremental splitters for the two streaming wire formats upstreams use: SSE and NDJSON, and the JSON
// each of their events carries.
import { GatewayError } from '../errors.ts';

/**
 * Splits server-sent events as bytes arrive, handing on the `data` of each one as the upstream wrote it
 * (no re-serialisation). Push-based, so a relay can run it straight from the body's 'data' events.
 */
export class SseSplitter {
  readonly #decoder = new TextDecoder();
  #buf = '';

  /** Feeds bytes; calls onData for every event they complete. */
  feed(chunk: Uint8Array, onData: (data: string) => void): void {
    const buf = this.#buf + this.#decoder.decode(chunk, { stream: true });
    let at = 0;
    let end: number;
    while ((end = eventEnd(buf, at)) !== -1) {
      const data = eventData(buf.slice(at, end));
      // Past the blank line: "\n\n" or "\r\n\r\n".
      at = end + (buf.charCodeAt(end) === 13 ? 4 : 2);
      if (data !== undefined) onData(data);
    }
    this.#buf = at === 0 ? buf : buf.slice(at);
  }

  /** The body ended: an event left without its blank line still counts. */
  end(onData: (data: string) => void): void {
    const data = eventData(this.#buf + this.#decoder.decode());
    this.#buf = '';
    if (data !== undefined) onData(data);
  }
}

function eventEnd(buf: string, from: number): number {
  const a = buf.indexOf('\n\n', from);
  const b = buf.indexOf('\r\n\r\n', from);
  if (a === -1) return b;
  if (b === -1) return a;
  return Math.min(a, b);
}

function eventData(event: string): string | undefined {
  // Nearly every event is one `data: ` line: no splitting for those.
  if (event.startsWith('data: ') && !event.includes('\n')) return event.slice(6);
  let data: string | undefined;
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}

/** Yields each non-empty line of a newline-delimited JSON stream. */
export async function* ndjsonLines(body: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield line;
    }
  }
  const rest = (buf + decoder.decode()).trim();
  if (rest) yield rest;
}

/**
 * One event's JSON. Anything else fails the stream with a retryable 502 naming the upstream (`what`: its
 * word for an event), rather than passing on an answer with a hole in it.
 */
export function parseStreamJson<T>(text: string, label: string, what: 'event' | 'line'): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new GatewayError(502, 'upstream_error', `${label} sent a stream ${what} that is not JSON`, {
      retryable: true,
    });
  }
}
