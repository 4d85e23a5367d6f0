// Anthropic's /v1/messages as an endpoint spec. Per deployment, on capability alone (never the provider's
// name): an adapter with `nativeMessages` gets the client's request as it came (its anthropic-version and
// anthropic-beta headers too) and its events are relayed unchanged; any other adapter gets the request
// translated to an OpenAI chat request, and its answer translated back.
import type { IncomingHttpHeaders } from 'node:http';
import { messagesRequestSchema, type MessagesRequest } from '../../../shared/wire/anthropic-requests.ts';
import type { ChatCompletionRequest } from '../../../shared/wire/openai-requests.ts';
import { estimateTextTokens } from '../budget/usage-estimate.ts';
import { lookupPrice } from '../budget/pricing.ts';
import type { Deployment } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import type { AnthropicPassHeaders, ProviderTarget } from '../providers/provider.ts';
import { toAnthropicMessage } from '../translate/chat-to-message.ts';
import { chunksToEvents } from '../translate/chunks-to-events.ts';
import { toChatRequest } from '../translate/messages-to-chat.ts';
import { withDeploymentDefaults, type Attempt, type EndpointSpec } from './endpoint-specs.ts';
import { messagesUpstreamBody } from './request-body.ts';
import { anthropicDialect } from './wire-dialects.ts';

/** The client's Anthropic headers, for a native upstream (repeated headers joined as HTTP allows). */
export function passHeaders(headers: IncomingHttpHeaders): AnthropicPassHeaders {
  const out: AnthropicPassHeaders = {};
  for (const name of ['anthropic-version', 'anthropic-beta'] as const) {
    const v = headers[name];
    const value = Array.isArray(v) ? v.join(',') : v;
    if (value) out[name] = value;
  }
  return out;
}

// Deployment defaults that mean the same in Anthropic's API; the rest (penalties, seed, num_ctx…) are
// OpenAI's or Ollama's and Anthropic would refuse them.
const NATIVE_DEFAULTS = ['temperature', 'top_p', 'top_k'] as const;

/** The body for a native upstream: the upstream's model name, the deployment's defaults under the client's. */
export function nativeBody(
  body: Record<string, unknown>,
  d: Deployment,
  target: ProviderTarget,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(d.params.extra_body as object | undefined), ...body };
  out.model = target.model;
  for (const k of NATIVE_DEFAULTS)
    if (out[k] === undefined && typeof d.params[k] === 'number') out[k] = d.params[k];
  const stop = d.params.stop;
  if (out.stop_sequences === undefined && stop !== undefined && stop !== null)
    out.stop_sequences = typeof stop === 'string' ? [stop] : stop;
  if (d.systemPrompt) out.system = withSystemPrompt(d.systemPrompt, body.system);
  return out;
}

/** The alias's system prompt first, then the client's (kept as blocks when it sent blocks, cache marks intact). */
function withSystemPrompt(prompt: string, system: unknown): unknown {
  if (system === undefined || system === null || system === '') return prompt;
  if (typeof system === 'string') return `${prompt}\n\n${system}`;
  if (Array.isArray(system)) return [{ type: 'text', text: prompt }, ...(system as unknown[])];
  return system;
}

/**
 * The most output tokens the deployment's model takes: its model_info.max_output_tokens, else its own
 * litellm_params.max_tokens, else the price table's figure. Claude Code asks for 32k and more, which many
 * non-Claude models refuse outright (OpenAI: "max_tokens is too large"), so a translated request is capped.
 */
function outputCap(d: Deployment): number | undefined {
  const fromParams = d.params.max_tokens;
  return (
    d.maxOutputTokens ??
    (typeof fromParams === 'number' ? fromParams : undefined) ??
    lookupPrice(`${d.provider}/${d.model}`)?.maxOutputTokens
  );
}

function chatBody(body: MessagesRequest, a: Attempt): ChatCompletionRequest {
  const chat = toChatRequest(body);
  const cap = outputCap(a.deployment);
  if (cap !== undefined && typeof chat.max_tokens === 'number' && chat.max_tokens > cap)
    chat.max_tokens = cap;
  return withDeploymentDefaults(chat, a.deployment, true);
}

/**
 * What a translated request may carry that some OpenAI-dialect models refuse with a 400, and the same
 * request in a form they take. Each names the upstream behaviour it works around.
 */
const REFUSAL_FIXES: { refused: RegExp; fix(b: ChatCompletionRequest): ChatCompletionRequest | undefined }[] =
  [
    {
      // Thinking is the client's preference (Claude Code turns it on by default); OpenAI answers
      // "Unsupported parameter: 'reasoning_effort' is not supported with this model" for models that do not reason.
      refused: /reasoning_effort/i,
      fix: ({ reasoning_effort, ...rest }) => (reasoning_effort === undefined ? undefined : rest),
    },
    {
      // OpenAI's reasoning models answer "Unsupported parameter: 'max_tokens' … Use 'max_completion_tokens'".
      refused: /max_completion_tokens/i,
      fix: ({ max_tokens, ...rest }) =>
        max_tokens == null ? undefined : { ...rest, max_completion_tokens: max_tokens },
    },
  ];

/** Calls, and on a 400 one of REFUSAL_FIXES explains, calls again with that fix (each fix at most once). */
async function withRefusalFixes<T>(
  chat: ChatCompletionRequest,
  run: (b: ChatCompletionRequest) => Promise<T>,
): Promise<T> {
  let body = chat;
  const used = new Set<number>();
  for (;;) {
    try {
      return await run(body);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.status !== 400) throw err;
      const i = REFUSAL_FIXES.findIndex((f, j) => !used.has(j) && f.refused.test(err.message));
      const fixed = i === -1 ? undefined : REFUSAL_FIXES[i]!.fix(body);
      if (!fixed) throw err;
      used.add(i);
      body = fixed;
    }
  }
}

/** The generated text of an Anthropic message (text, thinking, tool input), for token estimates. */
export function messageText(response: unknown): string {
  const content = (response as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const b of content as { type?: unknown; text?: unknown; thinking?: unknown; input?: unknown }[]) {
    if (typeof b.text === 'string') text += b.text;
    else if (typeof b.thinking === 'string') text += b.thinking;
    else if (b.type === 'tool_use') text += JSON.stringify(b.input ?? {});
  }
  return text;
}

export function messagesSpec(headers: IncomingHttpHeaders): EndpointSpec<MessagesRequest> {
  const pass = passHeaders(headers);
  return {
    name: 'messages',
    schema: messagesRequestSchema,
    async call(a, body, ctx) {
      const native = a.adapter.nativeMessages;
      if (native) {
        const nb = nativeBody(body, a.deployment, a.target);
        return native.messages(a.target, { ...nb, stream: false }, pass, ctx);
      }
      const out = await withRefusalFixes(chatBody(body, a), (b) => a.adapter.chat(a.target, b, ctx));
      const message = toAnthropicMessage(out.body, {
        model: body.model,
        stopSequences: body.stop_sequences,
        usage: out.usage,
      });
      return { body: message, usage: out.usage };
    },
    async stream(a, body, ctx) {
      const native = a.adapter.nativeMessages;
      if (native) {
        const nb = nativeBody(body, a.deployment, a.target);
        return native.messagesStream(a.target, { ...nb, stream: true }, pass, ctx);
      }
      const chat = { ...chatBody(body, a), stream: true };
      const upstream = await withRefusalFixes(chat, (b) => a.adapter.chatStream(a.target, b, ctx));
      return chunksToEvents(upstream, {
        model: body.model,
        stopSequences: body.stop_sequences,
        promptTokens: a.promptTokens,
        countText: estimateTextTokens,
      });
    },
    outputText: messageText,
    upstreamBody: messagesUpstreamBody,
    dialect: anthropicDialect,
  };
}
