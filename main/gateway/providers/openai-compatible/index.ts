// Any server that speaks OpenAI's wire format: OpenAI itself, vLLM, LM Studio, llama.cpp, Groq, DeepSeek…
// Bodies pass through as the client sent them (with the upstream model name); streamed chunks are
// relayed as the upstream wrote them and parsed only to capture usage and text. Vendors that differ in
// URL, auth or a few parameters (Azure, OpenRouter, Gemini) build on `createOpenAICompatibleAdapter`.
import type { Usage } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import { bearerRequest, type UpstreamRequest } from '../http-client.ts';
import { openUpstreamStream } from '../stream-call.ts';
import { callUpstreamJson } from '../unary-call.ts';
import type { CallContext, ProviderAdapter, ProviderStream, ProviderTarget } from '../provider.ts';
import { PROVIDER_SPEC_VERSION } from '../provider.ts';
import { CLOUD_PRESET_PREFIXES, LOCAL_PRESET_PREFIXES, presetApiBase } from './presets.ts';
import { relayOpenAIStream } from './relay-stream.ts';

export type Endpoint = 'chat' | 'completion' | 'embeddings';

type Target = Omit<ProviderTarget, 'model'> & { model?: string };

export interface OpenAICompatibleOptions {
  /** Names the upstream in error messages (`azure at x.openai.azure.com answered 400: …`). */
  name: string;
  prefixes: readonly string[];
  local: boolean;
  defaultApiBase(prefix: string): string | undefined;
  /** The request for `path` (`/chat/completions`, `/models`, …): URL and auth. Default: bearer at `<apiBase><path>`. */
  request?(target: Target, ctx: CallContext, path: string, body?: unknown): UpstreamRequest;
  /** Rewrites a body just before it is sent: the vendor's parameter quirks. */
  prepare?(endpoint: Endpoint, body: Record<string, unknown>): Record<string, unknown>;
  /**
   * Whether the upstream's `usage.cost` is what it bills (OpenRouter). Anything else's is dropped, so a
   * server can never talk its own requests down in the ledger.
   */
  reportsCost?: boolean;
  /** Skips stream chunks that carry nothing for the client (Azure's prompt-filter annotations). */
  skipChunk?(chunk: Record<string, unknown>): boolean;
}

/** The error for a deployment whose provider has no default base and whose config names none. */
export function missingApiBase(name: string): GatewayError {
  return new GatewayError(
    502,
    'upstream_error',
    `${name} needs an api_base: set litellm_params.api_base for this deployment`,
  );
}

/** Bearer auth at `<apiBase><path>`: the shape most OpenAI-compatible vendors share. */
export function bearerAt(name: string, target: Target, ctx: CallContext, path: string, body?: unknown) {
  if (!target.apiBase) throw missingApiBase(name);
  return bearerRequest(name, target.apiBase, target, ctx, path, body);
}

function usageOf(raw: unknown, reportsCost: boolean): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const usage = raw as Usage;
  if (reportsCost) {
    const cost = usage.cost;
    if (cost === undefined || (typeof cost === 'number' && Number.isFinite(cost) && cost >= 0)) return usage;
  }
  if (!('cost' in usage)) return usage;
  const { cost: _dropped, ...rest } = usage;
  return rest;
}

export function createOpenAICompatibleAdapter(opts: OpenAICompatibleOptions): ProviderAdapter {
  const build = (target: Target, ctx: CallContext, path: string, body?: unknown): UpstreamRequest =>
    opts.request ? opts.request(target, ctx, path, body) : bearerAt(opts.name, target, ctx, path, body);
  const prepare = (endpoint: Endpoint, body: Record<string, unknown>) =>
    opts.prepare ? opts.prepare(endpoint, body) : body;
  const reportsCost = opts.reportsCost ?? false;

  async function post(
    target: ProviderTarget,
    ctx: CallContext,
    endpoint: Endpoint,
    path: string,
    body: Record<string, unknown>,
  ) {
    const req = build(target, ctx, path, prepare(endpoint, { ...body, model: target.model, stream: false }));
    const { json, text } = await callUpstreamJson<{ usage?: unknown }>(req);
    return { body: json, usage: usageOf(json.usage, reportsCost), raw: text };
  }

  async function stream(
    target: ProviderTarget,
    ctx: CallContext,
    endpoint: Endpoint,
    path: string,
    body: Record<string, unknown>,
  ): Promise<ProviderStream> {
    // Always ask for usage, whatever the client asked: the ledger needs it.
    const streamOptions = { ...(body.stream_options as object | undefined), include_usage: true };
    const sent = prepare(endpoint, {
      ...body,
      model: target.model,
      stream: true,
      stream_options: streamOptions,
    });
    const req = build(target, ctx, path, sent);
    req.headers = { ...req.headers, accept: 'text/event-stream' };
    return relayOpenAIStream(await openUpstreamStream(req), req, {
      usage: (raw) => usageOf(raw, reportsCost),
      ...(opts.skipChunk ? { skip: opts.skipChunk } : {}),
    });
  }

  return {
    specificationVersion: PROVIDER_SPEC_VERSION,
    prefixes: opts.prefixes,
    local: opts.local,
    defaultApiBase: (prefix) => opts.defaultApiBase(prefix),

    chat: (target, body, ctx) => post(target, ctx, 'chat', '/chat/completions', body),
    chatStream: (target, body, ctx) => stream(target, ctx, 'chat', '/chat/completions', body),
    completion: (target, body, ctx) => post(target, ctx, 'completion', '/completions', body),
    completionStream: (target, body, ctx) => stream(target, ctx, 'completion', '/completions', body),
    embeddings: (target, body, ctx) => post(target, ctx, 'embeddings', '/embeddings', body),

    async listModels(target, ctx) {
      const req = build(target, ctx, '/models');
      const { json } = await callUpstreamJson<{ data?: { id?: unknown }[] }>(req);
      if (!Array.isArray(json.data))
        throw new GatewayError(502, 'upstream_error', `${req.label} sent no model list`);
      return json.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
    },
  };
}

/** OpenAI and the cloud vendors that copy its API (Groq, DeepSeek, Mistral, Together, any server by URL). */
export const openaiCompatibleAdapter: ProviderAdapter = createOpenAICompatibleAdapter({
  name: 'upstream',
  prefixes: CLOUD_PRESET_PREFIXES,
  local: false,
  defaultApiBase: presetApiBase,
});

/** LM Studio and vLLM: the same wire, but local runtimes (free unless priced, slow first token). */
export const localOpenAICompatibleAdapter: ProviderAdapter = createOpenAICompatibleAdapter({
  name: 'upstream',
  prefixes: LOCAL_PRESET_PREFIXES,
  local: true,
  defaultApiBase: presetApiBase,
});
