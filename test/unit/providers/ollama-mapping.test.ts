import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../../shared/wire/openai-requests.ts';
import { GatewayError } from '../../../main/gateway/errors.ts';
import { toOllamaChat, toOllamaMessages } from '../../../main/gateway/providers/ollama/chat-request.ts';
import { chatChunkMapper, toChatCompletion } from '../../../main/gateway/providers/ollama/chat-response.ts';
import { toOllamaGenerate } from '../../../main/gateway/providers/ollama/completion.ts';
import { float32Base64, toOllamaEmbed } from '../../../main/gateway/providers/ollama/embeddings.ts';

const user = (content: ChatCompletionRequest['messages'][number]['content']) => ({
  role: 'user' as const,
  content,
});
const chat = (extra: Record<string, unknown>): ChatCompletionRequest => ({
  model: 'alias',
  messages: [user('hi')],
  ...extra,
});

function invalidRequest(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_request' });
    return err as GatewayError;
  }
  throw new Error('expected a 400 GatewayError');
}

describe('Ollama request options', () => {
  it('maps OpenAI sampling fields into options, preferring max_completion_tokens', () => {
    const request = toOllamaChat(
      'llama3.2',
      chat({
        max_tokens: 50,
        max_completion_tokens: 60,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        seed: 7,
        stop: 'END',
        presence_penalty: 0.5,
        frequency_penalty: 0.25,
        num_ctx: 8192,
        repeat_penalty: 1.1,
        keep_alive: '10m',
      }),
      true,
    );
    expect(request).toMatchObject({ model: 'llama3.2', stream: true, keep_alive: '10m' });
    expect(request.options).toEqual({
      num_predict: 60,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      stop: ['END'],
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      num_ctx: 8192,
      repeat_penalty: 1.1,
    });
  });

  it('uses max_tokens when alone, keeps stop arrays, and skips nulls', () => {
    const request = toOllamaChat('m', chat({ max_tokens: 16, stop: ['a', 'b'], temperature: null }), false);
    expect(request.options).toEqual({ num_predict: 16, stop: ['a', 'b'] });
    expect(request.stream).toBe(false);
    expect(request).not.toHaveProperty('format');
    expect(request).not.toHaveProperty('tools');
  });

  it('maps response_format to format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(toOllamaChat('m', chat({ response_format: { type: 'json_object' } }), false).format).toBe('json');
    const withSchema = chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } });
    expect(toOllamaChat('m', withSchema, false).format).toEqual(schema);
    expect(toOllamaChat('m', chat({ response_format: { type: 'text' } }), false)).not.toHaveProperty(
      'format',
    );
  });

  it('refuses n > 1, which Ollama cannot honour', () => {
    expect(invalidRequest(() => toOllamaChat('m', chat({ n: 2 }), false)).param).toBe('n');
  });
});

describe('Ollama messages', () => {
  it('folds developer into system, joins text parts and inlines data: images as bare base64', () => {
    const messages = toOllamaMessages([
      { role: 'developer', content: 'rules' },
      user([
        { type: 'text', text: 'What is' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'text', text: 'in this picture?' },
      ]),
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'rules' },
      { role: 'user', content: 'What is\nin this picture?', images: ['iVBORw0KGgo='] },
    ]);
  });

  it('rejects images linked by http(s) URL, saying Ollama needs them inline', () => {
    const err = invalidRequest(() =>
      toOllamaMessages([user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])]),
    );
    expect(err.message).toMatch(/inline/);
  });

  it('round-trips tool calls: OpenAI call → Ollama object arguments, Ollama answer → OpenAI call', () => {
    const answer = toChatCompletion(
      {
        model: 'llama3.2',
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }],
        },
        done: true,
        done_reason: 'stop',
      },
      'fallback',
    );
    const choice = answer.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.id).toMatch(/^call_\w+$/);
    expect(call).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    });

    const next = toOllamaMessages([
      user('Weather in Oslo?'),
      { role: 'assistant', content: null, tool_calls: [{ ...call }] },
      { role: 'tool', tool_call_id: call.id, content: '{"temp":3}' },
    ]);
    expect(next[1]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }],
    });
    expect(next[2]).toEqual({ role: 'tool', content: '{"temp":3}', tool_name: 'get_weather' });
  });

  it('rejects tool-call arguments that are not a JSON object', () => {
    const call = (args: string) => [
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
      },
    ];
    invalidRequest(() => toOllamaMessages(call('{not json')));
    invalidRequest(() => toOllamaMessages(call('[1,2]')));
  });
});

describe('Ollama stream chunks', () => {
  it('puts the role on the first chunk, finish_reason on the done line, usage in its own piece', () => {
    const map = chatChunkMapper('fallback');
    const first = map({ model: 'llama3.2', message: { role: 'assistant', content: 'Hi' }, done: false });
    const empty = map({ model: 'llama3.2', message: { role: 'assistant', content: '' }, done: false });
    const last = map({
      model: 'llama3.2',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'length',
      prompt_eval_count: 5,
      eval_count: 2,
    });
    expect(first).toHaveLength(1);
    expect(JSON.parse(first[0]!.data)).toMatchObject({
      model: 'llama3.2',
      choices: [{ delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
    });
    expect(empty).toEqual([]);
    expect(last).toHaveLength(2);
    const finish = JSON.parse(last[0]!.data);
    expect(finish.choices[0]).toMatchObject({ finish_reason: 'length', delta: {} });
    expect(finish.choices[0].delta).not.toHaveProperty('role');
    expect(finish.id).toBe(JSON.parse(first[0]!.data).id);
    expect(last[1]).toMatchObject({
      usageOnly: true,
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    expect(JSON.parse(last[1]!.data)).toMatchObject({ choices: [], usage: { total_tokens: 7 } });
  });

  it('sends no usage piece when the done line has no counts', () => {
    const pieces = chatChunkMapper('m')({
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
    });
    expect(pieces).toHaveLength(1);
    expect(pieces[0]?.usage).toBeUndefined();
  });
});

describe('Ollama generate and embed requests', () => {
  it('sends one prompt string with suffix and raw, and refuses token arrays and several prompts', () => {
    const request = toOllamaGenerate(
      'm',
      { model: 'a', prompt: ['def f('], suffix: '\n', raw: true, max_tokens: 8 },
      true,
    );
    expect(request).toMatchObject({
      model: 'm',
      prompt: 'def f(',
      suffix: '\n',
      raw: true,
      stream: true,
      options: { num_predict: 8 },
    });
    invalidRequest(() => toOllamaGenerate('m', { model: 'a', prompt: [1, 2, 3] }, false));
    invalidRequest(() => toOllamaGenerate('m', { model: 'a', prompt: ['a', 'b'] }, false));
  });

  it('passes text input, truncate and dimensions, and refuses token arrays', () => {
    expect(toOllamaEmbed('e', { model: 'a', input: ['x', 'y'], truncate: false, dimensions: 256 })).toEqual({
      model: 'e',
      input: ['x', 'y'],
      truncate: false,
      dimensions: 256,
    });
    invalidRequest(() => toOllamaEmbed('e', { model: 'a', input: [[1, 2]] }));
  });

  it('encodes base64 embeddings as little-endian float32', () => {
    expect(float32Base64([1])).toBe('AACAPw==');
    expect(float32Base64([1, -2.5])).toBe(Buffer.from(new Float32Array([1, -2.5]).buffer).toString('base64'));
  });
});
