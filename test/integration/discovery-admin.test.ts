// provider.models (what a server offers, for one-click adding) and deployment.test (does this one answer,
// and if not, the upstream's exact words), against fake Ollama and OpenAI-compatible servers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../main/gateway/secrets/secret-store.ts';
import { AdminApi } from '../support/admin-api.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { closedPort } from '../support/routing-helpers.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const VENDOR_KEY = 'sk-disc-0123456789abcdefghijKLMN';
const ENV_KEY = 'sk-env-0123456789abcdefghijOPQR';

let ollama: FakeUpstream;
let openai: FakeUpstream;
let gw: TestGateway;
let admin: AdminApi;
let deadPort: number;

const config = () => `model_list:
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2, api_base: ${ollama.url} }
  - model_name: cloud
    litellm_params: { model: openai/gpt-a, api_base: ${openai.url}, api_key: keychain/vendor }
    model_info: { id: cloud-1 }
  - model_name: cloud
    litellm_params: { model: openai/gpt-b, api_base: ${openai.url}, api_key: keychain/vendor }
    model_info: { id: cloud-2 }
  - model_name: dead
    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:${deadPort}/v1" }
    model_info: { id: dead-1 }
`;

beforeAll(async () => {
  ollama = await startFakeOllama({ models: ['llama3.2:latest', 'qwen3:8b', 'nomic-embed-text:latest'] });
  openai = await startFakeOpenAI({ apiKey: VENDOR_KEY, models: ['gpt-a', 'gpt-b', 'gpt-c'] });
  deadPort = await closedPort();
  gw = await startTestGateway(config(), {
    secretStore: new MemorySecretStore({ vendor: VENDOR_KEY, wrong: 'sk-wrong-0123456789abcdefghij' }),
    env: { ENV_KEY },
  });
  admin = new AdminApi(gw.url, undefined);
});
afterAll(async () => {
  await gw.close();
  await ollama.close();
  await openai.close();
});
afterEach(() => {
  openai.setBehavior({ error: undefined, apiKey: VENDOR_KEY });
});

/** provider.models for the fake OpenAI-compatible server, with `apiKey` as the request names it. */
const listOpenAI = (apiKey: string, apiBase = openai.url) =>
  admin.post('/admin/provider.models', { provider: 'openai', api_base: apiBase, api_key: apiKey });

describe('provider.models', () => {
  it("lists an Ollama server's models and marks those the config already serves", async () => {
    const res = await admin.post('/admin/provider.models', { provider: 'ollama', api_base: ollama.url });
    expect(res.body).toEqual({
      models: ['llama3.2:latest', 'qwen3:8b', 'nomic-embed-text:latest'],
      configured: ['llama3.2:latest'],
    });
    expect(ollama.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/tags' });
  });

  it('lists an OpenAI-compatible server with a keychain/ reference as its key', async () => {
    const res = await listOpenAI('keychain/vendor');
    expect(res.body).toEqual({ models: ['gpt-a', 'gpt-b', 'gpt-c'], configured: ['gpt-a', 'gpt-b'] });
    expect(openai.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(openai.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VENDOR_KEY}`);
  });

  it('reads an os.environ/ reference from the environment', async () => {
    openai.setBehavior({ apiKey: ENV_KEY });
    const res = await listOpenAI('os.environ/ENV_KEY', `${openai.url}/`);
    expect(res.status).toBe(200);
    // The same address with a trailing slash is the same server.
    expect(res.body).toEqual({ models: ['gpt-a', 'gpt-b', 'gpt-c'], configured: ['gpt-a', 'gpt-b'] });
    expect(openai.requests.at(-1)!.headers.authorization).toBe(`Bearer ${ENV_KEY}`);
  });

  it('refuses a raw key with 400, without repeating it', async () => {
    const sent = openai.requests.length;
    const res = await listOpenAI(VENDOR_KEY);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('api_key');
    expect(res.body.error.message).toMatch(/keychain\/NAME or os\.environ\/NAME, not a key/);
    expect(JSON.stringify(res.body)).not.toContain(VENDOR_KEY);
    expect(openai.requests.length).toBe(sent);
  });

  it('says which reference is not set, and which provider it does not know', async () => {
    const unset = await listOpenAI('keychain/nothing-here');
    expect(unset.status).toBe(400);
    expect(unset.body.error.message).toBe('keychain/nothing-here is not set');
    const unknown = await admin.post('/admin/provider.models', { provider: 'lolcats' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('provider');
  });

  it("passes on the upstream's refusal with the key redacted", async () => {
    const res = await listOpenAI('keychain/wrong');
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_auth_failed');
    expect(res.body.error.message).toContain('answered 401: Incorrect API key provided: [redacted]');
    expect(JSON.stringify(res.body)).not.toContain('sk-wrong-0123456789abcdefghij');
  });
});

describe('deployment.test', () => {
  it('sends a tiny real request and reports latency and the answer, by id or by alias', async () => {
    openai.reset();
    expect((await admin.post('/admin/deployment.test', { id: 'cloud-2' })).body).toEqual({
      ok: true,
      latency_ms: expect.any(Number),
      deployment_id: 'cloud-2',
      model: 'openai/gpt-b',
      method: 'request',
      reply: expect.any(String),
      cost_usd: 0,
    });
    // The model itself was asked, not just the model list: a wrong model name would show here.
    const sent = openai.requests.find((r) => r.path.endsWith('/chat/completions'));
    expect(sent?.body).toMatchObject({ model: 'gpt-b', max_tokens: 5 });
    // It is real traffic, so it is in the ledger, tagged as a test.
    expect(
      gw.rows().find((r) => r.endpoint === 'deployment.test' && r.deployment_id === 'cloud-2'),
    ).toMatchObject({
      status: 200,
      tags: ['deployment.test'],
    });
    const byAlias = await admin.post('/admin/deployment.test', { alias: 'cloud' });
    expect(byAlias.body).toMatchObject({ ok: true, deployment_id: 'cloud-1', model: 'openai/gpt-a' });
    const local = await admin.post('/admin/deployment.test', { alias: 'local' });
    expect(local.body).toMatchObject({ ok: true, model: 'ollama_chat/llama3.2' });
  });

  it("reports the upstream's exact error, redacted of the key", async () => {
    openai.setBehavior({ apiKey: 'sk-some-other-key-000000000000' });
    const res = await admin.post('/admin/deployment.test', { id: 'cloud-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      deployment_id: 'cloud-1',
      error: { status: 401, code: 'upstream_auth_failed' },
    });
    expect(res.body.error.message).toMatch(/answered 401: Incorrect API key provided: \[redacted\]/);
    expect(JSON.stringify(res.body)).not.toContain(VENDOR_KEY);

    openai.setBehavior({ apiKey: VENDOR_KEY, error: { status: 503, message: 'overloaded, try later' } });
    const down = await admin.post('/admin/deployment.test', { id: 'cloud-1' });
    expect(down.body.error).toEqual({
      status: 503,
      code: 'upstream_unavailable',
      message: expect.stringContaining('overloaded, try later'),
    });
  });

  it('reports an unreachable deployment, and 404 for one that does not exist', async () => {
    const dead = await admin.post('/admin/deployment.test', { alias: 'dead' });
    expect(dead.body).toMatchObject({ ok: false, error: { code: 'upstream_unavailable' } });
    expect(dead.body.error.message).toMatch(/unreachable/);
    expect((await admin.post('/admin/deployment.test', { id: 'nope' })).status).toBe(404);
    expect((await admin.post('/admin/deployment.test', { alias: 'nope' })).status).toBe(404);
    expect((await admin.post('/admin/deployment.test', {})).status).toBe(400);
  });
});
