// What differs between the proxied endpoints, as data; the flow itself is in proxy-handler.ts. The
// Anthropic Messages endpoint's spec is in messages-spec.ts.
import type { z } from 'zod';
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingRequest,
  type EndpointName,
} from '../../../shared/wire/openai-requests.ts';
import type { Deployment } from '../config/gateway-config.ts';
import type {
  CallContext,
  ProviderAdapter,
  ProviderResult,
  ProviderStream,
  ProviderTarget,
} from '../providers/provider.ts';
import { openaiDialect, type StreamDialect } from './wire-dialects.ts';

export type { EndpointName };

/** One try at one deployment, as the router hands it over. */
export interface Attempt {
  adapter: ProviderAdapter;
  target: ProviderTarget;
  deployment: Deployment;
  /** The request's prompt tokens by the local tokenizer (counted once per request, on first call). */
  promptTokens: () => Promise<number>;
}

export interface EndpointSpec<B extends { model: string }> {
  name: EndpointName;
  schema: z.ZodType<B>;
  /** Calls the deployment; applying its defaults (withDeploymentDefaults) is the spec's job. */
  call(attempt: Attempt, body: B, ctx: CallContext): Promise<ProviderResult<unknown>>;
  stream?(attempt: Attempt, body: B, ctx: CallContext): Promise<ProviderStream>;
  /** The generated text of a non-streamed response, to count tokens when the upstream reports none. */
  outputText(response: unknown): string;
  /** The body for upstream with the budget's bound on output tokens; request-body.ts's upstreamBody if absent. */
  upstreamBody?(body: B, maxTokens: number | undefined): B;
  /** How streams are framed for this endpoint's clients. */
  dialect: StreamDialect;
}

/** Applies a deployment's defaults: its params unless the client set them, and the alias's system prompt. */
export function withDeploymentDefaults<B extends Record<string, unknown>>(
  body: B,
  d: Deployment,
  chat: boolean,
): B {
  let out: Record<string, unknown> = body;
  const keys = Object.keys(d.params);
  if (keys.length > 0) {
    const { extra_body: extra, ...defaults } = d.params;
    out = { ...defaults, ...(extra as object | undefined), ...body };
  }
  if (chat && d.systemPrompt) {
    const messages = (out.messages as unknown[] | undefined) ?? [];
    out = { ...out, messages: [{ role: 'system', content: d.systemPrompt }, ...messages] };
  }
  return out as B;
}

interface ChoiceLike {
  text?: unknown;
  message?: { content?: unknown; tool_calls?: { function?: { arguments?: unknown } }[] };
}

function choicesText(response: unknown): string {
  const choices = (response as { choices?: ChoiceLike[] } | null)?.choices;
  if (!Array.isArray(choices)) return '';
  let text = '';
  for (const c of choices) {
    if (typeof c.text === 'string') text += c.text;
    if (typeof c.message?.content === 'string') text += c.message.content;
    for (const t of c.message?.tool_calls ?? [])
      if (typeof t.function?.arguments === 'string') text += t.function.arguments;
  }
  return text;
}

export const chatSpec: EndpointSpec<ChatCompletionRequest> = {
  name: 'chat.completions',
  schema: chatCompletionRequestSchema,
  call: (a, b, c) => a.adapter.chat(a.target, withDeploymentDefaults(b, a.deployment, true), c),
  stream: (a, b, c) => a.adapter.chatStream(a.target, withDeploymentDefaults(b, a.deployment, true), c),
  outputText: choicesText,
  dialect: openaiDialect,
};

export const completionSpec: EndpointSpec<CompletionRequest> = {
  name: 'completions',
  schema: completionRequestSchema,
  call: (a, b, c) => a.adapter.completion(a.target, withDeploymentDefaults(b, a.deployment, false), c),
  stream: (a, b, c) =>
    a.adapter.completionStream(a.target, withDeploymentDefaults(b, a.deployment, false), c),
  outputText: choicesText,
  dialect: openaiDialect,
};

export const embeddingSpec: EndpointSpec<EmbeddingRequest> = {
  name: 'embeddings',
  schema: embeddingRequestSchema,
  call: (a, b, c) => a.adapter.embeddings(a.target, withDeploymentDefaults(b, a.deployment, false), c),
  outputText: () => '',
  dialect: openaiDialect,
};
