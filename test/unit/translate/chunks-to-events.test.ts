// OpenAI chunk streams → Anthropic stream events, compared with the order Anthropic documents.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../main/gateway/errors.ts';
import type { ProviderStream, StreamPiece } from '../../../main/gateway/providers/provider.ts';
import { chunksToEvents } from '../../../main/gateway/translate/chunks-to-events.ts';

const documented = JSON.parse(
  readFileSync(
    new URL('../../fixtures/anthropic-inbound/documented-event-order.json', import.meta.url),
    'utf8',
  ),
) as { text: string[]; tool_use: string[] };

type Delta = Record<string, unknown>;
const chunk = (delta: Delta, finish: string | null = null): StreamPiece => ({
  data: JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  }),
  text: '',
});
const usagePiece = (usage: Record<string, unknown>): StreamPiece => ({
  data: JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage }),
  text: '',
  usage: usage as never,
  usageOnly: true,
});

async function* from(pieces: StreamPiece[], failAt?: number): ProviderStream {
  for (const [i, p] of pieces.entries()) {
    if (i === failAt) throw new GatewayError(502, 'upstream_error', 'boom', { retryable: true });
    yield p;
  }
}

const opts = { model: 'sonnet', promptTokens: async () => 42, countText: async (t: string) => t.length };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary event fields
type Ev = { event: string; data: any };

async function collect(s: ProviderStream): Promise<Ev[]> {
  const out: Ev[] = [];
  for (let step = await s.next(); !step.done; step = await s.next())
    out.push({ event: step.value.event!, data: JSON.parse(step.value.data) });
  return out;
}

/** Event names, with the block or delta type, runs of deltas collapsed, as the fixture lists them. */
function shape(events: Ev[]): string[] {
  const names = events.map((e) =>
    e.event === 'content_block_start'
      ? `${e.event}:${e.data.content_block.type}`
      : e.event === 'content_block_delta'
        ? `${e.event}:${e.data.delta.type}`
        : e.event,
  );
  return names.filter((n, i) => !(n.startsWith('content_block_delta') && names[i - 1] === n));
}

describe('OpenAI chunk stream → Anthropic events', () => {
  it('a text answer follows the documented order, with every event named after its type', async () => {
    const events = await collect(
      chunksToEvents(
        from([
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Hello' }),
          chunk({ content: ' world' }),
          chunk({}, 'stop'),
          usagePiece({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }),
        ]),
        opts,
      ),
    );
    expect(shape(events)).toEqual(documented.text);
    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events[0]!.data.message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'sonnet',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 42, output_tokens: 0 },
    });
    expect(events[0]!.data.message.id).toMatch(/^msg_/);
    const text = events.filter((e) => e.data.delta?.type === 'text_delta').map((e) => e.data.delta.text);
    expect(text.join('')).toBe('Hello world');
    expect(events.find((e) => e.event === 'content_block_delta')!.data.index).toBe(0);
    expect(events.at(-2)!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 10, output_tokens: 2 },
    });
  });

  it('a tool call streams as a tool_use block of input_json_delta fragments, indexed after the text', async () => {
    const events = await collect(
      chunksToEvents(
        from([
          chunk({ role: 'assistant', content: 'Let me check.' }),
          chunk({
            tool_calls: [
              { index: 0, id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '' } },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
          chunk({}, 'tool_calls'),
        ]),
        opts,
      ),
    );
    expect(shape(events)).toEqual(documented.tool_use);
    const start = events.find((e) => e.data.content_block?.type === 'tool_use')!;
    expect(start.data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_9', name: 'get_weather', input: {} },
    });
    const json = events
      .filter((e) => e.data.delta?.type === 'input_json_delta')
      .map((e) => {
        expect(e.data.index).toBe(1);
        return e.data.delta.partial_json;
      })
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Oslo' });
    const stops = events.filter((e) => e.event === 'content_block_stop').map((e) => e.data.index);
    expect(stops).toEqual([0, 1]);
    expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    // No usage from the upstream: output tokens are counted from what was generated.
    expect(events.at(-2)!.data.usage.output_tokens).toBe('Let me check.{"city":"Oslo"}'.length);
  });

  it('parallel calls get a block each; reasoning comes first as a thinking block', async () => {
    const events = await collect(
      chunksToEvents(
        from([
          chunk({ role: 'assistant', reasoning_content: 'Two cities.' }),
          chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'w', arguments: '{"c":"A"}' } }] }),
          chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'w', arguments: '{"c":"B"}' } }] }),
          chunk({}, 'tool_calls'),
        ]),
        opts,
      ),
    );
    expect(shape(events)).toEqual([
      'message_start',
      'content_block_start:thinking',
      'ping',
      'content_block_delta:thinking_delta',
      'content_block_stop',
      'content_block_start:tool_use',
      'content_block_delta:input_json_delta',
      'content_block_stop',
      'content_block_start:tool_use',
      'content_block_delta:input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data.index);
    expect(starts).toEqual([0, 1, 2]);
  });

  it('maps length to max_tokens and carries cache reads into message_delta usage', async () => {
    const events = await collect(
      chunksToEvents(
        from([
          chunk({ content: 'cut' }, 'length'),
          usagePiece({
            prompt_tokens: 100,
            completion_tokens: 1,
            total_tokens: 101,
            prompt_tokens_details: { cached_tokens: 60 },
          }),
        ]),
        opts,
      ),
    );
    expect(events.at(-2)!.data).toMatchObject({
      delta: { stop_reason: 'max_tokens' },
      usage: { input_tokens: 40, output_tokens: 1, cache_read_input_tokens: 60 },
    });
  });

  it('yields nothing before the upstream has answered: a failing first chunk fails the stream itself', async () => {
    const s = chunksToEvents(from([chunk({ content: 'x' })], 0), opts);
    await expect(s.next()).rejects.toThrow('boom');
  });

  it('a failure mid-stream propagates after the events already produced', async () => {
    const s = chunksToEvents(from([chunk({ content: 'a' }), chunk({ content: 'b' })], 1), opts);
    const seen: string[] = [];
    await expect(
      (async () => {
        for (let step = await s.next(); !step.done; step = await s.next()) seen.push(step.value.event!);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta']);
  });

  it('a piece carries the text it adds and the final delta carries the upstream usage for the ledger', async () => {
    const pieces: StreamPiece[] = [];
    const s = chunksToEvents(
      from([
        chunk({ content: 'abc' }, 'stop'),
        usagePiece({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }),
      ]),
      opts,
    );
    for (let step = await s.next(); !step.done; step = await s.next()) pieces.push(step.value);
    expect(pieces.map((p) => p.text).join('')).toBe('abc');
    expect(pieces.find((p) => p.event === 'message_delta')!.usage).toMatchObject({ prompt_tokens: 1 });
  });
});
