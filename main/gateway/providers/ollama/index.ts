// Ollama's native API (/api/chat, /api/generate, /api/embed, /api/tags), translated to and from
// OpenAI's shapes. Native rather than Ollama's /v1 shim so options like num_ctx and keep_alive work.
import { bearerRequest } from '../http-client.ts';
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
import { GatewayError } from '../../errors.ts';
import { toOllamaChat } from './chat-request.ts';
import { chatChunkMapper, toChatCompletion } from './chat-response.ts';
import { completionChunkMapper, toOllamaGenerate, toTextCompletion } from './completion.ts';
import { toEmbeddingList, toOllamaEmbed } from './embeddings.ts';
import { mapOllamaStream } from './ndjson-stream.ts';
import {
  ollamaUsage,
  type OllamaChatLine,
  type OllamaDoneFields,
  type OllamaEmbedResponse,
  type OllamaGenerateLine,
} from './wire.ts';

const OLLAMA_BASE = 'http://127.0.0.1:11434';

// Local Ollama ignores the key; Ollama behind a proxy or ollama.com needs it.
const upstream = (
  target: Omit<ProviderTarget, 'model'>,
  ctx: CallContext,
  path: string,
  body?: Record<string, unknown>,
) => bearerRequest('Ollama', OLLAMA_BASE, target, ctx, path, body);

async function postJson<T>(
  target: ProviderTarget,
  ctx: CallContext,
  path: string,
  body: Record<string, unknown>,
) {
  const req = upstream(target, ctx, path, body);
  return { json: (await callUpstreamJson<T>(req)).json, req };
}

async function stream<L extends OllamaDoneFields>(
  target: ProviderTarget,
  ctx: CallContext,
  path: string,
  body: Record<string, unknown>,
  map: (line: L) => StreamPiece[],
): Promise<ProviderStream> {
  const req = upstream(target, ctx, path, body);
  req.headers = { ...req.headers, accept: 'application/x-ndjson' };
  return mapOllamaStream(await openUpstreamStream(req), req, map);
}

export const ollamaAdapter: ProviderAdapter = {
  specificationVersion: PROVIDER_SPEC_VERSION,
  prefixes: ['ollama', 'ollama_chat'],
  local: true,
  defaultApiBase: () => OLLAMA_BASE,

  async chat(target, body, ctx) {
    const { json } = await postJson<OllamaChatLine>(
      target,
      ctx,
      '/api/chat',
      toOllamaChat(target.model, body, false),
    );
    return { body: toChatCompletion(json, target.model), usage: ollamaUsage(json) };
  },
  chatStream: (target, body, ctx) =>
    stream(target, ctx, '/api/chat', toOllamaChat(target.model, body, true), chatChunkMapper(target.model)),

  async completion(target, body, ctx) {
    const request = toOllamaGenerate(target.model, body, false);
    const { json } = await postJson<OllamaGenerateLine>(target, ctx, '/api/generate', request);
    return { body: toTextCompletion(json, target.model), usage: ollamaUsage(json) };
  },
  completionStream: (target, body, ctx) =>
    stream(
      target,
      ctx,
      '/api/generate',
      toOllamaGenerate(target.model, body, true),
      completionChunkMapper(target.model),
    ),

  async embeddings(target, body, ctx) {
    const { json, req } = await postJson<OllamaEmbedResponse>(
      target,
      ctx,
      '/api/embed',
      toOllamaEmbed(target.model, body),
    );
    return toEmbeddingList(json, body, target.model, req.label);
  },

  async listModels(target, ctx) {
    const req = upstream(target, ctx, '/api/tags');
    const { json } = await callUpstreamJson<{ models?: { name?: unknown }[] }>(req);
    if (!Array.isArray(json.models))
      throw new GatewayError(502, 'upstream_error', `${req.label} sent no model list`);
    return json.models.map((m) => m.name).filter((name): name is string => typeof name === 'string');
  },
};
