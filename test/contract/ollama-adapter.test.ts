// What the Ollama adapter puts on the wire, and Ollama-only failure modes, seen through the fake.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ollamaAdapter } from '../../main/gateway/providers/ollama/index.ts';
import type { CallContext, ProviderTarget } from '../../main/gateway/providers/provider.ts';
import { startFakeOllama, type FakeUpstream } from '../support/fake-ollama.ts';
import { collect, gatewayError } from './contract-helpers.ts';

const ctx = (): CallContext => ({ signal: new AbortController().signal });

describe('ollama adapter on the wire', () => {
  let fake: FakeUpstream;
  let target: ProviderTarget;

  beforeAll(async () => {
    fake = await startFakeOllama();
    target = {
      model: 'llama3.2',
      apiBase: `${fake.url}/`,
      apiKey: undefined,
      apiVersion: undefined,
      firstByteTimeoutMs: 2000,
      totalTimeoutMs: 5000,
    };
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('declares itself local, for both prefixes, on Ollama’s default port', () => {
    expect(ollamaAdapter.local).toBe(true);
    expect(ollamaAdapter.prefixes).toEqual(['ollama', 'ollama_chat']);
    expect(ollamaAdapter.defaultApiBase('ollama')).toBe('http://127.0.0.1:11434');
  });

  it('posts chat to /api/chat with options, tools and no auth header when there is no key', async () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const body = {
      model: 'alias',
      messages: [{ role: 'user' as const, content: 'hi' }],
      max_tokens: 12,
      tools,
    };
    await ollamaAdapter.chat(target, body, ctx());
    await collect(await ollamaAdapter.chatStream(target, body, ctx()));
    const [plain, streamed] = fake.requests;
    expect(plain).toMatchObject({ method: 'POST', path: '/api/chat' });
    expect(plain?.body).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      options: { num_predict: 12 },
      tools,
    });
    expect(plain?.headers.authorization).toBeUndefined();
    expect(streamed?.body).toMatchObject({ stream: true, options: { num_predict: 12 } });
  });

  it('posts completions to /api/generate and embeddings to /api/embed', async () => {
    await ollamaAdapter.completion(
      target,
      { model: 'a', prompt: 'x = ', suffix: ';', temperature: 0 },
      ctx(),
    );
    const { body } = await ollamaAdapter.embeddings(
      target,
      { model: 'a', input: 'hello', dimensions: 3 },
      ctx(),
    );
    expect(fake.requests[0]).toMatchObject({
      path: '/api/generate',
      body: { model: 'llama3.2', prompt: 'x = ', suffix: ';', stream: false, options: { temperature: 0 } },
    });
    expect(fake.requests[1]).toMatchObject({
      path: '/api/embed',
      body: { model: 'llama3.2', input: 'hello', dimensions: 3 },
    });
    expect((body as { data: { embedding: number[] }[] }).data[0]?.embedding).toHaveLength(3);
  });

  it('reports embeddings without usage when Ollama sends no prompt_eval_count', async () => {
    fake.setBehavior({ usage: false });
    const result = await ollamaAdapter.embeddings(target, { model: 'a', input: ['a', 'b'] }, ctx());
    expect(result.usage).toBeUndefined();
    expect(result.body).not.toHaveProperty('usage');
  });

  it('treats a stream that ends without its done line as a failure', async () => {
    fake.setBehavior({ endAfterChunks: 2 });
    const err = await gatewayError(
      collect(
        await ollamaAdapter.chatStream(
          target,
          { model: 'a', messages: [{ role: 'user', content: 'hi' }] },
          ctx(),
        ),
      ),
    );
    expect(err).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
  });

  it('passes Ollama’s "try pulling it first" on for an unknown model', async () => {
    fake.setBehavior({ rejectUnknownModels: true, models: ['other'] });
    const err = await gatewayError(
      ollamaAdapter.chat(target, { model: 'a', messages: [{ role: 'user', content: 'hi' }] }, ctx()),
    );
    expect(err).toMatchObject({ status: 502, upstreamStatus: 404 });
    expect(err.message).toContain('model "llama3.2" not found, try pulling it first');
  });
});
