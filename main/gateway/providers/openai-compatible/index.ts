// Any server that speaks OpenAI's wire format: OpenAI itself, vLLM, LM Studio, llama.cpp, Groq, DeepSeek…
// Bodies pass through as the client sent them (with the upstream model name); streamed chunks are
// relayed as the upstream wrote them and parsed only to capture usage and text.
import type { Usage } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import { bearerRequest, callUpstream, readJson } from '../http-client.ts';
import type { CallContext, ProviderAdapter, ProviderStream, ProviderTarget } from '../provider.ts';
import { PROVIDER_SPEC_VERSION } from '../provider.ts';
import { relayOpenAIStream } from './relay-stream.ts';

const OPENAI_BASE = 'https://api.openai.com/v1';

const upstream = (target: Omit<ProviderTarget, 'model'>, ctx: CallContext, path: string, body?: unknown) =>
  bearerRequest('upstream', OPENAI_BASE, target, ctx, path, body);

async function post(target: ProviderTarget, ctx: CallContext, path: string, body: Record<string, unknown>) {
  const req = upstream(target, ctx, path, { ...body, model: target.model, stream: false });
  const res = await callUpstream(req);
  const json = await readJson<{ usage?: Usage | null }>(res, req);
  return { body: json, usage: json.usage ?? undefined };
}

async function stream(
  target: ProviderTarget,
  ctx: CallContext,
  path: string,
  body: Record<string, unknown>,
): Promise<ProviderStream> {
  // Always ask for usage, whatever the client asked: the ledger needs it.
  const streamOptions = { ...(body.stream_options as object | undefined), include_usage: true };
  const req = upstream(target, ctx, path, {
    ...body,
    model: target.model,
    stream: true,
    stream_options: streamOptions,
  });
  req.headers = { ...req.headers, accept: 'text/event-stream' };
  const res = await callUpstream(req);
  return relayOpenAIStream(res, req);
}

export const openaiCompatibleAdapter: ProviderAdapter = {
  specificationVersion: PROVIDER_SPEC_VERSION,
  prefixes: ['openai', 'text-completion-openai', 'hosted_vllm', 'lm_studio', 'openai_like'],
  local: false,
  defaultApiBase: (prefix) =>
    prefix === 'openai' || prefix === 'text-completion-openai' ? OPENAI_BASE : undefined,

  chat: (target, body, ctx) => post(target, ctx, '/chat/completions', body),
  chatStream: (target, body, ctx) => stream(target, ctx, '/chat/completions', body),
  completion: (target, body, ctx) => post(target, ctx, '/completions', body),
  completionStream: (target, body, ctx) => stream(target, ctx, '/completions', body),
  embeddings: (target, body, ctx) =>
    post(target, ctx, '/embeddings', body).then((r) => ({ body: r.body, usage: r.usage })),

  async listModels(target, ctx) {
    const req = upstream(target, ctx, '/models');
    const res = await callUpstream(req);
    const json = await readJson<{ data?: { id?: unknown }[] }>(res, req);
    if (!Array.isArray(json.data))
      throw new GatewayError(502, 'upstream_error', `${req.label} sent no model list`);
    return json.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
  },
};
