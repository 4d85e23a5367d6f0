import type { routerOperations } from '../../../shared/admin/router.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';

export function routerHandlers({ runtime }: AdminDeps): HandlersFor<typeof routerOperations> {
  return {
    'router.health': () => {
      const deployments = runtime.loaded.config.deployments;
      const snap = runtime.health.snapshot(deployments.map((d) => d.id));
      return deployments.map((d, i) => {
        const { id: _id, ...state } = snap[i]!;
        return { id: d.id, alias: d.alias, model: `${d.provider}/${d.model}`, ...state };
      });
    },
  };
}
