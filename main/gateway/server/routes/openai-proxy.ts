import type { FastifyInstance } from 'fastify';
import type { GatewayRuntime } from '../../runtime.ts';
import { chatSpec, completionSpec, embeddingSpec } from '../endpoint-specs.ts';
import { proxy } from '../proxy-handler.ts';

/** OpenAI's endpoints, with and without the /v1 prefix (LiteLLM serves both; some clients drop it). */
export function registerProxyRoutes(app: FastifyInstance, runtime: GatewayRuntime): void {
  for (const prefix of ['/v1', '']) {
    app.post(`${prefix}/chat/completions`, (req, reply) => proxy(runtime, chatSpec, req, reply));
    app.post(`${prefix}/completions`, (req, reply) => proxy(runtime, completionSpec, req, reply));
    app.post(`${prefix}/embeddings`, (req, reply) => proxy(runtime, embeddingSpec, req, reply));
  }
}
