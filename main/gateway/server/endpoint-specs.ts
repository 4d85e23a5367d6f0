// What differs between the three proxied OpenAI endpoints, as data; the flow itself is in proxy-handler.ts.
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

export type { EndpointName };

export interface EndpointSpec<B extends { model: string }> {
  name: EndpointName;
  schema: z.ZodType<B>;
  call(
    adapter: ProviderAdapter,
    target: ProviderTarget,
    body: B,
    ctx: CallContext,
  ): Promise<ProviderResult<unknown>>;
  stream?(
    adapter: ProviderAdapter,
    target: ProviderTarget,
    body: B,
    ctx: CallContext,
  ): Promise<ProviderStream>;
  /** The generated text of a non-streamed response, to count tokens when the upstream reports none. */
  outputText(response: unknown): string;
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
  call: (a, t, b, c) => a.chat(t, b, c),
  stream: (a, t, b, c) => a.chatStream(t, b, c),
  outputText: choicesText,
};

export const completionSpec: EndpointSpec<CompletionRequest> = {
  name: 'completions',
  schema: completionRequestSchema,
  call: (a, t, b, c) => a.completion(t, b, c),
  stream: (a, t, b, c) => a.completionStream(t, b, c),
  outputText: choicesText,
};

export const embeddingSpec: EndpointSpec<EmbeddingRequest> = {
  name: 'embeddings',
  schema: embeddingRequestSchema,
  call: (a, t, b, c) => a.embeddings(t, b, c),
  outputText: () => '',
};
