import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../main/gateway/config/validate-config.ts';

describe('config validation', () => {
  it('accepts a LiteLLM config.yaml and keeps default params', () => {
    const r = validateConfigText(`
model_list:
  - model_name: smart
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: os.environ/OPENAI_API_KEY
      temperature: 0.3
      max_tokens: 512
    model_info: { max_input_tokens: 128000, system_prompt: Be brief. }
router_settings: { num_retries: 3, fallbacks: [{ smart: [local] }], model_group_alias: { gpt-4: smart } }
general_settings: { master_key: sk-1234 }
`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config?.model_list[0]?.litellm_params).toMatchObject({ temperature: 0.3, max_tokens: 512 });
    expect(r.config?.router_settings?.num_retries).toBe(3);
  });

  it('names the exact path and reason of an invalid value', () => {
    const r = validateConfigText(`
model_list:
  - { model_name: a, litellm_params: { model: openai/a } }
  - { model_name: b, litellm_params: { model: openai/b } }
  - { model_name: c, litellm_params: { model: openai/c, api_base: "not a url" } }
`);
    expect(r.config).toBeUndefined();
    expect(r.errors).toEqual(['model_list[2].litellm_params.api_base: invalid URL']);
  });

  it('reports every bad value, not just the first', () => {
    const r = validateConfigText(`
model_list:
  - { model_name: a, litellm_params: { model: openai/a, rpm: -1 } }
router_settings: { num_retries: many }
`);
    expect(r.errors).toHaveLength(2);
    expect(r.errors.join('\n')).toMatch(/model_list\[0\]\.litellm_params\.rpm/);
    expect(r.errors.join('\n')).toMatch(/router_settings\.num_retries/);
  });

  it('warns about unknown and unsupported keys by name, and still starts', () => {
    const r = validateConfigText(`
model_list:
  - model_name: a
    litellm_params: { model: openai/a, vertex_project: p }
    model_info: { team: x }
router_settings: { routing_stratgy: simple-shuffle }
litellm_settings: { success_callback: [langfuse] }
general_settings: { database_url: postgres://x }
cache: true
`);
    expect(r.errors).toEqual([]);
    expect(r.config).toBeDefined();
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('model_list[0].litellm_params.vertex_project'),
        expect.stringContaining('model_list[0].model_info.team'),
        expect.stringContaining('router_settings.routing_stratgy'),
        expect.stringContaining('litellm_settings.success_callback'),
        expect.stringContaining('general_settings.database_url'),
        expect.stringContaining('cache'),
      ]),
    );
  });

  it('rejects YAML that does not parse, saying where', () => {
    const r = validateConfigText('model_list:\n  - model_name: [unclosed\n');
    expect(r.config).toBeUndefined();
    expect(r.errors[0]).toMatch(/^YAML: .*line \d+/);
  });

  it('treats an empty file as an empty config', () => {
    const r = validateConfigText('');
    expect(r.errors).toEqual([]);
    expect(r.config?.model_list).toEqual([]);
  });

  it('requires litellm_params.model', () => {
    const r = validateConfigText(
      'model_list:\n  - model_name: a\n    litellm_params: { api_base: "http://x" }\n',
    );
    expect(r.errors[0]).toMatch(/^model_list\[0\]\.litellm_params\.model: /);
  });
});
