// Runs one request against its alias's deployments, then its fallbacks: retries transient failures with
// full-jitter backoff, moves on from a deployment that cannot serve, and stops at once on the client's
// own mistakes. Streams count as started only once their first piece arrived, so a failure before the
// first byte reaches the client is retried like any other.
import type { Dispatcher } from 'undici';
import { GatewayError } from '../errors.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { ProviderAdapter, ProviderTarget } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { priceOf } from '../budget/cost.ts';
import type { RateLimiter } from '../budget/rate-limiter.ts';
import type { AttemptRecord } from '../store/request-log-repo.ts';
import type { DeploymentHealth } from './deployment-health.ts';
import type { Candidate } from './resolve-alias.ts';
import { planRoute } from './route-plan.ts';
import { orderCandidates } from './strategies.ts';

export interface RouteContext {
  config: GatewayConfig;
  apiKeys: Map<string, string>;
  registry: ProviderRegistry;
  /** Per-deployment RPM/TPM: a deployment at its limit is skipped for another. */
  limiter?: RateLimiter | undefined;
  /** Cooldowns, in-flight counts and latency, for skipping and ordering deployments. */
  health?: DeploymentHealth | undefined;
  /** An upper bound on the prompt's size in bytes (the request body's), to skip counting tokens. */
  promptBytes?: number | undefined;
  /** Counts the prompt's tokens, when a context window needs checking. */
  promptTokens?: (() => Promise<number>) | undefined;
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
  /** Ends the request's in-flight count on its deployment: a stream stays in flight until its relay ends. */
  release(): void;
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
    maxOutputTokens: d.maxOutputTokens ?? priceOf(d, ctx.registry).maxOutputTokens,
  };
}

function retryAfterMs(e: GatewayError): number | undefined {
  const ms = Number(e.headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const s = e.headers['retry-after'];
  if (s === undefined) return undefined;
  const secs = Number(s);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

interface RouteRun<T> {
  ctx: RouteContext;
  stream: boolean;
  run: (input: AttemptInput) => Promise<T>;
  attempts: AttemptRecord[];
  lastError: GatewayError | undefined;
  last: Candidate | undefined;
  soonestRoomMs: number | undefined;
  contextExceeded: { counted: number; allowed: number } | undefined;
}

/** Deployments with room under their own RPM/TPM, in strategy order, cooling ones last. */
function usable<T>(r: RouteRun<T>, full: Candidate[]): Candidate[] {
  const { ctx } = r;
  const { limiter } = ctx;
  const open =
    !limiter || !full.some((c) => c.deployment.rpm || c.deployment.tpm)
      ? full
      : full.filter((c) => {
          const d = c.deployment;
          if (!d.rpm && !d.tpm) return true;
          const limits = { rpm: d.rpm, tpm: d.tpm };
          if (limiter.hasRoom(d.id, limits)) return true;
          const s = limiter.state(d.id, limits);
          const wait = Math.max(
            s.remainingRequests === 0 ? (s.resetRequestsMs ?? 0) : 0,
            s.remainingTokens === 0 ? (s.resetTokensMs ?? 0) : 0,
          );
          r.soonestRoomMs = Math.min(r.soonestRoomMs ?? wait, wait);
          return false;
        });
  const ordered = ctx.health ? orderCandidates(ctx.config.routingStrategy, open, ctx.health) : open;
  if (!ctx.health || !ordered.some((c) => ctx.health!.isCooling(c.deployment.id))) return ordered;
  const warm = ordered.filter((c) => !ctx.health!.isCooling(c.deployment.id));
  // All cooling down: trying one beats failing without a try.
  return warm.length > 0 ? warm : ordered;
}

/** Whether the prompt might not fit the deployment's context window: only then is it counted. */
function mightBeTooLong<T>(r: RouteRun<T>, c: Candidate): boolean {
  const max = c.deployment.maxInputTokens;
  const { promptBytes, promptTokens } = r.ctx;
  // A token is at least one byte: a body smaller than the window always fits, with no counting.
  return !(max === undefined || !promptTokens || promptBytes === undefined || promptBytes < max);
}

/** Whether the prompt cannot fit the deployment's context window (after mightBeTooLong said it might not). */
async function tooLong<T>(r: RouteRun<T>, c: Candidate): Promise<boolean> {
  const max = c.deployment.maxInputTokens!;
  const counted = await r.ctx.promptTokens!();
  if (counted <= max) return false;
  r.contextExceeded = { counted, allowed: max };
  r.attempts.push({
    deployment: c.deployment.id,
    provider: c.deployment.provider,
    status: 400,
    code: 'context_length_exceeded',
    latency_ms: 0,
  });
  return true;
}

async function tryGroup<T>(
  r: RouteRun<T>,
  full: Candidate[],
): Promise<RouteOutcome<T> | 'context' | undefined> {
  const { ctx } = r;
  const group = usable(r, full);
  if (group.length === 0) return undefined;
  const tries = group.length + ctx.config.numRetries;
  const skip = new Set<Candidate>();
  for (let i = 0; i < tries && skip.size < group.length; i++) {
    const left = skip.size === 0 ? group : group.filter((c) => !skip.has(c));
    const candidate = left[i % left.length];
    if (!candidate) break;
    if (mightBeTooLong(r, candidate) && (await tooLong(r, candidate))) {
      skip.add(candidate);
      continue;
    }
    const e = r.lastError;
    if (i > 0 && e?.retryable) {
      const backoff = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (i - 1));
      const asked = retryAfterMs(e);
      await sleep(Math.max(backoff, Math.min(asked ?? 0, ctx.config.maxRetryAfterMs)), ctx.signal);
    }
    if (ctx.signal.aborted) throw new RouteFailure(clientGone(), r.attempts, candidate);
    const d = candidate.deployment;
    const adapter = ctx.registry.get(d.provider);
    if (d.rpm || d.tpm) ctx.limiter?.countRequest(d.id);
    const started = performance.now();
    r.last = candidate;
    ctx.health?.begin(d.id);
    let held = false;
    try {
      const value = await r.run({ adapter, candidate, target: targetFor(ctx, candidate, adapter, r.stream) });
      const done = record(candidate, 200, null, started);
      r.attempts.push(done);
      ctx.health?.success(d.id, done.latency_ms);
      held = r.stream;
      let released = !held;
      const release = () => {
        if (released) return;
        released = true;
        if (!held) ctx.health?.end(d.id);
      };
      return { value, candidate, attempts: r.attempts, release };
    } catch (err) {
      const failure = err instanceof GatewayError ? err : internal(err);
      r.attempts.push(record(candidate, failure.status, failure.code, started));
      r.lastError = failure;
      if (ctx.signal.aborted || failure.code === 'client_disconnected') {
        throw new RouteFailure(clientGone(), r.attempts, candidate);
      }
      if (failure.code === 'context_length_exceeded') return 'context';
      if (isClientFault(failure)) throw new RouteFailure(failure, r.attempts, candidate);
      ctx.health?.failure(d.id, failure, ctx.config);
      const waitTooLong = (retryAfterMs(failure) ?? 0) > ctx.config.maxRetryAfterMs;
      if (!failure.retryable || waitTooLong) skip.add(candidate);
    } finally {
      if (!held) ctx.health?.end(d.id);
    }
  }
  return r.contextExceeded && skip.size === group.length ? 'context' : undefined;
}

export async function route<T>(
  ctx: RouteContext,
  requested: string,
  stream: boolean,
  run: (input: AttemptInput) => Promise<T>,
): Promise<RouteOutcome<T>> {
  const { groups, contextGroups } = planRoute(ctx.config, requested);
  const r: RouteRun<T> = {
    ctx,
    stream,
    run,
    attempts: [],
    lastError: undefined,
    last: undefined,
    soonestRoomMs: undefined,
    contextExceeded: undefined,
  };
  let queue = groups;
  for (let g = 0; g < queue.length; g++) {
    const out = await tryGroup(r, queue[g]!);
    if (out === undefined) continue;
    if (out !== 'context') return out;
    // Too long for this route: only a bigger context window helps, so go to those (once).
    if (queue === contextGroups || contextGroups.length === 0) break;
    queue = contextGroups;
    g = -1;
  }
  if (r.contextExceeded || r.lastError?.code === 'context_length_exceeded') {
    const detail = r.contextExceeded
      ? `The prompt has ${r.contextExceeded.counted} tokens; '${requested}' allows ${r.contextExceeded.allowed}`
      : (r.lastError?.message ?? 'The prompt is too long');
    throw new RouteFailure(
      new GatewayError(
        400,
        'context_length_exceeded',
        `${detail}, and no route with a larger context window is configured`,
        {
          param: 'messages',
        },
      ),
      r.attempts,
      r.last,
    );
  }
  if (!r.lastError && r.soonestRoomMs !== undefined) {
    const seconds = Math.max(1, Math.ceil(r.soonestRoomMs / 1000));
    r.lastError = new GatewayError(
      429,
      'rate_limit_exceeded',
      `Every deployment of '${requested}' is at its rate limit`,
      {
        retryable: true,
        headers: { 'retry-after': String(seconds) },
      },
    );
  }
  throw new RouteFailure(r.lastError ?? internal(new Error('no deployment to try')), r.attempts, r.last);
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
