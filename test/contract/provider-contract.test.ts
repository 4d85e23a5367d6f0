// The behaviour every provider adapter owes the router, checked against a fake of each upstream.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
} from '../../shared/wire/openai-requests.ts';
import { anthropicAdapter } from '../../main/gateway/providers/anthropic/index.ts';
import { ollamaAdapter } from '../../main/gateway/providers/ollama/index.ts';
import { azureAdapter } from '../../main/gateway/providers/azure/index.ts';
import { geminiAdapter } from '../../main/gateway/providers/gemini/index.ts';
import {
  localOpenAICompatibleAdapter,
  openaiCompatibleAdapter,
} from '../../main/gateway/providers/openai-compatible/index.ts';
import { openrouterAdapter } from '../../main/gateway/providers/openrouter/index.ts';
import { startFakeAzure } from '../support/fake-azure.ts';
import { startFakeGemini } from '../support/fake-gemini.ts';
import { startFakeOpenRouter } from '../support/fake-openrouter.ts';
import type { CallContext, ProviderAdapter, ProviderTarget } from '../../main/gateway/providers/provider.ts';
import { fakeEmbedding, type FakeBehavior, type FakeUpstream } from '../support/fake-upstream-core.ts';
import { startFakeAnthropic } from '../support/fake-anthropic.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { closedPort, collect, decodeFloat32Base64, gatewayError, take } from './contract-helpers.ts';

interface ContractCase {
  name: string;
  adapter: ProviderAdapter;
  startFake: (opts: Partial<FakeBehavior>) => Promise<FakeUpstream>;
  /** The request headers that carry the key; OpenAI's bearer token when unset. */
  keyHeaders?: (key: string) => Record<string, string>;
  /** What the upstream's tool-call ids look like; OpenAI's `call_…` when unset. */
  toolCallId?: RegExp;
  /** false: the upstream has no embeddings endpoint, and the adapter must refuse them with a 400. */
  embeddings?: boolean;
}

const cases: ContractCase[] = [
  { name: 'openai-compatible', adapter: openaiCompatibleAdapter, startFake: startFakeOpenAI },
  { name: 'openai-compatible (local)', adapter: localOpenAICompatibleAdapter, startFake: startFakeOpenAI },
  {
    name: 'azure',
    adapter: azureAdapter,
    startFake: startFakeAzure,
    keyHeaders: (key) => ({ 'api-key': key }),
  },
  { name: 'openrouter', adapter: openrouterAdapter, startFake: startFakeOpenRouter },
  { name: 'gemini', adapter: geminiAdapter, startFake: startFakeGemini },
  { name: 'ollama', adapter: ollamaAdapter, startFake: startFakeOllama },
  {
    name: 'anthropic',
    adapter: anthropicAdapter,
    startFake: startFakeAnthropic,
    keyHeaders: (key) => ({ 'x-api-key': key }),
    toolCallId: /^toolu_/,
    embeddings: false,
  },
];

const KEY = 'sk-test-123';
const REPLY = 'The quick brown fox jumps over the lazy dog'; // 9 words → 9 chunks → 9 completion tokens
const chatBody: ChatCompletionRequest = {
  model: 'client-alias',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say something about foxes' },
  ],
}; // 6 prompt words
const completionBody: CompletionRequest = { model: 'client-alias', prompt: 'def fibonacci(n):' }; // 2 words
const USAGE = (prompt: number) => ({ prompt_tokens: prompt, completion_tokens: 9, total_tokens: prompt + 9 });
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];

const ctx = (): CallContext => ({ signal: new AbortController().signal });

describe.each(cases)('$name adapter contract', (c) => {
  const { adapter, startFake } = c;
  const keyHeaders = c.keyHeaders ?? ((key: string) => ({ authorization: `Bearer ${key}` }));
  const hasEmbeddings = c.embeddings !== false;
  let fake: FakeUpstream;
  let target: ProviderTarget;

  beforeAll(async () => {
    fake = await startFake({ reply: REPLY });
    target = {
      model: 'm',
      apiBase: fake.url,
      apiKey: KEY,
      apiVersion: undefined,
      firstByteTimeoutMs: 2000,
      totalTimeoutMs: 5000,
    };
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('chat: returns an OpenAI chat.completion with the text and usage, for the upstream model', async () => {
    const { body, usage } = await adapter.chat(target, chatBody, ctx());
    const completion = body as {
      object: string;
      id: string;
      choices: { message: { role: string; content: string }; finish_reason: string }[];
      usage: unknown;
    };
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: REPLY });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(usage).toMatchObject(USAGE(6));
    expect(completion.usage).toMatchObject(USAGE(6));
    expect(fake.requests[0]?.body).toMatchObject({ model: 'm' });
    expect(fake.requests[0]?.headers).toMatchObject(keyHeaders(KEY));
  });

  it('chat: reports no usage when the upstream reports none, and passes finish_reason length on', async () => {
    fake.setBehavior({ usage: false, finishReason: 'length' });
    const { body, usage } = await adapter.chat(target, chatBody, ctx());
    expect(usage).toBeUndefined();
    expect((body as { choices: { finish_reason: string }[] }).choices[0]?.finish_reason).toBe('length');
  });

  it('chatStream: pieces are chat.completion.chunks of one id whose text adds up to the reply, then usage', async () => {
    const pieces = await collect(await adapter.chatStream(target, chatBody, ctx()));
    expect(pieces.map((p) => p.text).join('')).toBe(REPLY);
    const chunks = pieces.map(
      (p) =>
        JSON.parse(p.data) as {
          id: string;
          object: string;
          choices: { delta: { role?: string }; finish_reason: string | null }[];
        },
    );
    for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const usagePieces = pieces.filter((p) => p.usage);
    expect(usagePieces).toHaveLength(1);
    expect(usagePieces[0]).toMatchObject({ usageOnly: true, usage: USAGE(6) });
    expect(JSON.parse(usagePieces[0]!.data)).toMatchObject({ choices: [], usage: USAGE(6) });
  });

  it('chatStream: carries no usage when the upstream reports none', async () => {
    fake.setBehavior({ usage: false });
    const pieces = await collect(await adapter.chatStream(target, chatBody, ctx()));
    expect(pieces.map((p) => p.text).join('')).toBe(REPLY);
    expect(pieces.filter((p) => p.usage)).toEqual([]);
  });

  it('chat and chatStream: tool calls come back in OpenAI shape with JSON-string arguments', async () => {
    fake.setBehavior({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const { body } = await adapter.chat(target, { ...chatBody, tools }, ctx());
    const choice = (
      body as {
        choices: {
          message: {
            tool_calls: { id: string; type: string; function: { name: string; arguments: string } }[];
          };
          finish_reason: string;
        }[];
      }
    ).choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls[0]!;
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(call.id).toMatch(c.toolCallId ?? /^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Oslo' });

    const pieces = await collect(await adapter.chatStream(target, { ...chatBody, tools }, ctx()));
    const deltas = pieces.flatMap(
      (p) =>
        (
          JSON.parse(p.data) as {
            choices: {
              delta?: { tool_calls?: { index: number; function: { name: string; arguments: string } }[] };
              finish_reason: string | null;
            }[];
          }
        ).choices,
    );
    const streamed = deltas.flatMap((c) => c.delta?.tool_calls ?? []);
    expect(streamed[0]).toMatchObject({ index: 0, function: { name: 'get_weather' } });
    expect(JSON.parse(streamed.map((c) => c.function.arguments).join(''))).toEqual({ city: 'Oslo' });
    expect(deltas.some((c) => c.finish_reason === 'tool_calls')).toBe(true);
  });

  it('completion: returns an OpenAI text_completion with the text and usage', async () => {
    const { body, usage } = await adapter.completion(target, completionBody, ctx());
    expect(body).toMatchObject({ object: 'text_completion', choices: [{ index: 0, text: REPLY }] });
    expect(usage).toMatchObject(USAGE(2));
  });

  it('completionStream: text_completion chunks whose text adds up to the reply, then usage', async () => {
    const pieces = await collect(await adapter.completionStream(target, completionBody, ctx()));
    expect(pieces.map((p) => p.text).join('')).toBe(REPLY);
    const chunks = pieces.map(
      (p) => JSON.parse(p.data) as { object: string; id: string; choices: { text: string }[] },
    );
    for (const chunk of chunks) expect(chunk.object).toBe('text_completion');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.flatMap((c) => c.choices.map((ch) => ch.text)).join('')).toBe(REPLY);
    const usagePieces = pieces.filter((p) => p.usage);
    expect(usagePieces).toHaveLength(1);
    expect(usagePieces[0]).toMatchObject({ usageOnly: true, usage: USAGE(2) });
  });

  it.skipIf(!hasEmbeddings)('embeddings: float vectors, in input order, with usage', async () => {
    const body: EmbeddingRequest = { model: 'e', input: ['alpha beta', 'gamma'], encoding_format: 'float' };
    const result = await adapter.embeddings(target, body, ctx());
    expect(result.body).toMatchObject({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: fakeEmbedding('alpha beta', 8) },
        { object: 'embedding', index: 1, embedding: fakeEmbedding('gamma', 8) },
      ],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(result.usage).toMatchObject({ prompt_tokens: 3, total_tokens: 3 });
  });

  it.skipIf(!hasEmbeddings)(
    'embeddings: base64 (the openai client default) decodes to the float vector',
    async () => {
      const result = await adapter.embeddings(
        target,
        { model: 'e', input: 'alpha beta', encoding_format: 'base64' },
        ctx(),
      );
      const data = (result.body as { data: { embedding: unknown }[] }).data;
      expect(data).toHaveLength(1);
      expect(typeof data[0]?.embedding).toBe('string');
      expect(decodeFloat32Base64(data[0]!.embedding as string)).toEqual(fakeEmbedding('alpha beta', 8));
    },
  );

  it.runIf(!hasEmbeddings)('embeddings: refused with a clear 400 when the upstream has none', async () => {
    const err = await gatewayError(adapter.embeddings(target, { model: 'e', input: 'alpha beta' }, ctx()));
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  it('listModels: names what the upstream lists', async () => {
    fake.setBehavior({ models: ['llama3.2:latest', 'nomic-embed-text:latest'] });
    await expect(adapter.listModels(target, ctx())).resolves.toEqual([
      'llama3.2:latest',
      'nomic-embed-text:latest',
    ]);
  });

  it('an upstream 500 becomes a retryable 502, for calls and streams alike', async () => {
    fake.setBehavior({ error: { status: 500, message: 'boom' } });
    const err = await gatewayError(adapter.chat(target, chatBody, ctx()));
    expect(err).toMatchObject({ status: 502, code: 'upstream_error', retryable: true, upstreamStatus: 500 });
    expect(err.message).toContain('boom');
    const streamErr = await gatewayError(adapter.chatStream(target, chatBody, ctx()));
    expect(streamErr).toMatchObject({ status: 502, retryable: true });
  });

  it('an upstream 400 stays a non-retryable 400', async () => {
    fake.setBehavior({ error: { status: 400, message: 'bad field' } });
    const err = await gatewayError(adapter.completion(target, completionBody, ctx()));
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', retryable: false });
  });

  it('an unreachable upstream is a retryable 503', async () => {
    const port = await closedPort();
    const gone = { ...target, apiBase: fake.url.replace(/:\d+/, `:${port}`) };
    const err = await gatewayError(adapter.chat(gone, chatBody, ctx()));
    expect(err).toMatchObject({ status: 503, code: 'upstream_unavailable', retryable: true });
  });

  // The first-byte clock, not the (much longer) total timeout, is what gives up on a hung upstream.
  it('an upstream that never answers times out with 504 on the first-byte clock', async () => {
    fake.setBehavior({ hang: true });
    const quick = { ...target, firstByteTimeoutMs: 200, totalTimeoutMs: 60_000 };
    for (const call of [
      () => adapter.chat({ ...quick, firstByteTimeoutMs: 60_000, totalTimeoutMs: 200 }, chatBody, ctx()),
      () => adapter.chatStream(quick, chatBody, ctx()),
    ]) {
      const err = await gatewayError(call());
      expect(err).toMatchObject({ status: 504, code: 'upstream_timeout', retryable: true });
      expect(err.message).toMatch(/200 ms/);
    }
  });

  it('aborting the signal mid-stream stops the upstream', async () => {
    fake.setBehavior({ chunkDelayMs: 40, reply: 'word '.repeat(100) });
    const controller = new AbortController();
    const stream = await adapter.chatStream(target, chatBody, { signal: controller.signal });
    await take(stream, 2);
    controller.abort();
    await fake.waitForAborts(1);
    expect(fake.requests[0]?.aborted).toBe(true);
    const err = await gatewayError(collect(stream));
    expect(err).toMatchObject({ status: 499, code: 'client_disconnected' });
  });

  it('returning from the stream early stops the upstream', async () => {
    fake.setBehavior({ chunkDelayMs: 40, reply: 'word '.repeat(100) });
    const stream = await adapter.completionStream(target, completionBody, ctx());
    await take(stream, 2);
    await stream.return?.();
    await fake.waitForAborts(1);
  });

  it('a stream the upstream cuts short, or fails in-band, ends in a retryable error, not a silent end', async () => {
    fake.setBehavior({ dropAfterChunks: 3 });
    const dropped = await gatewayError(collect(await adapter.chatStream(target, chatBody, ctx())));
    expect(dropped.retryable).toBe(true);
    fake.setBehavior({
      dropAfterChunks: undefined,
      midStreamError: { afterChunks: 2, message: 'out of memory' },
    });
    const failed = await gatewayError(collect(await adapter.chatStream(target, chatBody, ctx())));
    expect(failed).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
    expect(failed.message).toContain('out of memory');
  });

  it('the API key never comes back in an upstream error message', async () => {
    fake.setBehavior({ error: { status: 500, message: `internal error while using key ${KEY}` } });
    const err = await gatewayError(adapter.chat(target, chatBody, ctx()));
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain('[redacted]');

    fake.setBehavior({ error: undefined, apiKey: 'sk-the-right-one' });
    const auth = await gatewayError(adapter.chat(target, chatBody, ctx()));
    expect(auth).toMatchObject({ status: 502, code: 'upstream_auth_failed' });
    expect(auth.message).not.toContain(KEY);
  });
});
