// Anthropic's Messages API (`anthropic/claude-…`): OpenAI-shaped chat and completions are translated
// to Messages and back; /v1/messages passes through natively (native.ts).
import { GatewayError } from '../../errors.ts';
import { openUpstreamStream } from '../stream-call.ts';
import { callUpstreamJson } from '../unary-call.ts';
import type {
  CallContext,
  ProviderAdapter,
  ProviderStream,
  ProviderTarget,
  StreamPiece,
} from '../provider.ts';
import { PROVIDER_SPEC_VERSION } from '../provider.ts';
import { anthropicRequest, postJson } from './api.ts';
import { DEFAULT_MAX_TOKENS, toAnthropicChat, toAnthropicCompletion } from './chat-request.ts';
import { toChatCompletion, toTextCompletion } from './chat-response.ts';
import { chatEventMapper, completionEventMapper } from './chat-stream.ts';
import { anthropicEvents } from './event-stream.ts';
import { anthropicNativeMessages } from './native.ts';
import { ANTHROPIC_BASE, toOpenAIUsage, type MessageWire, type StreamEventWire } from './wire.ts';

/** Pages of /v1/models followed at most; Anthropic lists a few dozen models, 1,000 a page. */
const MAX_MODEL_PAGES = 20;

// Anthropic requires max_tokens; a client that names none gets the model's whole output limit, as it
// would from OpenAI (whose max_tokens is optional), when model_info or the price table knows it.
const defaultMaxTokens = (target: ProviderTarget) => target.maxOutputTokens ?? DEFAULT_MAX_TOKENS;

async function stream(
  target: ProviderTarget,
  ctx: CallContext,
  body: Record<string, unknown>,
  map: (e: StreamEventWire) => StreamPiece[],
): Promise<ProviderStream> {
  const req = anthropicRequest(target, ctx, '/v1/messages', body, { accept: 'text/event-stream' });
  const res = await openUpstreamStream(req);
  return (async function* () {
    for await (const { json } of anthropicEvents(res, req)) yield* map(json);
  })();
}

export const anthropicAdapter: ProviderAdapter = {
  specificationVersion: PROVIDER_SPEC_VERSION,
  prefixes: ['anthropic'],
  local: false,
  defaultApiBase: () => ANTHROPIC_BASE,

  async chat(target, body, ctx) {
    const { body: request, jsonMode } = toAnthropicChat(target.model, body, false, defaultMaxTokens(target));
    const json = await postJson<MessageWire>(anthropicRequest(target, ctx, '/v1/messages', request));
    return { body: toChatCompletion(json, target.model, jsonMode), usage: toOpenAIUsage(json.usage) };
  },
  async chatStream(target, body, ctx) {
    const { body: request, jsonMode } = toAnthropicChat(target.model, body, true, defaultMaxTokens(target));
    return stream(target, ctx, request, chatEventMapper(target.model, jsonMode));
  },

  async completion(target, body, ctx) {
    const request = toAnthropicCompletion(target.model, body, false, defaultMaxTokens(target));
    const json = await postJson<MessageWire>(anthropicRequest(target, ctx, '/v1/messages', request));
    return { body: toTextCompletion(json, target.model), usage: toOpenAIUsage(json.usage) };
  },
  async completionStream(target, body, ctx) {
    const request = toAnthropicCompletion(target.model, body, true, defaultMaxTokens(target));
    return stream(target, ctx, request, completionEventMapper(target.model));
  },

  async embeddings() {
    throw new GatewayError(
      400,
      'invalid_request',
      'Anthropic has no embeddings endpoint; route embeddings to another provider',
      {
        param: 'model',
      },
    );
  },

  async listModels(target, ctx) {
    const names: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const query = `?limit=1000${after === undefined ? '' : `&after_id=${encodeURIComponent(after)}`}`;
      const req = anthropicRequest(target, ctx, `/v1/models${query}`);
      const { json } = await callUpstreamJson<{
        data?: { id?: unknown }[];
        has_more?: unknown;
        last_id?: unknown;
      }>(req);
      if (!Array.isArray(json.data))
        throw new GatewayError(502, 'upstream_error', `${req.label} sent no model list`);
      for (const m of json.data) if (typeof m.id === 'string') names.push(m.id);
      // A cursor that does not move would loop forever; stop there rather than trust has_more.
      if (json.has_more !== true || typeof json.last_id !== 'string' || json.last_id === after) break;
      after = json.last_id;
    }
    return names;
  },

  nativeMessages: anthropicNativeMessages,
};
