// Claude Code on a local model: it asks for Claude model names (a main and a small fast one) with its
// own headers, `?beta=true` and an app key as ANTHROPIC_AUTH_TOKEN; one `claude-*` wildcard alias sends
// them all to Ollama, and each request lands in the ledger under the name Claude Code asked for.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama } from '../support/fake-ollama.ts';
import type { FakeUpstream } from '../support/fake-upstream-core.ts';
import { generateKey } from '../support/key-admin.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-claude-code';
let ollama: FakeUpstream;
let gw: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  ollama = await startFakeOllama({ reply: 'Done: the tests pass.', models: ['qwen3-coder:latest'] });
  gw = await startTestGateway(`
model_list:
  - model_name: claude-*
    litellm_params: { model: ollama_chat/qwen3-coder, api_base: "${ollama.url}" }
general_settings: { master_key: ${MASTER} }
`);
  const key = (await generateKey(gw.url, MASTER, { key_alias: 'claude-code' })).key;
  // What ANTHROPIC_BASE_URL + ANTHROPIC_AUTH_TOKEN give Claude Code: a bearer token, not x-api-key.
  client = new Anthropic({ baseURL: gw.url, authToken: key, apiKey: null, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await ollama?.close();
});

describe('Claude Code on a local model through a wildcard alias', () => {
  it('answers the main and the small model, streamed, with beta headers, all from Ollama', async () => {
    for (const model of ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']) {
      const stream = client.beta.messages.stream({
        model,
        max_tokens: 32000,
        betas: ['interleaved-thinking-2025-05-14'],
        system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'Run the tests' }],
      });
      const message = await stream.finalMessage();
      expect(message.content).toEqual([{ type: 'text', text: 'Done: the tests pass.' }]);
      expect(message.model).toBe(model);
    }
    expect(ollama.requests.map((r) => (r.body as { model: string }).model)).toEqual([
      'qwen3-coder',
      'qwen3-coder',
    ]);
    const rows = gw.rows();
    expect(rows.map((r) => [r.endpoint, r.alias, r.status]).sort()).toEqual([
      ['messages', 'claude-haiku-4-5-20251001', 200],
      ['messages', 'claude-sonnet-4-5-20250929', 200],
    ]);
    expect(rows.every((r) => r.provider === 'ollama_chat' && r.cost_usd === 0)).toBe(true);
  });
});
