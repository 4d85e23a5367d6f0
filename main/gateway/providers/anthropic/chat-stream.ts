// Anthropic stream events → OpenAI chat.completion.chunk / text_completion pieces. Anthropic streams
// content blocks (text, tool_use, thinking) by index; OpenAI streams one delta per chunk, tool calls by
// their own index. Usage arrives in two halves (input on message_start, output on message_delta) and
// leaves as one usage-only chunk at message_stop.
import type { Usage } from '../../../../shared/wire/openai-responses.ts';
import type { StreamPiece } from '../provider.ts';
import {
  finishReason,
  JSON_TOOL_NAME,
  mergeUsage,
  openaiId,
  toOpenAIUsage,
  unixNow,
  type AnthropicUsageWire,
  type StreamEventWire,
} from './wire.ts';

// OpenAI's chunk delta, plus LiteLLM's reasoning_content; a tool call's later fragments carry no name.
interface Delta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: {
    index: number;
    id?: string;
    type?: 'function';
    function: { name?: string; arguments: string };
  }[];
}

/** OpenAI's last chunk when usage is asked for: no choices, only the counts. */
function usageOnly(
  head: { id: string; object: string; created: number; model: string },
  usage: Usage,
): StreamPiece {
  return { data: JSON.stringify({ ...head, choices: [], usage }), text: '', usage, usageOnly: true };
}

/** Maps each event of one stream to the pieces it produces; all chunks share one id. */
export function chatEventMapper(
  fallbackModel: string,
  jsonMode: boolean,
): (e: StreamEventWire) => StreamPiece[] {
  let id = openaiId('chatcmpl-', undefined);
  let model = fallbackModel;
  const created = unixNow();
  const usage: AnthropicUsageWire = {};
  let roleSent = false;
  let finished = false;
  // Anthropic block index → OpenAI tool-call index; JSON-mode blocks are streamed as content instead.
  const toolIndex = new Map<number, number>();
  const jsonBlocks = new Set<number>();

  const chunk = (delta: Delta, finish: string | null, text: string): StreamPiece => {
    if (!roleSent) delta = { role: 'assistant', ...delta };
    roleSent = true;
    const body = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
    return { data: JSON.stringify(body), text };
  };
  const finish = (stopReason: string | null | undefined): StreamPiece => {
    finished = true;
    const reason = finishReason(stopReason);
    // Only the JSON-mode tool was called: to the client that is a plain answer.
    return chunk({}, reason === 'tool_calls' && toolIndex.size === 0 ? 'stop' : reason, '');
  };

  return (e) => {
    const index = e.index ?? 0;
    switch (e.type) {
      case 'message_start': {
        id = openaiId('chatcmpl-', e.message?.id);
        model = e.message?.model ?? fallbackModel;
        mergeUsage(usage, e.message?.usage);
        return [chunk({ content: '' }, null, '')];
      }
      case 'content_block_start': {
        const block = e.content_block;
        if (block?.type === 'tool_use') {
          if (jsonMode && block.name === JSON_TOOL_NAME) {
            jsonBlocks.add(index);
            return [];
          }
          const n = toolIndex.size;
          toolIndex.set(index, n);
          const call = { index: n, id: block.id ?? '', type: 'function' as const };
          return [
            chunk(
              { tool_calls: [{ ...call, function: { name: block.name ?? '', arguments: '' } }] },
              null,
              '',
            ),
          ];
        }
        if (block?.type === 'text' && block.text) return [chunk({ content: block.text }, null, block.text)];
        if (block?.type === 'thinking' && block.thinking)
          return [chunk({ reasoning_content: block.thinking }, null, block.thinking)];
        return [];
      }
      case 'content_block_delta': {
        const d = e.delta ?? {};
        if (d.type === 'text_delta' && d.text) return [chunk({ content: d.text }, null, d.text)];
        if (d.type === 'thinking_delta' && d.thinking)
          return [chunk({ reasoning_content: d.thinking }, null, d.thinking)];
        if (d.type === 'input_json_delta' && d.partial_json) {
          if (jsonBlocks.has(index)) return [chunk({ content: d.partial_json }, null, d.partial_json)];
          const n = toolIndex.get(index);
          if (n === undefined) return []; // a server tool's input (web search…): Anthropic runs it itself
          return [
            chunk(
              { tool_calls: [{ index: n, function: { arguments: d.partial_json } }] },
              null,
              d.partial_json,
            ),
          ];
        }
        return []; // signature_delta, citations_delta…
      }
      case 'message_delta': {
        mergeUsage(usage, e.usage);
        return e.delta?.stop_reason && !finished ? [finish(e.delta.stop_reason)] : [];
      }
      case 'message_stop': {
        const pieces = finished ? [] : [finish(undefined)];
        const total = toOpenAIUsage(usage);
        if (total) pieces.push(usageOnly({ id, object: 'chat.completion.chunk', created, model }, total));
        return pieces;
      }
      default:
        return []; // ping, content_block_stop, and event types added later
    }
  };
}

/** The same for legacy completions: only text counts, one text_completion chunk per delta. */
export function completionEventMapper(fallbackModel: string): (e: StreamEventWire) => StreamPiece[] {
  let id = openaiId('cmpl-', undefined);
  let model = fallbackModel;
  const created = unixNow();
  const usage: AnthropicUsageWire = {};
  let finished = false;
  const chunk = (text: string, finish: string | null): StreamPiece => ({
    data: JSON.stringify({
      id,
      object: 'text_completion',
      created,
      model,
      choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
    }),
    text,
  });
  return (e) => {
    switch (e.type) {
      case 'message_start':
        id = openaiId('cmpl-', e.message?.id);
        model = e.message?.model ?? fallbackModel;
        mergeUsage(usage, e.message?.usage);
        return [];
      case 'content_block_delta':
        return e.delta?.type === 'text_delta' && e.delta.text ? [chunk(e.delta.text, null)] : [];
      case 'message_delta':
        mergeUsage(usage, e.usage);
        if (!e.delta?.stop_reason || finished) return [];
        finished = true;
        return [chunk('', finishReason(e.delta.stop_reason))];
      case 'message_stop': {
        const pieces = finished ? [] : [chunk('', 'stop')];
        const total = toOpenAIUsage(usage);
        if (total) pieces.push(usageOnly({ id, object: 'text_completion', created, model }, total));
        return pieces;
      }
      default:
        return [];
    }
  };
}
