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
    const buf = this.#buf + this.#decoder.decode(chunk, STREAMING);
    let at = 0;
    let end: number;
    while ((end = eventEnd(buf, at)) !== -1) {
      // Nearly every event is one `data: ` line: sliced straight out of the buffer.
      const nl = buf.indexOf('\n', at);
      const data =
        buf.startsWith('data: ', at) && (nl === -1 || nl >= end)
          ? buf.slice(at + 6, end)
          : eventData(buf.slice(at, end));
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

const STREAMING = { stream: true };

/**
 * Where the next event from `from` ends: the first "\n\n" or "\r\n\r\n", whichever starts first. One
 * pass over the line breaks (two indexOf calls per event would each scan the rest of the buffer).
 */
function eventEnd(buf: string, from: number): number {
  for (let i = buf.indexOf('\n', from); i !== -1; i = buf.indexOf('\n', i + 1)) {
    const next = buf.charCodeAt(i + 1);
    if (next === 10) return i;
    if (next === 13 && buf.charCodeAt(i + 2) === 10 && i - 1 >= from && buf.charCodeAt(i - 1) === 13)
      return i - 1;
  }
  return -1;
}

function eventData(event: string): string | undefined {
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
