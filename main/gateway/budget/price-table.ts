// Built-in list prices for well-known cloud models, used when a deployment's config sets no price.
// Every number below was read by hand from the source named for its vendor (or entry); none is derived
// or guessed. They are standard-tier, pay-as-you-go prices: batch/flex/priority rates, long-context
// surcharges (e.g. Gemini 2.5/3.1 Pro and Claude Sonnet 4/4.5 above 200k prompt tokens, GPT-5.4 above 272k),
// and Anthropic cache-write premiums are not modelled, so very long prompts are under-counted.

export type PriceVendor =
  'openai' | 'anthropic' | 'google' | 'deepseek' | 'groq' | 'mistral' | 'together' | 'openrouter';

export interface ModelPrice {
  vendor: PriceVendor;
  mode: 'chat' | 'embedding';
  /** USD per prompt token that was not served from the vendor's prompt cache. */
  inputCostPerToken: number;
  /** USD per completion token (reasoning tokens included: vendors bill them as output). */
  outputCostPerToken: number;
  /** USD per prompt token read from the prompt cache; absent where the source lists no cache rate. */
  cachedInputCostPerToken?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  /** Set only where the entry's numbers come from somewhere other than its vendor's usual source. */
  source?: string;
}

/** The day these prices were read. The LiteLLM commit below is the one read that day; its own date is unknown. */
export const PRICES_AS_OF = '2026-11-24';

export const LITELLM_PRICES_COMMIT = '00035b69f416be24e2e323c13198d9b7d2d1bdf9';

const LITELLM_SOURCE =
  'LiteLLM model_prices_and_context_window.json at BerriAI/litellm@' +
  `${LITELLM_PRICES_COMMIT} (https://github.com/BerriAI/litellm/blob/${LITELLM_PRICES_COMMIT}/` +
  'model_prices_and_context_window.json)';

const ANTHROPIC_PAGE = 'Anthropic pricing page, https://docs.anthropic.com/en/docs/about-claude/pricing';

/** Where each vendor's entries were read, unless an entry names its own `source`. */
export const VENDOR_PRICE_SOURCES: Readonly<Record<PriceVendor, string>> = {
  openai: `${LITELLM_SOURCE}, keys as listed (litellm_provider "openai")`,
  anthropic: `${LITELLM_SOURCE}, keys "claude-*" (litellm_provider "anthropic")`,
  google: `${LITELLM_SOURCE}, keys "gemini/*" (litellm_provider "gemini", the Gemini API)`,
  deepseek: `${LITELLM_SOURCE}, keys "deepseek/*" (which cite https://api-docs.deepseek.com/quick_start/pricing)`,
  groq: `${LITELLM_SOURCE}, keys "groq/*"`,
  mistral: `${LITELLM_SOURCE}, keys "mistral/*"`,
  together: `${LITELLM_SOURCE}, keys "together_ai/*"`,
  // OpenRouter also reports what each request cost (usage.cost): the table is only its fallback.
  openrouter: `${LITELLM_SOURCE}, keys "openrouter/*" (litellm_provider "openrouter")`,
};

function chat(
  vendor: PriceVendor,
  input: number,
  output: number,
  cached: number | undefined,
  maxInputTokens: number | undefined,
  maxOutputTokens: number | undefined,
  source?: string,
): ModelPrice {
  const price: ModelPrice = { vendor, mode: 'chat', inputCostPerToken: input, outputCostPerToken: output };
  // Left out where the source lists no limit (several Together entries).
  if (maxInputTokens !== undefined) price.maxInputTokens = maxInputTokens;
  if (maxOutputTokens !== undefined) price.maxOutputTokens = maxOutputTokens;
  if (cached !== undefined) price.cachedInputCostPerToken = cached;
  if (source !== undefined) price.source = source;
  return Object.freeze(price);
}

function embedding(vendor: PriceVendor, input: number, maxInputTokens: number): ModelPrice {
  return Object.freeze({
    vendor,
    mode: 'embedding',
    inputCostPerToken: input,
    outputCostPerToken: 0,
    maxInputTokens,
  });
}

// Claude 3.5 is no longer in the LiteLLM snapshot's Anthropic-direct entries; its context limits there
// come from the same model's Bedrock / Vercel entries.
const CLAUDE_3_5_SOURCE = `${ANTHROPIC_PAGE} (prices); ${LITELLM_SOURCE} (context window)`;

// Keys are the vendor's own model id with any dated snapshot suffix removed; pricing.ts strips
// provider prefixes and `-YYYY-MM-DD` / `-YYYYMMDD` suffixes before looking a name up. Snapshots
// priced differently from their alias get their own full key (see gpt-4o-2024-05-13).
// Groq's gpt-oss keys keep the `groq/` prefix: other hosts (and local runtimes) serve those open-weight
// models under the same `openai/gpt-oss-*` names at other prices. Its `-versatile` / `-instant` ids are
// Groq's own, so they need no prefix. The same holds for every open-weight model on Groq and Together
// (`together_ai/…`), and for OpenRouter's resold models (`openrouter/…`, whose ids spell versions with
// dots, `claude-sonnet-4.5`, so they would not match the vendors' own keys anyway; OpenRouter's
// `openai/gpt-4o`-style ids fall through to OpenAI's keys, at OpenAI's prices).
const ENTRIES: [string, ModelPrice][] = [
  // OpenAI
  ['gpt-5', chat('openai', 1.25e-6, 1e-5, 1.25e-7, 272_000, 128_000)],
  ['gpt-5-mini', chat('openai', 2.5e-7, 2e-6, 2.5e-8, 272_000, 128_000)],
  ['gpt-5-nano', chat('openai', 5e-8, 4e-7, 5e-9, 272_000, 128_000)],
  ['gpt-5.1', chat('openai', 1.25e-6, 1e-5, 1.25e-7, 272_000, 128_000)],
  ['gpt-5.2', chat('openai', 1.75e-6, 1.4e-5, 1.75e-7, 272_000, 128_000)],
  ['gpt-5.4', chat('openai', 2.5e-6, 1.5e-5, 2.5e-7, 1_050_000, 128_000)],
  ['gpt-5.4-mini', chat('openai', 7.5e-7, 4.5e-6, 7.5e-8, 1_050_000, 128_000)],
  ['gpt-4.1', chat('openai', 2e-6, 8e-6, 5e-7, 1_047_576, 32_768)],
  ['gpt-4.1-mini', chat('openai', 4e-7, 1.6e-6, 1e-7, 1_047_576, 32_768)],
  ['gpt-4.1-nano', chat('openai', 1e-7, 4e-7, 2.5e-8, 1_047_576, 32_768)],
  ['gpt-4o', chat('openai', 2.5e-6, 1e-5, 1.25e-6, 128_000, 16_384)],
  ['gpt-4o-2024-05-13', chat('openai', 5e-6, 1.5e-5, undefined, 128_000, 4_096)],
  ['gpt-4o-mini', chat('openai', 1.5e-7, 6e-7, 7.5e-8, 128_000, 16_384)],
  ['o3', chat('openai', 2e-6, 8e-6, 5e-7, 200_000, 100_000)],
  ['o3-mini', chat('openai', 1.1e-6, 4.4e-6, 5.5e-7, 200_000, 100_000)],
  ['o4-mini', chat('openai', 1.1e-6, 4.4e-6, 2.75e-7, 200_000, 100_000)],
  ['text-embedding-3-small', embedding('openai', 2e-8, 8_191)],
  ['text-embedding-3-large', embedding('openai', 1.3e-7, 8_191)],
  ['text-embedding-ada-002', embedding('openai', 1e-7, 8_191)],

  // Anthropic
  ['claude-opus-4-8', chat('anthropic', 5e-6, 2.5e-5, 5e-7, 1_000_000, 128_000)],
  ['claude-opus-4-7', chat('anthropic', 5e-6, 2.5e-5, 5e-7, 1_000_000, 128_000)],
  ['claude-opus-4-6', chat('anthropic', 5e-6, 2.5e-5, 5e-7, 1_000_000, 128_000)],
  ['claude-opus-4-5', chat('anthropic', 5e-6, 2.5e-5, 5e-7, 200_000, 64_000)],
  ['claude-opus-4-1', chat('anthropic', 1.5e-5, 7.5e-5, 1.5e-6, 200_000, 32_000)],
  ['claude-opus-4', chat('anthropic', 1.5e-5, 7.5e-5, 1.5e-6, 200_000, 32_000)],
  ['claude-sonnet-5', chat('anthropic', 2e-6, 1e-5, 2e-7, 1_000_000, 128_000)],
  ['claude-sonnet-4-6', chat('anthropic', 3e-6, 1.5e-5, 3e-7, 1_000_000, 64_000)],
  ['claude-sonnet-4-5', chat('anthropic', 3e-6, 1.5e-5, 3e-7, 200_000, 64_000)],
  ['claude-sonnet-4', chat('anthropic', 3e-6, 1.5e-5, 3e-7, 1_000_000, 64_000)],
  ['claude-haiku-4-5', chat('anthropic', 1e-6, 5e-6, 1e-7, 200_000, 64_000)],
  ['claude-3-7-sonnet', chat('anthropic', 3e-6, 1.5e-5, 3e-7, 200_000, 64_000)],
  ['claude-3-5-sonnet', chat('anthropic', 3e-6, 1.5e-5, 3e-7, 200_000, 8_192, CLAUDE_3_5_SOURCE)],
  ['claude-3-5-haiku', chat('anthropic', 8e-7, 4e-6, 8e-8, 200_000, 8_192, CLAUDE_3_5_SOURCE)],

  // Google Gemini API (prompts up to 200k tokens for 2.5 Pro)
  ['gemini-2.5-pro', chat('google', 1.25e-6, 1e-5, 1.25e-7, 1_048_576, 65_535)],
  ['gemini-2.5-flash', chat('google', 3e-7, 2.5e-6, 3e-8, 1_048_576, 65_535)],
  ['gemini-2.5-flash-lite', chat('google', 1e-7, 4e-7, 1e-8, 1_048_576, 65_535)],
  ['gemini-flash-latest', chat('google', 3e-7, 2.5e-6, 7.5e-8, 1_048_576, 65_535)],
  ['gemini-flash-lite-latest', chat('google', 1e-7, 4e-7, 2.5e-8, 1_048_576, 65_535)],
  ['gemini-3.1-pro-preview', chat('google', 2e-6, 1.2e-5, 2e-7, 1_048_576, 65_536)],
  ['gemini-3-flash-preview', chat('google', 5e-7, 3e-6, 5e-8, 1_048_576, 65_535)],
  ['gemini-3.5-flash', chat('google', 1.5e-6, 9e-6, 1.5e-7, 1_048_576, 65_535)],
  ['gemini-3.1-flash-lite', chat('google', 2.5e-7, 1.5e-6, 2.5e-8, 1_048_576, 65_536)],
  ['gemini-3.1-flash-lite-preview', chat('google', 2.5e-7, 1.5e-6, 2.5e-8, 1_048_576, 65_536)],

  // DeepSeek
  ['deepseek-chat', chat('deepseek', 2.8e-7, 4.2e-7, 2.8e-8, 131_072, 8_192)],
  ['deepseek-reasoner', chat('deepseek', 2.8e-7, 4.2e-7, 2.8e-8, 131_072, 65_536)],

  // Groq
  ['llama-3.3-70b-versatile', chat('groq', 5.9e-7, 7.9e-7, undefined, 128_000, 32_768)],
  ['llama-3.1-8b-instant', chat('groq', 5e-8, 8e-8, undefined, 128_000, 8_192)],
  ['groq/openai/gpt-oss-120b', chat('groq', 1.5e-7, 6e-7, 7.5e-8, 131_072, 32_766)],
  ['groq/openai/gpt-oss-20b', chat('groq', 7.5e-8, 3e-7, 3.75e-8, 131_072, 32_768)],
  ['groq/meta-llama/llama-4-maverick-17b-128e-instruct', chat('groq', 2e-7, 6e-7, undefined, 131_072, 8_192)],
  ['groq/meta-llama/llama-4-scout-17b-16e-instruct', chat('groq', 1.1e-7, 3.4e-7, undefined, 131_072, 8_192)],
  ['groq/moonshotai/kimi-k2-instruct-0905', chat('groq', 1e-6, 3e-6, 5e-7, 262_144, 16_384)],
  ['groq/qwen/qwen3-32b', chat('groq', 2.9e-7, 5.9e-7, undefined, 131_000, 131_000)],

  // Mistral: `-latest` aliases move to new models over time; these are the prices they had that day.
  ['mistral-large-latest', chat('mistral', 5e-7, 1.5e-6, undefined, 262_144, 262_144)],
  ['mistral-medium-latest', chat('mistral', 1.5e-6, 7.5e-6, undefined, 262_144, 262_144)],
  ['mistral-small-latest', chat('mistral', 6e-8, 1.8e-7, undefined, 131_072, 131_072)],
  ['ministral-8b-latest', chat('mistral', 1.5e-7, 1.5e-7, undefined, 262_144, 262_144)],
  ['devstral-latest', chat('mistral', 4e-7, 2e-6, undefined, 256_000, 256_000)],
  ['devstral-small-latest', chat('mistral', 1e-7, 3e-7, undefined, 256_000, 256_000)],
  ['magistral-medium-latest', chat('mistral', 2e-6, 5e-6, undefined, 40_000, 40_000)],
  ['magistral-small-latest', chat('mistral', 5e-7, 1.5e-6, undefined, 40_000, 40_000)],
  ['pixtral-large-latest', chat('mistral', 2e-6, 6e-6, undefined, 128_000, 128_000)],
  ['mistral-embed', embedding('mistral', 1e-7, 8_192)],
  ['codestral-embed', embedding('mistral', 1.5e-7, 8_192)],

  // Together AI (serverless; keys lower-cased like every key here)
  [
    'together_ai/meta-llama/llama-3.3-70b-instruct-turbo',
    chat('together', 8.8e-7, 8.8e-7, undefined, undefined, undefined),
  ],
  [
    'together_ai/meta-llama/meta-llama-3.1-8b-instruct-turbo',
    chat('together', 1.8e-7, 1.8e-7, undefined, undefined, undefined),
  ],
  [
    'together_ai/meta-llama/llama-4-maverick-17b-128e-instruct-fp8',
    chat('together', 2.7e-7, 8.5e-7, undefined, undefined, undefined),
  ],
  [
    'together_ai/meta-llama/llama-4-scout-17b-16e-instruct',
    chat('together', 1.8e-7, 5.9e-7, undefined, undefined, undefined),
  ],
  ['together_ai/deepseek-ai/deepseek-v3.1', chat('together', 6e-7, 1.7e-6, undefined, 128_000, 16_384)],
  ['together_ai/deepseek-ai/deepseek-r1', chat('together', 3e-6, 7e-6, undefined, 128_000, 20_480)],
  [
    'together_ai/qwen/qwen3-coder-480b-a35b-instruct-fp8',
    chat('together', 2e-6, 2e-6, undefined, 256_000, undefined),
  ],
  ['together_ai/openai/gpt-oss-120b', chat('together', 1.5e-7, 6e-7, undefined, 131_072, 131_072)],
  ['together_ai/openai/gpt-oss-20b', chat('together', 5e-8, 2e-7, undefined, 128_000, undefined)],
  [
    'together_ai/moonshotai/kimi-k2-instruct-0905',
    chat('together', 1e-6, 3e-6, undefined, 262_144, undefined),
  ],
  ['together_ai/moonshotai/kimi-k2.5', chat('together', 5e-7, 2.8e-6, undefined, 256_000, 256_000)],
  ['together_ai/zai-org/glm-4.6', chat('together', 6e-7, 2.2e-6, undefined, 200_000, 200_000)],

  // OpenRouter (what it lists for the model; Anthropic cache writes and long-context rates not modelled)
  ['openrouter/anthropic/claude-opus-4.7', chat('openrouter', 5e-6, 2.5e-5, 5e-7, 1_000_000, 128_000)],
  ['openrouter/anthropic/claude-opus-4.6', chat('openrouter', 5e-6, 2.5e-5, 5e-7, 1_000_000, 128_000)],
  ['openrouter/anthropic/claude-opus-4.5', chat('openrouter', 5e-6, 2.5e-5, 5e-7, 200_000, 32_000)],
  ['openrouter/anthropic/claude-opus-4.1', chat('openrouter', 1.5e-5, 7.5e-5, 1.5e-6, 200_000, 32_000)],
  ['openrouter/anthropic/claude-sonnet-4.6', chat('openrouter', 3e-6, 1.5e-5, 3e-7, 1_000_000, 128_000)],
  ['openrouter/anthropic/claude-sonnet-4.5', chat('openrouter', 3e-6, 1.5e-5, 3e-7, 1_000_000, 1_000_000)],
  ['openrouter/anthropic/claude-sonnet-4', chat('openrouter', 3e-6, 1.5e-5, 3e-7, 1_000_000, 64_000)],
  ['openrouter/anthropic/claude-haiku-4.5', chat('openrouter', 1e-6, 5e-6, 1e-7, 200_000, 200_000)],
  ['openrouter/deepseek/deepseek-v3.2', chat('openrouter', 2.8e-7, 4e-7, 2.8e-8, 163_840, 163_840)],
  ['openrouter/deepseek/deepseek-chat-v3.1', chat('openrouter', 2e-7, 8e-7, 2e-8, 163_840, 163_840)],
  ['openrouter/google/gemini-3-flash-preview', chat('openrouter', 5e-7, 3e-6, 5e-8, 1_048_576, 65_535)],
  ['openrouter/moonshotai/kimi-k2.5', chat('openrouter', 6e-7, 3e-6, 1e-7, 262_144, 262_144)],
];

/** Keyed by lower-case model id. A Map, so names like `constructor` can never hit Object.prototype. */
export const PRICE_TABLE: ReadonlyMap<string, ModelPrice> = new Map(ENTRIES);

export function priceSourceOf(price: ModelPrice): string {
  return price.source ?? VENDOR_PRICE_SOURCES[price.vendor];
}
