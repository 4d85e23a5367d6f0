// A provider that bills per request (OpenRouter) reports what the call really cost: that figure, not a
// price-table estimate, is what the ledger and the key's budget record.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../support/fake-upstream-core.ts';
import { fakeOpenRouterCost, startFakeOpenRouter } from '../support/fake-openrouter.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

let openrouter: FakeUpstream;
let plain: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  openrouter = await startFakeOpenRouter({ reply: 'one two three' });
  plain = await startFakeOpenAI({ reply: 'one two three' });
  gw = await startTestGateway(`
model_list:
  - model_name: claude
    litellm_params:
      model: openrouter/anthropic/claude-sonnet-4.5
      api_base: ${openrouter.url}
      api_key: sk-or-test
  - model_name: gpt
    litellm_params:
      model: openai/gpt-4o
      api_base: ${plain.url}
      api_key: sk-test
general_settings:
  master_key: sk-master-0000
`);
});
afterAll(async () => {
  await gw?.close();
  await openrouter?.close();
  await plain?.close();
});

async function spendOf(key: string): Promise<number> {
  const res = await fetch(`${gw.url}/key/info?key=${encodeURIComponent(key)}`, {
    headers: { authorization: 'Bearer sk-master-0000' },
  });
  return ((await res.json()) as { info: { spend: number } }).info.spend;
}

async function appClient(): Promise<{ client: OpenAI; key: string }> {
  const res = await fetch(`${gw.url}/key/generate`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-master-0000', 'content-type': 'application/json' },
    body: JSON.stringify({ max_budget: 10 }),
  });
  const { key } = (await res.json()) as { key: string };
  return { client: new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }), key };
}

describe('cost billed by the upstream', () => {
  it("records OpenRouter's own cost for a call and a stream, and charges the key exactly that", async () => {
    const { client, key } = await appClient();
    const done = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'count to three' }],
    });
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'count to three' }],
      stream: true,
    });
    for await (const _ of stream) void _;

    const rows = gw.rows().filter((r) => r.alias === 'claude');
    expect(rows).toHaveLength(2);
    const expected = fakeOpenRouterCost({
      prompt_tokens: done.usage!.prompt_tokens,
      completion_tokens: done.usage!.completion_tokens,
    });
    for (const row of rows) {
      expect(row.cost_source).toBe('upstream');
      expect(row.cost_usd).toBeCloseTo(expected, 12);
    }
    expect(await spendOf(key)).toBeCloseTo(2 * expected, 12);
  });

  it('prices a provider that reports no cost from the table, and says so', async () => {
    const { client } = await appClient();
    await client.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] });
    const row = gw.rows().find((r) => r.alias === 'gpt')!;
    expect(row.cost_source).toBe('table');
    // gpt-4o: $2.50 / $10 per million tokens.
    expect(row.cost_usd).toBeCloseTo(row.prompt_tokens * 2.5e-6 + row.completion_tokens * 1e-5, 12);
  });
});
