// An `anthropic/…` deployment behind the running gateway, used through the official `openai` client:
// what a user configuring Claude in config.yaml sees, and what the ledger records.
import OpenAI from 'openai';
import { lookupPrice } from '../../main/gateway/budget/pricing.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

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
    // Anthropic requires max_tokens; a client that names none gets the model's output limit.
    const limit = lookupPrice('claude-sonnet-4-20250514')?.maxOutputTokens;
    expect(limit).toBeGreaterThan(4096);
    expect((fake.requests[0]?.body as { max_tokens: number }).max_tokens).toBe(limit);
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

  it('streams a tool call the OpenAI way, then takes the tool result and an image back to Anthropic', async () => {
    fake.setBehavior({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } }] });
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } } },
        },
      },
    ];
    const ask = [{ role: 'user' as const, content: 'Weather in Paris?' }];
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: ask,
      tools,
      stream: true,
    });
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const t of chunk.choices[0]?.delta.tool_calls ?? []) {
        const c = calls.get(t.index) ?? { id: '', name: '', args: '' };
        c.id ||= t.id ?? '';
        c.name ||= t.function?.name ?? '';
        c.args += t.function?.arguments ?? '';
        calls.set(t.index, c);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    const call = calls.get(0)!;
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.args)).toEqual({ city: 'Paris', unit: 'c' });
    expect(fake.requests[0]?.body).toMatchObject({
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
    });

    fake.reset();
    fake.setBehavior({ toolCalls: undefined });
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const res = await client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [
        ...ask,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: call.id, type: 'function', function: { name: call.name, arguments: call.args } },
          ],
        },
        { role: 'tool', tool_call_id: call.id, content: '18°C and sunny' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And what is in this picture?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(res.choices[0]?.message.content).toBe(REPLY);
    // What Anthropic received: the tool round trip as tool_use / tool_result blocks, images as sources.
    const sent = fake.requests[0]?.body as { messages: { role: string; content: unknown }[] };
    expect(sent.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'Paris', unit: 'c' } }],
    });
    expect(sent.messages[2]?.role).toBe('user');
    expect(sent.messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: call.id, content: '18°C and sunny' },
      { type: 'text', text: 'And what is in this picture?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });
});
