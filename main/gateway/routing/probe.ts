// Asks a deployment something cheap (its model list): used by GET /health and the background prober,
// whose failures feed the cooldowns.
import type { Deployment, GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Dispatcher } from 'undici';
import { targetFor } from './router.ts';

export const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeResult {
  deployment: Deployment;
  apiBase: string | undefined;
  latencyMs: number;
  error: GatewayError | undefined;
}

export async function probeDeployment(
  d: Deployment,
  ctx: {
    config: GatewayConfig;
    apiKeys: Map<string, string>;
    registry: ProviderRegistry;
    dispatcher?: Dispatcher | undefined;
  },
): Promise<ProbeResult> {
  const adapter = ctx.registry.get(d.provider);
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const target = targetFor({ ...ctx, signal }, { deployment: d, model: d.model }, adapter, false);
  const started = performance.now();
  let error: GatewayError | undefined;
  try {
    await adapter.listModels(
      { ...target, firstByteTimeoutMs: PROBE_TIMEOUT_MS, totalTimeoutMs: PROBE_TIMEOUT_MS },
      { signal, dispatcher: ctx.dispatcher },
    );
  } catch (err) {
    error = err instanceof GatewayError ? err : new GatewayError(503, 'upstream_unavailable', String(err));
  }
  return {
    deployment: d,
    apiBase: target.apiBase,
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
    error,
  };
}
