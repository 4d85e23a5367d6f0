// gateway.status, pause and resume: the tray's state and its "Pause gateway" item.
import type { GatewayStatus, gatewayOperations } from '../../../shared/admin/gateway.ts';
import { VERSION } from '../version.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';

/** The tray's rule (main/app/tray-state.ts): a zero budget is spent by any spend at all. */
function overBudget(k: { spend: number; max_budget: number | null }): boolean {
  if (k.max_budget === null) return false;
  return k.max_budget > 0 ? k.spend >= k.max_budget : k.spend > 0;
}

export function gatewayHandlers(deps: AdminDeps): HandlersFor<typeof gatewayOperations> {
  const { runtime } = deps;
  const status = (): GatewayStatus => {
    const c = deps.control;
    const keys = runtime.keys.list({ size: 1000 }).keys;
    const ids = new Set(runtime.loaded.config.deployments.map((d) => d.id));
    return {
      paused: c.pause.paused,
      url: c.listening.url,
      host: c.listening.host,
      port: c.listening.port,
      version: VERSION,
      config_path: c.configPath,
      data_dir: c.dataDir,
      started_at: c.startedAt,
      keys_over_budget: keys.filter(overBudget).length,
      deployments_cooling: [...ids].filter((id) => runtime.health.isCooling(id)).length,
    };
  };
  return {
    'gateway.status': status,
    'gateway.pause': async () => {
      await deps.control.pause.set(true);
      deps.control.log.info('gateway paused: proxied requests are refused until it is resumed');
      return status();
    },
    'gateway.resume': async () => {
      await deps.control.pause.set(false);
      deps.control.log.info('gateway resumed');
      return status();
    },
  };
}
