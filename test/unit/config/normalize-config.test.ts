import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../../main/gateway/config/normalize-config.ts';
import { validateConfigText } from '../../../main/gateway/config/validate-config.ts';
import { ProviderRegistry } from '../../../main/gateway/providers/registry.ts';
import { planRoute } from '../../../main/gateway/routing/route-plan.ts';
import { listedAliases, resolveAlias } from '../../../main/gateway/routing/resolve-alias.ts';

function load(text: string) {
  const v = validateConfigText(text);
  if (!v.config) throw new Error(v.errors.join('\n'));
  return normalizeConfig(v.config, new ProviderRegistry());
}

describe('normalised config and alias resolution', () => {
  const { config, warnings } = load(`
model_list:
  - { model_name: chat, litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:11434" } }
  - { model_name: chat, litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/K, timeout: 30 } }
  - { model_name: local-vllm, litellm_params: { model: Qwen/Qwen3-8B, api_base: "http://127.0.0.1:8000/v1" } }
  - { model_name: "ollama/*", litellm_params: { model: "ollama_chat/*" } }
  - { model_name: aws, litellm_params: { model: bedrock/claude } }
router_settings:
  model_group_alias: { gpt-4: chat, secret-name: { model: chat, hidden: true } }
  fallbacks: [{ chat: [local-vllm] }]
litellm_settings: { model_alias_map: { old: chat } }
`);

  it('groups entries with the same model_name into one alias, in order', () => {
    const chat = config.groups.get('chat')!;
    expect(chat.map((d) => `${d.provider}/${d.model}`)).toEqual([
      'ollama_chat/llama3.2',
      'openai/gpt-4o-mini',
    ]);
    expect(chat[1]!.timeoutMs).toBe(30_000);
  });

  it('treats a model name with a slash but an unknown prefix as unsupported, with a warning', () => {
    expect(warnings).toEqual([
      expect.stringContaining("model_list[4].litellm_params.model: provider 'bedrock'"),
    ]);
    expect(config.groups.has('aws')).toBe(false);
  });

  it('resolves model_group_alias and model_alias_map before routing', () => {
    expect(resolveAlias(config, 'gpt-4')?.alias).toBe('chat');
    expect(resolveAlias(config, 'old')?.alias).toBe('chat');
  });

  it('fills a wildcard with the requested name', () => {
    const r = resolveAlias(config, 'ollama/qwen3:8b');
    expect(r?.candidates.map((c) => c.model)).toEqual(['qwen3:8b']);
  });

  it('lists aliases but not hidden ones', () => {
    const names = listedAliases(config);
    expect(names).toEqual(expect.arrayContaining(['chat', 'local-vllm', 'gpt-4', 'old']));
    expect(names).not.toContain('secret-name');
  });

  it('plans the alias first, then its fallbacks', () => {
    const plan = planRoute(config, 'gpt-4');
    expect(plan.groups.map((g) => g.map((c) => c.deployment.alias))).toEqual([
      ['chat', 'chat'],
      ['local-vllm'],
    ]);
  });

  it('answers an unknown model with 404 model_not_found listing what exists', () => {
    expect(() => planRoute(config, 'nope')).toThrowError(/'nope' does not exist.*chat/);
  });

  it('accepts LiteLLM routing strategies it lacks with a warning, and falls back to simple-shuffle', () => {
    const r = load(`
model_list: [{ model_name: x, litellm_params: { model: openai/a } }]
router_settings: { routing_strategy: usage-based-routing-v2 }
`);
    expect(r.config.routingStrategy).toBe('simple-shuffle');
    expect(r.warnings).toEqual([
      expect.stringContaining("router_settings.routing_strategy: 'usage-based-routing-v2'"),
    ]);
    expect(
      load(`
model_list: [{ model_name: x, litellm_params: { model: openai/a } }]
router_settings: { routing_strategy: least-busy }
`).config.routingStrategy,
    ).toBe('least-busy');
  });

  it('keeps deployment ids stable across a reorder', () => {
    const a = load(`
model_list:
  - { model_name: x, litellm_params: { model: openai/a } }
  - { model_name: y, litellm_params: { model: openai/b } }
`).config.deployments;
    const b = load(`
model_list:
  - { model_name: y, litellm_params: { model: openai/b } }
  - { model_name: x, litellm_params: { model: openai/a } }
`).config.deployments;
    expect(a.map((d) => d.id).sort()).toEqual(b.map((d) => d.id).sort());
  });
});
