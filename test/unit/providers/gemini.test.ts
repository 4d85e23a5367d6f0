// Gemini's OpenAI-compatible layer: the fields it refuses (the fake refuses them as the real endpoint
// does, so each test fails without its mapping), completions through chat, embeddings, model names.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../../shared/wire/openai-requests.ts';
import { geminiAdapter } from '../../../main/gateway/providers/gemini/index.ts';
import { openaiCompatibleAdapter } from '../../../main/gateway/providers/openai-compatible/index.ts';
import type { ProviderTarget } from '../../../main/gateway/providers/provider.ts';
import { collect, decodeFloat32Base64, gatewayError } from '../../contract/contract-helpers.ts';
import { callContext, testTarget } from '../../support/adapter-call.ts';
import { startFakeGemini } from '../../support/fake-gemini.ts';
import { fakeEmbedding, type FakeUpstream } from '../../support/fake-upstream-core.ts';

const chat = (extra: Record<string, unknown> = {}): ChatCompletionRequest => ({
  model: 'alias',
  messages: [{ role: 'user', content: 'say hi' }],
  ...extra,
});

describe('gemini adapter', () => {
  let fake: FakeUpstream;
  let target: ProviderTarget;
  const sent = () => fake.requests.at(-1)!.body as Record<string, unknown>;

  beforeAll(async () => {
    fake = await startFakeGemini({ reply: 'Hello there friend' });
    target = testTarget({ model: 'gemini-2.5-flash', apiBase: fake.url, apiKey: 'AIza-test-key' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('defaults to the v1beta/openai endpoint and sends the key as a bearer token', async () => {
    expect(geminiAdapter.defaultApiBase('gemini')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/openai',
    );
    await geminiAdapter.chat(target, chat(), callContext());
    expect(fake.requests[0]).toMatchObject({
      path: '/v1beta/openai/chat/completions',
      headers: { authorization: 'Bearer AIza-test-key' },
      body: { model: 'gemini-2.5-flash' },
    });
  });

  it('the fake refuses what Gemini refuses (so the tests below can fail)', async () => {
    const err = await gatewayError(openaiCompatibleAdapter.chat(target, chat({ seed: 7 }), callContext()));
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
    // Google's array-wrapped error body comes through as its message, not as raw JSON.
    expect(err.message).toContain('Invalid JSON payload received. Unknown name "seed": Cannot find field.');
    expect(err.message).not.toContain('[{');
  });

  it.each([
    ['seed', 7],
    ['frequency_penalty', 0.5],
    ['presence_penalty', 0.5],
    ['store', false],
    ['prompt_cache_key', 'abc'],
    ['top_k', 40],
    ['thinking', { type: 'enabled', budget_tokens: 2048 }],
    ['num_ctx', 8192],
  ])('drops %s, which Gemini refuses, instead of failing the request', async (field, value) => {
    const { body } = await geminiAdapter.chat(
      target,
      chat({ [field]: value, temperature: 0.3 }),
      callContext(),
    );
    expect(body).toMatchObject({ choices: [{ message: { content: 'Hello there friend' } }] });
    expect(sent()).not.toHaveProperty(field);
    expect(sent()).toMatchObject({ temperature: 0.3 });
  });

  it('sends max_completion_tokens as max_tokens, the name Gemini takes', async () => {
    await geminiAdapter.chat(target, chat({ max_completion_tokens: 64 }), callContext());
    expect(sent()).toMatchObject({ max_tokens: 64 });
    expect(sent()).not.toHaveProperty('max_completion_tokens');
    await geminiAdapter.chat(target, chat({ max_completion_tokens: 64, max_tokens: 32 }), callContext());
    expect(sent()).toMatchObject({ max_tokens: 32 });
  });

  it('passes reasoning_effort through, and turns `reasoning: {effort}` into it', async () => {
    await geminiAdapter.chat(target, chat({ reasoning_effort: 'low' }), callContext());
    expect(sent()).toMatchObject({ reasoning_effort: 'low' });
    await geminiAdapter.chat(target, chat({ reasoning: { effort: 'high' } }), callContext());
    expect(sent()).toMatchObject({ reasoning_effort: 'high' });
    expect(sent()).not.toHaveProperty('reasoning');
  });

  it('moves a top-level `google` object into extra_body.google, where Gemini reads it', async () => {
    const google = { thinking_config: { thinking_budget: 1024, include_thoughts: true } };
    await geminiAdapter.chat(
      target,
      chat({ google, extra_body: { google: { cached_content: 'c1' } } }),
      callContext(),
    );
    expect(sent()).toMatchObject({ extra_body: { google: { cached_content: 'c1', ...google } } });
    expect(sent()).not.toHaveProperty('google');
  });

  it('applies the same mapping to streams, and still asks for stream usage', async () => {
    const pieces = await collect(
      await geminiAdapter.chatStream(target, chat({ seed: 1, top_k: 3 }), callContext()),
    );
    expect(pieces.map((p) => p.text).join('')).toBe('Hello there friend');
    expect(sent()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(pieces.find((p) => p.usage)?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
  });

  it('answers /completions through chat, since Gemini has no legacy completions endpoint', async () => {
    const { body, usage } = await geminiAdapter.completion(
      target,
      { model: 'a', prompt: 'def add(a, b):', suffix: '\n', seed: 3, max_tokens: 20 },
      callContext(),
    );
    expect(body).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'Hello there friend' }],
    });
    expect(usage).toMatchObject({ prompt_tokens: 3 });
    expect(fake.requests[0]).toMatchObject({
      path: '/v1beta/openai/chat/completions',
      body: { messages: [{ role: 'user', content: 'def add(a, b):' }], max_tokens: 20 },
    });
    expect(sent()).not.toHaveProperty('prompt');
    expect(sent()).not.toHaveProperty('suffix');
  });

  it('streams completions as text_completion chunks', async () => {
    const pieces = await collect(
      await geminiAdapter.completionStream(target, { model: 'a', prompt: 'x' }, callContext()),
    );
    const chunks = pieces.map((p) => JSON.parse(p.data) as { object: string; choices: { text: string }[] });
    expect(chunks.every((c) => c.object === 'text_completion')).toBe(true);
    expect(chunks.flatMap((c) => c.choices.map((ch) => ch.text)).join('')).toBe('Hello there friend');
  });

  it('refuses a multi-prompt completion with a clear 400, without calling Gemini', async () => {
    const err = await gatewayError(
      geminiAdapter.completion(target, { model: 'a', prompt: ['a', 'b'] }, callContext()),
    );
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', param: 'prompt' });
    expect(fake.requests).toHaveLength(0);
  });

  it('fetches float embeddings and encodes base64 itself when the client asks for it', async () => {
    const { body } = await geminiAdapter.embeddings(
      target,
      { model: 'gemini-embedding-001', input: 'alpha beta', encoding_format: 'base64' },
      callContext(),
    );
    expect(sent()).not.toHaveProperty('encoding_format');
    const embedding = (body as { data: { embedding: string }[] }).data[0]!.embedding;
    expect(decodeFloat32Base64(embedding)).toEqual(fakeEmbedding('alpha beta', 8));
  });

  it('lists model names without the `models/` prefix Gemini puts on them', async () => {
    fake.setBehavior({ models: ['gemini-2.5-flash', 'gemini-embedding-001'] });
    await expect(geminiAdapter.listModels(target, callContext())).resolves.toEqual([
      'gemini-2.5-flash',
      'gemini-embedding-001',
    ]);
  });
});
