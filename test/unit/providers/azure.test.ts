// Azure OpenAI: deployment URLs with api-version, the `api-key` header, its stream and error quirks,
// environment defaults, and pricing by `model_info.base_model`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AZURE_DEFAULT_API_VERSION } from '../../../shared/provider-catalog.ts';
import { priceOf } from '../../../main/gateway/budget/cost.ts';
import { loadConfigText } from '../../../main/gateway/config/load-config.ts';
import { azureAdapter } from '../../../main/gateway/providers/azure/index.ts';
import type { ProviderTarget } from '../../../main/gateway/providers/provider.ts';
import { ProviderRegistry } from '../../../main/gateway/providers/registry.ts';
import { MemorySecretStore } from '../../../main/gateway/secret-store.ts';
import { collect, gatewayError } from '../../contract/contract-helpers.ts';
import { callContext, testTarget } from '../../support/adapter-call.ts';
import { AZURE_CONTENT_FILTER, startFakeAzure } from '../../support/fake-azure.ts';
import type { FakeUpstream } from '../../support/fake-upstream-core.ts';

const KEY = 'azure-key-0123456789';
const chat = { model: 'alias', messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('azure adapter', () => {
  let fake: FakeUpstream;
  let target: ProviderTarget;

  beforeAll(async () => {
    fake = await startFakeAzure({ deployment: 'prod-chat', reply: 'hi from azure' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    target = testTarget({ model: 'prod-chat', apiBase: fake.url, apiKey: KEY });
  });

  it('posts to the deployment URL with the default GA api-version and the key in api-key, not a bearer', async () => {
    const { body } = await azureAdapter.chat(target, chat, callContext());
    expect(body).toMatchObject({ choices: [{ message: { content: 'hi from azure' } }] });
    const req = fake.requests[0]!;
    expect(req.path).toBe('/openai/deployments/prod-chat/chat/completions');
    expect(req.query?.get('api-version')).toBe(AZURE_DEFAULT_API_VERSION);
    expect(req.headers['api-key']).toBe(KEY);
    expect(req.headers.authorization).toBeUndefined();
  });

  it("uses the deployment's api_version, and tolerates an endpoint pasted with /openai/", async () => {
    const t = { ...target, apiBase: `${fake.url}/openai/`, apiVersion: '2025-04-01-preview' };
    await azureAdapter.completion(t, { model: 'a', prompt: 'def f():' }, callContext());
    await azureAdapter.embeddings(t, { model: 'a', input: 'x' }, callContext());
    expect(fake.requests.map((r) => [r.path, r.query?.get('api-version')])).toEqual([
      ['/openai/deployments/prod-chat/completions', '2025-04-01-preview'],
      ['/openai/deployments/prod-chat/embeddings', '2025-04-01-preview'],
    ]);
  });

  it('api_version v1 selects the /openai/v1 surface, with the deployment as the model', async () => {
    await azureAdapter.chat({ ...target, apiVersion: 'v1' }, chat, callContext());
    expect(fake.requests[0]).toMatchObject({
      path: '/openai/v1/chat/completions',
      body: { model: 'prod-chat' },
    });
    expect(fake.requests[0]!.query?.has('api-version')).toBe(false);
  });

  it("does not relay Azure's prompt-filter chunk, which has no choices and an empty object", async () => {
    const pieces = await collect(await azureAdapter.chatStream(target, chat, callContext()));
    const chunks = pieces.map((p) => JSON.parse(p.data) as Record<string, unknown>);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.some((c) => 'prompt_filter_results' in c)).toBe(false);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('lists the resource models at /openai/models with the api-version', async () => {
    fake.setBehavior({ models: ['gpt-4o', 'text-embedding-3-small'] });
    await expect(azureAdapter.listModels(target, callContext())).resolves.toEqual([
      'gpt-4o',
      'text-embedding-3-small',
    ]);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/openai/models' });
    expect(fake.requests[0]!.query?.get('api-version')).toBe(AZURE_DEFAULT_API_VERSION);
  });

  it("says plainly when Azure's content filter blocks a prompt, and does not retry it", async () => {
    fake.setBehavior({ error: AZURE_CONTENT_FILTER });
    for (const call of [
      () => azureAdapter.chat(target, chat, callContext()),
      () => azureAdapter.chatStream(target, chat, callContext()),
    ]) {
      const err = await gatewayError(call());
      expect(err).toMatchObject({
        status: 400,
        code: 'invalid_request',
        retryable: false,
        upstreamStatus: 400,
      });
      expect(err.message).toMatch(/^Azure's content filter blocked this request/);
      expect(err.message).toContain('content management policy');
    }
  });

  it('an ordinary 400 is not called a content-filter block', async () => {
    fake.setBehavior({ error: { status: 400, message: 'Unrecognized request argument supplied: foo' } });
    const err = await gatewayError(azureAdapter.chat(target, chat, callContext()));
    expect(err.message).not.toContain('content filter');
  });

  it('a wrong key is an auth failure that does not echo the key', async () => {
    fake.setBehavior({ apiKey: 'the-right-key' });
    const err = await gatewayError(azureAdapter.chat(target, chat, callContext()));
    expect(err).toMatchObject({ status: 502, code: 'upstream_auth_failed' });
    expect(err.message).toContain('Access denied');
    expect(err.message).not.toContain(KEY);
  });

  it('without an api_base it fails at once, naming what to set', async () => {
    const err = await gatewayError(azureAdapter.chat({ ...target, apiBase: undefined }, chat, callContext()));
    expect(err.message).toMatch(/api_base.*AZURE_API_BASE/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('azure config', () => {
  const registry = new ProviderRegistry();
  const load = (text: string, env: Record<string, string> = {}) =>
    loadConfigText('config.yaml', text, { providers: registry, secretStore: new MemorySecretStore(), env });

  it('takes the key, endpoint and api-version from AZURE_API_KEY / AZURE_API_BASE / AZURE_API_VERSION', async () => {
    const loaded = await load(
      `model_list:\n  - { model_name: a, litellm_params: { model: azure/prod-chat } }\n`,
      {
        AZURE_API_KEY: 'k-from-env',
        AZURE_API_BASE: 'https://acme.openai.azure.com',
        AZURE_API_VERSION: '2025-04-01-preview',
      },
    );
    const d = loaded.config.deployments[0]!;
    expect(d).toMatchObject({ apiBase: 'https://acme.openai.azure.com', apiVersion: '2025-04-01-preview' });
    expect(loaded.apiKeys.get(d.id)).toBe('k-from-env');
    expect(loaded.warnings).toEqual([]);
  });

  it("the config's own values win over the environment", async () => {
    const loaded = await load(
      `model_list:\n  - model_name: a\n    litellm_params: { model: azure/x, api_base: "https://mine.openai.azure.com", ` +
        `api_version: "2024-10-21", api_key: literal-key }\n`,
      { AZURE_API_KEY: 'env', AZURE_API_BASE: 'https://env.openai.azure.com', AZURE_API_VERSION: 'v1' },
    );
    const d = loaded.config.deployments[0]!;
    expect(d).toMatchObject({ apiBase: 'https://mine.openai.azure.com', apiVersion: '2024-10-21' });
    expect(loaded.apiKeys.get(d.id)).toBe('literal-key');
  });

  it('warns when neither the config nor AZURE_API_BASE gives an endpoint', async () => {
    const loaded = await load(
      `model_list:\n  - { model_name: a, litellm_params: { model: azure/x, api_key: k } }\n`,
    );
    expect(loaded.warnings).toEqual([
      expect.stringMatching(/api_base: Azure OpenAI needs one \(or AZURE_API_BASE/),
    ]);
  });

  it('prices a deployment by model_info.base_model, since its name is whatever the user chose', async () => {
    const loaded = await load(
      `model_list:\n` +
        `  - model_name: a\n    litellm_params: { model: azure/prod-chat, api_base: "https://x.openai.azure.com", api_key: k }\n` +
        `    model_info: { base_model: azure/gpt-4o-mini }\n` +
        `  - model_name: b\n    litellm_params: { model: azure/prod-chat, api_base: "https://y.openai.azure.com", api_key: k }\n`,
    );
    const [named, unnamed] = loaded.config.deployments;
    expect(priceOf(named!, registry)).toMatchObject({ source: 'table', inputCostPerToken: 1.5e-7 });
    expect(priceOf(unnamed!, registry)).toMatchObject({ source: 'unknown', inputCostPerToken: 0 });
  });
});
