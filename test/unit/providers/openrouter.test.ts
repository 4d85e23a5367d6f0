// OpenRouter: attribution headers, usage accounting requested, and its billed cost carried on Usage so
// the ledger can record what OpenRouter charged.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lookupPrice } from '../../../main/gateway/budget/pricing.ts';
import { openaiCompatibleAdapter } from '../../../main/gateway/providers/openai-compatible/index.ts';
import {
  createOpenRouterAdapter,
  openrouterAdapter,
} from '../../../main/gateway/providers/openrouter/index.ts';
import type { ProviderTarget } from '../../../main/gateway/providers/provider.ts';
import { collect } from '../../contract/contract-helpers.ts';
import { callContext, testTarget } from '../../support/adapter-call.ts';
import { openaiWireFormat } from '../../support/fake-openai.ts';
import { fakeOpenRouterCost, startFakeOpenRouter } from '../../support/fake-openrouter.ts';
import { startFakeServer, type FakeUpstream } from '../../support/fake-upstream-core.ts';

const chat = { model: 'alias', messages: [{ role: 'user' as const, content: 'one two three' }] };

describe('openrouter adapter', () => {
  let fake: FakeUpstream;
  let target: ProviderTarget;

  beforeAll(async () => {
    fake = await startFakeOpenRouter({ reply: 'four five' });
    target = testTarget({ model: 'anthropic/claude-sonnet-4.5', apiBase: fake.url, apiKey: 'sk-or-v1-test' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('defaults to https://openrouter.ai/api/v1', () => {
    expect(openrouterAdapter.defaultApiBase('openrouter')).toBe('https://openrouter.ai/api/v1');
  });

  it('sends the bearer key and attributes the traffic to Switchyard', async () => {
    await openrouterAdapter.chat(target, chat, callContext());
    expect(fake.requests[0]).toMatchObject({
      path: '/api/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-or-v1-test',
        'http-referer': 'http://localhost',
        'x-title': 'Switchyard',
      },
      body: { model: 'anthropic/claude-sonnet-4.5' },
    });
  });

  it('OR_SITE_URL and OR_APP_NAME override the attribution, as in LiteLLM', async () => {
    const adapter = createOpenRouterAdapter({ OR_SITE_URL: 'https://example.org', OR_APP_NAME: 'My Tools' });
    await adapter.chat(target, chat, callContext());
    expect(fake.requests[0]?.headers).toMatchObject({
      'http-referer': 'https://example.org',
      'x-title': 'My Tools',
    });
  });

  it('asks for usage accounting on chat and completions, keeping what the client put in `usage`', async () => {
    await openrouterAdapter.chat(target, { ...chat, usage: { foo: 1 } } as typeof chat, callContext());
    await collect(await openrouterAdapter.chatStream(target, chat, callContext()));
    await openrouterAdapter.completion(target, { model: 'a', prompt: 'x y' }, callContext());
    await openrouterAdapter.embeddings(target, { model: 'e', input: 'x' }, callContext());
    expect(fake.requests.map((r) => (r.body as { usage?: unknown }).usage)).toEqual([
      { foo: 1, include: true },
      { include: true },
      { include: true },
      undefined,
    ]);
  });

  it("returns OpenRouter's billed cost on the usage of a call", async () => {
    const { usage } = await openrouterAdapter.chat(target, chat, callContext());
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2 });
    expect(usage?.cost).toBeCloseTo(fakeOpenRouterCost({ prompt_tokens: 3, completion_tokens: 2 }), 12);
  });

  it("returns OpenRouter's billed cost on a stream's usage piece", async () => {
    const pieces = await collect(await openrouterAdapter.chatStream(target, chat, callContext()));
    const usage = pieces.find((p) => p.usage)?.usage;
    expect(usage?.cost).toBeCloseTo(fakeOpenRouterCost({ prompt_tokens: 3, completion_tokens: 2 }), 12);
  });

  it('a plain OpenAI-compatible upstream cannot set its own cost in the ledger', async () => {
    const { usage } = await openaiCompatibleAdapter.chat(target, chat, callContext());
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2 });
    expect(usage).not.toHaveProperty('cost');
    const pieces = await collect(await openaiCompatibleAdapter.chatStream(target, chat, callContext()));
    expect(pieces.find((p) => p.usage)?.usage).not.toHaveProperty('cost');
  });

  it('a cost that is not a non-negative number is dropped, the token counts kept', async () => {
    const odd = await startFakeServer(openaiWireFormat({ usageExtra: () => ({ cost: -1 }) }), '/api/v1', {});
    try {
      const { usage } = await openrouterAdapter.chat({ ...target, apiBase: odd.url }, chat, callContext());
      expect(usage).toMatchObject({ prompt_tokens: 3 });
      expect(usage).not.toHaveProperty('cost');
    } finally {
      await odd.close();
    }
  });
});

describe('openrouter prices', () => {
  it("prices OpenRouter's dotted Anthropic ids from the table's OpenRouter entries", () => {
    expect(lookupPrice('openrouter/anthropic/claude-sonnet-4.5')).toMatchObject({
      vendor: 'openrouter',
      inputCostPerToken: 3e-6,
      outputCostPerToken: 1.5e-5,
    });
  });

  it('prices OpenRouter ids of OpenAI models at OpenAI prices, by stripping the prefixes', () => {
    expect(lookupPrice('openrouter/openai/gpt-4o')).toMatchObject({
      vendor: 'openai',
      inputCostPerToken: 2.5e-6,
    });
  });
});
