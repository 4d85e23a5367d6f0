// /v1/messages to a deployment that speaks Messages natively (the Anthropic adapter, against the fake
// Anthropic API): the request passes through with the client's Anthropic headers, the events come back
// byte for byte, and upstream errors come back verbatim with their status, except the upstream's refusal
// of the gateway's own vendor key, which is the gateway's failure. Fallbacks may cross dialects.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicInputWords, startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { generateKey } from '../support/key-admin.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const VENDOR_KEY = 'sk-ant-vendor-secret-1234';
const MASTER = 'sk-master-native';
const REPLY = 'Native hello from the fake Anthropic.';
const recordedStream = readFileSync(
  new URL('../fixtures/anthropic-inbound/native-text-stream.sse', import.meta.url),
  'utf8',
);

let claude: FakeAnthropic;
let claudeDown: FakeAnthropic;
let gpt: FakeUpstream;
let gw: TestGateway;
let appKey: string;
let client: Anthropic;

beforeAll(async () => {
  claude = await startFakeAnthropic({ apiKey: VENDOR_KEY, reply: REPLY });
  claudeDown = await startFakeAnthropic({ error: { status: 529, message: 'Overloaded' } });
  gpt = await startFakeOpenAI({ reply: 'Translated fallback answer.' });
  gw = await startTestGateway(
    `
model_list:
  - model_name: sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: "${claude.url}"
      api_key: os.environ/ANTHROPIC_KEY
      input_cost_per_token: 0.000003
      output_cost_per_token: 0.000015
  - model_name: sonnet-down
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${claudeDown.url}" }
  - model_name: gpt
    litellm_params: { model: openai/fake-model, api_base: "${gpt.url}" }
router_settings:
  num_retries: 0
  fallbacks: [{ sonnet-down: [gpt] }]
general_settings: { master_key: ${MASTER} }
`,
    { env: { ANTHROPIC_KEY: VENDOR_KEY } },
  );
  appKey = (await generateKey(gw.url, MASTER, { key_alias: 'claude-code' })).key;
  client = new Anthropic({ baseURL: gw.url, apiKey: appKey, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await claude?.close();
  await claudeDown?.close();
  await gpt?.close();
});

beforeEach(() => {
  claude.reset();
  claudeDown.reset();
  gpt.reset();
});

const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello native world' }];

async function raw(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': appKey,
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('/v1/messages passed through natively', () => {
  it('forwards anthropic-version and anthropic-beta, swaps the vendor key in and the model name', async () => {
    const msg = await client.beta.messages.create(
      {
        model: 'sonnet',
        max_tokens: 128,
        messages,
        betas: ['interleaved-thinking-2025-05-14', 'claude-code-20250219'],
        metadata: { user_id: 'user_abc' },
      },
      { headers: { 'anthropic-version': '2023-06-01' } },
    );
    expect(msg.content).toEqual([{ type: 'text', text: REPLY }]);
    const sent = claude.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,claude-code-20250219');
    expect(sent.headers['x-api-key']).toBe(VENDOR_KEY);
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', metadata: { user_id: 'user_abc' } });
    // The fake's own message id: the answer is Anthropic's, not a translation.
    expect(msg.id).toMatch(/^msg_/);
    const row = gw.rows()[0]!;
    expect(row).toMatchObject({
      endpoint: 'messages',
      provider: 'anthropic',
      status: 200,
      prompt_tokens: anthropicInputWords(sent.body),
      estimated: false,
    });
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(JSON.stringify(msg)).not.toContain(VENDOR_KEY);
  });

  it('relays the upstream SSE bytes unchanged', async () => {
    claude.setBehavior({ replay: { contentType: 'text/event-stream', body: recordedStream } });
    const res = await raw('/v1/messages?beta=true', {
      model: 'sonnet',
      max_tokens: 64,
      messages,
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe(recordedStream);
    expect(gw.rows()[0]).toMatchObject({ streamed: true, prompt_tokens: 29, completion_tokens: 5 });
  });

  it('streams through the SDK, thinking and cache usage included, and records cache reads and writes', async () => {
    claude.setBehavior({
      thinking: 'Let me think.',
      cacheReadInputTokens: 100,
      cacheCreationInputTokens: 50,
    });
    const final = await client.messages
      .stream({
        model: 'sonnet',
        max_tokens: 4096,
        messages,
        thinking: { type: 'enabled', budget_tokens: 1024 },
      })
      .finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(final.usage).toMatchObject({ cache_read_input_tokens: 100, cache_creation_input_tokens: 50 });
    const row = gw.rows()[0]!;
    expect(row).toMatchObject({ cache_read_tokens: 100, cache_write_tokens: 50 });
    expect(row.prompt_tokens).toBe(anthropicInputWords(claude.requests[0]!.body) + 150);
  });

  it('returns upstream errors verbatim with their status, in JSON and mid-stream', async () => {
    claude.setBehavior({
      error: { status: 400, message: 'messages.0.content: Input should be a valid list', times: 1 },
    });
    const bad = await raw('/v1/messages', { model: 'sonnet', max_tokens: 64, messages });
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.text);
    expect(body).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'messages.0.content: Input should be a valid list' },
      request_id: expect.stringMatching(/^req_/),
    });

    claude.setBehavior({
      midStreamError: { afterChunks: 2, message: 'Overloaded' },
      midStreamErrorType: 'overloaded_error',
    });
    const cut = await raw('/v1/messages', { model: 'sonnet', max_tokens: 64, messages, stream: true });
    const frames = cut.text.trim().split('\n\n');
    expect(frames.at(-1)).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    );
    expect(gw.rows()[0]).toMatchObject({ status: 503, streamed: true });
  });

  it("does not pass the upstream's refusal of the vendor key on as the client's own invalid key", async () => {
    claude.setBehavior({ apiKey: 'sk-ant-the-right-one' });
    try {
      const res = await raw('/v1/messages', { model: 'sonnet', max_tokens: 64, messages });
      // Not 401 authentication_error: Claude Code would ask its user to /login, and their key is fine.
      expect(res.status).toBe(502);
      const body = JSON.parse(res.text);
      expect(body.error.type).toBe('api_error');
      expect(body.error.message).toMatch(/answered 401: invalid x-api-key/);
      expect(res.text).not.toContain('authentication_error');
      expect(gw.rows()[0]).toMatchObject({ status: 502, error_code: 'upstream_auth_failed' });
    } finally {
      claude.reset();
    }
  });

  it('an overloaded native deployment falls back to a translated one', async () => {
    const msg = await client.messages.create({ model: 'sonnet-down', max_tokens: 64, messages });
    expect(msg.content).toEqual([{ type: 'text', text: 'Translated fallback answer.' }]);
    expect(claudeDown.requests).toHaveLength(1);
    expect(gpt.requests[0]!.path).toBe('/v1/chat/completions');
    expect(gw.rows()[0]!.attempts.map((a) => a.provider)).toEqual(['anthropic', 'openai']);
  });

  it('counts tokens with the upstream when it speaks Messages, with the client headers', async () => {
    const before = gw.rows().length;
    const counted = await client.messages.countTokens({
      model: 'sonnet',
      messages,
      system: 'Four words of system.',
    });
    const sent = claude.requests[0]!;
    expect(sent.path).toBe('/v1/messages/count_tokens');
    expect(sent.body.model).toBe('claude-sonnet-4-5');
    expect(counted.input_tokens).toBe(anthropicInputWords(sent.body));
    expect(gw.rows().length).toBe(before);
  });

  it('counts locally when the native upstream cannot answer', async () => {
    const { data, response } = await client.messages
      .countTokens({ model: 'sonnet-down', messages })
      .withResponse();
    expect(claudeDown.requests[0]!.path).toBe('/v1/messages/count_tokens');
    expect(response.headers.get('x-switchyard-token-count')).toBe('estimate');
    expect(data.input_tokens).toBeGreaterThan(0);
  });
});
