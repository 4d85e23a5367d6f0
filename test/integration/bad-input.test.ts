// What a client sees when it gets something wrong: a precise 4xx in OpenAI's error shape, never a 500, and
// nothing already recorded is lost on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-bad-input';
const MAX_MB = 0.01; // ~10 KB, so "too large" needs no big buffers

let upstream: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ reply: 'fine thanks' });
  gw = await startTestGateway(`
model_list:
  - model_name: good
    litellm_params: { model: openai/fake-model, api_base: "${upstream.url}" }
  - model_name: also-good
    litellm_params: { model: openai/fake-model, api_base: "${upstream.url}" }
general_settings:
  master_key: ${MASTER}
  max_request_size_mb: ${MAX_MB}
`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const auth = { authorization: `Bearer ${MASTER}` };
const json = { 'content-type': 'application/json', ...auth };
const goodBody = { model: 'good', messages: [{ role: 'user', content: 'how are you' }] };

interface Case {
  name: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  status: number;
  code: string;
  param?: string | null;
  message?: RegExp;
}

const chat = (body: unknown, headers: Record<string, string> = json) => ({
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const cases: Case[] = [
  { name: 'malformed JSON', ...chat('{"model": "good", "messages": ['), status: 400, code: 'invalid_json' },
  { name: 'an empty JSON body', ...chat(''), status: 400, code: 'invalid_json' },
  { name: 'a JSON array body', ...chat('[1, 2]'), status: 400, code: 'invalid_request', message: /object/ },
  { name: 'a JSON string body', ...chat('"hello"'), status: 400, code: 'invalid_request', message: /object/ },
  { name: 'a JSON null body', ...chat('null'), status: 400, code: 'invalid_request', message: /object/ },
  {
    name: 'missing messages',
    ...chat({ model: 'good' }),
    status: 400,
    code: 'invalid_request',
    param: 'messages',
    message: /messages/,
  },
  {
    name: 'empty messages',
    ...chat({ model: 'good', messages: [] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages',
    message: /messages/,
  },
  {
    name: 'messages not a list',
    ...chat({ model: 'good', messages: 'hi' }),
    status: 400,
    code: 'invalid_request',
    param: 'messages',
  },
  {
    name: 'missing model',
    ...chat({ messages: goodBody.messages }),
    status: 400,
    code: 'invalid_request',
    param: 'model',
    message: /model/,
  },
  {
    name: 'temperature "hot"',
    ...chat({ ...goodBody, temperature: 'hot' }),
    status: 400,
    code: 'invalid_request',
    param: 'temperature',
    message: /temperature/,
  },
  {
    name: 'a bad role',
    ...chat({ model: 'good', messages: [{ role: 'wizard', content: 'hi' }] }),
    status: 400,
    code: 'invalid_request',
    param: 'messages[0].role',
  },
  {
    name: 'stream "yes"',
    ...chat({ ...goodBody, stream: 'yes' }),
    status: 400,
    code: 'invalid_request',
    param: 'stream',
  },
  {
    name: 'no API key',
    ...chat(goodBody, { 'content-type': 'application/json' }),
    status: 401,
    code: 'invalid_api_key',
  },
  {
    name: 'a wrong API key',
    ...chat(goodBody, { 'content-type': 'application/json', authorization: 'Bearer sk-wrong' }),
    status: 401,
    code: 'invalid_api_key',
  },
  {
    name: 'a wrong x-api-key',
    ...chat(goodBody, { 'content-type': 'application/json', 'x-api-key': 'sk-wrong' }),
    status: 401,
    code: 'invalid_api_key',
  },
  {
    name: 'no API key on /v1/models',
    path: '/v1/models',
    method: 'GET',
    status: 401,
    code: 'invalid_api_key',
  },
  {
    name: 'an unknown model',
    ...chat({ ...goodBody, model: 'gpt-17' }),
    status: 404,
    code: 'model_not_found',
    param: 'model',
    message: /gpt-17.*good.*also-good/,
  },
  {
    name: 'a body over max_request_size_mb',
    ...chat({ ...goodBody, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }),
    status: 413,
    code: 'request_too_large',
  },
  {
    name: 'content-type text/plain',
    ...chat(goodBody, { 'content-type': 'text/plain', ...auth }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'an unknown route',
    path: '/v1/frobnicate',
    ...chat(goodBody),
    status: 404,
    code: 'not_found',
    message: /frobnicate/,
  },
  {
    name: 'GET on a POST route',
    path: '/v1/chat/completions',
    method: 'GET',
    headers: auth,
    status: 404,
    code: 'not_found',
  },
  {
    name: 'an unknown model id on /v1/models/:id',
    path: '/v1/models/nope',
    method: 'GET',
    headers: auth,
    status: 404,
    code: 'model_not_found',
  },
];

async function send(c: Omit<Case, 'name' | 'status' | 'code'>): Promise<Response> {
  return fetch(`${gw.url}${c.path ?? '/v1/chat/completions'}`, {
    method: c.method ?? 'POST',
    headers: c.headers ?? {},
    ...(c.body === undefined ? {} : { body: c.body }),
  });
}

function expectOpenAIErrorShape(body: unknown): asserts body is {
  error: { message: string; type: string; param: string | null; code: string };
} {
  expect(Object.keys(body as object)).toEqual(['error']);
  const e = (body as { error: Record<string, unknown> }).error;
  expect(Object.keys(e).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof e.message).toBe('string');
  expect((e.message as string).length).toBeGreaterThan(0);
  expect(typeof e.type).toBe('string');
  expect(typeof e.code).toBe('string');
  expect(e.param === null || typeof e.param === 'string').toBe(true);
}

describe('bad input', () => {
  let recordedBefore: string[] = [];

  beforeAll(async () => {
    for (const model of ['good', 'also-good']) {
      const res = await send({ ...chat({ ...goodBody, model }) });
      const text = await res.text();
      expect(res.status, `${text}\n${JSON.stringify(gw.logs)}`).toBe(200);
    }
    recordedBefore = gw.rows().map((r) => r.id);
    expect(recordedBefore).toHaveLength(2);
    upstream.reset();
  });

  it.each(cases)('$name → $status $code', async (c) => {
    const res = await send(c);
    const text = await res.text();
    expect(res.status, text).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body: unknown = JSON.parse(text);
    expectOpenAIErrorShape(body);
    expect(body.error.code).toBe(c.code);
    if (c.param !== undefined) expect(body.error.param).toBe(c.param);
    if (c.message) expect(body.error.message).toMatch(c.message);
  });

  it('refuses a chunked body over max_request_size_mb with 413', async () => {
    const big = new TextEncoder().encode(
      JSON.stringify({ ...goodBody, messages: [{ role: 'user', content: 'y'.repeat(20_000) }] }),
    );
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 4096) controller.enqueue(big.subarray(i, i + 4096));
        controller.close();
      },
    });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: json,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const body: unknown = await res.json();
    expectOpenAIErrorShape(body);
    expect(body.error.code).toBe('request_too_large');
  });

  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${MASTER}` }],
    ['x-api-key', { 'x-api-key': MASTER }],
    ['api-key', { 'api-key': MASTER }],
  ])('accepts the key as %s', async (_name, headers) => {
    const res = await send({ ...chat(goodBody, { 'content-type': 'application/json', ...headers }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('fine thanks');
  });

  it('sent none of the rejected requests upstream', () => {
    // Only the three accepted-key requests above may have reached the upstream.
    expect(upstream.requests.length).toBeLessThanOrEqual(3);
    for (const r of upstream.requests) expect(r.body).toMatchObject({ ...goodBody, model: 'fake-model' });
  });

  it('lost nothing recorded earlier and still serves a good request', async () => {
    const ids = gw.rows().map((r) => r.id);
    for (const id of recordedBefore) expect(ids).toContain(id);

    const res = await send({ ...chat(goodBody) });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    await res.json();
    const row = gw.rows().find((r) => r.id === id);
    expect(row).toMatchObject({ alias: 'good', status: 200, error_code: null });
  });
});
