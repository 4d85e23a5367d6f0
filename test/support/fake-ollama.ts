// A scripted stand-in for Ollama's native API: NDJSON streams that end in a `done: true` line carrying
// the counts, `{"error": "..."}` bodies, and the /api/tags listing. Field names follow Ollama's api/types.go.
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

const line = (value: unknown): string => `${JSON.stringify(value)}\n`;
const errorEvent = (message: string): string => line({ error: message });

/** The final line's fields; the counts only when the script reports usage. */
function doneFields(body: Body, b: FakeBehavior, evalCount: number): Record<string, unknown> {
  return {
    done_reason: b.finishReason,
    done: true,
    total_duration: 1_234_567_890,
    load_duration: 12_345_678,
    ...(b.usage
      ? {
          prompt_eval_count: promptWords(body),
          prompt_eval_duration: 23_456_789,
          eval_count: evalCount,
          eval_duration: 345_678_901,
        }
      : {}),
  };
}

function toolCallsFor(body: Body, b: FakeBehavior) {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || b.toolCalls === undefined) return undefined;
  return b.toolCalls.map((c, index) => ({ function: { index, name: c.name, arguments: c.arguments } }));
}

async function chat(ex: Exchange): Promise<void> {
  const body = ex.req.body as Body;
  const b = ex.behavior;
  const toolCalls = toolCallsFor(body, b);
  const pieces = toolCalls ? [] : splitReply(b.reply, b.chunks);
  const evalCount = toolCalls ? toolCalls.length : pieces.length;
  const head = () => ({ model: body.model, created_at: new Date().toISOString() });
  // Ollama streams unless told otherwise.
  if (body.stream === false) {
    const message = {
      role: 'assistant',
      content: toolCalls ? '' : b.reply,
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    };
    return sendJson(ex.res, 200, { ...head(), message, ...doneFields(body, b, evalCount) });
  }
  const content = toolCalls
    ? [line({ ...head(), message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false })]
    : pieces.map((piece) => line({ ...head(), message: { role: 'assistant', content: piece }, done: false }));
  await writeStream(ex, {
    contentType: 'application/x-ndjson',
    head: [],
    content,
    tail: [
      line({ ...head(), message: { role: 'assistant', content: '' }, ...doneFields(body, b, evalCount) }),
    ],
    errorEvent,
  });
}

async function generate(ex: Exchange): Promise<void> {
  const body = ex.req.body as Body;
  const b = ex.behavior;
  const pieces = splitReply(b.reply, b.chunks);
  const head = () => ({ model: body.model, created_at: new Date().toISOString() });
  const done = { context: [1, 2, 3], ...doneFields(body, b, pieces.length) };
  if (body.stream === false) return sendJson(ex.res, 200, { ...head(), response: b.reply, ...done });
  await writeStream(ex, {
    contentType: 'application/x-ndjson',
    head: [],
    content: pieces.map((piece) => line({ ...head(), response: piece, done: false })),
    tail: [line({ ...head(), response: '', ...done })],
    errorEvent,
  });
}

function embed(ex: Exchange): void {
  const body = ex.req.body as Body;
  const input: unknown = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (!texts || !texts.every((t) => typeof t === 'string')) {
    return sendJson(ex.res, 400, { error: 'invalid input type' });
  }
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : ex.behavior.embeddingDimensions;
  sendJson(ex.res, 200, {
    model: body.model,
    embeddings: texts.map((t) => fakeEmbedding(t, dimensions)),
    total_duration: 14_143_917,
    load_duration: 1_019_500,
    ...(ex.behavior.usage ? { prompt_eval_count: promptWords(body) } : {}),
  });
}

function tags(ex: Exchange): void {
  sendJson(ex.res, 200, {
    models: ex.behavior.models.map((name, i) => ({
      name,
      model: name,
      modified_at: '2025-01-01T00:00:00.000000000Z',
      size: 1_000_000 + i,
      digest: `${i}`.padStart(64, 'a'),
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '1B',
        quantization_level: 'Q4_K_M',
      },
    })),
  });
}

const ollamaWire: WireFormat = {
  routes: {
    'POST /api/chat': chat,
    'POST /api/generate': generate,
    'POST /api/embed': embed,
    'GET /api/tags': tags,
  },
  errorBody: (_status, err) => ({ error: err.message }),
  unknownModel: (model) => ({ status: 404, message: `model "${model}" not found, try pulling it first` }),
};

/** Starts a fake Ollama; its `url` is the server root (http://127.0.0.1:port), as Ollama's api_base is. */
export function startFakeOllama(opts: Partial<FakeBehavior> = {}): Promise<FakeUpstream> {
  return startFakeServer(ollamaWire, '', opts);
}
