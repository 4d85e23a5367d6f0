// GET /health: asks every deployment something cheap (its model list) and reports which answer, with
// latency, next to the router's own view (cooldowns, failures, in flight). LiteLLM's response shape.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors.ts';
import { targetFor } from '../../routing/router.ts';
import type { GatewayRuntime } from '../../runtime.ts';

const PROBE_TIMEOUT_MS = 5_000;

export function registerProbeRoute(app: FastifyInstance, runtime: GatewayRuntime): void {
  app.get('/health', async () => {
    const { config, apiKeys } = runtime.loaded;
    const ctx = {
      config,
      apiKeys,
      registry: runtime.registry,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    };
    const router = new Map(
      runtime.health.snapshot(config.deployments.map((d) => d.id)).map((s) => [s.id, s]),
    );
    const results = await Promise.all(
      config.deployments.map(async (d) => {
        const adapter = runtime.registry.get(d.provider);
        const target = targetFor(ctx, { deployment: d, model: d.model }, adapter, false);
        const probeTarget = {
          ...target,
          firstByteTimeoutMs: PROBE_TIMEOUT_MS,
          totalTimeoutMs: PROBE_TIMEOUT_MS,
        };
        const started = performance.now();
        let error: string | undefined;
        try {
          await adapter.listModels(probeTarget, { signal: ctx.signal, dispatcher: runtime.dispatcher });
        } catch (err) {
          error = err instanceof GatewayError ? err.message : String(err);
        }
        return {
          model_name: d.alias,
          model: `${d.provider}/${d.model}`,
          id: d.id,
          api_base: target.apiBase ?? null,
          latency_ms: Math.round((performance.now() - started) * 100) / 100,
          ...(error ? { error } : {}),
          router: router.get(d.id),
        };
      }),
    );
    const healthy = results.filter((r) => !r.error);
    const unhealthy = results.filter((r) => r.error);
    return {
      healthy_endpoints: healthy,
      unhealthy_endpoints: unhealthy,
      healthy_count: healthy.length,
      unhealthy_count: unhealthy.length,
    };
  });
}
