// What an upstream call is made of: the request adapters build, the default dispatcher (each call can
// bring its own, so tests and benchmarks can swap it), and how transport failures and deadlines become
// GatewayErrors. The calls themselves are upstream-call.ts's (unary-call.ts, stream-call.ts).
import { Agent, type Dispatcher } from 'undici';
import { GatewayError } from '../errors.ts';
import type { CallContext, ProviderTarget } from './provider.ts';
import type { upstreamHttpError } from './upstream-errors.ts';

export const defaultDispatcher: Dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

export interface UpstreamRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: unknown;
  target: Pick<ProviderTarget, 'apiKey' | 'firstByteTimeoutMs' | 'totalTimeoutMs'>;
  signal: AbortSignal;
  dispatcher?: Dispatcher | undefined;
  /** Names the provider in error messages. */
  label: string;
  /** Turns an HTTP error answer into a GatewayError, for upstreams with their own error dialect. */
  httpError?: typeof upstreamHttpError;
}

/** The reason a call is aborted when the upstream sent nothing in time (undici's own timers tick by the second). */
export class FirstByteTimeout extends Error {
  override name = 'FirstByteTimeout';
}

/**
 * A request to `<apiBase or fallback><path>` with the target's key as a bearer token: the shape every
 * bearer-authenticated provider shares. `name` labels the upstream in error messages.
 */
export function bearerRequest(
  name: string,
  fallbackBase: string,
  target: Omit<ProviderTarget, 'model'>,
  ctx: CallContext,
  path: string,
  body?: unknown,
): UpstreamRequest {
  const { base, label } = upstreamOf(name, target.apiBase ?? fallbackBase);
  return {
    url: base + path,
    method: body === undefined ? 'GET' : 'POST',
    headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
    body,
    target,
    signal: ctx.signal,
    dispatcher: ctx.dispatcher,
    label,
  };
}

// Parsing a URL per request only to name its host in error messages showed up in profiles; the trimmed
// base and the label are per upstream too. Keyed by adapter name, then base URL: strings from the
// config, whose hashes V8 keeps (a combined key would be a new string to hash per request).
const upstreams = new Map<string, Map<string, { base: string; label: string }>>();
function upstreamOf(name: string, apiBase: string): { base: string; label: string } {
  let byBase = upstreams.get(name);
  if (byBase === undefined) upstreams.set(name, (byBase = new Map()));
  let u = byBase.get(apiBase);
  if (u === undefined) {
    const base = apiBase.replace(/\/+$/, '');
    u = { base, label: `${name} at ${new URL(base).host}` };
    if (byBase.size > 1_000) byBase.clear();
    byBase.set(apiBase, u);
  }
  return u;
}

// dispatch() takes an origin and a path; parsing the URL per call showed in profiles, and an upstream's
// URLs are a handful of strings. Those with a query are not kept: some vendors (Gemini) put the key there.
const parsedUrls = new Map<string, { origin: string; path: string }>();
export function originAndPath(url: string): { origin: string; path: string } {
  let p = parsedUrls.get(url);
  if (p === undefined) {
    const u = new URL(url);
    p = { origin: u.origin, path: u.pathname + u.search };
    if (u.search === '') {
      if (parsedUrls.size >= 1_000) parsedUrls.clear();
      parsedUrls.set(url, p);
    }
  }
  return p;
}

/** The whole-call deadline passed (transportError knows it by its name, as AbortSignal.timeout's). */
export function totalTimeout(ms: number): DOMException {
  return new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError');
}

/** For transportError() from a reader: aborts reach readers as GatewayErrors already. */
export const NOT_ABORTED: Pick<AbortSignal, 'aborted' | 'reason'> = { aborted: false, reason: undefined };

/** Maps an error thrown by undici (or while reading a body) to a GatewayError. */
export function transportError(
  err: unknown,
  req: Pick<UpstreamRequest, 'label' | 'target'>,
  signal: Pick<AbortSignal, 'aborted' | 'reason'>,
): GatewayError {
  if (err instanceof GatewayError) return err;
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof FirstByteTimeout) {
    return new GatewayError(
      504,
      'upstream_timeout',
      `${req.label} sent nothing for ${req.target.firstByteTimeoutMs} ms`,
      { retryable: true, cause: err },
    );
  }
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new GatewayError(
      504,
      'upstream_timeout',
      `${req.label} did not finish within ${req.target.totalTimeoutMs} ms`,
      {
        retryable: true,
        cause: err,
      },
    );
  }
  if (signal.aborted) {
    return new GatewayError(499, 'client_disconnected', 'the client closed the connection', { cause: err });
  }
  const code = (err as { code?: string }).code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError(
      504,
      'upstream_timeout',
      `${req.label} sent nothing for ${req.target.firstByteTimeoutMs} ms`,
      { retryable: true, cause: err },
    );
  }
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'UND_ERR_ABORTED') {
    return new GatewayError(502, 'upstream_error', `${req.label} closed the connection mid-response`, {
      retryable: true,
      cause: err,
    });
  }
  const detail = code || (err instanceof Error ? err.message : String(err));
  return new GatewayError(503, 'upstream_unavailable', `${req.label} is unreachable (${detail})`, {
    retryable: true,
    cause: err,
  });
}
