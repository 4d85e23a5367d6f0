// Anthropic's Messages API as the adapter reads it: only the fields it uses, all optional, so a new field
// or block type upstream breaks nothing. Plus the small pieces every translation shares (ids, stop
// reasons, usage).
import { randomUUID } from 'node:crypto';
import type { Usage } from '../../../../shared/wire/openai-responses.ts';

export const ANTHROPIC_BASE = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';

/** Counts may be absent, or explicitly null (the SDK types every cache field `number | null`). */
export interface AnthropicUsageWire {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** One content block of any type: text, tool_use, thinking, redacted_thinking, server tools… */
export interface ContentBlockWire {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  thinking?: string;
  signature?: string;
}

export interface MessageWire {
  id?: string;
  model?: string;
  content?: ContentBlockWire[];
  stop_reason?: string | null;
  usage?: AnthropicUsageWire;
}

/** One streamed event's data: `type` says which of the other fields it carries. */
export interface StreamEventWire {
  type: string;
  message?: MessageWire;
  index?: number;
  content_block?: ContentBlockWire;
  delta?: {
    type?: string;
    text?: string;
    partial_json?: string;
    thinking?: string;
    stop_reason?: string | null;
  };
  usage?: AnthropicUsageWire;
  error?: { type?: string; message?: string };
}

// LiteLLM's map_finish_reason for Anthropic, plus the stop reasons added since (pause_turn: a server tool
// paused a long turn; model_context_window_exceeded: the answer ran into the context window).
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReason(stopReason: string | null | undefined): string {
  return (stopReason && FINISH_REASONS[stopReason]) ?? 'stop';
}

/** Later counts win: message_delta's usage is cumulative and may restate message_start's input counts. */
export function mergeUsage(into: AnthropicUsageWire, from: AnthropicUsageWire | undefined): void {
  if (!from) return;
  for (const key of [
    'input_tokens',
    'output_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
  ] as const) {
    const v = from[key];
    if (typeof v === 'number') into[key] = v;
  }
}

/**
 * Anthropic's `input_tokens` leaves out the cached part of the prompt; OpenAI's prompt_tokens counts every
 * input token, so cache reads and writes are added back and named in the details.
 */
export function toOpenAIUsage(u: AnthropicUsageWire | undefined): Usage | undefined {
  if (!u) return undefined;
  const counts = [u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens];
  if (!counts.some((c) => typeof c === 'number')) return undefined;
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + read + write;
  const completion = u.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read },
    cache_creation_input_tokens: write,
  };
}

/** `prefix` includes its separator; Anthropic's own message id is kept when there is one. */
export function openaiId(prefix: string, anthropicId: string | undefined): string {
  return prefix + (anthropicId ?? randomUUID().replaceAll('-', ''));
}

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** LiteLLM's name for the tool that carries a `response_format` answer (Anthropic has no JSON mode). */
export const JSON_TOOL_NAME = 'json_tool_call';
