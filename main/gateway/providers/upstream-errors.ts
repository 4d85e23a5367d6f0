// Turns an upstream's HTTP error into the gateway's error: the right status for the client, whether a
// retry may help, and the upstream's own words (with the credential scrubbed, should it echo it).
import { GatewayError } from '../errors.ts';

function extractMessage(text: string): { message: string; code?: string; param?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    // Google's OpenAI-compatible layer wraps its error object in a one-element array.
    const body = (Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : parsed) as {
      error?: unknown;
      message?: unknown;
    };
    const e = body.error;
    if (typeof e === 'string') return { message: e };
    if (e && typeof e === 'object') {
      const o = e as { message?: unknown; code?: unknown; param?: unknown; type?: unknown };
      return {
        message: typeof o.message === 'string' ? o.message : JSON.stringify(e),
        ...(typeof o.code === 'string'
          ? { code: o.code }
          : typeof o.type === 'string'
            ? { code: o.type }
            : {}),
        ...(typeof o.param === 'string' ? { param: o.param } : {}),
      };
    }
    if (typeof body.message === 'string') return { message: body.message };
  } catch {
    // not JSON: use the text itself
  }
  return { message: text.trim().slice(0, 500) || '(empty body)' };
}

export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

/** The upstream's retry-after, passed on to the client as it was sent. */
export function retryAfterHeader(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const retryAfter = headers['retry-after'];
  return typeof retryAfter === 'string' ? { 'retry-after': retryAfter } : {};
}

const CONTEXT_HINT = /context[_ ]length|maximum context|context window|too many tokens|prompt is too long/i;

export function upstreamHttpError(
  status: number,
  bodyText: string,
  headers: Record<string, string | string[] | undefined>,
  label: string,
  secret: string | undefined,
): GatewayError {
  const { message: raw, code, param } = extractMessage(bodyText);
  const message = `${label} answered ${status}: ${redact(raw, secret)}`;
  const opts = { upstreamStatus: status, param: param ?? null };
  if (status === 400 || status === 422) {
    const ctx = code === 'context_length_exceeded' || CONTEXT_HINT.test(raw);
    return new GatewayError(400, ctx ? 'context_length_exceeded' : 'invalid_request', message, opts);
  }
  if (status === 401 || status === 403) return new GatewayError(502, 'upstream_auth_failed', message, opts);
  if (status === 404) return new GatewayError(502, 'upstream_error', message, opts);
  if (status === 408) return new GatewayError(504, 'upstream_timeout', message, { ...opts, retryable: true });
  if (status === 413) return new GatewayError(413, 'request_too_large', message, opts);
  if (status === 429) {
    return new GatewayError(429, 'rate_limit_exceeded', message, {
      ...opts,
      retryable: true,
      headers: retryAfterHeader(headers),
    });
  }
  if (status === 503)
    return new GatewayError(503, 'upstream_unavailable', message, { ...opts, retryable: true });
  if (status === 504) return new GatewayError(504, 'upstream_timeout', message, { ...opts, retryable: true });
  if (status >= 500) return new GatewayError(502, 'upstream_error', message, { ...opts, retryable: true });
  return new GatewayError(502, 'upstream_error', message, opts);
}

/** What turns an upstream's HTTP error into a GatewayError; a provider with its own dialect supplies one. */
export type HttpErrorMapper = typeof upstreamHttpError;
