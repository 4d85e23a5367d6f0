// The running config's aliases as the Models page and the tray show them: each alias with its deployments
// in routing order, their prices (config, else the built-in table) and the router's cooldown state.
import type { AliasView, DeploymentView } from '../../../shared/admin/models.ts';
import { priceOf } from '../budget/cost.ts';
import type { Deployment } from '../config/gateway-config.ts';
import { aliasSystemPrompt, commonParams, routingOrder } from '../config/model-edits.ts';
import { describeSecretRef } from '../config/secret-refs.ts';
import type { GatewayRuntime } from '../runtime.ts';

const perMillion = (perToken: number) => Number((perToken * 1_000_000).toPrecision(12));

function deploymentView(runtime: GatewayRuntime, d: Deployment): DeploymentView {
  const price = priceOf(d, runtime.registry);
  const known = price.source !== 'unknown';
  const [health] = runtime.health.snapshot([d.id]);
  const coolingUntil = health?.cooling_until ? Date.parse(health.cooling_until) : null;
  return {
    id: d.id,
    model: `${d.provider}/${d.model}`,
    provider: d.provider,
    api_base: d.apiBase ?? null,
    // The reference's text only: a key written into the config shows as 'literal', never its value.
    credential:
      d.apiKeyRef === undefined
        ? null
        : d.apiKeyRef.kind === 'literal'
          ? 'literal'
          : describeSecretRef(d.apiKeyRef),
    order: d.order ?? null,
    weight: d.weight ?? null,
    rpm: d.rpm ?? null,
    tpm: d.tpm ?? null,
    input_cost_per_million: known ? perMillion(price.inputCostPerToken) : null,
    output_cost_per_million: known ? perMillion(price.outputCostPerToken) : null,
    price_source: price.source,
    context_window: d.maxInputTokens ?? price.maxInputTokens ?? null,
    cooling: coolingUntil !== null,
    cooldown_until: coolingUntil,
    last_error: health?.last_error ?? null,
    params: { ...d.params },
  };
}

function primaryOf(ordered: Deployment[]): string | null {
  const [first, second] = ordered;
  if (!first) return null;
  if (!second) return first.id;
  // Only a strictly lower order makes one deployment the first choice; otherwise they share the traffic.
  return first.order !== undefined && (second.order === undefined || first.order < second.order)
    ? first.id
    : null;
}

export function aliasView(runtime: GatewayRuntime, alias: string, list: Deployment[]): AliasView {
  const config = runtime.loaded.config;
  const ordered = routingOrder(list);
  const ordersSet = list.some((d) => d.order !== undefined);
  return {
    alias,
    wildcard: alias.includes('*'),
    primary: primaryOf(ordered),
    strategy: ordersSet ? 'order' : config.routingStrategy,
    fallbacks: config.fallbacks.get(alias) ?? [],
    system_prompt: aliasSystemPrompt(list) ?? null,
    params: commonParams(list),
    deployments: ordered.map((d) => deploymentView(runtime, d)),
  };
}

/** Every alias of the running config, in config order (wildcard entries such as `ollama/*` included). */
export function aliasViews(runtime: GatewayRuntime): AliasView[] {
  const byAlias = new Map<string, Deployment[]>();
  for (const d of runtime.loaded.config.deployments) {
    const list = byAlias.get(d.alias) ?? [];
    list.push(d);
    byAlias.set(d.alias, list);
  }
  return [...byAlias].map(([alias, list]) => aliasView(runtime, alias, list));
}

export function findAliasView(runtime: GatewayRuntime, alias: string): AliasView | undefined {
  const list = runtime.loaded.config.deployments.filter((d) => d.alias === alias);
  return list.length > 0 ? aliasView(runtime, alias, list) : undefined;
}
