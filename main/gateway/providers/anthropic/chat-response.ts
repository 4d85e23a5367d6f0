// An Anthropic Message → OpenAI chat.completion / text_completion. Thinking comes back the way LiteLLM
// returns it (`reasoning_content`, plus the signed `thinking_blocks` a client must send back with tool
// results while thinking is on).
import type { ChatCompletion, TextCompletion, ToolCall } from '../../../../shared/wire/openai-responses.ts';
import { finishReason, JSON_TOOL_NAME, openaiId, toOpenAIUsage, unixNow, type MessageWire } from './wire.ts';

type ChatMessageOut = ChatCompletion['choices'][number]['message'] & {
  reasoning_content?: string;
  thinking_blocks?: unknown[];
};

export type AnthropicChatCompletion = Omit<ChatCompletion, 'choices'> & {
  choices: (Omit<ChatCompletion['choices'][number], 'message'> & { message: ChatMessageOut })[];
};

export function toChatCompletion(
  msg: MessageWire,
  fallbackModel: string,
  jsonMode: boolean,
): AnthropicChatCompletion {
  const blocks = msg.content ?? [];
  let text = blocks
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('');
  let toolCalls: ToolCall[] = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: b.id ?? '',
      type: 'function',
      function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) },
    }));
  let finish = finishReason(msg.stop_reason);
  const json = jsonMode ? toolCalls.find((c) => c.function.name === JSON_TOOL_NAME) : undefined;
  if (json) {
    // JSON mode: the forced tool's input is the answer itself.
    text = json.function.arguments;
    toolCalls = toolCalls.filter((c) => c !== json);
    if (toolCalls.length === 0) finish = 'stop';
  }
  const message: ChatMessageOut = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const thinking = blocks.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking');
  if (thinking.length > 0) {
    message.reasoning_content = thinking.map((b) => b.thinking ?? '').join('');
    message.thinking_blocks = thinking;
  }
  const usage = toOpenAIUsage(msg.usage);
  return {
    id: openaiId('chatcmpl-', msg.id),
    object: 'chat.completion',
    created: unixNow(),
    model: msg.model ?? fallbackModel,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    ...(usage ? { usage } : {}),
  };
}

export function toTextCompletion(msg: MessageWire, fallbackModel: string): TextCompletion {
  const text = (msg.content ?? [])
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('');
  const usage = toOpenAIUsage(msg.usage);
  return {
    id: openaiId('cmpl-', msg.id),
    object: 'text_completion',
    created: unixNow(),
    model: msg.model ?? fallbackModel,
    choices: [{ index: 0, text, finish_reason: finishReason(msg.stop_reason), logprobs: null }],
    ...(usage ? { usage } : {}),
  };
}
