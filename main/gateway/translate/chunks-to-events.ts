// An OpenAI chat.completion.chunk stream → Anthropic's Messages stream events, in Anthropic's documented
// order: message_start, then per content block content_block_start / content_block_delta… /
// content_block_stop (with a ping after the first start), then message_delta (stop reason, usage) and
// message_stop. Each event is one StreamPiece whose `event` is its name.
import type { AnthropicStreamEvent, AnthropicUsage } from '../../../shared/wire/anthropic-responses.ts';
import type { Usage } from '../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../errors.ts';
import type { ProviderStream, StreamPiece } from '../providers/provider.ts';
import { anthropicUsage, newMessageId, newToolUseId, reasoningOf, stopReasonOf } from './chat-to-message.ts';

export interface ChunkTranslation {
  /** The model name the client asked for, echoed in message_start. */
  model: string;
  stopSequences?: readonly string[] | undefined;
  /** The best-known prompt size for message_start: upstreams report real usage only at the end. */
  promptTokens: () => Promise<number>;
  /** Counts output text when the upstream reports no usage at all. */
  countText: (text: string) => Promise<number>;
}

interface ChunkChoice {
  delta?: {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
    tool_calls?: { index?: number; id?: unknown; function?: { name?: unknown; arguments?: unknown } }[];
  };
  finish_reason?: string | null;
  stop_reason?: unknown;
}

type Open = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number };

const piece = (e: AnthropicStreamEvent, text = ''): StreamPiece => ({
  event: e.type,
  data: JSON.stringify(e),
  text,
});

/** Translates as it goes; nothing is yielded before the upstream's first chunk, so routing can still fall back. */
export async function* chunksToEvents(upstream: ProviderStream, t: ChunkTranslation): ProviderStream {
  try {
    let step = await upstream.next();
    let next = 0;
    let open: (Open & { index: number }) | undefined;
    let pinged = false;
    const toolBlocks = new Map<number, number>();
    let finish: string | null | undefined;
    let matched: unknown;
    let usage: Usage | undefined;
    let output = '';

    const input = await t.promptTokens().catch(() => 0);
    yield piece({
      type: 'message_start',
      message: {
        id: newMessageId(),
        type: 'message',
        role: 'assistant',
        model: t.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: 0 },
      },
    });

    function* close(): Generator<StreamPiece> {
      if (open) yield piece({ type: 'content_block_stop', index: open.index });
      open = undefined;
    }
    function* start(o: Open, block: Parameters<typeof startEvent>[1]): Generator<StreamPiece> {
      yield* close();
      open = { ...o, index: next++ };
      yield piece(startEvent(open.index, block));
      if (!pinged) {
        pinged = true;
        yield piece({ type: 'ping' });
      }
    }

    for (; !step.done; step = await upstream.next()) {
      const p = step.value;
      if (p.usage) usage = p.usage;
      let chunk: { choices?: ChunkChoice[] };
      try {
        chunk = JSON.parse(p.data) as { choices?: ChunkChoice[] };
      } catch {
        throw new GatewayError(502, 'upstream_error', 'The upstream sent a stream event that is not JSON', {
          retryable: true,
        });
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      const thinking = reasoningOf(delta);
      if (thinking) {
        if (open?.kind !== 'thinking') yield* start({ kind: 'thinking' }, { type: 'thinking' });
        output += thinking;
        yield piece(
          { type: 'content_block_delta', index: open!.index, delta: { type: 'thinking_delta', thinking } },
          thinking,
        );
      }
      if (typeof delta.content === 'string' && delta.content !== '') {
        if (open?.kind !== 'text') yield* start({ kind: 'text' }, { type: 'text' });
        output += delta.content;
        yield piece(
          {
            type: 'content_block_delta',
            index: open!.index,
            delta: { type: 'text_delta', text: delta.content },
          },
          delta.content,
        );
      }
      for (const call of delta.tool_calls ?? []) {
        const toolIndex = typeof call.index === 'number' ? call.index : 0;
        let index = toolBlocks.get(toolIndex);
        if (index === undefined) {
          const id = typeof call.id === 'string' && call.id ? call.id : newToolUseId();
          const name = typeof call.function?.name === 'string' ? call.function.name : '';
          yield* start({ kind: 'tool', toolIndex }, { type: 'tool_use', id, name });
          index = open!.index;
          toolBlocks.set(toolIndex, index);
        }
        const args = call.function?.arguments;
        // Arguments may arrive as one object (Ollama-style) or as JSON text in fragments (OpenAI).
        const json =
          typeof args === 'string' ? args : args && typeof args === 'object' ? JSON.stringify(args) : '';
        if (json === '') continue;
        output += json;
        // A fragment for an earlier call (servers that interleave parallel calls) still names its own block.
        yield piece(
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } },
          json,
        );
      }
      if (choice.finish_reason) {
        finish = choice.finish_reason;
        matched = choice.stop_reason;
      }
    }

    yield* close();
    if (!pinged) yield piece({ type: 'ping' });
    const toolUsed = toolBlocks.size > 0 && (finish === 'stop' || !finish);
    const stop = stopReasonOf(toolUsed ? 'tool_calls' : finish, matched, t.stopSequences);
    const final: Partial<AnthropicUsage> & { output_tokens: number } = usage
      ? anthropicUsage(usage)
      : { output_tokens: output === '' ? 0 : await t.countText(output) };
    const last = piece({ type: 'message_delta', delta: stop, usage: final });
    if (usage) last.usage = usage;
    yield last;
    yield piece({ type: 'message_stop' });
  } finally {
    await upstream.return?.();
  }
}

function startEvent(
  index: number,
  block: { type: 'text' } | { type: 'thinking' } | { type: 'tool_use'; id: string; name: string },
): AnthropicStreamEvent {
  const content_block =
    block.type === 'text'
      ? { type: 'text' as const, text: '' }
      : block.type === 'thinking'
        ? { type: 'thinking' as const, thinking: '', signature: '' }
        : { type: 'tool_use' as const, id: block.id, name: block.name, input: {} };
  return { type: 'content_block_start', index, content_block };
}
