// OpenAI chat/completions request → Anthropic Messages request, following LiteLLM's AnthropicConfig:
// the same defaults, renames and reasoning budgets, so configs and clients behave as they did there.
// Fields Anthropic has no counterpart for (logprobs, penalties, seed…) are left out rather than refused,
// since editors send them by habit.
import type { ChatCompletionRequest, CompletionRequest } from '../../../../shared/wire/openai-requests.ts';
import { GatewayError } from '../../errors.ts';
import { toAnthropicMessages } from './messages.ts';
import { JSON_TOOL_NAME } from './wire.ts';

/**
 * Anthropic requires max_tokens. LiteLLM's default (DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS) is used when the
 * client sets none; it is not clamped to the model's own limit (providers know no price table), so a
 * model whose output limit is lower answers Anthropic's own 400.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** LiteLLM's DEFAULT_REASONING_EFFORT_{LOW,MEDIUM,HIGH}_THINKING_BUDGET; 1024 is Anthropic's minimum. */
export const REASONING_BUDGETS: Record<string, number> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
};

type Body = Record<string, unknown>;

export interface AnthropicRequest {
  body: Body;
  /** The answer comes back as the JSON tool's input and is turned into message content. */
  jsonMode: boolean;
}

const invalid = (message: string, param: string): GatewayError =>
  new GatewayError(400, 'invalid_request', message, { param });

// LiteLLM's _valid_user_id: Anthropic refuses a metadata.user_id that is an email or a phone number.
const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;
const PHONE = /^\+?[\d\s()-]{7,}$/;

function stopSequences(stop: unknown): string[] | undefined {
  const list = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : [];
  // Anthropic rejects whitespace-only stop sequences; LiteLLM drops them too.
  const kept = list.filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  return kept.length > 0 ? kept : undefined;
}

/** Sampling and bookkeeping fields that chat and legacy completions share. */
function commonFields(body: Body, defaultMaxTokens: number): Body {
  if (typeof body.n === 'number' && body.n > 1) {
    throw invalid('Anthropic returns one choice per request; n must be 1', 'n');
  }
  const out: Body = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  out.max_tokens = typeof maxTokens === 'number' ? maxTokens : defaultMaxTokens;
  const stop = stopSequences(body.stop);
  if (stop) out.stop_sequences = stop;
  // OpenAI's temperature runs 0–2, Anthropic's 0–1.
  if (typeof body.temperature === 'number') out.temperature = Math.min(body.temperature, 1);
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (typeof body.top_k === 'number') out.top_k = body.top_k;
  if (typeof body.user === 'string' && body.user && !EMAIL.test(body.user) && !PHONE.test(body.user)) {
    out.metadata = { user_id: body.user };
  }
  return out;
}

function toAnthropicTool(tool: Body, i: number): Body {
  const fn = tool.function as Body | undefined;
  // Anthropic-shaped tools (input_schema, or a server tool such as web_search_20250305) pass through.
  if (tool.input_schema !== undefined || (fn === undefined && typeof tool.name === 'string')) return tool;
  if (tool.type !== 'function' || !fn || typeof fn.name !== 'string') {
    throw invalid(`tools[${i}] must be a function tool with a name`, 'tools');
  }
  const params = (fn.parameters ?? {}) as Body;
  const out: Body = { name: fn.name, input_schema: { type: 'object', properties: {}, ...params } };
  if (typeof fn.description === 'string') out.description = fn.description;
  const cache = tool.cache_control ?? fn.cache_control;
  if (cache !== undefined) out.cache_control = cache;
  return out;
}

function toolChoice(choice: unknown, parallel: unknown): Body | undefined {
  let out: Body | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice && typeof choice === 'object') {
    const name = (choice as { function?: { name?: unknown } }).function?.name;
    if (typeof name !== 'string') throw invalid('tool_choice must name a function', 'tool_choice');
    out = { type: 'tool', name };
  }
  if (parallel === false && out?.type !== 'none')
    out = { type: 'auto', ...out, disable_parallel_tool_use: true };
  return out;
}

function thinkingConfig(body: Body): Body | undefined {
  if (body.thinking && typeof body.thinking === 'object') return body.thinking as Body;
  const effort = body.reasoning_effort;
  if (effort === undefined || effort === null || effort === 'none') return undefined;
  const budget = typeof effort === 'string' ? REASONING_BUDGETS[effort] : undefined;
  if (budget === undefined) {
    throw invalid('reasoning_effort must be one of minimal, low, medium, high', 'reasoning_effort');
  }
  return { type: 'enabled', budget_tokens: budget };
}

/**
 * Anthropic counts thinking inside max_tokens and wants max_tokens above the budget. Without a client
 * max_tokens, LiteLLM's rule (budget + its default); with one too small, the budget is added on top so
 * the answer still gets the room the client asked for.
 */
function applyThinking(out: Body, body: Body, thinking: Body, defaultMaxTokens: number): void {
  out.thinking = thinking;
  if (thinking.type === 'disabled') return;
  // Thinking is incompatible with a changed temperature or top_k, and with top_p below 0.95.
  delete out.temperature;
  delete out.top_k;
  if (typeof out.top_p === 'number' && out.top_p < 0.95) delete out.top_p;
  const budget = thinking.budget_tokens;
  if (thinking.type !== 'enabled' || typeof budget !== 'number') return;
  const asked = body.max_completion_tokens ?? body.max_tokens;
  if (typeof asked !== 'number') out.max_tokens = Math.max(defaultMaxTokens, budget + DEFAULT_MAX_TOKENS);
  else if (asked <= budget) out.max_tokens = budget + asked;
}

/** LiteLLM's JSON mode for Anthropic: the schema becomes a tool the model is made to call. */
function jsonTool(format: unknown): Body | undefined {
  const rf = format as { type?: unknown; json_schema?: { schema?: unknown } } | null | undefined;
  if (!rf || typeof rf !== 'object' || rf.type === 'text') return undefined;
  if (rf.type === 'json_object') {
    return {
      name: JSON_TOOL_NAME,
      input_schema: { type: 'object', additionalProperties: true, properties: {} },
    };
  }
  if (rf.type === 'json_schema') {
    const schema = rf.json_schema?.schema;
    if (!schema || typeof schema !== 'object') {
      throw invalid('response_format.json_schema.schema must be a JSON schema object', 'response_format');
    }
    return { name: JSON_TOOL_NAME, input_schema: schema };
  }
  return undefined;
}

/**
 * `defaultMaxTokens`: what to send when the client names no max_tokens (Anthropic requires one): the
 * model's own output limit when model_info or the price table knows it.
 */
export function toAnthropicChat(
  model: string,
  request: ChatCompletionRequest,
  stream: boolean,
  defaultMaxTokens: number = DEFAULT_MAX_TOKENS,
): AnthropicRequest {
  const body = request as Body;
  const { system, messages } = toAnthropicMessages(request.messages);
  if (messages.length === 0) {
    throw invalid(
      'Anthropic needs at least one user or assistant message besides the system prompt',
      'messages',
    );
  }
  const out: Body = {
    model,
    messages,
    ...(system === undefined ? {} : { system }),
    ...commonFields(body, defaultMaxTokens),
  };
  const tools = (request.tools ?? []).map((t, i) => toAnthropicTool(t, i));
  // A tool_choice without tools is an error upstream; OpenAI clients send `"none"` that way.
  const choice = tools.length > 0 ? toolChoice(body.tool_choice, body.parallel_tool_calls) : undefined;
  const thinking = thinkingConfig(body);
  const json = jsonTool(body.response_format);
  if (json) tools.push(json);
  if (tools.length > 0) out.tools = tools;
  // Anthropic refuses forced tool use while thinking: the tool is then offered, not forced (LiteLLM too).
  const thinks = thinking !== undefined && thinking.type !== 'disabled';
  if (json && !thinks) out.tool_choice = { type: 'tool', name: JSON_TOOL_NAME };
  else if (choice) out.tool_choice = choice;
  if (thinking) applyThinking(out, body, thinking, defaultMaxTokens);
  if (stream) out.stream = true;
  return { body: out, jsonMode: json !== undefined };
}

/** Legacy completions (editors' autocomplete): the prompt becomes the one user message, as in LiteLLM. */
export function toAnthropicCompletion(
  model: string,
  request: CompletionRequest,
  stream: boolean,
  defaultMaxTokens: number = DEFAULT_MAX_TOKENS,
): Body {
  const { prompt } = request;
  let text: string;
  if (typeof prompt === 'string') text = prompt;
  else if (prompt.length === 1 && typeof prompt[0] === 'string') text = prompt[0];
  else {
    const why = prompt.some((p) => typeof p !== 'string')
      ? 'Anthropic takes prompts as text, not token arrays'
      : 'Anthropic takes one prompt per request';
    throw invalid(why, 'prompt');
  }
  const out: Body = {
    model,
    messages: [{ role: 'user', content: text }],
    ...commonFields(request as Body, defaultMaxTokens),
  };
  if (stream) out.stream = true;
  return out;
}
