// The official `openai` client against the running gateway, with simulated upstreams behind it.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeEmbedding, promptWords, startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const UPSTREAM_KEY = 'sk-upstream-secret-4242';
const REPLY = 'The quick brown fox jumps over the lazy dog.';
const IN_PRICE = 0.000001;
const OUT_PRICE = 0.000002;

let cloud: FakeUpstream;
let local: FakeUpstream;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, reply: REPLY });
  local = await startFakeOllama({ reply: REPLY, models: ['llama3.2:latest', 'nomic-embed-text:latest'] });
  gw = await startTestGateway(
    `
model_list:
  - model_name: cloud
    litellm_params:
      model: openai/fake-model
      api_base: "${cloud.url}"
      api_key: os.environ/UPSTREAM_KEY
      input_cost_per_token: ${IN_PRICE}
      output_cost_per_token: ${OUT_PRICE}
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2:latest, api_base: "${local.url}" }
  - model_name: embed
    litellm_params: { model: openai/fake-embed, api_base: "${cloud.url}", api_key: os.environ/UPSTREAM_KEY }
  - model_name: local-embed
    litellm_params: { model: ollama/nomic-embed-text:latest, api_base: "${local.url}" }
  - model_name: flaky
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}", api_key: os.environ/UPSTREAM_KEY }
router_settings:
  num_retries: 1
  fallbacks: [{ flaky: [local] }]
general_settings: { master_key: sk-master }
`,
    { env: { UPSTREAM_KEY } },
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sk-master', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await local?.close();
});

beforeEach(() => {
  cloud.reset();
  local.reset();
});

const newest = () => gw.rows()[0]!;
const messages = [{ role: 'user' as const, content: 'Say something about foxes please' }];

describe('chat completions through the official openai client', () => {
  it('answers a non-streaming request and records tokens and cost', async () => {
    const res = await client.chat.completions.create({ model: 'cloud', messages });
    expect(res.choices[0]?.message.content).toBe(REPLY);
    const words = promptWords({ messages });
    expect(res.usage).toMatchObject({ prompt_tokens: words, completion_tokens: 9 });
    expect(cloud.requests[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(cloud.requests[0]?.body.model).toBe('fake-model');

    const row = newest();
    expect(row).toMatchObject({
      alias: 'cloud',
      provider: 'openai',
      model: 'fake-model',
      endpoint: 'chat.completions',
      status: 200,
      error_code: null,
      prompt_tokens: words,
      completion_tokens: 9,
      estimated: false,
      streamed: false,
      key_id: null,
    });
    expect(row.cost_usd).toBeCloseTo(words * IN_PRICE + 9 * OUT_PRICE, 12);
    expect(row.attempts).toHaveLength(1);
    expect(row.latency_ms).toBeGreaterThan(0);
  });

  it('streams the upstream text unchanged and records usage the client did not ask for', async () => {
    const stream = await client.chat.completions.create({ model: 'cloud', messages, stream: true });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices.length === 0) usageChunks++;
    }
    expect(text).toBe(REPLY);
    expect(usageChunks).toBe(0);
    // The gateway asked the upstream for usage even though the client did not.
    expect(cloud.requests[0]?.body.stream_options).toEqual({ include_usage: true });
    const row = newest();
    expect(row).toMatchObject({ streamed: true, status: 200, completion_tokens: 9, estimated: false });
    expect(row.ttft_ms).not.toBeNull();
    expect(row.cost_usd).toBeGreaterThan(0);
  });

  it('forwards the usage chunk when the client asks for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'cloud',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ completion_tokens: 9 });
  });

  it('translates Ollama native chat, streaming and not, with usage from its counters', async () => {
    const res = await client.chat.completions.create({
      model: 'local',
      messages,
      max_tokens: 64,
      temperature: 0.1,
    });
    expect(res.choices[0]?.message.content).toBe(REPLY);
    expect(local.requests[0]?.path).toBe('/api/chat');
    expect(local.requests[0]?.body.options).toMatchObject({ num_predict: 64, temperature: 0.1 });

    const stream = await client.chat.completions.create({ model: 'local', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(REPLY);
    const row = newest();
    expect(row).toMatchObject({
      provider: 'ollama_chat',
      streamed: true,
      completion_tokens: 9,
      estimated: false,
    });
    expect(row.cost_usd).toBe(0);
  });

  it('counts tokens itself, and says so, when the upstream reports no usage', async () => {
    cloud.setBehavior({ usage: false });
    const stream = await client.chat.completions.create({ model: 'cloud', messages, stream: true });
    for await (const _ of stream) void _;
    const row = newest();
    expect(row.estimated).toBe(true);
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBeGreaterThanOrEqual(9);
    expect(row.cost_usd).toBeGreaterThan(0);
  });
});

describe('other endpoints', () => {
  it('serves legacy completions (Continue autocomplete), streaming and not', async () => {
    const res = await client.completions.create({ model: 'local', prompt: 'def fib(n):', max_tokens: 16 });
    expect(res.choices[0]?.text).toBe(REPLY);
    expect(local.requests[0]?.path).toBe('/api/generate');
    const stream = await client.completions.create({ model: 'cloud', prompt: 'def fib(n):', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(REPLY);
    expect(newest()).toMatchObject({ endpoint: 'completions', streamed: true, completion_tokens: 9 });
  });

  it('returns embeddings from OpenAI-compatible and Ollama upstreams (the client asks for base64)', async () => {
    for (const model of ['embed', 'local-embed']) {
      const res = await client.embeddings.create({ model, input: ['alpha', 'beta gamma'] });
      expect(res.data).toHaveLength(2);
      expect(res.data[0]?.embedding).toEqual(fakeEmbedding('alpha', 8));
      expect(res.data[1]?.embedding).toEqual(fakeEmbedding('beta gamma', 8));
      const row = newest();
      expect(row).toMatchObject({ alias: model, endpoint: 'embeddings', status: 200 });
      expect(row.prompt_tokens).toBeGreaterThan(0);
    }
  });

  it('lists the aliases as models', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids.sort()).toEqual(['cloud', 'embed', 'flaky', 'local', 'local-embed']);
  });
});

describe('failures', () => {
  it('falls back to the next alias when the upstream keeps failing, and records the attempt chain', async () => {
    cloud.setBehavior({ error: { status: 500, message: 'upstream exploded' } });
    const res = await client.chat.completions.create({ model: 'flaky', messages });
    expect(res.choices[0]?.message.content).toBe(REPLY);
    const row = newest();
    expect(row.alias).toBe('flaky');
    expect(row.provider).toBe('ollama_chat');
    expect(row.attempts.map((a) => [a.provider, a.status])).toEqual([
      ['openai', 502],
      ['openai', 502],
      ['ollama_chat', 200],
    ]);
  });

  it('passes an upstream failure on as 502 with the upstream message and a ledger row', async () => {
    cloud.setBehavior({ error: { status: 500, message: 'upstream exploded' } });
    const err = await client.chat.completions.create({ model: 'cloud', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as Error).message).toMatch(/upstream exploded/);
    expect(newest()).toMatchObject({ alias: 'cloud', status: 502, error_code: 'upstream_error' });
  });

  it('does not retry the client’s own mistake', async () => {
    cloud.setBehavior({ error: { status: 400, message: "Invalid 'temperature'", code: 'invalid_value' } });
    const err = await client.chat.completions.create({ model: 'flaky', messages }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(cloud.requests).toHaveLength(1);
    expect(local.requests).toHaveLength(0);
  });

  it('ends a stream that fails after its first byte with an error event, never a silent success', async () => {
    cloud.setBehavior({ midStreamError: { afterChunks: 3, message: 'model crashed' } });
    const stream = await client.chat.completions.create({ model: 'cloud', messages, stream: true });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/model crashed/);
    expect(text.length).toBeGreaterThan(0);
    const row = newest();
    expect(row.status).toBe(502);
    expect(row.completion_tokens).toBeGreaterThan(0);
  });

  it('aborts the upstream at once when the client disconnects mid-stream, and records what was streamed', async () => {
    cloud.setBehavior({
      chunkDelayMs: 40,
      reply: 'one two three four five six seven eight nine ten eleven twelve',
    });
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-master' },
      body: JSON.stringify({ model: 'cloud', messages, stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    ac.abort();
    await cloud.waitForAborts(1, 3000);
    let row = newest();
    for (let i = 0; i < 50 && row.status !== 499; i++) {
      await new Promise((r) => setTimeout(r, 20));
      row = newest();
    }
    expect(row).toMatchObject({ status: 499, error_code: 'client_disconnected', streamed: true });
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBeLessThan(12);
  });
});
