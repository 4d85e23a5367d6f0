// OpenAI chat.completion → Anthropic Message, for /v1/messages clients of deployments that answer in
// OpenAI's dialect. Reasoning that OpenAI-compatible servers return beside the answer (`reasoning_content`
// from DeepSeek and vLLM, `reasoning` from OpenRouter and Ollama) becomes a thinking block.
import { randomUUID } from 'node:crypto';
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicStopReason,
  AnthropicUsage,
} from '../../../shared/wire/anthropic-responses.ts';
import type { Usage } from '../../../shared/wire/openai-responses.ts';

export const newMessageId = (): string => `msg_${randomUUID().replaceAll('-', '')}`;
export const newToolUseId = (): string => `toolu_${randomUUID().replaceAll('-', '').slice(0, 24)}`;

/**
 * OpenAI's finish_reason as Anthropic's stop_reason. A plain `stop` caused by one of the request's stop
 * sequences is reported as such only when the upstream says which one (vLLM's `stop_reason`); OpenAI
 * itself does not say.
 */
export function stopReasonOf(
  finish: string | null | undefined,
  matched: unknown,
  stopSequences: readonly string[] | undefined,
): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  switch (finish) {
    case 'length':
      return { stop_reason: 'max_tokens', stop_sequence: null };
    case 'tool_calls':
    case 'function_call':
      return { stop_reason: 'tool_use', stop_sequence: null };
    case 'content_filter':
      return { stop_reason: 'refusal', stop_sequence: null };
    default:
      if (typeof matched === 'string' && stopSequences?.includes(matched))
        return { stop_reason: 'stop_sequence', stop_sequence: matched };
      return { stop_reason: 'end_turn', stop_sequence: null };
  }
}

/**
 * OpenAI usage in Anthropic's terms: Anthropic's input_tokens leaves out cache reads and writes, which
 * OpenAI's prompt_tokens includes.
 */
export function anthropicUsage(usage: Usage | undefined, fallbackInput = 0): AnthropicUsage {
  if (!usage) return { input_tokens: fallbackInput, output_tokens: 0 };
  const read = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const write = usage.cache_creation_input_tokens ?? 0;
  const out: AnthropicUsage = {
    input_tokens: Math.max(0, (usage.prompt_tokens ?? 0) - read - write),
    output_tokens: usage.completion_tokens ?? 0,
  };
  if (read > 0 || usage.prompt_tokens_details?.cached_tokens !== undefined)
    out.cache_read_input_tokens = read;
  if (write > 0) out.cache_creation_input_tokens = write;
  return out;
}

/** Tool arguments as the object Anthropic's `input` is; text that is not a JSON object is kept under `raw`. */
export function parseToolInput(args: unknown): unknown {
  if (args && typeof args === 'object') return args;
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { raw: args };
  } catch {
    return { raw: args };
  }
}

interface ChatChoice {
  message?: {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
    tool_calls?: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }[] | null;
  };
  finish_reason?: string | null;
  stop_reason?: unknown;
}

export function reasoningOf(x: { reasoning_content?: unknown; reasoning?: unknown } | undefined): string {
  if (typeof x?.reasoning_content === 'string') return x.reasoning_content;
  if (typeof x?.reasoning === 'string') return x.reasoning;
  return '';
}

export function toAnthropicMessage(
  completion: unknown,
  opts: { model: string; stopSequences?: readonly string[] | undefined; usage: Usage | undefined },
): AnthropicMessage {
  const choice = ((completion as { choices?: ChatChoice[] } | null)?.choices ?? [])[0];
  const msg = choice?.message;
  const content: AnthropicContentBlock[] = [];
  const thinking = reasoningOf(msg);
  if (thinking) content.push({ type: 'thinking', thinking, signature: '' });
  if (typeof msg?.content === 'string' && msg.content !== '')
    content.push({ type: 'text', text: msg.content });
  for (const call of msg?.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: typeof call.id === 'string' && call.id ? call.id : newToolUseId(),
      name: typeof call.function?.name === 'string' ? call.function.name : '',
      input: parseToolInput(call.function?.arguments),
    });
  }
  const stop = stopReasonOf(
    content.some((b) => b.type === 'tool_use') && choice?.finish_reason === 'stop'
      ? 'tool_calls'
      : choice?.finish_reason,
    choice?.stop_reason,
    opts.stopSequences,
  );
  return {
    id: newMessageId(),
    type: 'message',
    role: 'assistant',
    model: opts.model,
    content,
    ...stop,
    usage: anthropicUsage(opts.usage),
  };
}
