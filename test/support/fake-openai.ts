// A scripted stand-in for an OpenAI-compatible server, speaking OpenAI's wire format byte for byte where
// the gateway cares: SSE chat/completion chunks, the include_usage chunk, [DONE], error bodies.
import { randomUUID } from 'node:crypto';
import {
  fakeEmbedding,
  promptWords,
  sendJson,
  splitReply,
  startFakeServer,
  writeStream,
  type Exchange,
  type FakeBehavior,
  type FakeUpstream,
  type WireFormat,
} from './fake-upstream-core.ts';

export type {
  FakeBehavior,
  FakeError,
  FakeToolCall,
  FakeUpstream,
  RecordedRequest,
} from './fake-upstream-core.ts';
export { DEFAULT_BEHAVIOR, fakeEmbedding, promptWords, splitReply } from './fake-upstream-core.ts';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- request JSON

const sse = (data: unknown): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const id = (prefix: string): string => prefix + randomUUID().replaceAll('-', '').slice(0, 24);
const now = (): number => Math.floor(Date.now() / 1000);

/** How an OpenAI-compatible vendor's wire differs from OpenAI's; every hook optional, none by default. */
export interface OpenAIWireVariant {
  /** Extra usage fields (OpenRouter's `cost`), from the token counts. */
  usageExtra?(usage: { prompt_tokens: number; completion_tokens: number }): Record<string, unknown>;
  /** Events sent before a chat stream's role chunk (Azure's `prompt_filter_results` chunk). */
  chatStreamPrelude?(): unknown[];
  /** How the models list names a model (Gemini: `models/<name>`). */
  modelId?(name: string): string;
}

function usageFor(body: Body, completionTokens: number, v: OpenAIWireVariant) {
  const prompt = promptWords(body);
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
  return v.usageExtra ? { ...usage, ...v.usageExtra(usage) } : usage;
}

/** What the model "says": text pieces, or tool calls when the request offers tools and the script has some. */
function answer(body: Body, b: FakeBehavior) {
  const wantsTools = Array.isArray(body.tools) && body.tools.length > 0 && b.toolCalls !== undefined;
  const toolCalls = wantsTools
    ? (b.toolCalls ?? []).map((c) => ({
        id: id('call_'),
        type: 'function' as const,
        function: { name: c.name, arguments: JSON.stringify(c.arguments) },
      }))
    : undefined;
  const pieces = toolCalls ? [] : splitReply(b.reply, b.chunks);
  const completionTokens = toolCalls ? toolCalls.length : pieces.length;
  const finish = toolCalls ? 'tool_calls' : b.finishReason;
  return { toolCalls, pieces, completionTokens, finish };
}

const errorEvent = (message: string): string =>
  sse({ error: { message, type: 'server_error', param: null, code: null } });

async function chat(ex: Exchange, v: OpenAIWireVariant): Promise<void> {
  const body = ex.req.body as Body;
  const b = ex.behavior;
  const { toolCalls, pieces, completionTokens, finish } = answer(body, b);
  const base = { id: id('chatcmpl-'), created: now(), model: body.model, system_fingerprint: 'fp_fake' };
  if (body.stream !== true) {
    const message = {
      role: 'assistant',
      content: toolCalls ? null : b.reply,
      refusal: null,
      tool_calls: toolCalls,
    };
    return sendJson(ex.res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      ...(b.usage ? { usage: usageFor(body, completionTokens, v) } : {}),
    });
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (delta: object, finishReason: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const content = toolCalls
    ? toolCalls.map((call, index) => sse(chunk({ tool_calls: [{ index, ...call }] }, null)))
    : pieces.map((piece) => sse(chunk({ content: piece }, null)));
  const tail = [sse(chunk({}, finish))];
  if (includeUsage && b.usage) {
    tail.push(
      sse({
        ...base,
        object: 'chat.completion.chunk',
        choices: [],
        usage: usageFor(body, completionTokens, v),
      }),
    );
  }
  tail.push(sse('[DONE]'));
  await writeStream(ex, {
    contentType: 'text/event-stream; charset=utf-8',
    head: [
      ...(v.chatStreamPrelude?.() ?? []).map(sse),
      sse(chunk({ role: 'assistant', content: '', refusal: null }, null)),
    ],
    content,
    tail,
    errorEvent,
  });
}

async function completion(ex: Exchange, v: OpenAIWireVariant): Promise<void> {
  const body = ex.req.body as Body;
  const b = ex.behavior;
  const pieces = splitReply(b.reply, b.chunks);
  const base = { id: id('cmpl-'), object: 'text_completion', created: now(), model: body.model };
  const choice = (text: string, finishReason: string | null) => ({
    text,
    index: 0,
    logprobs: null,
    finish_reason: finishReason,
  });
  if (body.stream !== true) {
    return sendJson(ex.res, 200, {
      ...base,
      choices: [choice(b.reply, b.finishReason)],
      ...(b.usage ? { usage: usageFor(body, pieces.length, v) } : {}),
    });
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const extra = includeUsage ? { usage: null } : {};
  const tail = [sse({ ...base, choices: [choice('', b.finishReason)], ...extra })];
  if (includeUsage && b.usage)
    tail.push(sse({ ...base, choices: [], usage: usageFor(body, pieces.length, v) }));
  tail.push(sse('[DONE]'));
  await writeStream(ex, {
    contentType: 'text/event-stream; charset=utf-8',
    head: [],
    content: pieces.map((piece) => sse({ ...base, choices: [choice(piece, null)], ...extra })),
    tail,
    errorEvent,
  });
}

function embeddings(ex: Exchange): void {
  const body = ex.req.body as Body;
  const input: unknown = body.input;
  const texts: string[] =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.every((x) => typeof x === 'number')
        ? [JSON.stringify(input)]
        : Array.isArray(input)
          ? input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
          : [];
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : ex.behavior.embeddingDimensions;
  const base64 = body.encoding_format === 'base64';
  const data = texts.map((text, index) => {
    const vector = fakeEmbedding(text, dimensions);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const prompt = promptWords(body);
  sendJson(ex.res, 200, {
    object: 'list',
    data,
    model: body.model,
    ...(ex.behavior.usage ? { usage: { prompt_tokens: prompt, total_tokens: prompt } } : {}),
  });
}

/** OpenAI's wire format, or a vendor's variant of it (for fakes of Azure, Gemini, OpenRouter…). */
export const openaiWireFormat = (v: OpenAIWireVariant = {}): WireFormat => ({
  routes: {
    'POST /chat/completions': (ex) => chat(ex, v),
    'POST /completions': (ex) => completion(ex, v),
    'POST /embeddings': embeddings,
    'GET /models': (ex) =>
      sendJson(ex.res, 200, {
        object: 'list',
        data: ex.behavior.models.map((m) => ({
          id: v.modelId ? v.modelId(m) : m,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'fake',
        })),
      }),
  },
  errorBody: (status, err) => ({
    error: {
      message: err.message,
      type: err.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: err.code ?? null,
    },
  }),
  unknownModel: (model) => ({
    status: 404,
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    code: 'model_not_found',
  }),
});

const openaiWire = openaiWireFormat();

/** Starts a fake OpenAI-compatible server; its `url` ends in `/v1`, as an api_base would. */
export function startFakeOpenAI(opts: Partial<FakeBehavior> = {}): Promise<FakeUpstream> {
  return startFakeServer(openaiWire, '/v1', opts);
}
