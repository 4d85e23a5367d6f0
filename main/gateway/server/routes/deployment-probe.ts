// GET /health: probes every deployment and reports which answer, with latency, next to the router's own
// view (cooldowns, failures, in flight). LiteLLM's response shape.
import type { FastifyInstance } from 'fastify';
import { probeDeployment } from '../../routing/probe.ts';
import type { GatewayRuntime } from '../../runtime.ts';

export function registerProbeRoute(app: FastifyInstance, runtime: GatewayRuntime): void {
  app.get('/health', async () => {
    const { config, apiKeys } = runtime.loaded;
    const ctx = { config, apiKeys, registry: runtime.registry, dispatcher: runtime.dispatcher };
    const router = new Map(
      runtime.health.snapshot(config.deployments.map((d) => d.id)).map((s) => [s.id, s]),
    );
    const results = (await Promise.all(config.deployments.map((d) => probeDeployment(d, ctx)))).map((r) => ({
      model_name: r.deployment.alias,
      model: `${r.deployment.provider}/${r.deployment.model}`,
      id: r.deployment.id,
      api_base: r.apiBase ?? null,
      latency_ms: r.latencyMs,
      ...(r.error ? { error: r.error.message } : {}),
      router: router.get(r.deployment.id),
    }));
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
