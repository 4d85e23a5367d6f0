// Reads Anthropic's SSE stream event by event, keeping each event's name and its data exactly as sent
// (a native pass-through relays those bytes). In-band `error` events and a stream that ends before
// `message_stop` become GatewayErrors: an answer cut short must never look whole.
import { GatewayError } from '../../errors.ts';
import { NOT_ABORTED, transportError, type UpstreamRequest } from '../http-client.ts';
import { bodyOf, type UpstreamStream } from '../stream-call.ts';
import { parseStreamJson } from '../stream-parsers.ts';
import { streamEventError } from './errors.ts';
import type { StreamEventWire } from './wire.ts';

export interface SseEvent {
  /** The `event:` line; Anthropic names every event after its data's `type`. */
  event: string | undefined;
  data: string;
}

export interface AnthropicEvent extends SseEvent {
  json: StreamEventWire;
}

function eventEnd(buf: string): { at: number; length: number } | undefined {
  const m = /\r?\n\r?\n|\r\r/.exec(buf);
  return m ? { at: m.index, length: m[0].length } : undefined;
}

function parseEvent(text: string): SseEvent | undefined {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  return data === undefined ? undefined : { event, data };
}

/** Splits an SSE body into events: name and data, the data as the upstream wrote it. */
export async function* sseEvents(body: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let end: { at: number; length: number } | undefined;
    while ((end = eventEnd(buf))) {
      const event = parseEvent(buf.slice(0, end.at));
      buf = buf.slice(end.at + end.length);
      if (event) yield event;
    }
  }
  const last = parseEvent(buf + decoder.decode());
  if (last) yield last;
}

/** The events of one Anthropic stream, through `message_stop`; throws on anything else. */
export async function* anthropicEvents(
  res: UpstreamStream,
  req: UpstreamRequest,
): AsyncGenerator<AnthropicEvent> {
  let whole = false;
  try {
    for await (const { event, data } of sseEvents(bodyOf(res))) {
      res.firstByte();
      const json = parseStreamJson<StreamEventWire>(data, req.label, 'event');
      if (json.type === 'error') throw streamEventError(json, data, req.label, req.target.apiKey);
      if (json.type === 'message_stop') whole = true;
      yield { event: event ?? json.type, data, json };
      if (whole) return;
    }
    throw new GatewayError(502, 'upstream_error', `${req.label} ended the stream before message_stop`, {
      retryable: true,
    });
  } catch (err) {
    throw transportError(err, req, NOT_ABORTED);
  } finally {
    // Whole: what is left is read and the connection kept. Cut short or abandoned: aborted.
    res.stop(whole);
  }
}
