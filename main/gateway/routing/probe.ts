// Asks a deployment something cheap (its model list): used by GET /health and the background prober,
// whose failures feed the cooldowns.
import type { Deployment, GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import type { CallContext, ProviderAdapter, ProviderTarget } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Dispatcher } from 'undici';
import { targetFor } from './router.ts';

export const PROBE_TIMEOUT_MS = 5_000;

/** What a one-off call to a deployment needs: the config's keys and adapters, and a dispatcher. */
export interface ProbeContext {
  config: GatewayConfig;
  apiKeys: Map<string, string>;
  registry: ProviderRegistry;
  dispatcher?: Dispatcher | undefined;
}

export interface ProbeResult {
  deployment: Deployment;
  apiBase: string | undefined;
  latencyMs: number;
  error: GatewayError | undefined;
}

/**
 * One call to a deployment outside routing, with one deadline for the whole of it (first byte included):
 * how long it took, and its failure as a GatewayError (an unexpected one counts as unavailable).
 */
export async function timedCall<T>(
  d: Deployment,
  ctx: ProbeContext,
  timeoutMs: number,
  call: (adapter: ProviderAdapter, target: ProviderTarget, callCtx: CallContext) => Promise<T>,
): Promise<{
  target: ProviderTarget;
  latencyMs: number;
  out: T | undefined;
  error: GatewayError | undefined;
}> {
  const adapter = ctx.registry.get(d.provider);
  const signal = AbortSignal.timeout(timeoutMs);
  const target = {
    ...targetFor({ ...ctx, signal }, { deployment: d, model: d.model }, adapter, false),
    firstByteTimeoutMs: timeoutMs,
    totalTimeoutMs: timeoutMs,
  };
  const started = performance.now();
  let out: T | undefined;
  let error: GatewayError | undefined;
  try {
    out = await call(adapter, target, { signal, dispatcher: ctx.dispatcher });
  } catch (err) {
    error = err instanceof GatewayError ? err : new GatewayError(503, 'upstream_unavailable', String(err));
  }
  return { target, latencyMs: Math.round((performance.now() - started) * 100) / 100, out, error };
}

export async function probeDeployment(d: Deployment, ctx: ProbeContext): Promise<ProbeResult> {
  const { target, latencyMs, error } = await timedCall(d, ctx, PROBE_TIMEOUT_MS, (adapter, t, call) =>
    adapter.listModels(t, call),
  );
  return { deployment: d, apiBase: target.apiBase, latencyMs, error };
}
