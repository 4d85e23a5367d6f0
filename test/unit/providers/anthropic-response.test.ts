// Anthropic answers → OpenAI shapes, from the documented responses under test/fixtures/anthropic/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  toChatCompletion,
  toTextCompletion,
} from '../../../main/gateway/providers/anthropic/chat-response.ts';
import {
  chatEventMapper,
  completionEventMapper,
} from '../../../main/gateway/providers/anthropic/chat-stream.ts';
import { sseEvents, type SseEvent } from '../../../main/gateway/providers/anthropic/event-stream.ts';
import type { MessageWire, StreamEventWire } from '../../../main/gateway/providers/anthropic/wire.ts';
import type { StreamPiece } from '../../../main/gateway/providers/provider.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');

/** The fixture's bytes in small uneven slices, as a network would deliver them. */
async function* slices(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function events(name: string): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of sseEvents(slices(fixture(name)))) out.push(e);
  return out;
}

async function chatPieces(name: string, jsonMode = false): Promise<StreamPiece[]> {
  const map = chatEventMapper('fallback-model', jsonMode);
  return (await events(name)).flatMap((e) => map(JSON.parse(e.data) as StreamEventWire));
}

interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: {
    delta: {
      role?: string;
      content?: string;
      reasoning_content?: string;
      tool_calls?: { index: number; id?: string; function: { name?: string; arguments: string } }[];
    };
    finish_reason: string | null;
  }[];
  usage?: unknown;
}
const chunks = (pieces: StreamPiece[]): Chunk[] => pieces.map((p) => JSON.parse(p.data) as Chunk);
const deltas = (pieces: StreamPiece[]) => chunks(pieces).flatMap((c) => c.choices.map((ch) => ch.delta));

describe('Anthropic SSE parsing', () => {
  it('yields every event with its name and its data exactly as written, across arbitrary chunk borders', async () => {
    const text = fixture('stream-text-hello.sse');
    const parsed = await events('stream-text-hello.sse');
    expect(parsed.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of parsed) expect(text).toContain(`event: ${e.event}\ndata: ${e.data}\n\n`);
    expect(parsed[6]?.data).toBe(
      '{"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}',
    );
  });
});

describe('Anthropic stream → chat.completion.chunk', () => {
  it('the basic text stream: role first, text deltas, finish stop, then one usage-only chunk', async () => {
    const pieces = await chatPieces('stream-text-hello.sse');
    const all = chunks(pieces);
    expect(new Set(all.map((c) => c.id))).toEqual(
      new Set(['chatcmpl-msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY']),
    );
    expect(
      all.every((c) => c.object === 'chat.completion.chunk' && c.model === 'claude-opus-4-20250514'),
    ).toBe(true);
    expect(all[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(pieces.map((p) => p.text).join('')).toBe('Hello!');
    expect(
      deltas(pieces)
        .map((d) => d.content ?? '')
        .join(''),
    ).toBe('Hello!');
    expect(all.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['stop']);
    const last = pieces.at(-1)!;
    const usage = { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 };
    expect(last).toMatchObject({ usageOnly: true, usage, text: '' });
    expect(JSON.parse(last.data)).toMatchObject({ choices: [], usage });
    expect(pieces.filter((p) => p.usage)).toHaveLength(1);
  });

  it('text then a tool call: tool_calls delta with id and name, arguments in fragments, finish tool_calls', async () => {
    const pieces = await chatPieces('stream-text-then-tool-use-get-weather.sse');
    const d = deltas(pieces);
    expect(d.map((x) => x.content ?? '').join('')).toBe(
      "Okay, let's check the weather for San Francisco, CA:",
    );
    const calls = d.flatMap((x) => x.tool_calls ?? []);
    expect(calls[0]).toEqual({
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(calls.every((c) => c.index === 0)).toBe(true);
    expect(JSON.parse(calls.map((c) => c.function.arguments).join(''))).toEqual({
      location: 'San Francisco, CA',
      unit: 'fahrenheit',
    });
    expect(
      chunks(pieces)
        .flatMap((c) => c.choices.map((ch) => ch.finish_reason))
        .filter(Boolean),
    ).toEqual(['tool_calls']);
    expect(pieces.at(-1)?.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
  });

  it('thinking streams as reasoning_content before the answer; no usage reported, none invented', async () => {
    const pieces = await chatPieces('stream-thinking-then-text-no-usage.sse');
    const d = deltas(pieces);
    expect(d.map((x) => x.reasoning_content ?? '').join('')).toContain('10,800 + 1,350 + 81 = 12,231');
    expect(d.map((x) => x.content ?? '').join('')).toBe('27 * 453 = 12,231');
    const firstText = d.findIndex((x) => x.content);
    expect(d.findIndex((x) => x.reasoning_content)).toBeLessThan(firstText);
    expect(pieces.filter((p) => p.usage)).toEqual([]);
    // Thinking is billed as output: its text counts toward the estimate.
    expect(pieces.map((p) => p.text).join('')).toContain('Let me solve this step by step');
  });

  it('server tools stay Anthropic’s: no tool_calls for web_search, and message_delta’s input counts win', async () => {
    const pieces = await chatPieces('stream-web-search-cumulative-usage-in-message-delta.sse');
    expect(deltas(pieces).flatMap((x) => x.tool_calls ?? [])).toEqual([]);
    expect(
      deltas(pieces)
        .map((x) => x.content ?? '')
        .join(''),
    ).toContain("Here's the current weather");
    expect(pieces.at(-1)?.usage).toEqual({
      prompt_tokens: 10682,
      completion_tokens: 510,
      total_tokens: 11192,
      prompt_tokens_details: { cached_tokens: 0 },
      cache_creation_input_tokens: 0,
    });
  });

  it('JSON mode: the forced tool’s input streams as content and finishes as stop', () => {
    const map = chatEventMapper('m', true);
    const events: StreamEventWire[] = [
      { type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 5, output_tokens: 1 } } },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 't', name: 'json_tool_call' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } },
      { type: 'message_stop' },
    ];
    const pieces = events.flatMap(map);
    expect(
      deltas(pieces)
        .map((x) => x.content ?? '')
        .join(''),
    ).toBe('{"a":1}');
    expect(deltas(pieces).some((x) => x.tool_calls)).toBe(false);
    expect(
      chunks(pieces)
        .flatMap((c) => c.choices.map((ch) => ch.finish_reason))
        .filter(Boolean),
    ).toEqual(['stop']);
  });
});

describe('Anthropic stream → text_completion chunks', () => {
  it('one chunk per text delta, the finish, then usage', async () => {
    const map = completionEventMapper('m');
    const pieces = (await events('stream-text-hello.sse')).flatMap((e) =>
      map(JSON.parse(e.data) as StreamEventWire),
    );
    const all = pieces.map(
      (p) =>
        JSON.parse(p.data) as {
          object: string;
          id: string;
          choices: { text: string; finish_reason: string | null }[];
        },
    );
    expect(
      all.every(
        (c) => c.object === 'text_completion' && c.id === 'cmpl-msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
      ),
    ).toBe(true);
    expect(pieces.map((p) => p.text).join('')).toBe('Hello!');
    expect(all.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['stop']);
    expect(pieces.at(-1)).toMatchObject({
      usageOnly: true,
      usage: { prompt_tokens: 25, completion_tokens: 15 },
    });
  });
});

describe('Anthropic message → chat.completion', () => {
  it('counts cache writes and reads into prompt_tokens and names them', () => {
    const msg = JSON.parse(fixture('message-text-with-prompt-cache-usage.json')) as MessageWire;
    const out = toChatCompletion(msg, 'fallback', false);
    expect(out).toMatchObject({
      id: 'chatcmpl-msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      model: 'claude-sonnet-4-20250514',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi! My name is Claude.' },
          finish_reason: 'stop',
        },
      ],
    });
    expect(out.usage).toEqual({
      prompt_tokens: 21 + 188086,
      completion_tokens: 393,
      total_tokens: 21 + 188086 + 393,
      prompt_tokens_details: { cached_tokens: 0 },
      cache_creation_input_tokens: 188086,
    });
  });

  it('thinking → reasoning_content and thinking_blocks; tool_use → tool_calls with JSON-string arguments', () => {
    const msg = JSON.parse(fixture('message-thinking-and-tool-use.json')) as MessageWire;
    const out = toChatCompletion(msg, 'fallback', false);
    const message = out.choices[0]!.message;
    expect(out.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me look that up.');
    expect(message.reasoning_content).toBe('The user wants the weather in Paris. I should call get_weather.');
    expect(message.thinking_blocks).toEqual([msg.content![0]]);
    expect(message.tool_calls).toEqual([
      {
        id: 'toolu_01A09q90qw90lq917835lq9',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' },
      },
    ]);
    expect(out.usage).toMatchObject({ prompt_tokens: 572, prompt_tokens_details: { cached_tokens: 100 } });
  });

  it('maps every stop reason', () => {
    const finish = (stop_reason: string) =>
      toChatCompletion({ content: [{ type: 'text', text: 'x' }], stop_reason }, 'm', false).choices[0]
        ?.finish_reason;
    expect(finish('end_turn')).toBe('stop');
    expect(finish('stop_sequence')).toBe('stop');
    expect(finish('max_tokens')).toBe('length');
    expect(finish('tool_use')).toBe('tool_calls');
    expect(finish('refusal')).toBe('content_filter');
    expect(finish('pause_turn')).toBe('stop');
  });

  it('JSON mode returns the forced tool’s input as the content', () => {
    const msg: MessageWire = {
      id: 'msg_2',
      content: [{ type: 'tool_use', id: 't', name: 'json_tool_call', input: { answer: 'Paris' } }],
      stop_reason: 'tool_use',
    };
    const out = toChatCompletion(msg, 'm', true);
    expect(out.choices[0]).toMatchObject({
      message: { content: '{"answer":"Paris"}' },
      finish_reason: 'stop',
    });
    expect(out.choices[0]?.message).not.toHaveProperty('tool_calls');
  });

  it('legacy completions get the text as a text_completion', () => {
    const msg = JSON.parse(fixture('message-text-with-prompt-cache-usage.json')) as MessageWire;
    expect(toTextCompletion(msg, 'm')).toMatchObject({
      id: 'cmpl-msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'text_completion',
      choices: [{ index: 0, text: 'Hi! My name is Claude.', finish_reason: 'stop', logprobs: null }],
    });
  });
});
