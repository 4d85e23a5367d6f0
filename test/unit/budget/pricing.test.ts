import { describe, expect, it } from 'vitest';
import {
  PRICE_TABLE,
  PRICES_AS_OF,
  LITELLM_PRICES_COMMIT,
  priceSourceOf,
} from '../../../main/gateway/budget/price-table.ts';
import {
  costUsageOf,
  costUsd,
  lookupPrice,
  resolveDeploymentPrice,
} from '../../../main/gateway/budget/pricing.ts';

describe('price table', () => {
  it('records when and where the prices were taken', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(LITELLM_PRICES_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    for (const [name, price] of PRICE_TABLE) {
      expect(priceSourceOf(price), name).toMatch(/https:\/\//);
      expect(price.inputCostPerToken, name).toBeGreaterThan(0);
      expect(name, 'keys are lower-case, as lookups are').toBe(name.toLowerCase());
    }
  });

  it('covers the headline models of each vendor', () => {
    for (const model of [
      'gpt-5',
      'gpt-4.1-nano',
      'o4-mini',
      'text-embedding-3-small',
      'claude-sonnet-4-5',
      'claude-3-5-haiku',
      'gemini-2.5-flash-lite',
      'deepseek-reasoner',
      'mistral-large-latest',
    ]) {
      expect(lookupPrice(model), model).toBeDefined();
    }
  });
});

describe('costUsd', () => {
  it('prices gpt-4o usage at $2.50 / $10 per million tokens', () => {
    const price = lookupPrice('gpt-4o')!;
    expect(costUsd({ prompt_tokens: 1000, completion_tokens: 500 }, price)).toBe(0.0075);
    expect(costUsd({ prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }, price)).toBe(12.5);
  });

  it('charges cached prompt tokens at the cache rate, as part of prompt_tokens', () => {
    const price = lookupPrice('gpt-4o')!; // cached: $1.25 per million
    expect(costUsd({ prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 400 }, price)).toBe(0.007);
    // More cached tokens than prompt tokens is a malformed report: never bill below zero input.
    expect(costUsd({ prompt_tokens: 10, completion_tokens: 0, cached_tokens: 50 }, price)).toBe(0.0000125);
  });

  it('charges cached tokens in full when there is no cache rate', () => {
    const price = { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 };
    expect(costUsd({ prompt_tokens: 100, completion_tokens: 0, cached_tokens: 100 }, price)).toBe(0.0001);
  });

  it('is exact to the fraction of a cent, without float noise', () => {
    expect(
      costUsd({ prompt_tokens: 3, completion_tokens: 0 }, { inputCostPerToken: 0.1, outputCostPerToken: 0 }),
    ).toBe(0.3);
    const sonnet = lookupPrice('claude-sonnet-4-5')!;
    expect(
      costUsd({ prompt_tokens: 123_457, completion_tokens: 7_891, cached_tokens: 100_000 }, sonnet),
    ).toBe(
      0.218736, // 23_457 × $3/M + 100_000 × $0.30/M + 7_891 × $15/M
    );
    const nano = lookupPrice('gpt-5-nano')!;
    expect(costUsd({ prompt_tokens: 7, completion_tokens: 3, cached_tokens: 1 }, nano)).toBe(0.000001505);
  });

  it('treats missing or nonsense token counts as zero', () => {
    const price = { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 };
    expect(costUsd({ prompt_tokens: Number.NaN, completion_tokens: -5 }, price)).toBe(0);
  });

  it('reads cached tokens from the wire usage', () => {
    const usage = {
      prompt_tokens: 10,
      completion_tokens: 2,
      total_tokens: 12,
      prompt_tokens_details: { cached_tokens: 4 },
    };
    expect(costUsageOf(usage)).toEqual({ prompt_tokens: 10, completion_tokens: 2, cached_tokens: 4 });
  });
});

describe('lookupPrice', () => {
  it('matches dated snapshots to their alias', () => {
    expect(lookupPrice('gpt-4o-2024-08-06')).toBe(lookupPrice('gpt-4o'));
    expect(lookupPrice('gpt-4o-mini-2024-07-18')).toBe(lookupPrice('gpt-4o-mini'));
    expect(lookupPrice('o3-mini-2025-01-31')).toBe(lookupPrice('o3-mini'));
    expect(lookupPrice('claude-sonnet-4-20250514')).toBe(lookupPrice('claude-sonnet-4'));
    expect(lookupPrice('claude-haiku-4-5-20251001')).toBe(lookupPrice('claude-haiku-4-5'));
    expect(lookupPrice('claude-3-5-haiku-20241022')).toBe(lookupPrice('claude-3-5-haiku'));
    expect(lookupPrice('claude-opus-4-1-20250805')).toBe(lookupPrice('claude-opus-4-1'));
    expect(lookupPrice('claude-sonnet-4@20250514')).toBe(lookupPrice('claude-sonnet-4'));
  });

  it('prefers a snapshot priced unlike its alias', () => {
    expect(lookupPrice('gpt-4o-2024-05-13')?.inputCostPerToken).toBe(5e-6);
    expect(lookupPrice('gpt-4o')?.inputCostPerToken).toBe(2.5e-6);
  });

  it('ignores provider prefixes and case', () => {
    expect(lookupPrice('openai/gpt-4o')).toBe(lookupPrice('gpt-4o'));
    expect(lookupPrice('openrouter/openai/gpt-4o-mini')).toBe(lookupPrice('gpt-4o-mini'));
    expect(lookupPrice('anthropic/claude-sonnet-4-20250514')).toBe(lookupPrice('claude-sonnet-4'));
    expect(lookupPrice('gemini/gemini-2.5-pro')).toBe(lookupPrice('gemini-2.5-pro'));
    expect(lookupPrice('  GPT-4o ')).toBe(lookupPrice('gpt-4o'));
  });

  it('never lends a price to a longer or shorter name', () => {
    expect(lookupPrice('gpt-4o-mini')).not.toBe(lookupPrice('gpt-4o'));
    expect(lookupPrice('gpt-4o-mini')?.inputCostPerToken).toBe(1.5e-7);
    expect(lookupPrice('o3-mini')).not.toBe(lookupPrice('o3'));
    expect(lookupPrice('gpt-5-mini')).not.toBe(lookupPrice('gpt-5'));
    expect(lookupPrice('claude-opus-4-1')).not.toBe(lookupPrice('claude-opus-4'));
    expect(lookupPrice('gpt-4o-minix')).toBeUndefined();
    expect(lookupPrice('gpt-4')).toBeUndefined();
    expect(lookupPrice('gpt-4o-audio-preview')).toBeUndefined();
    expect(lookupPrice('my-gpt-4o')).toBeUndefined();
    expect(lookupPrice('mistral-large-2411')).toBeUndefined();
  });

  it('finds open-weight models only under the host that set the price', () => {
    expect(lookupPrice('groq/llama-3.3-70b-versatile')?.vendor).toBe('groq');
    expect(lookupPrice('groq/openai/gpt-oss-120b')?.vendor).toBe('groq');
    expect(lookupPrice('openai/gpt-oss-120b')).toBeUndefined();
    expect(lookupPrice('llama-3.3-70b-versatile')).toBe(lookupPrice('groq/llama-3.3-70b-versatile'));
  });

  it('does not fall through to object prototype keys', () => {
    expect(lookupPrice('constructor')).toBeUndefined();
    expect(lookupPrice('__proto__')).toBeUndefined();
    expect(lookupPrice('')).toBeUndefined();
    expect(lookupPrice('/')).toBeUndefined();
  });
});

describe('resolveDeploymentPrice', () => {
  it('uses the table for a known cloud model', () => {
    expect(resolveDeploymentPrice({ model: 'gpt-4o-mini', local: false })).toEqual({
      inputCostPerToken: 1.5e-7,
      outputCostPerToken: 6e-7,
      cachedInputCostPerToken: 7.5e-8,
      source: 'table',
    });
  });

  it('lets config prices beat the table', () => {
    const resolved = resolveDeploymentPrice({
      configInput: 1e-6,
      configOutput: 3e-6,
      model: 'gpt-4o',
      local: false,
    });
    expect(resolved).toEqual({ inputCostPerToken: 1e-6, outputCostPerToken: 3e-6, source: 'config' });
    expect(costUsd({ prompt_tokens: 1000, completion_tokens: 1000, cached_tokens: 500 }, resolved)).toBe(
      0.004,
    );
  });

  it('fills a half-configured price from the table', () => {
    expect(resolveDeploymentPrice({ configOutput: 2e-5, model: 'gpt-4o', local: false })).toEqual({
      inputCostPerToken: 2.5e-6,
      outputCostPerToken: 2e-5,
      cachedInputCostPerToken: 1.25e-6,
      source: 'config',
    });
    expect(resolveDeploymentPrice({ configInput: 1e-6, model: 'unlisted', local: false })).toEqual({
      inputCostPerToken: 1e-6,
      outputCostPerToken: 0,
      source: 'config',
    });
  });

  it('makes local runtimes free, even under a cloud model name', () => {
    for (const model of ['llama3.2:3b', 'gpt-4o', 'deepseek-chat']) {
      const resolved = resolveDeploymentPrice({ model, local: true });
      expect(resolved.source).toBe('local');
      expect(costUsd({ prompt_tokens: 10_000, completion_tokens: 10_000 }, resolved)).toBe(0);
    }
  });

  it('still honours a price configured for a local deployment', () => {
    const resolved = resolveDeploymentPrice({
      configInput: 1e-7,
      configOutput: 1e-7,
      model: 'llama3',
      local: true,
    });
    expect(resolved.source).toBe('config');
    expect(costUsd({ prompt_tokens: 1000, completion_tokens: 1000 }, resolved)).toBe(0.0002);
  });

  it('flags a cloud model it cannot price', () => {
    expect(resolveDeploymentPrice({ model: 'some-new-model', local: false })).toEqual({
      inputCostPerToken: 0,
      outputCostPerToken: 0,
      source: 'unknown',
    });
  });
});

describe('prompt-cache writes', () => {
  it('bills an Anthropic cache write at 1.25× input and a cache read at the read rate', () => {
    // claude-opus-4-5: $5 in, $25 out, $0.50 cache read per million; a 5-minute write is $6.25.
    const price = resolveDeploymentPrice({ model: 'anthropic/claude-opus-4-5', local: false });
    expect(price.cacheWriteCostPerToken).toBeCloseTo(6.25e-6, 15);
    const usage = {
      prompt_tokens: 3000,
      completion_tokens: 100,
      cached_tokens: 1000,
      cache_write_tokens: 1000,
    };
    // 1000 plain × $5 + 1000 read × $0.50 + 1000 written × $6.25 + 100 out × $25, per million.
    expect(costUsd(usage, price)).toBe(0.01425);
  });

  it('bills writes as plain input where the vendor has no write premium', () => {
    const price = resolveDeploymentPrice({ model: 'gpt-4o', local: false });
    expect(price.cacheWriteCostPerToken).toBeUndefined();
    expect(costUsd({ prompt_tokens: 1000, completion_tokens: 0, cache_write_tokens: 1000 }, price)).toBe(
      0.0025,
    );
  });

  it('reads cache writes from the wire usage', () => {
    expect(
      costUsageOf({
        prompt_tokens: 10,
        completion_tokens: 1,
        total_tokens: 11,
        cache_creation_input_tokens: 4,
      }),
    ).toEqual({ prompt_tokens: 10, completion_tokens: 1, cache_write_tokens: 4 });
  });
});
