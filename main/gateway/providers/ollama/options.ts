// OpenAI sampling fields → Ollama's `options`, and `response_format` → `format`: shared by /api/chat
// and /api/generate so both endpoints honour the same knobs.
import { GatewayError } from '../../errors.ts';

type Body = Record<string, unknown>;

// Same names on both sides; num_ctx, top_k and repeat_penalty are Ollama extensions clients may send.
const PASSTHROUGH_OPTIONS = [
  'temperature',
  'top_p',
  'top_k',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'num_ctx',
  'repeat_penalty',
] as const;

export function ollamaOptions(body: Body): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  // max_completion_tokens supersedes max_tokens in OpenAI's API, so it wins when both are sent.
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') options.num_predict = maxTokens;
  for (const key of PASSTHROUGH_OPTIONS) {
    if (typeof body[key] === 'number') options[key] = body[key];
  }
  if (typeof body.stop === 'string') options.stop = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) options.stop = body.stop;
  return options;
}

export function ollamaFormat(body: Body): unknown {
  const rf = body.response_format as
    { type?: unknown; json_schema?: { schema?: unknown } } | null | undefined;
  if (!rf || typeof rf !== 'object') return undefined;
  if (rf.type === 'json_object') return 'json';
  if (rf.type === 'json_schema') {
    const schema = rf.json_schema?.schema;
    if (!schema || typeof schema !== 'object') {
      throw new GatewayError(
        400,
        'invalid_request',
        'response_format.json_schema.schema must be a JSON schema object',
        {
          param: 'response_format',
        },
      );
    }
    return schema;
  }
  return undefined;
}

/** The request fields /api/chat and /api/generate have in common, absent ones left out. */
export function commonFields(body: Body): Record<string, unknown> {
  if (typeof body.n === 'number' && body.n > 1) {
    throw new GatewayError(400, 'invalid_request', 'Ollama returns one choice per request; n must be 1', {
      param: 'n',
    });
  }
  const fields: Record<string, unknown> = { options: ollamaOptions(body) };
  const format = ollamaFormat(body);
  if (format !== undefined) fields.format = format;
  if (typeof body.keep_alive === 'string' || typeof body.keep_alive === 'number')
    fields.keep_alive = body.keep_alive;
  return fields;
}
