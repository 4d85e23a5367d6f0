// OpenAI chat.completion → Anthropic Message.
import { describe, expect, it } from 'vitest';
import { stopReasonOf, toAnthropicMessage } from '../../../main/gateway/translate/chat-to-message.ts';

const completion = (
  message: Record<string, unknown>,
  finish: string,
  extra: Record<string, unknown> = {},
) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish, ...extra }],
});

describe('chat.completion → Anthropic message', () => {
  it('gives text, a msg_ id, the requested model name, end_turn and usage', () => {
    const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
    const m = toAnthropicMessage(completion({ content: 'Hello there' }, 'stop'), { model: 'sonnet', usage });
    expect(m).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'sonnet',
      content: [{ type: 'text', text: 'Hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5 },
    });
    expect(m.id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('turns tool calls into tool_use blocks with parsed input, and reasoning into a thinking block', () => {
    const m = toAnthropicMessage(
      completion(
        {
          content: null,
          reasoning_content: 'Need the weather.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'broken', arguments: 'not json' } },
          ],
        },
        'tool_calls',
      ),
      { model: 'x', usage: undefined },
    );
    expect(m.content).toEqual([
      { type: 'thinking', thinking: 'Need the weather.', signature: '' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: { raw: 'not json' } },
    ]);
    expect(m.stop_reason).toBe('tool_use');
  });

  it('reports tool_use even when the server says stop with tool calls (some do)', () => {
    const m = toAnthropicMessage(
      completion({ content: '', tool_calls: [{ function: { name: 'f', arguments: '{}' } }] }, 'stop'),
      { model: 'x', usage: undefined },
    );
    expect(m.stop_reason).toBe('tool_use');
    expect((m.content[0] as { id: string }).id).toMatch(/^toolu_/);
  });

  it('maps finish reasons, and a stop sequence when the server names it', () => {
    expect(stopReasonOf('length', undefined, undefined).stop_reason).toBe('max_tokens');
    expect(stopReasonOf('content_filter', undefined, undefined).stop_reason).toBe('refusal');
    expect(stopReasonOf('stop', undefined, ['END'])).toEqual({
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    const m = toAnthropicMessage(completion({ content: 'a b' }, 'stop', { stop_reason: 'END' }), {
      model: 'x',
      stopSequences: ['END'],
      usage: undefined,
    });
    expect(m).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it('splits cached prompt tokens out of input_tokens, as Anthropic counts them', () => {
    const m = toAnthropicMessage(completion({ content: 'ok' }, 'stop'), {
      model: 'x',
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 3,
        total_tokens: 1003,
        prompt_tokens_details: { cached_tokens: 800 },
        cache_creation_input_tokens: 150,
      },
    });
    expect(m.usage).toEqual({
      input_tokens: 50,
      output_tokens: 3,
      cache_read_input_tokens: 800,
      cache_creation_input_tokens: 150,
    });
  });
});
