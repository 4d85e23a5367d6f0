// Every refusal on /v1/messages* comes back in Anthropic's error shape, with the status and headers the
// SDK and Claude Code act on; OpenAI's routes keep OpenAI's shape.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { generateKey } from '../support/key-admin.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-errors';
let cloud: FakeUpstream;
let gw: TestGateway;
let appKey: string;

beforeAll(async () => {
  cloud = await startFakeOpenAI({});
  gw = await startTestGateway(`
model_list:
  - model_name: gpt
    litellm_params:
      model: openai/fake-model
      api_base: "${cloud.url}"
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
  - model_name: other
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}" }
general_settings: { master_key: ${MASTER}, max_request_size_mb: 1 }
`);
  appKey = (await generateKey(gw.url, MASTER, { key_alias: 'cc', models: ['gpt'] })).key;
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

const ok = { model: 'gpt', max_tokens: 32, messages: [{ role: 'user', content: 'hello there' }] };

async function post(path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': appKey }) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const anthropicError = (type: string, message?: RegExp | string) => ({
  type: 'error',
  error: { type, message: message === undefined ? expect.any(String) : expect.stringMatching(message) },
});

describe('errors on /v1/messages in Anthropic shape', () => {
  it('a missing or wrong key is 401 authentication_error, and the SDK raises AuthenticationError', async () => {
    const missing = await post('/v1/messages', ok, {});
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(anthropicError('authentication_error', /x-api-key/));
    const wrong = await post('/v1/messages', ok, { authorization: 'Bearer sk-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(anthropicError('authentication_error'));

    const sdk = new Anthropic({ baseURL: gw.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await sdk.messages
      .create(ok as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).status).toBe(401);
  });

  it('the master key works on /v1/messages as x-api-key too', async () => {
    const res = await post('/v1/messages', ok, { 'x-api-key': MASTER });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('message');
  });

  it('an unknown model is 404 not_found_error; a model outside the key is 403 permission_error', async () => {
    const before = gw.rows().length;
    const unknown = await post('/v1/messages', { ...ok, model: 'nope' }, { 'x-api-key': MASTER });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(anthropicError('not_found_error', /nope/));
    const denied = await post('/v1/messages', { ...ok, model: 'other' });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(anthropicError('permission_error', /other/));
    // Refused requests are in the ledger all the same, one row each.
    expect(gw.rows().length).toBe(before + 2);
    expect(gw.rows()[0]).toMatchObject({
      endpoint: 'messages',
      status: 403,
      error_code: 'model_not_allowed',
    });
  });

  it('validation names the missing field: max_tokens, messages', async () => {
    const noMax = await post('/v1/messages', { model: 'gpt', messages: ok.messages });
    expect(noMax.status).toBe(400);
    expect(noMax.body).toEqual(anthropicError('invalid_request_error', /max_tokens/));
    const noMessages = await post('/v1/messages', { model: 'gpt', max_tokens: 10 });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body).toEqual(anthropicError('invalid_request_error', /messages/));
    const badRole = await post('/v1/messages', { ...ok, messages: [{ role: 'system', content: 'x' }] });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.type).toBe('invalid_request_error');
  });

  it('malformed JSON is 400 invalid_request_error, and a body over the limit 413 request_too_large', async () => {
    const bad = await post('/v1/messages', '{"model": "gpt", ');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(anthropicError('invalid_request_error', /JSON/));
    const big = await post('/v1/messages', {
      ...ok,
      messages: [{ role: 'user', content: 'x'.repeat(1_200_000) }],
    });
    expect(big.status).toBe(413);
    expect(big.body).toEqual(anthropicError('request_too_large'));
  });

  it('the same refusal on an OpenAI route keeps OpenAI shape', async () => {
    const res = await post('/v1/chat/completions', { model: 'gpt', messages: ok.messages }, {});
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(res.body.type).toBeUndefined();
  });

  it('over a key rate limit: 429 rate_limit_error with retry-after', async () => {
    const key = (await generateKey(gw.url, MASTER, { rpm_limit: 1 })).key;
    expect((await post('/v1/messages', ok, { 'x-api-key': key })).status).toBe(200);
    const limited = await post('/v1/messages', ok, { 'x-api-key': key });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(anthropicError('rate_limit_error', /Rate limit/));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('over budget: 429 rate_limit_error with x-should-retry: false, so the SDK does not retry', async () => {
    const key = (await generateKey(gw.url, MASTER, { max_budget: 0.00001 })).key;
    const before = cloud.requests.length;
    const res = await post('/v1/messages', { ...ok, max_tokens: 100_000 }, { 'x-api-key': key });
    expect(res.status).toBe(429);
    expect(res.body).toEqual(anthropicError('rate_limit_error', /budget/i));
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(cloud.requests.length).toBe(before);
    const sdk = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 2 });
    const rows = gw.rows().length;
    const err = await sdk.messages
      .create({ ...ok, max_tokens: 100_000, stream: true } as Anthropic.MessageCreateParamsStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    // One try, not three: each refusal is a ledger row.
    expect(gw.rows().length).toBe(rows + 1);
    expect(cloud.requests.length).toBe(before);
  });
});
