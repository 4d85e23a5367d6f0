// Which deployments a request may reach, in which groups: the alias's own, then its fallbacks', then
// (for prompts too long for all of those) its context-window fallbacks'. Pure per config, so cached.
import type { GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import { resolveAlias, type Candidate } from './resolve-alias.ts';

export interface RoutePlan {
  alias: string;
  groups: Candidate[][];
  contextGroups: Candidate[][];
}

/** Plans by config and requested name: a plan depends on nothing else, and a config is never mutated. */
const plans = new WeakMap<GatewayConfig, Map<string, RoutePlan>>();
/** Wildcard aliases accept any name: the cache per config stops growing here. */
const MAX_PLANS_PER_CONFIG = 256;

/** Alias → its candidates, then each fallback alias's (deduplicated, cycles ignored). Callers must not mutate it. */
export function planRoute(config: GatewayConfig, requested: string): RoutePlan {
  let cached = plans.get(config);
  const hit = cached?.get(requested);
  if (hit) return hit;
  const plan = buildPlan(config, requested);
  if (!cached) plans.set(config, (cached = new Map()));
  if (cached.size < MAX_PLANS_PER_CONFIG) cached.set(requested, plan);
  return plan;
}

function buildPlan(config: GatewayConfig, requested: string): RoutePlan {
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
  const seen = new Set([first.alias]);
  const expand = (names: string[]) => {
    const out: Candidate[][] = [];
    for (const next of names) {
      const r = resolveAlias(config, next);
      if (!r || seen.has(r.alias)) continue;
      seen.add(r.alias);
      out.push(r.candidates);
    }
    return out;
  };
  const named = config.fallbacks.get(first.alias) ?? config.fallbacks.get(requested);
  const groups = [first.candidates, ...expand(named ?? config.defaultFallbacks)];
  const contextGroups = expand(
    config.contextWindowFallbacks.get(first.alias) ?? config.contextWindowFallbacks.get(requested) ?? [],
  );
  return { alias: first.alias, groups, contextGroups };
}
