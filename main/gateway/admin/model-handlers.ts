// models.list and the Models page's edits: each edit rewrites config.yaml (config-editor.ts) and the
// gateway runs on the result before the answer is sent, so the next request already follows it.
import type { AliasView, modelOperations } from '../../../shared/admin/models.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { LoadedConfig } from '../config/load-config.ts';
import {
  addDeployment,
  aliasNotFound,
  reorder,
  removeDeployment,
  setPrimary,
  updateAlias,
  updateDeployment,
} from '../config/model-edits.ts';
import { GatewayError } from '../errors.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';
import { aliasViews, findAliasView } from './model-view.ts';

function viewAfter(runtime: GatewayRuntime, alias: string): AliasView {
  const view = findAliasView(runtime, alias);
  if (!view) throw aliasNotFound(alias);
  return view;
}

/** Where a name that no longer exists is still used, in words for the user. */
function referencesTo(alias: string, config: GatewayConfig, runtime: GatewayRuntime): string[] {
  const where: string[] = [];
  for (const [from, to] of config.fallbacks) if (to.includes(alias)) where.push(`the fallbacks of '${from}'`);
  if (config.defaultFallbacks.includes(alias)) where.push('default_fallbacks');
  for (const [from, to] of config.contextWindowFallbacks)
    if (to.includes(alias)) where.push(`the context-window fallbacks of '${from}'`);
  for (const [name, to] of config.aliasNames) if (to === alias) where.push(`model_group_alias '${name}'`);
  for (const [from, rules] of config.conditionalRoutes)
    if (rules.some((r) => r.to === alias)) where.push(`the conditional routes of '${from}'`);
  for (const [name, plan] of config.plans)
    if (plan.models?.includes(alias) || plan.budget_fallback === alias) where.push(`plan '${name}'`);
  const keys = runtime.keys.list({ size: 1000 }).keys;
  for (const k of keys) {
    if (k.models.includes(alias) || k.budget_fallback === alias)
      where.push(`key '${k.key_alias ?? k.key_name}'`);
  }
  return where;
}

export function modelHandlers(deps: AdminDeps): HandlersFor<typeof modelOperations> {
  const { runtime } = deps;
  // Read when called: the contract's table is built before the gateway has its editor.
  const editor = () => deps.control.editor;
  return {
    'models.list': () => ({ aliases: aliasViews(runtime) }),

    'model.setPrimary': async ({ alias, deployment_id }) => {
      await editor().edit((ctx) => setPrimary(ctx, alias, deployment_id));
      return viewAfter(runtime, alias);
    },

    'model.reorder': async ({ alias, deployment_ids }) => {
      await editor().edit((ctx) => reorder(ctx, alias, deployment_ids));
      return viewAfter(runtime, alias);
    },

    'model.add': async (input) => {
      const { result } = await editor().edit(
        (ctx) => addDeployment(ctx, input),
        (next: LoadedConfig, index: number) => {
          if (next.config.deployments.some((d) => d.index === index)) return;
          // normalize-config skips an entry it cannot serve (with a warning naming it): refuse instead.
          const why = next.warnings.find((w) => w.startsWith(`model_list[${index}]`));
          throw new GatewayError(400, 'invalid_request', why ?? `'${input.model}' cannot be served`, {
            param: 'model',
          });
        },
      );
      const added = runtime.loaded.config.deployments.find((d) => d.index === result)!;
      return { id: added.id, alias: added.alias };
    },

    'model.update': async (input) => {
      const { result } = await editor().edit(
        (ctx) => updateDeployment(ctx, input),
        (next, { index }) => {
          if (next.config.deployments.some((d) => d.index === index)) return;
          const why = next.warnings.find((w) => w.startsWith(`model_list[${index}]`));
          throw new GatewayError(400, 'invalid_request', why ?? 'That deployment could not be served', {
            param: 'model',
          });
        },
      );
      return viewAfter(runtime, result.alias);
    },

    'model.remove': async ({ id }) => {
      const { result: removed, loaded } = await editor().edit((ctx) => removeDeployment(ctx, id));
      const gone = !loaded.config.deployments.some((d) => d.alias === removed.alias);
      const where = gone ? referencesTo(removed.alias, loaded.config, runtime) : [];
      return {
        removed: true as const,
        warnings: where.map((w) => `'${removed.alias}' no longer exists but is still named in ${w}`),
      };
    },

    'alias.update': async (input) => {
      await editor().edit((ctx) => updateAlias(ctx, input));
      return viewAfter(runtime, input.alias);
    },
  };
}
