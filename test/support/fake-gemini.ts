// A stand-in for Gemini's OpenAI-compatible layer (/v1beta/openai): OpenAI's wire for chat, embeddings
// and models, but strict about fields (an unknown one fails the request with Google's "Unknown name"
// 400, errors come wrapped in an array), no legacy /completions, and model ids listed as `models/…`.
import {
  sendJson,
  startFakeServer,
  type Exchange,
  type FakeBehavior,
  type FakeUpstream,
  type WireFormat,
} from './fake-upstream-core.ts';
import { openaiWireFormat } from './fake-openai.ts';

type Route = WireFormat['routes'][string];

/** Top-level chat fields the real endpoint refuses (from public reports of its 400s). */
export const GEMINI_REFUSED_FIELDS = [
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'store',
  'prompt_cache_key',
  'top_k',
  'thinking',
  'reasoning',
  'google',
  'max_completion_tokens',
];

const statusName = (status: number): string =>
  ({ 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED' })[
    status
  ] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');

const errorBody = (status: number, message: string) => [
  { error: { code: status, message, status: statusName(status) } },
];

const strict =
  (route: Route): Route =>
  (ex: Exchange) => {
    const body = (ex.req.body ?? {}) as Record<string, unknown>;
    const refused = GEMINI_REFUSED_FIELDS.find((f) => f in body);
    if (refused === undefined) return route(ex);
    const message = `Invalid JSON payload received. Unknown name "${refused}": Cannot find field.`;
    return sendJson(ex.res, 400, errorBody(400, message));
  };

/** Starts a fake Gemini OpenAI-compatible endpoint; its `url` ends in `/v1beta/openai`, the api_base. */
export function startFakeGemini(opts: Partial<FakeBehavior> = {}): Promise<FakeUpstream> {
  const wire = openaiWireFormat({ modelId: (m) => `models/${m}` });
  const geminiWire: WireFormat = {
    ...wire,
    routes: {
      'POST /chat/completions': strict(wire.routes['POST /chat/completions']!),
      'POST /embeddings': wire.routes['POST /embeddings']!,
      'GET /models': wire.routes['GET /models']!,
    },
    errorBody: (status, err) => errorBody(status, err.message),
  };
  return startFakeServer(geminiWire, '/v1beta/openai', opts);
}
