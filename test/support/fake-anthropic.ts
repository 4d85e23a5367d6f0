// A scripted stand-in for Anthropic's API, speaking its wire format where the gateway cares: Messages
// (JSON and named SSE events: message_start, content blocks for thinking/text/tool_use, message_delta
// with the output count, message_stop, ping, in-band error events), count_tokens, the paginated model
// list, and `{type: 'error', error: {type, message}}` bodies with Anthropic's status for each type.
// It also refuses what Anthropic refuses (no anthropic-version header, no max_tokens, temperature above
// 1, tool blocks without tools…), so a test passes only if the gateway sends a request Anthropic takes.
// `url` is the origin (no /v1), usable as an api_base and as the Anthropic SDK's baseURL.
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
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

export type { FakeError, FakeToolCall, RecordedRequest } from './fake-upstream-core.ts';

export interface AnthropicFakeBehavior extends FakeBehavior {
  /** Thinking the model does before answering, sent only when the request turns thinking on. */
  thinking?: string;
  /** Reported as cache reads / writes, on top of `input_tokens` (the prompt's words). */
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  /** Overrides the stop_reason (e.g. `stop_sequence`, `refusal`, `pause_turn`). */
  stopReason?: string;
  /** The `error.type` of `midStreamError`'s event; `api_error` when unset. */
  midStreamErrorType?: string;
  /** Answers POST /v1/messages with exactly these bytes (a recorded response) instead of generating one. */
  replay?: { status?: number; contentType: string; body: string };
  /** The most models one GET /v1/models page holds, whatever `limit` asks (to exercise pagination). */
  modelsPageSize?: number;
}

export interface FakeAnthropic extends FakeUpstream {
  setBehavior(patch: Partial<AnthropicFakeBehavior>): void;
}

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- request JSON

const STATUS_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const sse = (data: { type: string } & Record<string, unknown>): string =>
  `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
const id = (prefix: string): string => prefix + randomUUID().replaceAll('-', '').slice(0, 24);
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Input tokens the fake reports: words in the system prompt and in the messages' text. */
export function anthropicInputWords(body: Body): number {
  const system = body.system;
  const systemWords =
    typeof system === 'string'
      ? words(system)
      : Array.isArray(system)
        ? system.reduce((n: number, b: Body) => n + (typeof b.text === 'string' ? words(b.text) : 0), 0)
        : 0;
  return systemWords + promptWords({ messages: body.messages });
}

/** What Anthropic answers 400 to, in its own words; undefined when the request is one it takes. */
function rejection(body: Body, headers: IncomingHttpHeaders, counting: boolean): string | undefined {
  if (!headers['anthropic-version']) return 'anthropic-version: header is required';
  if (typeof body?.model !== 'string') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (!counting && !(Number.isInteger(body.max_tokens) && body.max_tokens > 0))
    return 'max_tokens: Field required';
  if (typeof body.temperature === 'number' && body.temperature > 1)
    return 'temperature: Input should be less than or equal to 1';
  for (const [i, m] of (body.messages as Body[]).entries()) {
    if (m.role !== 'user' && m.role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
  }
  const blocks = (body.messages as Body[]).flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const usesTools = blocks.some((b: Body) => b.type === 'tool_use' || b.type === 'tool_result');
  if (usesTools && !(Array.isArray(body.tools) && body.tools.length > 0))
    return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
  const budget = body.thinking?.type === 'enabled' ? body.thinking.budget_tokens : undefined;
  if (!counting && typeof budget === 'number' && budget >= body.max_tokens)
    return '`max_tokens` must be greater than `thinking.budget_tokens`';
  return undefined;
}

function answer(body: Body, b: AnthropicFakeBehavior) {
  const wantsTools = Array.isArray(body.tools) && body.tools.length > 0 && b.toolCalls !== undefined;
  const toolUses = wantsTools
    ? (b.toolCalls ?? []).map((c) => ({
        type: 'tool_use',
        id: id('toolu_'),
        name: c.name,
        input: c.arguments,
      }))
    : undefined;
  const thinks = b.thinking !== undefined && ['enabled', 'adaptive'].includes(body.thinking?.type);
  const thinking = thinks ? splitReply(b.thinking ?? '', undefined) : [];
  const pieces = toolUses ? [] : splitReply(b.reply, b.chunks);
  const outputTokens = (toolUses ? toolUses.length : pieces.length) + thinking.length;
  const stopReason =
    b.stopReason ?? (toolUses ? 'tool_use' : b.finishReason === 'length' ? 'max_tokens' : 'end_turn');
  const usage = {
    input_tokens: anthropicInputWords(body),
    cache_creation_input_tokens: b.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: b.cacheReadInputTokens ?? 0,
  };
  return { toolUses, thinking, pieces, outputTokens, stopReason, usage };
}

async function messages(ex: Exchange): Promise<void> {
  const body = ex.req.body as Body;
  const b = ex.behavior as AnthropicFakeBehavior;
  if (b.replay) {
    ex.res.writeHead(b.replay.status ?? 200, { 'content-type': b.replay.contentType });
    return void ex.res.end(b.replay.body);
  }
  const refused = rejection(body, ex.req.headers, false);
  if (refused) return sendJson(ex.res, 400, anthropicWire.errorBody(400, { message: refused }));
  const { toolUses, thinking, pieces, outputTokens, stopReason, usage } = answer(body, b);
  const signature = Buffer.from(`fake-signature:${b.thinking ?? ''}`).toString('base64');
  const messageId = id('msg_');
  if (body.stream !== true) {
    const content: Body[] = [];
    if (thinking.length > 0) content.push({ type: 'thinking', thinking: b.thinking, signature });
    if (toolUses) content.push(...toolUses);
    else content.push({ type: 'text', text: b.reply });
    return sendJson(ex.res, 200, {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      ...(b.usage ? { usage: { ...usage, output_tokens: outputTokens } } : {}),
    });
  }
  const message = {
    id: messageId,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    ...(b.usage ? { usage: { ...usage, output_tokens: 1 } } : {}),
  };
  const head = [sse({ type: 'message_start', message }), sse({ type: 'ping' })];
  let index = 0;
  if (thinking.length > 0) {
    head.push(
      sse({
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      }),
    );
    for (const t of thinking)
      head.push(sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } }));
    head.push(sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature } }));
    head.push(sse({ type: 'content_block_stop', index }));
    index++;
  }
  const content: string[] = [];
  const tail: string[] = [];
  if (toolUses) {
    for (const use of toolUses) {
      const json = JSON.stringify(use.input);
      const half = Math.ceil(json.length / 2);
      const start = { ...use, input: {} };
      content.push(
        [
          sse({ type: 'content_block_start', index, content_block: start }),
          ...['', json.slice(0, half), json.slice(half)].map((partial_json) =>
            sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }),
          ),
          sse({ type: 'content_block_stop', index }),
        ].join(''),
      );
      index++;
    }
  } else {
    head.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    for (const text of pieces)
      content.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
    tail.push(sse({ type: 'content_block_stop', index }));
  }
  tail.push(
    sse({
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      ...(b.usage ? { usage: { output_tokens: outputTokens } } : {}),
    }),
    sse({ type: 'message_stop' }),
  );
  await writeStream(ex, {
    contentType: 'text/event-stream; charset=utf-8',
    head,
    content,
    tail,
    errorEvent: (text) =>
      sse({ type: 'error', error: { type: b.midStreamErrorType ?? 'api_error', message: text } }),
  });
}

function countTokens(ex: Exchange): void {
  const body = ex.req.body as Body;
  const refused = rejection(body, ex.req.headers, true);
  if (refused) return sendJson(ex.res, 400, anthropicWire.errorBody(400, { message: refused }));
  sendJson(ex.res, 200, { input_tokens: anthropicInputWords(body) });
}

function models(ex: Exchange): void {
  const b = ex.behavior as AnthropicFakeBehavior;
  const query = ex.req.query ?? new URLSearchParams();
  const limit = Math.min(Number(query.get('limit') ?? 20), b.modelsPageSize ?? 1000);
  const after = query.get('after_id');
  const start = after === null ? 0 : b.models.indexOf(after) + 1;
  const page = b.models.slice(start, start + limit);
  sendJson(ex.res, 200, {
    data: page.map((m) => ({ type: 'model', id: m, display_name: m, created_at: '2025-05-14T00:00:00Z' })),
    has_more: start + limit < b.models.length,
    first_id: page[0] ?? null,
    last_id: page.at(-1) ?? null,
  });
}

const anthropicWire: WireFormat = {
  routes: {
    'POST /v1/messages': messages,
    'POST /v1/messages/count_tokens': countTokens,
    'GET /v1/models': models,
  },
  errorBody: (status, err) => ({
    type: 'error',
    error: {
      type: err.type ?? STATUS_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
      message: err.message,
    },
    request_id: id('req_'),
  }),
  unknownModel: (model) => ({ status: 404, message: `model: ${model}`, type: 'not_found_error' }),
  auth: {
    sentKey: (headers) => (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined),
    rejection: () => ({ message: 'invalid x-api-key', type: 'authentication_error' }),
  },
  // Anthropic says when to come back after a rate limit; a test's own `error.headers` win.
  errorHeaders: (status): Record<string, string> => (status === 429 ? { 'retry-after': '1' } : {}),
};

/** Starts a fake Anthropic API; its `url` is the origin, as `api_base: https://api.anthropic.com` would be. */
export async function startFakeAnthropic(opts: Partial<AnthropicFakeBehavior> = {}): Promise<FakeAnthropic> {
  return startFakeServer(anthropicWire, '', opts);
}
