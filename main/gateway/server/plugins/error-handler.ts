// The one place an error becomes a response body (OpenAI's shape, or Anthropic's on the routes that speak
// it); nothing else formats errors.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes serving Anthropic's API (/v1/messages*) answer errors in its shape; all others in OpenAI's. */
    errorDialect?: 'anthropic';
  }
}

/** Whether a request's errors are written in Anthropic's shape (known from its route, even before parsing). */
export function speaksAnthropic(req: FastifyRequest): boolean {
  return req.routeOptions.config?.errorDialect === 'anthropic';
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError(400, 'invalid_json', `Malformed JSON body: ${fe.message ?? ''}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError(
        413,
        'request_too_large',
        'Request body is too large (general_settings.max_request_size_mb)',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        415,
        'unsupported_media_type',
        'Send the body as Content-Type: application/json',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError(400, 'invalid_request', 'Content-Length does not match the body');
  }
  if (err instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message ?? ''))) {
    return new GatewayError(400, 'invalid_json', `Malformed JSON body: ${fe.message ?? ''}`);
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new GatewayError(fe.statusCode, 'invalid_request', fe.message ?? 'Bad request');
  }
  return new GatewayError(500, 'internal_error', 'Internal error in Switchyard (see its log)', {
    cause: err,
  });
}

export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err, req, reply) => {
    const e = toGatewayError(err);
    if (e.status >= 500 && e.code === 'internal_error') {
      log.error(
        `${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
    if (speaksAnthropic(req)) void reply.code(e.anthropicStatus).headers(e.headers).send(e.toAnthropicBody());
    else void reply.code(e.status).headers(e.headers).send(e.toOpenAIBody());
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new GatewayError(404, 'not_found', `No route ${req.method} ${req.url.split('?', 1)[0]}`);
    void reply.code(404).send(e.toOpenAIBody());
  });
}
