// Ollama /api/chat answers → OpenAI chat.completion objects and chat.completion.chunk stream pieces.
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ToolCall,
} from '../../../../shared/wire/openai-responses.ts';
import type { StreamPiece } from '../provider.ts';
import { argumentsText, finishReason, newId, ollamaUsage, unixNow, type OllamaChatLine } from './wire.ts';

function toToolCalls(line: OllamaChatLine): ToolCall[] {
  return (line.message?.tool_calls ?? []).map((call) => ({
    id: newId('call_'),
    type: 'function',
    function: { name: call.function.name, arguments: argumentsText(call.function.arguments) },
  }));
}

export function toChatCompletion(json: OllamaChatLine, fallbackModel: string): ChatCompletion {
  const toolCalls = toToolCalls(json);
  const usage = ollamaUsage(json);
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: toolCalls.length > 0 && !json.message?.content ? null : (json.message?.content ?? ''),
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: unixNow(),
    model: json.model ?? fallbackModel,
    choices: [
      {
        index: 0,
        message,
        finish_reason: finishReason(json.done_reason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
}

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/** Maps each NDJSON line of one stream to the pieces it produces; all chunks share one id. */
export function chatChunkMapper(fallbackModel: string): (line: OllamaChatLine) => StreamPiece[] {
  const id = newId('chatcmpl-');
  const created = unixNow();
  let roleSent = false;
  let toolCallCount = 0;

  return (line) => {
    const model = line.model ?? fallbackModel;
    const chunk = (choices: ChatCompletionChunk['choices']): ChatCompletionChunk => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices,
    });
    const delta: Delta = roleSent ? {} : { role: 'assistant' };
    const content = line.message?.content ?? '';
    if (content) delta.content = content;
    const calls = toToolCalls(line).map((call) => ({ index: toolCallCount++, ...call }));
    if (calls.length > 0) delta.tool_calls = calls;
    const text = content + calls.map((c) => c.function.arguments).join('');

    const pieces: StreamPiece[] = [];
    if (!line.done) {
      // Ollama sends empty lines (e.g. while a thinking model thinks); only the first, with the role, matters.
      if (roleSent && !text) return pieces;
      roleSent = true;
      pieces.push({
        data: JSON.stringify(chunk([{ index: 0, delta, finish_reason: null, logprobs: null }])),
        text,
      });
      return pieces;
    }
    roleSent = true;
    const finish = finishReason(line.done_reason, toolCallCount > 0);
    pieces.push({
      data: JSON.stringify(chunk([{ index: 0, delta, finish_reason: finish, logprobs: null }])),
      text,
    });
    const usage = ollamaUsage(line);
    if (usage)
      pieces.push({ data: JSON.stringify({ ...chunk([]), usage }), text: '', usage, usageOnly: true });
    return pieces;
  };
}
