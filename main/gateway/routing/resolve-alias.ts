import type { Deployment, GatewayConfig } from '../config/gateway-config.ts';

export interface Candidate {
  deployment: Deployment;
  /** Upstream model name, with a wildcard's `*` filled in. */
  model: string;
}

export interface ResolvedAlias {
  /** The model_list name that serves the request. */
  alias: string;
  candidates: Candidate[];
}

/** Follows model_group_alias / model_alias_map (a few hops at most), then exact names, then wildcards. */
export function resolveAlias(config: GatewayConfig, requested: string): ResolvedAlias | undefined {
  let name = requested;
  for (let hops = 0; hops < 5 && !config.groups.has(name); hops++) {
    const next = config.aliasNames.get(name);
    if (next === undefined) break;
    name = next;
  }
  const group = config.groups.get(name);
  if (group) return { alias: name, candidates: group.map((d) => ({ deployment: d, model: d.model })) };
  for (const w of config.wildcards) {
    const m = w.pattern.exec(name);
    if (!m) continue;
    const fill = m.slice(1);
    return {
      alias: name,
      candidates: w.deployments.map((d) => {
        let i = 0;
        return {
          deployment: d,
          model: d.model.replace(/\*/g, () => fill[Math.min(i++, fill.length - 1)] ?? ''),
        };
      }),
    };
  }
  return undefined;
}

/** The aliases a client may ask for, as /v1/models lists them. */
export function listedAliases(config: GatewayConfig): string[] {
  const names = new Set<string>(config.groups.keys());
  for (const [name] of config.aliasNames) if (!config.hiddenAliases.has(name)) names.add(name);
  return [...names];
}
