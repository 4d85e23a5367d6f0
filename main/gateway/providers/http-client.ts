// The one place adapters reach the network: timeouts, abort, and turning transport and HTTP failures
// into GatewayErrors. The dispatcher comes in through the call so tests and benchmarks can swap it.
import { Agent, type Dispatcher } from 'undici';
import { GatewayError } from '../errors.ts';
import type { CallContext, ProviderTarget } from './provider.ts';
import { upstreamHttpError } from './upstream-errors.ts';

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

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** Aborted when the whole call has to stop (client gone, total or first-byte timeout). */
  signal: AbortSignal;
  /** Stops the first-byte clock: streams call it on their first event. */
  firstByte(): void;
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

/**
 * One controller per call, aborted by the client's signal or by the call's own clock: a first-byte
 * deadline until the first byte, then what is left of the whole-call deadline. One timer runs at a
 * time and every timer and listener is dropped when the body closes. (AbortSignal.timeout() plus
 * AbortSignal.any() cost a composite signal per call, and kept a timer per call alive for the whole
 * timeout, 10 minutes by default, long after the call had ended.)
 */
export async function callUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const { totalTimeoutMs, firstByteTimeoutMs } = req.target;
  const started = performance.now();
  const controller = new AbortController();
  const signal = controller.signal;
  const outer = req.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingForFirstByte = true;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
    outer.removeEventListener('abort', onOuterAbort);
  };
  const abort = (reason: unknown) => {
    stop();
    controller.abort(reason);
  };
  function onOuterAbort() {
    abort(outer.reason);
  }
  // One timer, armed for whichever deadline comes first. The first byte does not re-arm it (most calls
  // end long before either deadline, and a timer per call is what they cost); when it fires after the
  // first byte, it re-arms itself for what is left of the whole-call deadline.
  const onTimer = () => {
    timer = undefined;
    const left = totalTimeoutMs - (performance.now() - started);
    if (waitingForFirstByte && firstByteTimeoutMs < totalTimeoutMs) abort(new FirstByteTimeout());
    else if (left <= 0) abort(totalTimeout(totalTimeoutMs));
    else timer = setTimeout(onTimer, left);
  };
  const firstByte = () => {
    waitingForFirstByte = false;
  };
  if (outer.aborted) controller.abort(outer.reason);
  else {
    outer.addEventListener('abort', onOuterAbort, { once: true });
    timer = setTimeout(onTimer, Math.min(firstByteTimeoutMs, totalTimeoutMs));
  }
  let res: Dispatcher.ResponseData;
  try {
    const { origin, path } = originAndPath(req.url);
    res = await (req.dispatcher ?? defaultDispatcher).request({
      origin,
      path,
      method: req.method ?? 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...req.headers },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal,
      headersTimeout: 0,
      // A stream that stalls between events for this long is abandoned.
      bodyTimeout: Math.max(firstByteTimeoutMs, 1_000),
    });
  } catch (err) {
    stop();
    throw transportError(err, req, signal);
  }
  if (res.statusCode >= 400) {
    stop();
    const text = await res.body.text().catch(() => '');
    const toError = req.httpError ?? upstreamHttpError;
    throw toError(res.statusCode, text, res.headers, req.label, req.target.apiKey);
  }
  // Whoever reads the body, and however it ends (read, destroyed, failed), the clock stops with it.
  res.body.once('close', stop);
  const type = String(res.headers['content-type'] ?? '');
  // A unary answer's headers are its first byte; a stream's reader calls firstByte() on its first event.
  if (!type.includes('event-stream') && !type.includes('ndjson')) firstByte();
  return { statusCode: res.statusCode, headers: res.headers, body: res.body, signal, firstByte };
}

// undici's request(url) parses the URL on every call; an upstream's URLs are a handful of strings.
// Those with a query are not kept: some vendors (Gemini) put the key there.
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
