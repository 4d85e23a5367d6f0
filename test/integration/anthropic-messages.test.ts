// The official Anthropic SDK against /v1/messages, routed to deployments that speak OpenAI's dialect (an
// OpenAI-compatible server, Ollama): requests and answers are translated both ways, streams included.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { promptWords, startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { generateKey } from '../support/key-admin.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const UPSTREAM_KEY = 'sk-upstream-secret-7777';
const REPLY = 'The quick brown fox jumps over the lazy dog.';
const IN_PRICE = 0.000001;
const OUT_PRICE = 0.000002;
const MASTER = 'sk-master-anthropic';

let cloud: FakeUpstream;
let local: FakeUpstream;
let failing: FakeUpstream;
let gw: TestGateway;
let appKey: string;
let client: Anthropic;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, reply: REPLY });
  local = await startFakeOllama({ reply: REPLY, models: ['llama3.2:latest'] });
  failing = await startFakeOpenAI({ error: { status: 500, message: 'upstream exploded' } });
  gw = await startTestGateway(
    `
model_list:
  - model_name: gpt
    litellm_params:
      model: openai/fake-model
      api_base: "${cloud.url}"
      api_key: os.environ/UPSTREAM_KEY
      input_cost_per_token: ${IN_PRICE}
      output_cost_per_token: ${OUT_PRICE}
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2:latest, api_base: "${local.url}" }
  - model_name: broken
    litellm_params: { model: openai/fake-model, api_base: "${failing.url}" }
  - model_name: capped
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}", api_key: os.environ/UPSTREAM_KEY, temperature: 0.2 }
    model_info: { max_output_tokens: 1000, system_prompt: "Alias prompt." }
router_settings:
  num_retries: 0
  fallbacks: [{ broken: [gpt] }]
general_settings: { master_key: ${MASTER} }
`,
    { env: { UPSTREAM_KEY } },
  );
  appKey = (await generateKey(gw.url, MASTER, { key_alias: 'claude-code' })).key;
  client = new Anthropic({ baseURL: gw.url, apiKey: appKey, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await local?.close();
  await failing?.close();
});

beforeEach(() => {
  cloud.reset();
  local.reset();
  failing.reset();
});

const newest = () => gw.rows()[0]!;
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Say something about foxes please' }];
const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** POST with fetch, to see exact statuses, headers and bytes. */
async function raw(path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': appKey }) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `event:` names of an SSE body, in order. */
const eventNames = (sse: string) => [...sse.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);

describe('/v1/messages translated to an OpenAI-compatible upstream', () => {
  it('answers a non-streaming request in Anthropic shape and records one ledger row with cost', async () => {
    const before = gw.rows().length;
    const msg = await client.messages.create({
      model: 'gpt',
      max_tokens: 256,
      system: 'You are terse.',
      messages,
    });
    expect(msg).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'gpt',
      content: [{ type: 'text', text: REPLY }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(msg.id).toMatch(/^msg_/);
    const sent = cloud.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent.body).toMatchObject({
      model: 'fake-model',
      max_tokens: 256,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say something about foxes please' },
      ],
    });
    const words = promptWords(sent.body);
    expect(msg.usage).toMatchObject({ input_tokens: words, output_tokens: 9 });

    expect(gw.rows().length).toBe(before + 1);
    const row = newest();
    expect(row).toMatchObject({
      endpoint: 'messages',
      alias: 'gpt',
      provider: 'openai',
      model: 'fake-model',
      status: 200,
      prompt_tokens: words,
      completion_tokens: 9,
      estimated: false,
      streamed: false,
    });
    expect(row.key_id).not.toBeNull();
    expect(row.cost_usd).toBeCloseTo(words * IN_PRICE + 9 * OUT_PRICE, 12);
  });

  it('streams with messages.stream(): text deltas, then a finalMessage with usage', async () => {
    const stream = client.messages.stream({ model: 'gpt', max_tokens: 128, messages });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe(REPLY);
    expect(final.content).toEqual([{ type: 'text', text: REPLY }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(9);
    expect(final.usage.input_tokens).toBe(promptWords(cloud.requests[0]!.body));
    expect(cloud.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(newest()).toMatchObject({
      endpoint: 'messages',
      streamed: true,
      status: 200,
      completion_tokens: 9,
    });
    expect(newest().cost_usd).toBeGreaterThan(0);
  });

  it('writes the documented event order on the wire, each event with its event: line, and no [DONE]', async () => {
    const res = await raw('/v1/messages', { model: 'gpt', max_tokens: 64, messages, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const names = eventNames(res.text);
    const collapsed = names.filter((n, i) => !(n === 'content_block_delta' && names[i - 1] === n));
    expect(collapsed).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(res.text).not.toContain('[DONE]');
    for (const frame of res.text.trim().split('\n\n')) {
      const [event, data] = frame.split('\n');
      expect(JSON.parse(data!.replace(/^data: /, '')).type).toBe(event!.replace(/^event: /, ''));
    }
  });

  it('round-trips a tool call: tool_use with parsed input, then the tool_result goes back as a tool message', async () => {
    cloud.setBehavior({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const first = await client.messages.create({
      model: 'gpt',
      max_tokens: 256,
      tools: [weatherTool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
    expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Oslo' } });
    expect(cloud.requests[0]!.body).toMatchObject({
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.input_schema } }],
    });

    cloud.setBehavior({ toolCalls: undefined, reply: 'It is sunny in Oslo.' });
    const second = await client.messages.create({
      model: 'gpt',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21C' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is sunny in Oslo.' }]);
    const sent = cloud.requests[1]!.body.messages;
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: use.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      ],
    });
    expect(sent[2]).toEqual({ role: 'tool', tool_call_id: use.id, content: 'sunny, 21C' });
  });

  it('streams a tool call as input_json_delta, which the SDK assembles into the tool input', async () => {
    cloud.setBehavior({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Bergen' } }] });
    const stream = client.messages.stream({
      model: 'gpt',
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Bergen?' }],
    });
    const json: string[] = [];
    stream.on('inputJson', (partial) => json.push(partial));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toMatchObject([
      { type: 'tool_use', name: 'get_weather', input: { city: 'Bergen' } },
    ]);
    expect(json.join('')).toBe('{"city":"Bergen"}');
  });

  it('applies the alias defaults: its system prompt first, its params, and its output cap on Claude-sized max_tokens', async () => {
    // Raw: the SDK itself refuses a non-streaming call this large.
    const res = await raw('/v1/messages', {
      model: 'capped',
      max_tokens: 32000,
      system: 'Client prompt.',
      messages,
    });
    expect(res.status).toBe(200);
    expect(cloud.requests[0]!.body).toMatchObject({
      max_tokens: 1000,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Alias prompt.' },
        { role: 'system', content: 'Client prompt.' },
        { role: 'user' },
      ],
    });
  });

  it('works with Authorization: Bearer (authToken), the ?beta=true query and without the /v1 prefix', async () => {
    const bearer = new Anthropic({ baseURL: gw.url, authToken: appKey, apiKey: null, maxRetries: 0 });
    const msg = await bearer.beta.messages.create({
      model: 'gpt',
      max_tokens: 64,
      messages,
      betas: ['claude-code-20250219'],
    });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: REPLY });
    const bare = await raw('/messages?beta=true', { model: 'gpt', max_tokens: 64, messages });
    expect(bare.status).toBe(200);
    expect(bare.json.content[0].text).toBe(REPLY);
  });

  it('falls back from a failing deployment to a working one, and the row keeps both attempts', async () => {
    const res = await client.messages.create({ model: 'broken', max_tokens: 64, messages }).withResponse();
    expect(res.data.content[0]).toMatchObject({ type: 'text', text: REPLY });
    expect(res.response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(failing.requests).toHaveLength(1);
    const row = newest();
    expect(row).toMatchObject({ endpoint: 'messages', alias: 'broken', status: 200 });
    expect(row.attempts.map((a) => a.status)).toEqual([502, 200]);

    // A stream falls back the same way: nothing reached the client before the working deployment answered.
    const final = await client.messages.stream({ model: 'broken', max_tokens: 64, messages }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: REPLY }]);
    expect(failing.requests).toHaveLength(2);
    expect(newest()).toMatchObject({ streamed: true, status: 200 });
    expect(newest().attempts).toHaveLength(2);
  });

  it('ends a stream that fails after its first byte with an Anthropic error event, and records the failure', async () => {
    cloud.setBehavior({ midStreamError: { afterChunks: 3, message: 'the GPU caught fire' } });
    const res = await raw('/v1/messages', { model: 'gpt', max_tokens: 64, messages, stream: true });
    expect(res.status).toBe(200);
    const names = eventNames(res.text);
    expect(names.at(-1)).toBe('error');
    expect(names).not.toContain('message_stop');
    const last = res.text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.split('\n')[1]!.replace(/^data: /, ''))).toMatchObject({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('the GPU caught fire') },
    });
    expect(newest()).toMatchObject({
      endpoint: 'messages',
      status: 502,
      error_code: 'upstream_error',
      streamed: true,
    });

    cloud.setBehavior({ midStreamError: { afterChunks: 2, message: 'again' } });
    const stream = client.messages.stream({ model: 'gpt', max_tokens: 64, messages });
    await expect(stream.finalMessage()).rejects.toThrow(/again/);
  });
});

describe('/v1/messages translated to Ollama', () => {
  it('answers streaming and not, with tools', async () => {
    const msg = await client.messages.create({ model: 'local', max_tokens: 64, messages });
    expect(msg.content).toEqual([{ type: 'text', text: REPLY }]);
    expect(local.requests[0]!.path).toBe('/api/chat');
    expect(local.requests[0]!.body.options).toMatchObject({ num_predict: 64 });

    const final = await client.messages.stream({ model: 'local', max_tokens: 64, messages }).finalMessage();
    expect(final.content).toMatchObject([{ type: 'text', text: REPLY }]);
    expect(final.usage.output_tokens).toBe(9);
    expect(newest()).toMatchObject({
      provider: 'ollama_chat',
      endpoint: 'messages',
      streamed: true,
      completion_tokens: 9,
    });

    local.setBehavior({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Tromsø' } }] });
    const tool = await client.messages
      .stream({
        model: 'local',
        max_tokens: 64,
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'Weather?' }],
      })
      .finalMessage();
    expect(tool.stop_reason).toBe('tool_use');
    expect(tool.content).toMatchObject([
      { type: 'tool_use', name: 'get_weather', input: { city: 'Tromsø' } },
    ]);
    const use = tool.content[0] as Anthropic.ToolUseBlock;

    local.setBehavior({ toolCalls: undefined });
    await client.messages.create({
      model: 'local',
      max_tokens: 64,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: tool.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'cold' }] },
      ],
    });
    // Ollama matches a tool result to its call by the function's name.
    expect(local.requests.at(-1)!.body.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'cold',
      tool_name: 'get_weather',
    });
  });
});
