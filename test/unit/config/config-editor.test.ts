// The config editor against real files: the user's comments, key order and secret references survive an
// edit, an edit that would break the config is refused with nothing written, concurrent edits and hand
// edits are never lost, and the file is replaced atomically (mode and symlinks kept).
import {
  chmodSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigEditor } from '../../../main/gateway/config/config-editor.ts';
import { loadConfigText, type LoadedConfig } from '../../../main/gateway/config/load-config.ts';
import {
  addDeployment,
  reorder,
  setPrimary,
  updateAlias,
  updateDeployment,
} from '../../../main/gateway/config/model-edits.ts';
import { GatewayError } from '../../../main/gateway/errors.ts';
import { ProviderRegistry } from '../../../main/gateway/providers/registry.ts';
import { MemorySecretStore } from '../../../main/gateway/secrets/secret-store.ts';
import { memoryLogger, tempDir } from '../../support/temp-gateway.ts';

const CONFIG = `# My Switchyard config — hand-written, keep these comments.
model_list:
  # Local first.
  - model_name: fast
    litellm_params:
      model: ollama_chat/llama3.2 # pulled last week
      api_base: http://127.0.0.1:11434
  - model_name: smart
    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }
    model_info:
      system_prompt: "Answer briefly."
  - model_name: smart
    litellm_params:
      model: openai/gpt-4o
      api_key: keychain/openai   # in the OS keychain
router_settings:
  num_retries: 2
  fallbacks: [{ smart: [fast] }]
general_settings:
  master_key: os.environ/SWITCHYARD_MASTER_KEY
`;

const ENV = { OPENAI_API_KEY: 'sk-env-value', SWITCHYARD_MASTER_KEY: 'sk-master-value' };

let dir: string;
let file: string;
let running: LoadedConfig;
let applied: number;
let log: ReturnType<typeof memoryLogger>;
/** Runs before each load: lets a test change the file while an edit is being checked. */
let beforeLoad: (() => void) | undefined;

const registry = new ProviderRegistry();
const loadOpts = {
  providers: registry,
  secretStore: new MemorySecretStore({ openai: 'sk-keychain-value' }),
  env: ENV,
};

async function editorFor(text: string): Promise<ConfigEditor> {
  writeFileSync(file, text);
  running = await loadConfigText(file, text, loadOpts);
  applied = 0;
  log = memoryLogger();
  return new ConfigEditor({
    path: file,
    load: (t) => {
      beforeLoad?.();
      return loadConfigText(file, t, loadOpts);
    },
    current: () => running,
    apply: (next) => {
      running = next;
      applied++;
    },
    providers: registry,
    log,
  });
}

const idsOf = (alias: string) => running.config.deployments.filter((d) => d.alias === alias).map((d) => d.id);

async function refusal(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected the edit to be refused');
}

beforeEach(() => {
  dir = tempDir();
  file = join(dir, 'config.yaml');
  beforeLoad = undefined;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('an edit', () => {
  it('keeps comments, key order, flow style and secret references, and changes only what it must', async () => {
    const editor = await editorFor(CONFIG);
    const [mini, big] = idsOf('smart');
    await editor.edit((ctx) => setPrimary(ctx, 'smart', big!));
    const text = readFileSync(file, 'utf8');
    for (const kept of [
      '# My Switchyard config — hand-written, keep these comments.',
      '# Local first.',
      '# pulled last week',
      '# in the OS keychain',
      'api_key: os.environ/OPENAI_API_KEY',
      'api_key: keychain/openai',
      'master_key: os.environ/SWITCHYARD_MASTER_KEY',
      'system_prompt: "Answer briefly."',
      'fallbacks: [{ smart: [fast] }]',
    ])
      expect(text).toContain(kept);
    // The flow mapping stays one flow mapping, with the new key in it.
    expect(text).toContain(
      'litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY, order: 2 }',
    );
    expect(text).not.toContain('sk-env-value');
    expect(text).not.toContain('sk-keychain-value');
    expect(Object.keys(parse(text) as object)).toEqual(['model_list', 'router_settings', 'general_settings']);
    // The gateway runs on the edit at once; the deployment ids did not change.
    expect(applied).toBe(1);
    expect(running.text).toBe(text);
    expect(idsOf('smart')).toEqual([mini, big]);
    expect(running.config.deployments.find((d) => d.id === big)!.order).toBe(1);
  });

  it('is refused with the path and reason when it would make the config invalid, and writes nothing', async () => {
    const editor = await editorFor(CONFIG);
    const before = readFileSync(file, 'utf8');
    const err = await refusal(
      editor.edit((ctx) => updateAlias(ctx, { alias: 'fast', params: { temperature: 5 } })),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('model_list[0].litellm_params.temperature');
    expect(err.param).toBe('model_list[0].litellm_params.temperature');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(applied).toBe(0);
  });

  it('is refused when the master key it would need cannot be resolved', async () => {
    const editor = await editorFor(CONFIG);
    const err = await refusal(
      editor.edit(({ doc }) => doc.setIn(['general_settings', 'master_key'], 'os.environ/NOT_SET_ANYWHERE')),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain('general_settings.master_key');
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
  });

  it('refuses with 409 while the file itself has errors, and names them', async () => {
    const editor = await editorFor(CONFIG);
    writeFileSync(file, CONFIG.replace('api_base: http://127.0.0.1:11434', 'api_base: not a url'));
    const err = await refusal(editor.edit((ctx) => reorder(ctx, 'smart', idsOf('smart').reverse())));
    expect(err.status).toBe(409);
    expect(err.message).toContain('model_list[0].litellm_params.api_base');
  });

  it('lands on the file as it is now: a hand edit made since the last reload is kept', async () => {
    const editor = await editorFor(CONFIG);
    writeFileSync(file, CONFIG.replace('num_retries: 2', 'num_retries: 4 # raised by hand'));
    await editor.edit((ctx) =>
      addDeployment(ctx, {
        alias: 'fast',
        model: 'ollama_chat/qwen3:8b',
        api_base: 'http://127.0.0.1:11434',
      }),
    );
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('num_retries: 4 # raised by hand');
    expect(text).toContain('model: ollama_chat/qwen3:8b');
  });

  it('is redone on the new text when the file is saved by hand while the edit is being checked', async () => {
    const editor = await editorFor(CONFIG);
    let saves = 0;
    beforeLoad = () => {
      if (saves++ === 0) writeFileSync(file, CONFIG.replace('num_retries: 2', 'num_retries: 5'));
    };
    await editor.edit((ctx) => setPrimary(ctx, 'smart', idsOf('smart')[1]!));
    const cfg = parse(readFileSync(file, 'utf8')) as {
      router_settings: { num_retries: number };
      model_list: { litellm_params: { order?: number } }[];
    };
    expect(cfg.router_settings.num_retries).toBe(5);
    expect(cfg.model_list.map((e) => e.litellm_params.order)).toEqual([undefined, 2, 1]);
  });

  it('never loses one of many concurrent edits', async () => {
    const editor = await editorFor(CONFIG);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        editor.edit((ctx) =>
          addDeployment(ctx, { alias: `m${i}`, model: `openai/model-${i}`, api_key: 'keychain/openai' }),
        ),
      ),
    );
    const names = (
      parse(readFileSync(file, 'utf8')) as { model_list: { model_name: string }[] }
    ).model_list.map((e) => e.model_name);
    for (let i = 0; i < 12; i++) expect(names).toContain(`m${i}`);
    expect(running.config.deployments).toHaveLength(15);
  });
});

describe('the write', () => {
  it('leaves no temp file, and keeps the file mode', async () => {
    const editor = await editorFor(CONFIG);
    chmodSync(file, 0o600);
    await editor.edit((ctx) => reorder(ctx, 'smart', idsOf('smart').reverse()));
    expect(readdirSync(dir)).toEqual(['config.yaml']);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes through a symlinked config, leaving the link in place', async () => {
    if (process.platform === 'win32') return;
    const real = join(dir, 'dotfiles-config.yaml');
    writeFileSync(real, CONFIG);
    const editor = await editorFor(CONFIG);
    rmSync(file);
    symlinkSync(real, file);
    await editor.edit((ctx) => reorder(ctx, 'smart', idsOf('smart').reverse()));
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('order: 1');
  });

  it('keeps the indentation and line endings the file uses', async () => {
    const flat = [
      'model_list:',
      '- model_name: fast',
      '  litellm_params:',
      '    model: ollama_chat/llama3.2',
      '- model_name: fast',
      '  litellm_params:',
      '    model: ollama_chat/qwen3',
      '',
    ].join('\r\n');
    const editor = await editorFor(flat);
    await editor.edit((ctx) => updateDeployment(ctx, { id: idsOf('fast')[1]!, rpm: 60 }));
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(
      flat.replace('    model: ollama_chat/qwen3\r\n', '    model: ollama_chat/qwen3\r\n    rpm: 60\r\n'),
    );
  });
});

describe('reloads from the file', () => {
  it('skip a text the gateway already runs on (the watcher seeing an edit made here)', async () => {
    const editor = await editorFor(CONFIG);
    await editor.edit((ctx) => reorder(ctx, 'smart', idsOf('smart').reverse()));
    const after = running;
    await editor.reloadFromDisk();
    expect(running).toBe(after);
    expect(applied).toBe(1);
  });

  it('pick up a hand edit, and keep the running config when the file is invalid', async () => {
    const editor = await editorFor(CONFIG);
    writeFileSync(file, CONFIG.replace('num_retries: 2', 'num_retries: 3'));
    await editor.reloadFromDisk();
    expect(running.config.numRetries).toBe(3);
    writeFileSync(file, CONFIG.replace('num_retries: 2', 'num_retries: many'));
    await editor.reloadFromDisk();
    expect(running.config.numRetries).toBe(3);
    expect(
      log.lines.some((l) => l.level === 'error' && l.message.includes('router_settings.num_retries')),
    ).toBe(true);
  });
});

describe('replacing the whole file', () => {
  it('keeps the old one as a backup beside it', async () => {
    const editor = await editorFor(CONFIG);
    const next = 'model_list:\n  - model_name: only\n    litellm_params: { model: ollama_chat/llama3.2 }\n';
    const { backup } = await editor.replace(next);
    expect(readFileSync(file, 'utf8')).toBe(next);
    expect(backup).not.toBeNull();
    expect(readFileSync(backup!, 'utf8')).toBe(CONFIG);
    expect(running.config.deployments.map((d) => d.alias)).toEqual(['only']);
  });

  it('refuses an invalid config with its path, and writes nothing', async () => {
    const editor = await editorFor(CONFIG);
    const err = await refusal(
      editor.replace('model_list:\n  - model_name: x\n    litellm_params: { model: openai/x, rpm: -1 }\n'),
    );
    expect(err.status).toBe(400);
    expect(err.param).toBe('model_list[0].litellm_params.rpm');
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    expect(readdirSync(dir)).toEqual(['config.yaml']);
  });
});
