// The Connect snippets a user pastes into their tools: filled with the real URL, key and aliases, and
// valid in their own language even when an alias or key holds characters that need quoting.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { connectTools, KEY_PLACEHOLDER, type ConnectTool } from '../../../renderer/src/connect/snippets.ts';

const BASE = 'http://127.0.0.1:4141';
const KEY = 'sk-abcdefghijklmnopqrstuvwxyz012345';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-snippets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tool = (tools: ConnectTool[], id: string) => {
  const t = tools.find((x) => x.id === id);
  if (!t) throw new Error(`no ${id}`);
  return t;
};
const block = (tools: ConnectTool[], id: string, language: string) => {
  const b = tool(tools, id).blocks.find((x) => x.language === language);
  if (!b) throw new Error(`no ${language} block for ${id}`);
  return b.code;
};

/** Whether a command is on PATH (python3 is not on every fresh machine). */
function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `check` on a snippet written to a file; throws with the tool's complaint when it is invalid. */
function syntaxCheck(cmd: string, args: string[], name: string, code: string): void {
  const file = join(dir, name);
  writeFileSync(file, code);
  execFileSync(cmd, [...args, file], { stdio: 'pipe' });
}

/** Runs a shell snippet with `export` only (commands stubbed out) and reports the environment it set. */
function shellEnv(code: string): Record<string, string> {
  const file = join(dir, 'env.sh');
  writeFileSync(file, `claude() { :; }\naider() { :; }\n${code}\nenv -0`);
  const out = execFileSync('bash', [file], { env: { PATH: process.env.PATH ?? '' } }).toString();
  return Object.fromEntries(
    out
      .split('\0')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('connect snippets', () => {
  const tools = connectTools({ baseUrl: BASE, apiKey: KEY, aliases: ['smart', 'fast', 'ollama/*'] });

  it('covers every tool the Connect panel promises', () => {
    expect(tools.map((t) => t.id)).toEqual([
      'continue',
      'cline',
      'claude-code',
      'aider',
      'open-webui',
      'openai-sdk',
      'curl',
    ]);
  });

  it('Continue: a config.yaml whose models point at /v1 with the key, one per alias, wildcards left out', () => {
    const config = parseYaml(block(tools, 'continue', 'yaml')) as {
      schema: string;
      models: Record<string, string>[];
    };
    expect(config.schema).toBe('v1');
    expect(config.models).toEqual([
      { name: 'smart (Switchyard)', provider: 'openai', model: 'smart', apiBase: `${BASE}/v1`, apiKey: KEY },
      { name: 'fast (Switchyard)', provider: 'openai', model: 'fast', apiBase: `${BASE}/v1`, apiKey: KEY },
    ]);
  });

  it('Cline: OpenAI Compatible at /v1 and LiteLLM at the bare origin', () => {
    const [compat, litellm] = tool(tools, 'cline').blocks.map((b) => b.code);
    expect(compat).toContain(`Base URL: ${BASE}/v1\n`);
    expect(compat).toContain(`API Key: ${KEY}\n`);
    expect(compat).toContain('Model ID: smart\n');
    expect(litellm).toContain('API Provider: LiteLLM');
    expect(litellm).toContain(`Base URL: ${BASE}\n`);
  });

  it('Claude Code: base URL without /v1, the key as a bearer token, the aliases as models', () => {
    const env = shellEnv(block(tools, 'claude-code', 'shell'));
    expect(env).toMatchObject({
      ANTHROPIC_BASE_URL: BASE,
      ANTHROPIC_AUTH_TOKEN: KEY,
      ANTHROPIC_MODEL: 'smart',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'fast',
    });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    const settings = JSON.parse(block(tools, 'claude-code', 'json')) as { env: Record<string, string> };
    expect(settings.env.ANTHROPIC_AUTH_TOKEN).toBe(KEY);
  });

  it('Aider: --openai-api-base and --model openai/<alias>, or the same through OPENAI_API_BASE', () => {
    const [flags, viaEnv] = tool(tools, 'aider').blocks.map((b) => b.code);
    expect(flags).toBe(`aider --openai-api-base ${BASE}/v1 --openai-api-key ${KEY} --model openai/smart\n`);
    expect(shellEnv(viaEnv!)).toMatchObject({ OPENAI_API_BASE: `${BASE}/v1`, OPENAI_API_KEY: KEY });
  });

  it('Open WebUI: the OpenAI connection URL and key, and a docker run that can reach 127.0.0.1', () => {
    const [conn, docker] = tool(tools, 'open-webui').blocks.map((b) => b.code);
    expect(conn).toBe(`URL: ${BASE}/v1\nKey: ${KEY}\n`);
    expect(docker).toContain('--network=host');
    expect(docker).toContain(`OPENAI_API_BASE_URL=${BASE}/v1`);
  });

  it('the OpenAI SDK snippets and curl name the base URL, key and first alias', () => {
    for (const id of ['openai-sdk', 'curl']) {
      for (const b of tool(tools, id).blocks) {
        expect(b.code).toContain(`${BASE}/v1`);
        expect(b.code).toContain(KEY);
        expect(b.code).toContain('smart');
      }
    }
  });

  it('writes a placeholder, never a made-up key, when the secret is no longer known', () => {
    const noKey = connectTools({ baseUrl: `${BASE}/v1/`, aliases: ['smart'] });
    const cont = parseYaml(block(noKey, 'continue', 'yaml')) as { models: Record<string, string>[] };
    expect(cont.models[0]!.apiKey).toBe(KEY_PLACEHOLDER);
    // A base URL given with /v1 is not doubled.
    expect(cont.models[0]!.apiBase).toBe(`${BASE}/v1`);
  });

  it('stays valid in every language when aliases and keys need quoting', () => {
    const odd = connectTools({
      baseUrl: BASE,
      apiKey: 'k\'$(touch /tmp/pwned)"x',
      aliases: ['yes', "it's: odd"],
    });
    const cont = parseYaml(block(odd, 'continue', 'yaml')) as { models: Record<string, string>[] };
    // YAML 1.1 readers turn a bare yes into true: it must stay the string.
    expect(cont.models.map((m) => m.model)).toEqual(['yes', "it's: odd"]);
    expect(cont.models[0]!.apiKey).toBe('k\'$(touch /tmp/pwned)"x');
    const env = shellEnv(block(odd, 'claude-code', 'shell'));
    expect(env.ANTHROPIC_AUTH_TOKEN).toBe('k\'$(touch /tmp/pwned)"x');
    expect(env.ANTHROPIC_MODEL).toBe('yes');
    for (const b of tool(odd, 'curl').blocks) syntaxCheck('bash', ['-n'], 'curl.sh', b.code);
    syntaxCheck('node', ['--check'], 'sdk.mjs', block(odd, 'openai-sdk', 'javascript'));
    if (has('python3'))
      syntaxCheck('python3', ['-m', 'py_compile'], 'sdk.py', block(odd, 'openai-sdk', 'python'));
  });
});
