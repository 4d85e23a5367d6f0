// general_settings.background_health_checks: probe every deployment each health_check_interval seconds,
// so a dead deployment cools down before a user's request finds out.
import type { GatewayRuntime } from '../runtime.ts';
import { probeDeployment } from './probe.ts';

export function startBackgroundProbes(runtime: GatewayRuntime): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    const { config, apiKeys } = runtime.loaded;
    if (config.healthCheckIntervalMs !== undefined) {
      const ctx = { config, apiKeys, registry: runtime.registry, dispatcher: runtime.dispatcher };
      const results = await Promise.all(config.deployments.map((d) => probeDeployment(d, ctx)));
      for (const r of results) {
        if (r.error) runtime.health.failure(r.deployment.id, r.error, config);
        else runtime.health.success(r.deployment.id, r.latencyMs);
      }
    }
    if (!stopped)
      timer = setTimeout(() => void tick(), runtime.loaded.config.healthCheckIntervalMs ?? 5_000).unref();
  };
  timer = setTimeout(() => void tick(), 0).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
