// The OpenAI-compatible presets and the provider catalogue: a prefix alone picks the base URL, the key's
// env var and whether the runtime is local, as in LiteLLM.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_CATALOG, providerKind } from '../../../shared/provider-catalog.ts';
import { priceOf } from '../../../main/gateway/budget/cost.ts';
import { loadConfigText } from '../../../main/gateway/config/load-config.ts';
import { localOpenAICompatibleAdapter } from '../../../main/gateway/providers/openai-compatible/index.ts';
import { ProviderRegistry } from '../../../main/gateway/providers/registry.ts';
import { MemorySecretStore } from '../../../main/gateway/secret-store.ts';
import { gatewayError } from '../../contract/contract-helpers.ts';
import { startFakeOpenAI, type FakeUpstream } from '../../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../../support/temp-gateway.ts';

const registry = new ProviderRegistry();
const load = (text: string, env: Record<string, string> = {}) =>
  loadConfigText('config.yaml', text, { providers: registry, secretStore: new MemorySecretStore(), env });
const entry = (model: string, extra = '') =>
  `model_list:\n  - { model_name: m, litellm_params: { model: ${model}${extra ? `, ${extra}` : ''} } }\n`;

describe('provider catalogue', () => {
  it('every kind it lists is served, with the default base it names', () => {
    for (const kind of PROVIDER_CATALOG) {
      for (const prefix of [kind.id, ...(kind.aliases ?? [])]) {
        expect(registry.has(prefix), prefix).toBe(true);
        expect(registry.get(prefix).defaultApiBase(prefix), prefix).toBe(kind.defaultApiBase);
        expect(registry.isLocal(prefix), prefix).toBe(kind.local);
      }
    }
  });

  it('knows the vendors by their LiteLLM prefixes and env vars', () => {
    expect(providerKind('groq')).toMatchObject({
      defaultApiBase: 'https://api.groq.com/openai/v1',
      apiKeyEnv: 'GROQ_API_KEY',
      local: false,
    });
    expect(providerKind('lm_studio')).toMatchObject({
      defaultApiBase: 'http://127.0.0.1:1234/v1',
      local: true,
    });
    expect(providerKind('hosted_vllm')).toMatchObject({ local: true, requiresApiKey: false });
    expect(providerKind('hosted_vllm')?.defaultApiBase).toBeUndefined();
    expect(providerKind('text-completion-openai')?.id).toBe('openai');
    expect(providerKind('ollama_chat')?.id).toBe('ollama');
  });
});

describe('presets', () => {
  it('LM Studio and vLLM count as local: free unless priced', async () => {
    const loaded = await load(
      `model_list:\n` +
        `  - { model_name: a, litellm_params: { model: lm_studio/qwen2.5-7b-instruct } }\n` +
        `  - { model_name: b, litellm_params: { model: hosted_vllm/openai/gpt-oss-120b, api_base: "http://gpu:8000/v1" } }\n` +
        `  - { model_name: c, litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: k } }\n`,
    );
    const [lm, vllm, groq] = loaded.config.deployments.map((d) => priceOf(d, registry));
    expect(lm).toMatchObject({ source: 'local', inputCostPerToken: 0 });
    expect(vllm).toMatchObject({ source: 'local', inputCostPerToken: 0 });
    expect(groq).toMatchObject({ source: 'table', inputCostPerToken: 5.9e-7 });
    // Local runtimes load models on first use: they get the longer first-token default.
    expect(loaded.config.deployments[0]!.streamTimeoutMs).toBe(300_000);
  });

  it('a vLLM deployment with no api_base fails at once, naming what to set, instead of calling OpenAI', async () => {
    const target = {
      model: 'x',
      apiBase: localOpenAICompatibleAdapter.defaultApiBase('hosted_vllm'),
      apiKey: undefined,
      apiVersion: undefined,
      firstByteTimeoutMs: 1000,
      totalTimeoutMs: 1000,
    };
    const err = await gatewayError(
      localOpenAICompatibleAdapter.chat(
        target,
        { model: 'x', messages: [{ role: 'user', content: 'hi' }] },
        {
          signal: new AbortController().signal,
        },
      ),
    );
    expect(err.message).toContain('needs an api_base');
    const loaded = await load(entry('hosted_vllm/Qwen/Qwen3-8B'));
    expect(loaded.warnings).toEqual([
      expect.stringMatching(/api_base: vLLM server needs one \(or HOSTED_VLLM_API_BASE in the environment\)/),
    ]);
  });

  it('HOSTED_VLLM_API_BASE and LM_STUDIO_API_BASE fill in the base; a bad one is reported and ignored', async () => {
    const loaded = await load(entry('hosted_vllm/Qwen/Qwen3-8B'), {
      HOSTED_VLLM_API_BASE: 'http://gpu:8000/v1',
    });
    expect(loaded.config.deployments[0]!.apiBase).toBe('http://gpu:8000/v1');
    expect(loaded.warnings).toEqual([]);
    const bad = await load(entry('lm_studio/qwen'), { LM_STUDIO_API_BASE: 'not a url' });
    expect(bad.config.deployments[0]!.apiBase).toBeUndefined();
    expect(bad.warnings).toEqual([expect.stringContaining('LM_STUDIO_API_BASE: invalid URL')]);
  });
});

describe('default keys from the environment', () => {
  it("uses the provider's env var when the deployment sets no api_key", async () => {
    const loaded = await load(entry('groq/llama-3.3-70b-versatile'), { GROQ_API_KEY: 'gsk-env' });
    expect(loaded.apiKeys.get(loaded.config.deployments[0]!.id)).toBe('gsk-env');
    expect(loaded.warnings).toEqual([]);
  });

  it("reads LiteLLM's other names for the same key", async () => {
    const loaded = await load(entry('together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo'), {
      TOGETHER_API_KEY: 'tg-env',
    });
    expect(loaded.apiKeys.get(loaded.config.deployments[0]!.id)).toBe('tg-env');
  });

  it('an explicit api_key wins over the environment', async () => {
    const loaded = await load(entry('deepseek/deepseek-chat', 'api_key: literal'), {
      DEEPSEEK_API_KEY: 'env',
    });
    expect(loaded.apiKeys.get(loaded.config.deployments[0]!.id)).toBe('literal');
  });

  it('OPENAI_API_KEY goes to OpenAI, never to another server configured under openai/', async () => {
    const env = { OPENAI_API_KEY: 'sk-real-openai' };
    const toOpenAI = await load(entry('openai/gpt-4o'), env);
    expect(toOpenAI.apiKeys.get(toOpenAI.config.deployments[0]!.id)).toBe('sk-real-openai');
    const explicitBase = await load(entry('openai/gpt-4o', 'api_base: "https://api.openai.com/v1/"'), env);
    expect(explicitBase.apiKeys.get(explicitBase.config.deployments[0]!.id)).toBe('sk-real-openai');
    const elsewhere = await load(entry('openai/my-model', 'api_base: "http://10.0.0.5:8000/v1"'), env);
    expect(elsewhere.apiKeys.size).toBe(0);
    expect(elsewhere.warnings).toEqual([]);
  });

  it('warns when a cloud provider gets no key from config or environment; local ones need none', async () => {
    const cloud = await load(entry('mistral/mistral-large-latest'));
    expect(cloud.warnings).toEqual([
      "model_list[0].litellm_params.api_key: not set and neither is MISTRAL_API_KEY; 'm' will be sent without a key",
    ]);
    const local = await load(entry('lm_studio/qwen'));
    expect(local.warnings).toEqual([]);
    expect(local.apiKeys.size).toBe(0);
  });
});

describe('a preset through the running gateway', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: 'gsk-from-env', reply: 'fast answer' });
    gw = await startTestGateway(
      `model_list:\n  - { model_name: fast, litellm_params: { model: groq/llama-3.3-70b-versatile, api_base: "${upstream.url}" } }\n`,
      { env: { GROQ_API_KEY: 'gsk-from-env' } },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('needs nothing but the prefix and GROQ_API_KEY, and prices the call from the table', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'any', maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe('fast answer');
    expect(upstream.requests[0]).toMatchObject({
      headers: { authorization: 'Bearer gsk-from-env' },
      body: { model: 'llama-3.3-70b-versatile' },
    });
    const row = gw.rows()[0]!;
    expect(row.cost_usd).toBeCloseTo(1 * 5.9e-7 + 2 * 7.9e-7, 12);
  });
});
