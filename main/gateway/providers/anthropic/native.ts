// The native Messages capability: /v1/messages requests go to Anthropic untranslated (the model name
// swapped for the deployment's), and answers come back as Anthropic sent them: JSON as parsed, stream
// events byte for byte. Parsing is only for the ledger's usage and token estimates.
//
// A mid-stream `error` event is not relayed as a piece: the stream throws a GatewayError whose
// upstreamBody is that event's data, so the failure is recorded, a failure before the first piece can
// still fall back to another deployment, and the route writes the one closing error event (from
// `toAnthropicBody()`, i.e. Anthropic's own words) exactly as it does for every other failure.
import type { UpstreamRequest } from '../http-client.ts';
import { openUpstreamStream, type UpstreamStream } from '../stream-call.ts';
import type { AnthropicPassHeaders, NativeMessages, ProviderStream, StreamPiece } from '../provider.ts';
import { GatewayError } from '../../errors.ts';
import { callUpstreamJson } from '../unary-call.ts';
import { anthropicRequest, postJson } from './api.ts';
import { anthropicEvents } from './event-stream.ts';
import {
  ANTHROPIC_VERSION,
  mergeUsage,
  toOpenAIUsage,
  type AnthropicUsageWire,
  type MessageWire,
  type StreamEventWire,
} from './wire.ts';

type Body = Record<string, unknown>;

/** Generation settings /v1/messages/count_tokens does not take (it answers 400 to unknown fields). */
const NOT_COUNTED = [
  'max_tokens',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'metadata',
  'service_tier',
];

function passHeaders(headers: AnthropicPassHeaders): Record<string, string> {
  const out: Record<string, string> = {
    'anthropic-version': headers['anthropic-version'] || ANTHROPIC_VERSION,
  };
  if (headers['anthropic-beta']) out['anthropic-beta'] = headers['anthropic-beta'];
  return out;
}

function messagesBody(body: Body, model: string, stream: boolean): Body {
  const { stream: _ignored, ...rest } = body;
  return stream ? { ...rest, model, stream: true } : { ...rest, model };
}

/** Text a delta adds (answer, tool input or thinking: all billed as output), for token estimates. */
function textOf(e: StreamEventWire): string {
  const d = e.delta;
  if (e.type !== 'content_block_delta' || !d) return '';
  return d.text ?? d.partial_json ?? d.thinking ?? '';
}

async function* relay(res: UpstreamStream, req: UpstreamRequest): ProviderStream {
  const usage: AnthropicUsageWire = {};
  for await (const { event, data, json } of anthropicEvents(res, req)) {
    const piece: StreamPiece = { event, data, text: textOf(json) };
    if (json.type === 'message_start' || json.type === 'message_delta') {
      mergeUsage(usage, json.type === 'message_start' ? json.message?.usage : json.usage);
      // Cumulative so far: the last piece with usage is the whole count, even for a stream cut short.
      const total = toOpenAIUsage(usage);
      if (total) piece.usage = total;
    }
    yield piece;
  }
}

export const anthropicNativeMessages: NativeMessages = {
  async messages(target, body, headers, ctx) {
    const req = anthropicRequest(
      target,
      ctx,
      '/v1/messages',
      messagesBody(body, target.model, false),
      passHeaders(headers),
    );
    const { json, text } = await callUpstreamJson<MessageWire>(req);
    return { body: json, usage: toOpenAIUsage(json.usage), raw: text };
  },

  async messagesStream(target, body, headers, ctx) {
    const req = anthropicRequest(target, ctx, '/v1/messages', messagesBody(body, target.model, true), {
      ...passHeaders(headers),
      accept: 'text/event-stream',
    });
    return relay(await openUpstreamStream(req), req);
  },

  async countTokens(target, body, headers, ctx) {
    const counted: Body = { ...body, model: target.model };
    for (const key of NOT_COUNTED) delete counted[key];
    const req = anthropicRequest(target, ctx, '/v1/messages/count_tokens', counted, passHeaders(headers));
    const json = await postJson<{ input_tokens?: unknown }>(req);
    if (typeof json.input_tokens !== 'number') {
      throw new GatewayError(502, 'upstream_error', `${req.label} sent no input_tokens count`, {
        retryable: true,
      });
    }
    return json.input_tokens;
  },
};
