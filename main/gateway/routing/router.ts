// Runs one request against its alias's deployments, then its fallbacks: retries transient failures with
// full-jitter backoff, moves on from a deployment that cannot serve, and stops at once on the client's
// own mistakes. Streams count as started only once their first piece arrived, so a failure before the
// first byte reaches the client is retried like any other.
import type { Dispatcher } from 'undici';
import { GatewayError } from '../errors.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { ProviderAdapter, ProviderTarget } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { RateLimiter } from '../budget/rate-limiter.ts';
import type { AttemptRecord } from '../store/request-log-repo.ts';
import { resolveAlias, type Candidate } from './resolve-alias.ts';

export interface RouteContext {
  config: GatewayConfig;
  apiKeys: Map<string, string>;
  registry: ProviderRegistry;
  /** Per-deployment RPM/TPM: a deployment at its limit is skipped for another. */
  limiter?: RateLimiter | undefined;
  signal: AbortSignal;
  dispatcher?: Dispatcher | undefined;
}

export interface AttemptInput {
  adapter: ProviderAdapter;
  target: ProviderTarget;
  candidate: Candidate;
}

export interface RouteOutcome<T> {
  value: T;
  candidate: Candidate;
  attempts: AttemptRecord[];
}

export class RouteFailure extends Error {
  readonly error: GatewayError;
  readonly attempts: AttemptRecord[];
  readonly last: Candidate | undefined;
  constructor(error: GatewayError, attempts: AttemptRecord[], last: Candidate | undefined) {
    super(error.message);
    this.error = error;
    this.attempts = attempts;
    this.last = last;
  }
}

const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 2_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A failure that says nothing about other deployments (the request itself is wrong): stop here. */
function isClientFault(e: GatewayError): boolean {
  return !e.retryable && e.status >= 400 && e.status < 500;
}

export function targetFor(
  ctx: RouteContext,
  c: Candidate,
  adapter: ProviderAdapter,
  stream: boolean,
): ProviderTarget {
  const d = c.deployment;
  return {
    model: c.model,
    apiBase: d.apiBase ?? adapter.defaultApiBase(d.provider),
    apiKey: ctx.apiKeys.get(d.id),
    apiVersion: d.apiVersion,
    firstByteTimeoutMs: stream ? Math.min(d.streamTimeoutMs, d.timeoutMs) : d.timeoutMs,
    totalTimeoutMs: d.timeoutMs,
  };
}

/** Alias → its candidates, then each fallback alias's (deduplicated, cycles ignored). */
export function planRoute(
  config: GatewayConfig,
  requested: string,
): { alias: string; groups: Candidate[][] } {
  const first = resolveAlias(config, requested);
  if (!first) {
    const available = [...config.groups.keys(), ...config.wildcards.map((w) => w.modelName)];
    throw new GatewayError(
      404,
      'model_not_found',
      `The model '${requested}' does not exist here. Available models: ${available.join(', ') || '(none configured)'}`,
      { param: 'model' },
    );
  }
  const groups = [first.candidates];
  const seen = new Set([first.alias]);
  for (const next of config.fallbacks.get(first.alias) ?? config.fallbacks.get(requested) ?? []) {
    const r = resolveAlias(config, next);
    if (!r || seen.has(r.alias)) continue;
    seen.add(r.alias);
    groups.push(r.candidates);
  }
  return { alias: first.alias, groups };
}

export async function route<T>(
  ctx: RouteContext,
  requested: string,
  stream: boolean,
  run: (input: AttemptInput) => Promise<T>,
): Promise<RouteOutcome<T>> {
  const { groups } = planRoute(ctx.config, requested);
  const attempts: AttemptRecord[] = [];
  let lastError: GatewayError | undefined;
  let last: Candidate | undefined;
  let soonestRoomMs: number | undefined;
  for (const full of groups) {
    const group = full.filter((c) => {
      const d = c.deployment;
      if (!ctx.limiter || (!d.rpm && !d.tpm)) return true;
      const limits = { rpm: d.rpm, tpm: d.tpm };
      if (ctx.limiter.hasRoom(d.id, limits)) return true;
      const s = ctx.limiter.state(d.id, limits);
      const wait = Math.max(
        s.remainingRequests === 0 ? (s.resetRequestsMs ?? 0) : 0,
        s.remainingTokens === 0 ? (s.resetTokensMs ?? 0) : 0,
      );
      soonestRoomMs = Math.min(soonestRoomMs ?? wait, wait);
      return false;
    });
    if (group.length === 0) continue;
    const tries = group.length + ctx.config.numRetries;
    const skip = new Set<Candidate>();
    for (let i = 0; i < tries && skip.size < group.length; i++) {
      const candidate = group.filter((c) => !skip.has(c))[i % (group.length - skip.size)];
      if (!candidate) break;
      if (i > 0 && lastError?.retryable) {
        await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (i - 1)), ctx.signal);
      }
      if (ctx.signal.aborted) throw new RouteFailure(clientGone(), attempts, candidate);
      const adapter = ctx.registry.get(candidate.deployment.provider);
      if (candidate.deployment.rpm || candidate.deployment.tpm)
        ctx.limiter?.countRequest(candidate.deployment.id);
      const started = performance.now();
      last = candidate;
      try {
        const value = await run({ adapter, candidate, target: targetFor(ctx, candidate, adapter, stream) });
        attempts.push(record(candidate, 200, null, started));
        return { value, candidate, attempts };
      } catch (err) {
        const e = err instanceof GatewayError ? err : internal(err);
        attempts.push(record(candidate, e.status, e.code, started));
        lastError = e;
        if (ctx.signal.aborted || e.code === 'client_disconnected')
          throw new RouteFailure(clientGone(), attempts, candidate);
        if (isClientFault(e)) throw new RouteFailure(e, attempts, candidate);
        if (!e.retryable) skip.add(candidate);
      }
    }
  }
  if (!lastError && soonestRoomMs !== undefined) {
    const seconds = Math.max(1, Math.ceil(soonestRoomMs / 1000));
    lastError = new GatewayError(
      429,
      'rate_limit_exceeded',
      `Every deployment of '${requested}' is at its rate limit`,
      {
        retryable: true,
        headers: { 'retry-after': String(seconds) },
      },
    );
  }
  throw new RouteFailure(lastError ?? internal(new Error('no deployment to try')), attempts, last);
}

function record(c: Candidate, status: number, code: string | null, started: number): AttemptRecord {
  return {
    deployment: c.deployment.id,
    provider: c.deployment.provider,
    status,
    code,
    latency_ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

function clientGone(): GatewayError {
  return new GatewayError(499, 'client_disconnected', 'the client closed the connection');
}

function internal(err: unknown): GatewayError {
  return new GatewayError(
    500,
    'internal_error',
    `internal error: ${err instanceof Error ? err.message : String(err)}`,
    {
      cause: err,
    },
  );
}
