// An `anthropic/…` deployment behind the running gateway, used through the official `openai` client:
// what a user configuring Claude in config.yaml sees, and what the ledger records.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.ts';
import { startTestGateway, type TestGateway } from '../../support/temp-gateway.ts';

const UPSTREAM_KEY = 'sk-ant-api03-gateway-test-secret';
const REPLY = 'Foxes are quick and clever.';

let fake: FakeAnthropic;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: UPSTREAM_KEY, reply: REPLY });
  gw = await startTestGateway(
    `
model_list:
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4-20250514
      api_base: "${fake.url}"
      api_key: os.environ/ANTHROPIC_API_KEY
router_settings:
  num_retries: 1
general_settings: { master_key: sk-master }
`,
    { env: { ANTHROPIC_API_KEY: UPSTREAM_KEY } },
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sk-master', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await fake?.close();
});

beforeEach(() => fake.reset());

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Say something about foxes' },
]; // 6 words

describe('an anthropic/ deployment through the gateway', () => {
  it('answers an OpenAI chat request, and the ledger counts cached prompt tokens and prices them', async () => {
    fake.setBehavior({ cacheReadInputTokens: 1000 });
    const res = await client.chat.completions.create({ model: 'claude', messages });
    expect(res.choices[0]?.message.content).toBe(REPLY);
    expect(res.usage).toMatchObject({ prompt_tokens: 1006, completion_tokens: 5 });
    expect(fake.requests[0]?.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(fake.requests[0]?.body).toMatchObject({ model: 'claude-sonnet-4-20250514', system: 'Be brief.' });
    const row = gw.rows()[0]!;
    expect(row).toMatchObject({
      provider: 'anthropic',
      prompt_tokens: 1006,
      completion_tokens: 5,
      status: 200,
    });
    expect(row.cost_usd).toBeGreaterThan(0);
  });

  it('streams through the openai client, with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(REPLY);
    expect(usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
  });

  it('retries an overloaded Anthropic and succeeds', async () => {
    fake.setBehavior({ error: { status: 529, message: 'Overloaded', times: 1 } });
    const res = await client.chat.completions.create({ model: 'claude', messages });
    expect(res.choices[0]?.message.content).toBe(REPLY);
    expect(fake.requests).toHaveLength(2);
  });

  it('a rejected Anthropic key is reported without the key', async () => {
    fake.setBehavior({ apiKey: 'sk-ant-some-other-key' });
    const err = await client.chat.completions.create({ model: 'claude', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(JSON.stringify((err as InstanceType<typeof OpenAI.APIError>).error)).not.toContain(UPSTREAM_KEY);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('invalid x-api-key');
  });
});
