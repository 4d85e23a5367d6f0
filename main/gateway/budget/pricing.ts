// Turning a model name and a usage report into US dollars.
import type { Usage } from '../../../shared/wire/openai-responses.ts';
import { PRICE_TABLE, type ModelPrice } from './price-table.ts';

/**
 * Where a deployment's per-token price came from:
 * - `config`: the deployment's `input_cost_per_token` / `output_cost_per_token`;
 * - `table`: the built-in price table (price-table.ts);
 * - `local`: a local runtime with no configured price, so free;
 * - `unknown`: a cloud model the table does not know: billed as 0, which the UI should flag.
 */
export type PriceSource = 'config' | 'table' | 'local' | 'unknown';

export const PRICE_SOURCE_DESCRIPTIONS: Readonly<Record<PriceSource, string>> = {
  config: 'Price set in the deployment config',
  table: 'Built-in list price',
  local: 'Local runtime: free',
  unknown: 'No known price for this cloud model: cost recorded as $0; set input/output_cost_per_token',
};

export interface TokenPrice {
  inputCostPerToken: number;
  outputCostPerToken: number;
  /** When absent, cached prompt tokens cost the full input price. */
  cachedInputCostPerToken?: number;
  /** USD per prompt token written to the prompt cache; when absent, the full input price. */
  cacheWriteCostPerToken?: number;
}

export interface ResolvedPrice extends TokenPrice {
  source: PriceSource;
}

export interface CostUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** The part of `prompt_tokens` served from the prompt cache (OpenAI counts it inside prompt_tokens). */
  cached_tokens?: number;
  /** The part of `prompt_tokens` written to the prompt cache (Anthropic's cache_creation_input_tokens). */
  cache_write_tokens?: number;
}

// OpenAI `-2024-08-06`, Anthropic `-20250514`, Vertex Anthropic `@20250514`. Four-digit suffixes such as
// Mistral's `-2411` are deliberately not stripped: those releases are priced unlike their `-latest` alias.
const SNAPSHOT_SUFFIX = /(?:-\d{4}-\d{2}-\d{2}|[-@]20\d{6})$/;

function exactOrSnapshot(name: string): ModelPrice | undefined {
  const exact = PRICE_TABLE.get(name);
  if (exact) return exact;
  const base = name.replace(SNAPSHOT_SUFFIX, '');
  return base === name ? undefined : PRICE_TABLE.get(base);
}

/**
 * The built-in price for an upstream model name: an exact match, else the name without leading
 * `provider/` segments (`openai/gpt-4o`, `openrouter/openai/gpt-4o`, `models/gemini-2.5-pro`), each tried
 * also without a dated snapshot suffix. Only whole names are compared, never prefixes, so `gpt-4o-mini`
 * can never pick up `gpt-4o`'s price and an unlisted `gpt-4` stays unknown.
 */
export function lookupPrice(model: string): ModelPrice | undefined {
  let name = model.trim().toLowerCase();
  while (name !== '') {
    const found = exactOrSnapshot(name);
    if (found) return found;
    const slash = name.indexOf('/');
    if (slash < 0) return undefined;
    name = name.slice(slash + 1);
  }
  return undefined;
}

function tokenCount(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : 0;
}

// Per-token prices are tiny binary fractions, so sums pick up noise like 0.30000000000000004;
// rounding to 1e-10 USD (a ten-thousandth of a micro-dollar) drops it without losing any real cost.
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/** The USD cost of one request's usage at the given per-token prices. */
export function costUsd(usage: CostUsage, price: TokenPrice): number {
  const prompt = tokenCount(usage.prompt_tokens);
  const cached = Math.min(tokenCount(usage.cached_tokens), prompt);
  const written = Math.min(tokenCount(usage.cache_write_tokens), prompt - cached);
  const completion = tokenCount(usage.completion_tokens);
  const cachedRate = price.cachedInputCostPerToken ?? price.inputCostPerToken;
  const writeRate = price.cacheWriteCostPerToken ?? price.inputCostPerToken;
  return roundUsd(
    (prompt - cached - written) * price.inputCostPerToken +
      cached * cachedRate +
      written * writeRate +
      completion * price.outputCostPerToken,
  );
}

/** The wire `Usage` in the shape `costUsd` takes. */
export function costUsageOf(usage: Usage): CostUsage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const written = usage.cache_creation_input_tokens;
  const out: CostUsage = { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens };
  if (cached !== undefined) out.cached_tokens = cached;
  if (written !== undefined) out.cache_write_tokens = written;
  return out;
}

export interface DeploymentPriceInput {
  configInput?: number | undefined;
  configOutput?: number | undefined;
  /**
   * Upstream model name. Include the provider prefix where the price is host-specific
   * (`groq/openai/gpt-oss-120b`); it is ignored elsewhere.
   */
  model: string;
  /** Whether the deployment runs on a local runtime (Ollama, LM Studio, ...). */
  local: boolean;
}

/**
 * A deployment's per-token price: its config first, then zero for local runtimes, then the built-in
 * table, else zero flagged `unknown`. Local beats the table because local runtimes often serve models
 * under cloud names (`openai/gpt-oss-120b` on vLLM) yet never send a bill.
 */
export function resolveDeploymentPrice({
  configInput,
  configOutput,
  model,
  local,
}: DeploymentPriceInput): ResolvedPrice {
  if (configInput !== undefined || configOutput !== undefined) {
    // A half-configured price keeps the table's other side rather than silently billing it as free.
    const table = local ? undefined : lookupPrice(model);
    const resolved: ResolvedPrice = {
      inputCostPerToken: configInput ?? table?.inputCostPerToken ?? 0,
      outputCostPerToken: configOutput ?? table?.outputCostPerToken ?? 0,
      source: 'config',
    };
    // The table's cache rate belongs to the table's input rate: under a configured input price, cached
    // tokens are charged in full (an over-count, never an under-count).
    if (configInput === undefined && table?.cachedInputCostPerToken !== undefined) {
      resolved.cachedInputCostPerToken = table.cachedInputCostPerToken;
    }
    const write = configInput === undefined && table ? cacheWriteRate(table) : undefined;
    if (write !== undefined) resolved.cacheWriteCostPerToken = write;
    return resolved;
  }
  if (local) return { inputCostPerToken: 0, outputCostPerToken: 0, source: 'local' };
  const table = lookupPrice(model);
  if (!table) return { inputCostPerToken: 0, outputCostPerToken: 0, source: 'unknown' };
  const resolved: ResolvedPrice = {
    inputCostPerToken: table.inputCostPerToken,
    outputCostPerToken: table.outputCostPerToken,
    source: 'table',
  };
  if (table.cachedInputCostPerToken !== undefined)
    resolved.cachedInputCostPerToken = table.cachedInputCostPerToken;
  const write = cacheWriteRate(table);
  if (write !== undefined) resolved.cacheWriteCostPerToken = write;
  return resolved;
}

/**
 * Anthropic bills a 5-minute prompt-cache write at 1.25× the base input price (its pricing page's
 * "5m cache writes" column, the default TTL); other vendors in the table bill writes as plain input.
 */
function cacheWriteRate(table: ModelPrice): number | undefined {
  return table.vendor === 'anthropic' ? table.inputCostPerToken * 1.25 : undefined;
}
