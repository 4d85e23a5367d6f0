// The /v1/messages spec picks native pass-through or translation by capability alone: an adapter with
// `nativeMessages` gets the request as sent (plus the Anthropic headers), any other gets a chat request.
import { describe, expect, it, vi } from 'vitest';
import { messagesRequestSchema } from '../../../shared/wire/anthropic-requests.ts';
import type { Deployment } from '../../../main/gateway/config/gateway-config.ts';
import type {
  NativeMessages,
  ProviderAdapter,
  ProviderStream,
  ProviderTarget,
  StreamPiece,
} from '../../../main/gateway/providers/provider.ts';
import { PROVIDER_SPEC_VERSION } from '../../../main/gateway/providers/provider.ts';
import { messagesSpec } from '../../../main/gateway/server/messages-spec.ts';
import type { Attempt } from '../../../main/gateway/server/endpoint-specs.ts';
import { testDeployment } from '../../support/test-deployment.ts';

const deployment = (patch: Partial<Deployment> = {}): Deployment =>
  // Deliberately not provider "anthropic": only the capability may decide.
  testDeployment({ alias: 'sonnet', provider: 'openai', model: 'upstream-model', ...patch });

const target: ProviderTarget = {
  model: 'upstream-model',
  apiBase: undefined,
  apiKey: undefined,
  apiVersion: undefined,
  firstByteTimeoutMs: 1000,
  totalTimeoutMs: 1000,
};

async function* pieces(list: StreamPiece[]): ProviderStream {
  yield* list;
}

function adapter(native?: Partial<NativeMessages>): ProviderAdapter {
  const fail = () => Promise.reject(new Error('not used'));
  return {
    specificationVersion: PROVIDER_SPEC_VERSION,
    prefixes: ['openai'],
    local: false,
    defaultApiBase: () => undefined,
    chat: vi.fn(async () => ({
      body: {
        choices: [{ index: 0, message: { role: 'assistant', content: 'translated' }, finish_reason: 'stop' }],
      },
      usage: undefined,
    })),
    chatStream: vi.fn(fail),
    completion: fail,
    completionStream: fail,
    embeddings: fail,
    listModels: fail,
    ...(native ? { nativeMessages: native as NativeMessages } : {}),
  };
}

const attempt = (a: ProviderAdapter, d = deployment()): Attempt => ({
  adapter: a,
  target,
  deployment: d,
  promptTokens: async () => 7,
});
const ctx = { signal: new AbortController().signal };
const headers = {
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
  'x-app': 'cli',
  authorization: 'Bearer sk-app-key',
};
const body = messagesRequestSchema.parse({
  model: 'sonnet',
  max_tokens: 512,
  system: [{ type: 'text', text: 'Client system.', cache_control: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: 'hi' }],
  context_management: { edits: [] },
});

describe('messages spec: native or translated, by capability', () => {
  it('passes a request natively with the Anthropic headers only, the upstream model and unknown fields intact', async () => {
    const upstream = { id: 'msg_native', type: 'message', content: [{ type: 'text', text: 'native' }] };
    const messages = vi.fn(async () => ({ body: upstream, usage: undefined }));
    const a = adapter({ messages });
    const out = await messagesSpec(headers).call(attempt(a), body, ctx);
    expect(out.body).toBe(upstream);
    expect(a.chat).not.toHaveBeenCalled();
    const [, sent, pass] = messages.mock.calls[0] as unknown as [unknown, Record<string, unknown>, unknown];
    expect(pass).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    });
    expect(sent).toMatchObject({
      model: 'upstream-model',
      max_tokens: 512,
      system: [{ type: 'text', text: 'Client system.', cache_control: { type: 'ephemeral' } }],
      context_management: { edits: [] },
      stream: false,
    });
  });

  it('applies the deployment defaults Anthropic understands, and its system prompt ahead of the client blocks', async () => {
    const messages = vi.fn(async () => ({ body: {}, usage: undefined }));
    const d = deployment({
      params: { temperature: 0.3, top_k: 5, frequency_penalty: 1, num_ctx: 8192, stop: 'END' },
      systemPrompt: 'Alias prompt.',
    });
    await messagesSpec(headers).call(attempt(adapter({ messages }), d), { ...body, temperature: 0.9 }, ctx);
    const sent = (messages.mock.calls[0] as unknown as [unknown, Record<string, unknown>])[1];
    expect(sent).toMatchObject({ temperature: 0.9, top_k: 5, stop_sequences: ['END'] });
    expect(sent).not.toHaveProperty('frequency_penalty');
    expect(sent).not.toHaveProperty('num_ctx');
    expect(sent.system).toEqual([
      { type: 'text', text: 'Alias prompt.' },
      { type: 'text', text: 'Client system.', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('relays a native stream piece for piece, event names and bytes unchanged', async () => {
    const upstream: StreamPiece[] = [
      {
        event: 'message_start',
        data: '{"type":"message_start","message":{"id":"msg_1","future_field":1}}',
        text: '',
      },
      { event: 'ping', data: '{"type": "ping"}', text: '' },
      { event: 'message_stop', data: '{"type":"message_stop"}', text: '' },
    ];
    const messagesStream = vi.fn(async () => pieces(upstream));
    const s = await messagesSpec(headers).stream!(
      attempt(adapter({ messagesStream })),
      { ...body, stream: true },
      ctx,
    );
    const got: StreamPiece[] = [];
    for (let step = await s.next(); !step.done; step = await s.next()) got.push(step.value);
    expect(got).toEqual(upstream);
    expect((messagesStream.mock.calls[0] as unknown as [unknown, Record<string, unknown>])[1].stream).toBe(
      true,
    );
  });

  it('translates for an adapter without the capability, whatever its provider name', async () => {
    const a = adapter();
    const d = deployment({ provider: 'anthropic' });
    const out = await messagesSpec(headers).call(attempt(a, d), body, ctx);
    expect(out.body).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'translated' }] });
    expect(a.chat).toHaveBeenCalledOnce();
  });

  it('asks again without reasoning_effort when the upstream refuses it', async () => {
    const { GatewayError } = await import('../../../main/gateway/errors.ts');
    const a = adapter();
    const ok = (a.chat as ReturnType<typeof vi.fn>).getMockImplementation()!;
    (a.chat as ReturnType<typeof vi.fn>)
      .mockImplementationOnce(async () => {
        throw new GatewayError(400, 'invalid_request', "Unsupported parameter: 'reasoning_effort'");
      })
      .mockImplementationOnce(ok);
    const thinking = { ...body, thinking: { type: 'enabled', budget_tokens: 2000 } };
    const out = await messagesSpec(headers).call(attempt(a), thinking, ctx);
    expect(out.body).toMatchObject({ type: 'message' });
    const calls = (a.chat as ReturnType<typeof vi.fn>).mock.calls as [unknown, Record<string, unknown>][];
    expect(calls[0]![1].reasoning_effort).toBe('low');
    expect(calls[1]![1]).not.toHaveProperty('reasoning_effort');
  });

  it('moves max_tokens to max_completion_tokens for a model that only takes the latter', async () => {
    const { GatewayError } = await import('../../../main/gateway/errors.ts');
    const a = adapter();
    const chat = a.chat as ReturnType<typeof vi.fn>;
    const ok = chat.getMockImplementation()!;
    chat
      .mockImplementationOnce(async () => {
        throw new GatewayError(
          400,
          'invalid_request',
          "OpenAI answered 400: Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        );
      })
      .mockImplementationOnce(ok);
    await messagesSpec(headers).call(attempt(a), body, ctx);
    const calls = chat.mock.calls as [unknown, Record<string, unknown>][];
    expect(calls[1]![1]).toMatchObject({ max_completion_tokens: 512 });
    expect(calls[1]![1]).not.toHaveProperty('max_tokens');
  });

  it('does not call again for a 400 it has no fix for', async () => {
    const { GatewayError } = await import('../../../main/gateway/errors.ts');
    const a = adapter();
    (a.chat as ReturnType<typeof vi.fn>).mockImplementation(async () => {
      throw new GatewayError(400, 'invalid_request', 'messages: too many images');
    });
    await expect(messagesSpec(headers).call(attempt(a), body, ctx)).rejects.toThrow('too many images');
    expect(a.chat).toHaveBeenCalledOnce();
  });
});
