// /v1/messages/count_tokens for deployments that cannot count themselves: the local tokenizer counts
// system, messages and tool schemas. Free, so no ledger row; the key's model list still applies.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { generateKey } from '../support/key-admin.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-count';
let cloud: FakeUpstream;
let gw: TestGateway;
let client: Anthropic;
let keyForGpt: string;

beforeAll(async () => {
  cloud = await startFakeOpenAI({});
  gw = await startTestGateway(`
model_list:
  - model_name: gpt
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}" }
  - model_name: other
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}" }
general_settings: { master_key: ${MASTER} }
`);
  client = new Anthropic({ baseURL: gw.url, apiKey: MASTER, maxRetries: 0 });
  keyForGpt = (await generateKey(gw.url, MASTER, { models: ['gpt'] })).key;
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 10}`).join(' ');
const tool: Anthropic.Tool = {
  name: 'read_file',
  description: 'Reads a file from the local filesystem and returns its contents with line numbers.',
  input_schema: {
    type: 'object',
    properties: { file_path: { type: 'string', description: 'Absolute path' }, limit: { type: 'number' } },
    required: ['file_path'],
  },
};

describe('/v1/messages/count_tokens counted locally', () => {
  it('counts system, messages and tools, without calling the upstream or writing a ledger row', async () => {
    const rows = gw.rows().length;
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: words(200) }];
    const { data, response } = await client.messages.countTokens({ model: 'gpt', messages }).withResponse();
    expect(response.headers.get('x-switchyard-token-count')).toBe('estimate');
    // 200 words of "wordN" are at least 200 tokens, plus framing: never wildly low.
    expect(data.input_tokens).toBeGreaterThanOrEqual(200);
    expect(data.input_tokens).toBeLessThan(700);

    const withSystem = await client.messages.countTokens({ model: 'gpt', messages, system: words(50) });
    expect(withSystem.input_tokens).toBeGreaterThanOrEqual(data.input_tokens + 50);

    const withTools = await client.messages.countTokens({ model: 'gpt', messages, tools: [tool] });
    // The schema's JSON text plus Anthropic's hidden tool-use prompt (hundreds of tokens).
    expect(withTools.input_tokens - data.input_tokens).toBeGreaterThan(346 + 30);

    expect(cloud.requests).toHaveLength(0);
    expect(gw.rows().length).toBe(rows);
  });

  it('counts tool use and tool results in the history', async () => {
    const base: Anthropic.MessageParam[] = [{ role: 'user', content: 'read it' }];
    const plain = await client.messages.countTokens({ model: 'gpt', messages: base, tools: [tool] });
    const history = await client.messages.countTokens({
      model: 'gpt',
      tools: [tool],
      messages: [
        ...base,
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { file_path: '/a/b.ts' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: words(300) }] },
      ],
    });
    expect(history.input_tokens - plain.input_tokens).toBeGreaterThanOrEqual(300);
  });

  it('applies the key model list, answers in Anthropic shape, and serves without /v1', async () => {
    const keyed = new Anthropic({ baseURL: gw.url, apiKey: keyForGpt, maxRetries: 0 });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'hi' }];
    expect((await keyed.messages.countTokens({ model: 'gpt', messages })).input_tokens).toBeGreaterThan(0);
    const err = await keyed.messages.countTokens({ model: 'other', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({
      type: 'error',
      error: { type: 'permission_error' },
    });

    const bare = await fetch(`${gw.url}/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keyForGpt}` },
      body: JSON.stringify({ model: 'gpt', messages }),
    });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ input_tokens: expect.any(Number) });

    const invalid = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keyForGpt },
      body: JSON.stringify({ model: 'gpt' }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('counts a model the gateway does not route rather than answering 404', async () => {
    const n = await client.messages.countTokens({
      model: 'claude-3-5-haiku-20241022',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(n.input_tokens).toBeGreaterThan(0);
  });
});
