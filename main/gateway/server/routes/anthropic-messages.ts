// Anthropic's Messages API (what Claude Code speaks), with and without the /v1 prefix like every other
// route. Claude Code appends `?beta=true`, which routing ignores. Errors on these routes take Anthropic's
// shape (the errorDialect route config, read by the error handler).
import type { FastifyInstance } from 'fastify';
import type { GatewayRuntime } from '../../runtime.ts';
import { countTokens } from '../count-tokens.ts';
import { messagesSpec } from '../messages-spec.ts';
import { proxy } from '../proxy-handler.ts';

export function registerAnthropicRoutes(app: FastifyInstance, runtime: GatewayRuntime): void {
  const config = { errorDialect: 'anthropic' as const };
  for (const prefix of ['/v1', '']) {
    app.post(`${prefix}/messages`, { config }, (req, reply) =>
      proxy(runtime, messagesSpec(req.headers), req, reply),
    );
    app.post(`${prefix}/messages/count_tokens`, { config }, (req, reply) => countTokens(runtime, req, reply));
  }
}
