// Anthropic's errors → GatewayError. HTTP errors go through the shared mapping (same statuses, retry
// rules and redaction as every provider), with two Anthropic specifics: 529 overloaded_error is "busy,
// try another" (503, retryable) rather than a server fault, and the upstream's own error body is kept so
// a native /v1/messages client can be shown Anthropic's words verbatim (except when it refused the
// gateway's own vendor key: that is the gateway's failure, a 502, not the client's).
import { GatewayError } from '../../errors.ts';
import { redact, retryAfterHeader, upstreamHttpError, type HttpErrorMapper } from '../upstream-errors.ts';
import type { StreamEventWire } from './wire.ts';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** The HTTP status Anthropic uses for each error type (its errors page), for errors met mid-stream. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function parseErrorBody(text: string): AnthropicErrorBody | undefined {
  try {
    const body = JSON.parse(text) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    if (
      body.type === 'error' &&
      typeof body.error?.type === 'string' &&
      typeof body.error.message === 'string'
    )
      return body as AnthropicErrorBody;
  } catch {
    // not JSON (a proxy's HTML page, say): nothing to relay verbatim
  }
  return undefined;
}

function rebuild(err: GatewayError, message: string, upstreamBody: unknown): GatewayError {
  return new GatewayError(err.status, err.code, message, {
    retryable: err.retryable,
    param: err.param,
    headers: err.headers,
    upstreamStatus: err.upstreamStatus,
    upstreamBody,
    cause: err.cause,
  });
}

/** In place of upstreamHttpError: http-client calls it for Anthropic requests. */
export const anthropicHttpError: HttpErrorMapper = (status, bodyText, headers, label, secret) => {
  const text = redact(bodyText, secret);
  const body = parseErrorBody(text);
  if (status === 529 || body?.error.type === 'overloaded_error') {
    return new GatewayError(
      503,
      'upstream_unavailable',
      `${label} answered ${status}: ${body?.error.message ?? (text.trim().slice(0, 500) || 'Overloaded')}`,
      {
        retryable: true,
        upstreamStatus: status,
        upstreamBody: body,
        headers: retryAfterHeader(headers),
      },
    );
  }
  const err = upstreamHttpError(status, text, headers, label, secret);
  // The upstream refused the gateway's vendor key, not the client's: relayed verbatim, a 401
  // authentication_error would send Claude Code to /login over a credential only the gateway can fix.
  if (err.code === 'upstream_auth_failed') return err;
  return rebuild(err, err.message, body);
};

/** An `error` event inside a 200 stream: mapped as if it had been the HTTP answer its type stands for. */
export function streamEventError(event: StreamEventWire, data: string, label: string, secret?: string) {
  const status = STATUS_BY_TYPE[event.error?.type ?? ''] ?? 500;
  const err = anthropicHttpError(status, data, {}, label, secret);
  const detail = redact(event.error?.message ?? data, secret);
  return rebuild(
    err,
    `${label} failed mid-stream (${event.error?.type ?? 'error'}): ${detail}`,
    err.upstreamBody,
  );
}
