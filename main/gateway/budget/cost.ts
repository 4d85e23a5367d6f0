// A deployment's price per token (config first, then the built-in table, then free for local runtimes)
// and the cost of a finished request. Prices are resolved once per deployment object: a reload makes
// new objects, so an edited price applies from the next request on.
import type { Deployment } from '../config/gateway-config.ts';
import type { ProviderLookup } from '../config/normalize-config.ts';
import { costUsd, lookupPrice, resolveDeploymentPrice } from './pricing.ts';

export interface DeploymentPrice {
  inputCostPerToken: number;
  outputCostPerToken: number;
  cachedInputCostPerToken?: number;
  cacheWriteCostPerToken?: number;
  source: 'config' | 'table' | 'local' | 'unknown';
  maxInputTokens: number | undefined;
  maxOutputTokens: number | undefined;
}

const cache = new WeakMap<Deployment, DeploymentPrice>();

export function priceOf(d: Deployment, providers: ProviderLookup): DeploymentPrice {
  let p = cache.get(d);
  if (!p) {
    const resolved = resolveDeploymentPrice({
      configInput: d.inputCostPerToken,
      configOutput: d.outputCostPerToken,
      // With the prefix: some hosts price the same model name differently (groq/openai/gpt-oss-*).
      model: d.pricingModel ?? `${d.provider}/${d.model}`,
      local: providers.isLocal(d.provider),
    });
    const table = lookupPrice(d.pricingModel ?? `${d.provider}/${d.model}`);
    p = {
      inputCostPerToken: resolved.inputCostPerToken,
      outputCostPerToken: resolved.outputCostPerToken,
      source: resolved.source,
      maxInputTokens: table?.maxInputTokens,
      maxOutputTokens: table?.maxOutputTokens,
    };
    if (resolved.cachedInputCostPerToken !== undefined)
      p.cachedInputCostPerToken = resolved.cachedInputCostPerToken;
    if (resolved.cacheWriteCostPerToken !== undefined)
      p.cacheWriteCostPerToken = resolved.cacheWriteCostPerToken;
    cache.set(d, p);
  }
  return p;
}

export function costOf(
  d: Deployment | undefined,
  providers: ProviderLookup,
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    cache_read_tokens?: number | undefined;
    cache_write_tokens?: number | undefined;
  },
): number {
  if (!d) return 0;
  return costUsd(
    {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      cached_tokens: usage.cache_read_tokens ?? 0,
      cache_write_tokens: usage.cache_write_tokens ?? 0,
    },
    priceOf(d, providers),
  );
}

/**
 * Sets a ledger row's cost and where it came from. A provider that bills per request (OpenRouter)
 * reports the true cost, which beats any price table.
 */
export function priceRow(
  row: Parameters<typeof costOf>[2] & { cost_usd: number; cost_source?: string | null },
  d: Deployment | undefined,
  providers: ProviderLookup,
  billed: number | undefined,
): void {
  if (typeof billed === 'number') {
    row.cost_usd = billed;
    row.cost_source = 'upstream';
  } else {
    row.cost_usd = costOf(d, providers, row);
    row.cost_source = d ? priceOf(d, providers).source : null;
  }
}
