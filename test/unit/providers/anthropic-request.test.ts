// OpenAI chat/completions requests → what goes on the wire to Anthropic's Messages API.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest, ChatMessage } from '../../../shared/wire/openai-requests.ts';
import { GatewayError } from '../../../main/gateway/errors.ts';
import {
  DEFAULT_MAX_TOKENS,
  toAnthropicChat,
  toAnthropicCompletion,
} from '../../../main/gateway/providers/anthropic/chat-request.ts';

const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const chat = (extra: Partial<ChatCompletionRequest> & Record<string, unknown>): ChatCompletionRequest => ({
  model: 'alias',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const wire = (extra: Partial<ChatCompletionRequest> & Record<string, unknown>, stream = false) =>
  toAnthropicChat('claude-sonnet-4-20250514', chat(extra), stream).body;

function invalidRequest(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request', retryable: false });
    return err as GatewayError;
  }
  throw new Error('expected a 400 GatewayError');
}

describe('Anthropic request: a whole agent turn', () => {
  it('translates system, both kinds of image, tools, tool calls and tool results into alternating turns', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in Celsius.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is the weather where these were taken?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/paris.jpg', detail: 'high' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me check both cities.',
        tool_calls: [
          {
            id: 'toolu_01',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
          {
            id: 'toolu_02',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_01', content: '3°C, snow' },
      { role: 'tool', tool_call_id: 'toolu_02', content: [{ type: 'text', text: '18°C, sun' }] },
      { role: 'user', content: 'Which is warmer?' },
    ];
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const body = toAnthropicChat(
      'claude-sonnet-4-20250514',
      { model: 'alias', messages, tools, tool_choice: 'auto', stop: ['END'], max_tokens: 300 },
      false,
    ).body;
    expect(body).toEqual({
      model: 'claude-sonnet-4-20250514',
      system: 'You are a weather bot.\n\nAnswer in Celsius.',
      max_tokens: 300,
      stop_sequences: ['END'],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      tool_choice: { type: 'auto' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is the weather where these were taken?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_B64 } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/paris.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check both cities.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'toolu_02', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          // Both results and the follow-up question: one user turn, results first.
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: '3°C, snow' },
            { type: 'tool_result', tool_use_id: 'toolu_02', content: '18°C, sun' },
            { type: 'text', text: 'Which is warmer?' },
          ],
        },
      ],
    });
  });

  it('sends a plain message as a string, and merges consecutive same-role messages', () => {
    const body = wire({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'first' },
          { type: 'text', text: 'second' },
        ],
      },
      { role: 'assistant', content: 'ok' },
    ]);
    expect(body).not.toHaveProperty('system');
  });

  it('keeps cache_control breakpoints, sending the system prompt as blocks when one is marked', () => {
    const body = wire({
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'user', content: 'hi', cache_control: { type: 'ephemeral' } },
      ],
    });
    expect(body.system).toEqual([{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
    ]);
  });

  it('URL-decodes a non-base64 data: image into base64', () => {
    const body = wire({
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/gif,GIF89a' } }] },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          {
            type: 'image',
            source: {
              type: 'base64',
              media_type: 'image/gif',
              data: Buffer.from('GIF89a').toString('base64'),
            },
          },
        ],
      },
    ]);
  });
});

describe('Anthropic request: parameters', () => {
  it('defaults max_tokens (Anthropic requires it), prefers max_completion_tokens, clamps temperature to 1', () => {
    expect(wire({}).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(wire({ max_tokens: 10, max_completion_tokens: 20 }).max_tokens).toBe(20);
    expect(wire({ temperature: 1.7 }).temperature).toBe(1);
    expect(wire({ temperature: 0.3, top_p: 0.9, top_k: 5 })).toMatchObject({
      temperature: 0.3,
      top_p: 0.9,
      top_k: 5,
    });
  });

  it('maps stop, user and tool_choice; parallel_tool_calls false disables parallel tool use', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(wire({ stop: 'STOP' }).stop_sequences).toEqual(['STOP']);
    expect(wire({ stop: ['\n', 'END'] }).stop_sequences).toEqual(['END']); // whitespace-only is refused upstream
    expect(wire({ user: 'user-42' }).metadata).toEqual({ user_id: 'user-42' });
    expect(wire({ user: 'me@example.com' })).not.toHaveProperty('metadata');
    expect(wire({ tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(wire({ tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(wire({ tools, tool_choice: { type: 'function', function: { name: 'f' } } }).tool_choice).toEqual({
      type: 'tool',
      name: 'f',
    });
    expect(wire({ tools, parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(wire({ tools }).tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(wire({ tool_choice: 'none' })).not.toHaveProperty('tool_choice');
  });

  it('drops OpenAI-only fields Anthropic would reject, and refuses n > 1', () => {
    const body = wire({
      logprobs: true,
      top_logprobs: 2,
      presence_penalty: 1,
      frequency_penalty: 1,
      seed: 7,
      logit_bias: { 1: 2 },
      stream_options: { include_usage: true },
      n: 1,
    });
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model']);
    expect(invalidRequest(() => wire({ n: 2 })).param).toBe('n');
  });

  it('turns reasoning_effort into a thinking budget that max_tokens stays above', () => {
    expect(wire({ reasoning_effort: 'low' })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 1024 + DEFAULT_MAX_TOKENS,
    });
    expect(wire({ reasoning_effort: 'medium', max_tokens: 8000 })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: 8000,
    });
    // Too small a max_tokens for the budget: the budget goes on top, the answer keeps its 500.
    expect(wire({ reasoning_effort: 'high', max_tokens: 500 })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 4096 },
      max_tokens: 4596,
    });
    // Thinking refuses a changed temperature; it is left out rather than failing the request.
    expect(wire({ reasoning_effort: 'low', temperature: 0.2 })).not.toHaveProperty('temperature');
    expect(wire({ reasoning_effort: 'none' })).not.toHaveProperty('thinking');
    expect(invalidRequest(() => wire({ reasoning_effort: 'extreme' })).param).toBe('reasoning_effort');
  });

  it('passes a client-sent thinking block through', () => {
    const thinking = { type: 'enabled', budget_tokens: 3000 };
    expect(wire({ thinking, max_tokens: 10000 })).toMatchObject({ thinking, max_tokens: 10000 });
    expect(wire({ thinking: { type: 'adaptive' } })).toMatchObject({
      thinking: { type: 'adaptive' },
      max_tokens: DEFAULT_MAX_TOKENS,
    });
  });

  it('maps response_format to a forced JSON tool, as LiteLLM does', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const { body, jsonMode } = toAnthropicChat(
      'm',
      chat({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } }),
      false,
    );
    expect(jsonMode).toBe(true);
    expect(body.tools).toEqual([{ name: 'json_tool_call', input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'json_tool_call' });
    expect(wire({ response_format: { type: 'json_object' } }).tools).toEqual([
      {
        name: 'json_tool_call',
        input_schema: { type: 'object', additionalProperties: true, properties: {} },
      },
    ]);
    expect(wire({ response_format: { type: 'text' } })).not.toHaveProperty('tools');
  });

  it('asks for a stream only when streaming', () => {
    expect(wire({}, true).stream).toBe(true);
    expect(wire({})).not.toHaveProperty('stream');
  });
});

describe('Anthropic request: bad input is a 400 naming the problem', () => {
  it('refuses tool-call arguments that are not JSON', () => {
    const err = invalidRequest(() =>
      wire({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
      }),
    );
    expect(err.message).toContain('messages[1].tool_calls[0].function.arguments is not valid JSON');
  });

  it('refuses images Anthropic cannot take, and a conversation with only a system prompt', () => {
    const bmp = [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }];
    expect(invalidRequest(() => wire({ messages: [{ role: 'user', content: bmp }] })).message).toContain(
      'image/bmp',
    );
    const ftp = [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }];
    invalidRequest(() => wire({ messages: [{ role: 'user', content: ftp }] }));
    invalidRequest(() => wire({ messages: [{ role: 'system', content: 'only rules' }] }));
    invalidRequest(() => wire({ messages: [{ role: 'tool', content: 'no id' }] }));
  });
});

describe('Anthropic request: legacy completions', () => {
  it('sends the prompt as the one user message with the same parameters', () => {
    expect(
      toAnthropicCompletion(
        'claude-haiku-4-5',
        { model: 'a', prompt: 'def f(', max_tokens: 16, stop: '\n\n' },
        true,
      ),
    ).toEqual({
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: 'def f(' }],
      max_tokens: 16,
      stream: true,
    });
    expect(toAnthropicCompletion('m', { model: 'a', prompt: ['only one'] }, false).messages).toEqual([
      { role: 'user', content: 'only one' },
    ]);
    invalidRequest(() => toAnthropicCompletion('m', { model: 'a', prompt: ['one', 'two'] }, false));
    invalidRequest(() => toAnthropicCompletion('m', { model: 'a', prompt: [1, 2, 3] }, false));
  });
});
