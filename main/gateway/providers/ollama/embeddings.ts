// OpenAI /v1/embeddings ↔ Ollama /api/embed. The official openai client asks for base64 by default and
// decodes it as little-endian float32, so vectors are re-encoded that way when asked.
import type { EmbeddingRequest } from '../../../../shared/wire/openai-requests.ts';
import type { EmbeddingList, Usage } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import type { ProviderResult } from '../provider.ts';
import type { OllamaEmbedResponse } from './wire.ts';

export function toOllamaEmbed(model: string, body: EmbeddingRequest): Record<string, unknown> {
  const { input } = body;
  if (typeof input !== 'string' && !input.every((item) => typeof item === 'string')) {
    throw new GatewayError(400, 'invalid_request', 'Ollama embeds text, not token arrays', {
      param: 'input',
    });
  }
  const request: Record<string, unknown> = { model, input };
  if (typeof body.truncate === 'boolean') request.truncate = body.truncate;
  if (body.dimensions !== undefined) request.dimensions = body.dimensions;
  if (typeof body.keep_alive === 'string' || typeof body.keep_alive === 'number')
    request.keep_alive = body.keep_alive;
  return request;
}

export function float32Base64(vector: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((v, i) => bytes.setFloat32(i * 4, v, true));
  return Buffer.from(bytes.buffer).toString('base64');
}

export type OllamaEmbeddingList = Omit<EmbeddingList, 'usage'> & { usage?: EmbeddingList['usage'] };

export function toEmbeddingList(
  json: OllamaEmbedResponse,
  body: EmbeddingRequest,
  fallbackModel: string,
  label: string,
): ProviderResult<OllamaEmbeddingList> {
  if (!Array.isArray(json.embeddings)) {
    throw new GatewayError(502, 'upstream_error', `${label} sent no embeddings`, { retryable: true });
  }
  const base64 = body.encoding_format === 'base64';
  const list: OllamaEmbeddingList = {
    object: 'list',
    data: json.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? float32Base64(vector) : vector,
    })),
    model: json.model ?? fallbackModel,
  };
  let usage: Usage | undefined;
  if (typeof json.prompt_eval_count === 'number') {
    const n = json.prompt_eval_count;
    list.usage = { prompt_tokens: n, total_tokens: n };
    usage = { prompt_tokens: n, completion_tokens: 0, total_tokens: n };
  }
  return { body: list, usage };
}
