// The Anthropic adapter on the wire, against the fake Anthropic API: headers, errors in Anthropic's
// dialect, streams that fail or stop short, model listing, and the native /v1/messages pass-through.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../../shared/wire/openai-requests.ts';
import { anthropicAdapter } from '../../../main/gateway/providers/anthropic/index.ts';
import { sseEvents } from '../../../main/gateway/providers/anthropic/event-stream.ts';
import type { NativeMessages, ProviderTarget } from '../../../main/gateway/providers/provider.ts';
import { callContext, testTarget } from '../../support/adapter-call.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.ts';
import { collect, gatewayError } from '../../contract/contract-helpers.ts';

const KEY = 'sk-ant-api03-secret-test-key';
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
const replay = (name: string) => ({
  replay: { contentType: 'text/event-stream; charset=utf-8', body: fixture(name) },
});
const chatBody: ChatCompletionRequest = {
  model: 'alias',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say something about foxes' },
  ],
}; // 6 words
const native: NativeMessages = anthropicAdapter.nativeMessages!;

describe('anthropic adapter on the wire', () => {
  let fake: FakeAnthropic;
  let target: ProviderTarget;

  beforeAll(async () => {
    fake = await startFakeAnthropic({ reply: 'Foxes are quick.' });
    target = testTarget({ model: 'claude-sonnet-4-20250514', apiBase: fake.url, apiKey: KEY });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('declares itself: the anthropic prefix, Anthropic’s host, not local, with the native capability', () => {
    expect(anthropicAdapter.prefixes).toEqual(['anthropic']);
    expect(anthropicAdapter.defaultApiBase('anthropic')).toBe('https://api.anthropic.com');
    expect(anthropicAdapter.local).toBe(false);
    expect(anthropicAdapter.nativeMessages).toBeDefined();
  });

  it('posts to /v1/messages with x-api-key and anthropic-version, never a bearer token', async () => {
    fake.setBehavior({ apiKey: KEY });
    await anthropicAdapter.chat(target, chatBody, callContext());
    const [req] = fake.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(req?.headers).toMatchObject({
      'x-api-key': KEY,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.body).toEqual({
      model: 'claude-sonnet-4-20250514',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Say something about foxes' }],
      max_tokens: 4096,
    });
  });

  it('takes an api_base ending in /v1 or /v1/messages without doubling the path', async () => {
    for (const apiBase of [`${fake.url}/v1`, `${fake.url}/v1/messages/`]) {
      await anthropicAdapter.chat({ ...target, apiBase }, chatBody, callContext());
    }
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages']);
  });

  it('reasoning_effort gets thinking that the upstream accepts, and comes back as reasoning_content', async () => {
    fake.setBehavior({ thinking: 'Foxes: mammals, quick, clever.' });
    const body = { ...chatBody, reasoning_effort: 'low', max_tokens: 200 };
    const { body: completion, usage } = await anthropicAdapter.chat(target, body, callContext());
    expect(fake.requests[0]?.body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 1224,
    });
    const message = (completion as { choices: { message: { content: string; reasoning_content: string } }[] })
      .choices[0]?.message;
    expect(message).toMatchObject({
      content: 'Foxes are quick.',
      reasoning_content: 'Foxes: mammals, quick, clever.',
    });
    expect(usage).toMatchObject({ completion_tokens: 3 + 4 }); // answer words + thinking words

    const pieces = await collect(await anthropicAdapter.chatStream(target, body, callContext()));
    const reasoning = pieces
      .map(
        (p) => (JSON.parse(p.data) as { choices: { delta?: { reasoning_content?: string } }[] }).choices[0],
      )
      .map((c) => c?.delta?.reasoning_content ?? '')
      .join('');
    expect(reasoning).toBe('Foxes: mammals, quick, clever.');
  });

  it('prompt-cache reads and writes are part of prompt_tokens, named, in calls and streams', async () => {
    fake.setBehavior({ cacheReadInputTokens: 100, cacheCreationInputTokens: 50 });
    const expected = {
      prompt_tokens: 6 + 150,
      completion_tokens: 3,
      total_tokens: 159,
      prompt_tokens_details: { cached_tokens: 100 },
      cache_creation_input_tokens: 50,
    };
    expect((await anthropicAdapter.chat(target, chatBody, callContext())).usage).toEqual(expected);
    const pieces = await collect(await anthropicAdapter.chatStream(target, chatBody, callContext()));
    expect(pieces.filter((p) => p.usage).map((p) => p.usage)).toEqual([expected]);
  });

  describe('errors', () => {
    it.each([
      { status: 400, code: 'invalid_request', gateway: 400, retryable: false, type: 'invalid_request_error' },
      { status: 403, code: 'upstream_auth_failed', gateway: 502, retryable: false, type: 'permission_error' },
      { status: 404, code: 'upstream_error', gateway: 502, retryable: false, type: 'not_found_error' },
      { status: 413, code: 'request_too_large', gateway: 413, retryable: false, type: 'request_too_large' },
      { status: 429, code: 'rate_limit_exceeded', gateway: 429, retryable: true, type: 'rate_limit_error' },
      { status: 500, code: 'upstream_error', gateway: 502, retryable: true, type: 'api_error' },
      { status: 529, code: 'upstream_unavailable', gateway: 503, retryable: true, type: 'overloaded_error' },
    ])('an upstream $status $type', async ({ status, code, gateway, retryable, type }) => {
      fake.setBehavior({ error: { status, message: `the ${type} message` } });
      const err = await gatewayError(anthropicAdapter.chat(target, chatBody, callContext()));
      expect(err).toMatchObject({ status: gateway, code, retryable, upstreamStatus: status });
      expect(err.message).toContain(`the ${type} message`);
      // Kept verbatim for a /v1/messages client, who expects Anthropic's own body; but not a refusal of
      // the gateway's vendor key, which the client must not take for a refusal of its own.
      if (code === 'upstream_auth_failed') expect(err.upstreamBody).toBeUndefined();
      else
        expect(err.upstreamBody).toMatchObject({
          type: 'error',
          error: { type, message: `the ${type} message` },
        });
      if (status === 429) expect(err.headers['retry-after']).toBe('1');
    });

    it('a wrong key is a non-retryable auth failure that never repeats the key', async () => {
      fake.setBehavior({ apiKey: 'sk-ant-the-right-one' });
      const err = await gatewayError(anthropicAdapter.chat(target, chatBody, callContext()));
      expect(err).toMatchObject({
        status: 502,
        code: 'upstream_auth_failed',
        retryable: false,
        upstreamStatus: 401,
      });
      // Anthropic's words stay in the message; its 401 body is not relayed to a /v1/messages client.
      expect(err.message).toContain('invalid x-api-key');
      expect(err.upstreamBody).toBeUndefined();
      expect(err.message).not.toContain(KEY);
    });

    it('a key the upstream echoes is redacted from the message and from the kept body', async () => {
      fake.setBehavior({ error: { status: 400, message: `bad key ${KEY} in request` } });
      const err = await gatewayError(anthropicAdapter.chat(target, chatBody, callContext()));
      expect(err.message).not.toContain(KEY);
      expect(JSON.stringify(err.upstreamBody)).not.toContain(KEY);
      expect(err.message).toContain('[redacted]');
    });

    it('an overloaded_error event mid-stream ends the stream in a retryable 503 after the text so far', async () => {
      fake.setBehavior(replay('stream-overloaded-error-after-first-text.sse'));
      const stream = await anthropicAdapter.chatStream(target, chatBody, callContext());
      const seen: string[] = [];
      const err = await gatewayError(
        (async () => {
          for (let r = await stream.next(); !r.done; r = await stream.next()) seen.push(r.value.text);
        })(),
      );
      expect(seen.join('')).toBe('Once upon');
      expect(err).toMatchObject({
        status: 503,
        code: 'upstream_unavailable',
        retryable: true,
        upstreamStatus: 529,
      });
      expect(err.upstreamBody).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
    });

    it('an in-band error of another type maps by its type', async () => {
      fake.setBehavior({
        midStreamError: { afterChunks: 1, message: 'slow down' },
        midStreamErrorType: 'rate_limit_error',
      });
      const err = await gatewayError(
        collect(await anthropicAdapter.chatStream(target, chatBody, callContext())),
      );
      expect(err).toMatchObject({ status: 429, retryable: true });
      expect(err.message).toContain('slow down');
    });

    it('a stream that ends cleanly but without message_stop is a retryable failure, not a short answer', async () => {
      fake.setBehavior({ endAfterChunks: 2 });
      const err = await gatewayError(
        collect(await anthropicAdapter.chatStream(target, chatBody, callContext())),
      );
      expect(err).toMatchObject({ status: 502, code: 'upstream_error', retryable: true });
      expect(err.message).toContain('message_stop');
    });

    it('embeddings are refused without a call', async () => {
      const err = await gatewayError(
        anthropicAdapter.embeddings(target, { model: 'e', input: 'x' }, callContext()),
      );
      expect(err.message).toContain('no embeddings endpoint');
      expect(fake.requests).toEqual([]);
    });
  });

  it('listModels follows has_more / last_id through every page', async () => {
    const models = [
      'claude-opus-4-1',
      'claude-opus-4',
      'claude-sonnet-4',
      'claude-3-7-sonnet',
      'claude-haiku-4-5',
    ];
    fake.setBehavior({ models, modelsPageSize: 2 });
    await expect(anthropicAdapter.listModels(target, callContext())).resolves.toEqual(models);
    expect(fake.requests.map((r) => r.query?.get('after_id') ?? null)).toEqual([
      null,
      'claude-opus-4',
      'claude-3-7-sonnet',
    ]);
    expect(fake.requests.every((r) => r.path === '/v1/models' && r.headers['x-api-key'] === KEY)).toBe(true);
  });

  describe('native Messages pass-through', () => {
    const messagesBody = {
      model: 'client-alias',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Say something about foxes' }],
      some_future_field: { kept: true },
    };

    it('messages: the client’s body untouched but for the model, its anthropic headers forwarded', async () => {
      fake.setBehavior({ cacheReadInputTokens: 7 });
      const headers = { 'anthropic-version': '2023-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31' };
      const { body, usage } = await native.messages(target, messagesBody, headers, callContext());
      const sent = fake.requests[0]!;
      expect(sent.body).toEqual({ ...messagesBody, model: 'claude-sonnet-4-20250514' });
      expect(sent.headers).toMatchObject({ ...headers, 'x-api-key': KEY });
      expect(body).toMatchObject({
        type: 'message',
        content: [{ type: 'text', text: 'Foxes are quick.' }],
        usage: { input_tokens: 6, cache_read_input_tokens: 7, output_tokens: 3 },
      });
      expect(usage).toMatchObject({
        prompt_tokens: 13,
        completion_tokens: 3,
        prompt_tokens_details: { cached_tokens: 7 },
      });
    });

    it('messages: anthropic-version defaults to 2023-06-01 and no anthropic-beta is invented', async () => {
      await native.messages(target, messagesBody, {}, callContext());
      expect(fake.requests[0]?.headers['anthropic-version']).toBe('2023-06-01');
      expect(fake.requests[0]?.headers['anthropic-beta']).toBeUndefined();
    });

    it('messagesStream: every upstream event comes through with its name and its bytes unchanged', async () => {
      const name = 'stream-text-then-tool-use-get-weather.sse';
      fake.setBehavior(replay(name));
      const pieces = await collect(
        await native.messagesStream(target, { ...messagesBody, stream: false }, {}, callContext()),
      );
      expect(fake.requests[0]?.body).toMatchObject({ stream: true, model: 'claude-sonnet-4-20250514' });
      const upstream: { event: string | undefined; data: string }[] = [];
      const bytes = (async function* () {
        yield Buffer.from(fixture(name));
      })();
      for await (const e of sseEvents(bytes)) upstream.push(e);
      expect(pieces.map(({ event, data }) => ({ event, data }))).toEqual(upstream);
      expect(pieces.map((p) => p.text).join('')).toBe(
        'Okay, let\'s check the weather for San Francisco, CA:{"location": "San Francisco, CA", "unit": "fahrenheit"}',
      );
      expect(pieces.filter((p) => p.usage).at(-1)?.usage).toMatchObject({
        prompt_tokens: 472,
        completion_tokens: 89,
      });
    });

    it('messagesStream: a mid-stream error event is not relayed; the stream throws with it as upstreamBody', async () => {
      fake.setBehavior(replay('stream-overloaded-error-after-first-text.sse'));
      const stream = await native.messagesStream(target, messagesBody, {}, callContext());
      const events: (string | undefined)[] = [];
      const err = await gatewayError(
        (async () => {
          for (let r = await stream.next(); !r.done; r = await stream.next()) events.push(r.value.event);
        })(),
      );
      expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
      expect(err).toMatchObject({ status: 503, retryable: true, upstreamStatus: 529 });
      expect(err.upstreamBody).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
    });

    it('messagesStream: an upstream HTTP error keeps Anthropic’s body for the client', async () => {
      fake.setBehavior({ error: { status: 400, message: 'messages.0.content: Field required' } });
      const err = await gatewayError(native.messagesStream(target, messagesBody, {}, callContext()));
      expect(err).toMatchObject({ status: 400, upstreamStatus: 400 });
      expect(err.upstreamBody).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'messages.0.content: Field required' },
      });
    });

    it('countTokens: asks /v1/messages/count_tokens, without generation settings, and returns its count', async () => {
      const n = await native.countTokens(
        target,
        { ...messagesBody, temperature: 0.5 },
        { 'anthropic-beta': 'x' },
        callContext(),
      );
      expect(n).toBe(6);
      const sent = fake.requests[0]!;
      expect(sent.path).toBe('/v1/messages/count_tokens');
      expect(sent.headers['anthropic-beta']).toBe('x');
      expect(sent.body).not.toHaveProperty('max_tokens');
      expect(sent.body).not.toHaveProperty('temperature');
      expect(sent.body).toMatchObject({
        model: 'claude-sonnet-4-20250514',
        some_future_field: { kept: true },
      });
    });
  });
});
