// Editing the config from the admin API (what the Models and Settings pages do), against a real gateway and
// simulated upstreams: each edit lands in config.yaml in LiteLLM's dialect, keeps the user's comments and
// references, and the very next request follows it. Mistakes are refused with the path and nothing written.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modelsListOutput } from '../../shared/admin/models.ts';
import { MemorySecretStore } from '../../main/gateway/secrets/secret-store.ts';
import { AdminApi, apiError, openaiAs, type ApiResponse } from '../support/admin-api.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { spawnServe, type ServeProcess } from '../support/spawn-serve.ts';
import { startTestGateway, tempDir, type TestGateway } from '../support/temp-gateway.ts';
import type { GatewayOptions } from '../../main/gateway/index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked field by field
type Json = any;

const LITERAL_VENDOR_KEY = 'sk-literal-vendor-secret-123456';

let a: FakeUpstream;
let b: FakeUpstream;
let gw: TestGateway | undefined;

beforeAll(async () => {
  a = await startFakeOpenAI({ reply: 'from A' });
  b = await startFakeOpenAI({ reply: 'from B' });
});

afterEach(async () => {
  await gw?.close();
  gw = undefined;
  a.reset();
  b.reset();
});

afterAll(async () => {
  await a?.close();
  await b?.close();
});

const config = () => `# Team config: keep this comment
model_list:
  - model_name: smart
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${a.url}", api_key: os.environ/VENDOR_A }
  - model_name: smart
    litellm_params:
      model: openai/fake-model
      api_base: "${b.url}"
      api_key: keychain/vendor-b # in the keychain
      input_cost_per_token: 0.000002
      output_cost_per_token: 0.000008
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:9" }
  - model_name: ollama/*
    litellm_params: { model: ollama_chat/*, api_base: "http://127.0.0.1:9" }
  - model_name: legacy
    litellm_params: { model: openai/fake-model, api_base: "${b.url}", api_key: ${LITERAL_VENDOR_KEY} }
router_settings:
  num_retries: 0
`;

async function start(
  text = config(),
  opts: Partial<GatewayOptions> = {},
): Promise<{ g: TestGateway; api: AdminApi }> {
  gw = await startTestGateway(text, {
    env: { VENDOR_A: 'sk-vendor-a' },
    secretStore: new MemorySecretStore({ 'vendor-b': 'sk-vendor-b' }),
    ...opts,
  });
  return { g: gw, api: new AdminApi(gw.url, undefined) };
}

async function op(api: AdminApi, name: string, input: unknown = {}): Promise<ApiResponse> {
  return api.post(`/admin/${name}`, input);
}

/** The operation's body, insisting on 200. */
async function ok(api: AdminApi, name: string, input: unknown = {}): Promise<Json> {
  const res = await op(api, name, input);
  if (res.status !== 200) throw new Error(`${name} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function ask(g: TestGateway, model: string): Promise<string> {
  const out = await openaiAs(g.url, 'any').chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'hello' }],
  });
  return out.choices[0]!.message.content ?? '';
}

const fileOf = (g: TestGateway) => readFileSync(g.configPath, 'utf8');
const idsOf = async (api: AdminApi, alias: string): Promise<string[]> =>
  ((await ok(api, 'models.list')).aliases as Json[])
    .find((x) => x.alias === alias)
    .deployments.map((d: { id: string }) => d.id);

describe('models.list', () => {
  it('shows every alias in config order with its deployments, references and prices, never a secret', async () => {
    const { api } = await start();
    const res = await op(api, 'models.list');
    expect(res.status).toBe(200);
    expect(modelsListOutput.parse(res.body)).toEqual(res.body);
    const list = res.body.aliases as Json[];
    expect(list.map((x) => [x.alias, x.wildcard])).toEqual([
      ['smart', false],
      ['local', false],
      ['ollama/*', true],
      ['legacy', false],
    ]);
    const smart = list[0];
    expect(smart.primary).toBeNull();
    expect(smart.strategy).toBe('simple-shuffle');
    expect(smart.deployments.map((d: Json) => [d.model, d.credential, d.price_source])).toEqual([
      ['openai/gpt-4o-mini', 'os.environ/VENDOR_A', 'table'],
      ['openai/fake-model', 'keychain/vendor-b', 'config'],
    ]);
    expect(smart.deployments[0].input_cost_per_million).toBe(0.15);
    expect(smart.deployments[1]).toMatchObject({ input_cost_per_million: 2, output_cost_per_million: 8 });
    expect(smart.deployments[0].context_window).toBe(128_000);
    expect(list[1].deployments[0]).toMatchObject({ price_source: 'local', input_cost_per_million: 0 });
    expect(list[1].primary).toBe(list[1].deployments[0].id);
    expect(list[3].deployments[0].credential).toBe('literal');
    const text = JSON.stringify(res.body);
    for (const secret of [LITERAL_VENDOR_KEY, 'sk-vendor-a', 'sk-vendor-b'])
      expect(text).not.toContain(secret);
  });
});

describe('choosing the primary deployment', () => {
  it('sends every next request to it, in LiteLLM’s dialect (litellm_params.order), under simple-shuffle', async () => {
    const { g, api } = await start();
    const [toA, toB] = await idsOf(api, 'smart');
    const view = await ok(api, 'model.setPrimary', { alias: 'smart', deployment_id: toB });
    expect(view.primary).toBe(toB);
    expect(view.deployments.map((d: Json) => d.id)).toEqual([toB, toA]);
    expect(view.strategy).toBe('order');
    for (let i = 0; i < 8; i++) expect(await ask(g, 'smart')).toBe('from B');
    expect(a.requests).toHaveLength(0);

    const file = parse(fileOf(g)) as { model_list: { litellm_params: { order?: number } }[] };
    expect(file.model_list.slice(0, 2).map((e) => e.litellm_params.order)).toEqual([2, 1]);
    expect(fileOf(g)).toContain('# Team config: keep this comment');
    expect(fileOf(g)).toContain('api_key: keychain/vendor-b # in the keychain');

    await ok(api, 'model.setPrimary', { alias: 'smart', deployment_id: toA });
    for (let i = 0; i < 8; i++) expect(await ask(g, 'smart')).toBe('from A');
  });

  it('keeps the others as backups: the primary failing falls over to them', async () => {
    const { g, api } = await start();
    const [, toB] = await idsOf(api, 'smart');
    await ok(api, 'model.setPrimary', { alias: 'smart', deployment_id: toB });
    b.setBehavior({ error: { status: 503, message: 'overloaded' } });
    expect(await ask(g, 'smart')).toBe('from A');
  });

  it('refuses an unknown alias or deployment with 404 and a reorder that is not a permutation with 400', async () => {
    const { g, api } = await start();
    const before = fileOf(g);
    const [toA, toB] = await idsOf(api, 'smart');
    expect((await op(api, 'model.setPrimary', { alias: 'nope', deployment_id: toA })).status).toBe(404);
    expect((await op(api, 'model.setPrimary', { alias: 'local', deployment_id: toA })).status).toBe(404);
    const bad = await op(api, 'model.reorder', { alias: 'smart', deployment_ids: [toA, toA] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('deployment_ids');
    expect((await op(api, 'model.reorder', { alias: 'smart', deployment_ids: [toA] })).status).toBe(400);
    expect(fileOf(g)).toBe(before);

    const view = await ok(api, 'model.reorder', { alias: 'smart', deployment_ids: [toB, toA] });
    expect(view.deployments.map((d: Json) => [d.id, d.order])).toEqual([
      [toB, 1],
      [toA, 2],
    ]);
  });
});

describe('adding, changing and removing deployments', () => {
  it('adds one whose id models.list shows and that serves requests at once', async () => {
    const { g, api } = await start();
    const added = await ok(api, 'model.add', {
      alias: 'fresh',
      model: 'openai/fake-model',
      api_base: a.url,
      api_key: 'keychain/vendor-b',
      params: { temperature: 0.2 },
      rpm: 100,
      input_cost_per_million: 1.25,
      context_window: 32_000,
    });
    expect(added.alias).toBe('fresh');
    const fresh = (await ok(api, 'models.list')).aliases.find((x: Json) => x.alias === 'fresh');
    expect(fresh.deployments[0]).toMatchObject({
      id: added.id,
      credential: 'keychain/vendor-b',
      rpm: 100,
      input_cost_per_million: 1.25,
      context_window: 32_000,
      params: { temperature: 0.2 },
    });
    expect(await ask(g, 'fresh')).toBe('from A');
    expect(a.requests.at(-1)!.body.temperature).toBe(0.2);
    expect(parse(fileOf(g)).model_list.at(-1).litellm_params.input_cost_per_token).toBe(0.00000125);
  });

  it('refuses a raw key, telling the user to use the keychain, and writes nothing', async () => {
    const { g, api } = await start();
    const before = fileOf(g);
    const res = await op(api, 'model.add', {
      alias: 'x',
      model: 'openai/gpt-4o',
      api_key: 'sk-proj-abcdef1234567890',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('api_key');
    expect(res.body.error.message).toContain('keychain');
    expect(JSON.stringify(res.body)).not.toContain('sk-proj-abcdef1234567890');
    const unsupported = await op(api, 'model.add', { alias: 'x', model: 'nonsense/thing' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.message).toContain("provider 'nonsense' is not supported");
    expect(fileOf(g)).toBe(before);
  });

  it('updates a deployment: the next request goes where it now points, and the literal key is gone', async () => {
    const { g, api } = await start();
    const [legacy] = await idsOf(api, 'legacy');
    const view = await ok(api, 'model.update', {
      id: legacy,
      api_base: a.url,
      api_key: 'keychain/vendor-b',
      rpm: 10,
    });
    expect(view.deployments[0]).toMatchObject({ api_base: a.url, credential: 'keychain/vendor-b', rpm: 10 });
    expect(await ask(g, 'legacy')).toBe('from A');
    expect(a.requests.at(-1)!.headers.authorization).toBe('Bearer sk-vendor-b');
    expect(fileOf(g)).not.toContain(LITERAL_VENDOR_KEY);

    const cleared = await ok(api, 'model.update', { id: view.deployments[0].id, rpm: null });
    expect(cleared.deployments[0].rpm).toBeNull();
    expect((await op(api, 'model.update', { id: 'no-such-id', rpm: 1 })).status).toBe(404);
  });

  it('removes the last deployment of an alias, warning where the alias is still named', async () => {
    const { g, api } = await start();
    await ok(api, 'alias.update', { alias: 'smart', fallbacks: ['local'] });
    await ok(api, 'key.generate', { key_alias: 'ide', models: ['local'] });
    const [local] = await idsOf(api, 'local');
    const out = await ok(api, 'model.remove', { id: local });
    expect(out.removed).toBe(true);
    expect(out.warnings.join('\n')).toContain("the fallbacks of 'smart'");
    expect(out.warnings.join('\n')).toContain("key 'ide'");
    const models = (await (await fetch(`${g.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).not.toContain('local');
    expect((await op(api, 'model.remove', { id: local })).status).toBe(404);
  });
});

describe('alias settings', () => {
  it('bakes a system prompt and default params into every deployment, and removes them again', async () => {
    const { g, api } = await start();
    const view = await ok(api, 'alias.update', {
      alias: 'smart',
      system_prompt: 'Be terse.',
      params: { temperature: 0.3 },
      fallbacks: ['legacy'],
    });
    expect(view).toMatchObject({
      system_prompt: 'Be terse.',
      params: { temperature: 0.3 },
      fallbacks: ['legacy'],
    });
    await ask(g, 'smart');
    const sent = [...a.requests, ...b.requests].at(-1)!.body;
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'Be terse.' });
    expect(sent.temperature).toBe(0.3);
    const cfg = parse(fileOf(g));
    expect(cfg.router_settings.fallbacks).toEqual([{ smart: ['legacy'] }]);
    expect(cfg.model_list[0].model_info.system_prompt).toBe('Be terse.');

    // A deployment added later serves the alias the same way.
    await ok(api, 'model.add', { alias: 'smart', model: 'openai/fake-model', api_base: a.url });
    const smart = (await ok(api, 'models.list')).aliases[0];
    expect(smart).toMatchObject({ system_prompt: 'Be terse.', params: { temperature: 0.3 } });

    const cleared = await ok(api, 'alias.update', {
      alias: 'smart',
      system_prompt: null,
      params: null,
      fallbacks: [],
    });
    expect(cleared).toMatchObject({ system_prompt: null, params: {}, fallbacks: [] });
    a.reset();
    b.reset();
    await ask(g, 'smart');
    const plain = [...a.requests, ...b.requests].at(-1)!.body;
    expect(plain.messages[0].role).toBe('user');
    expect(plain.temperature).toBeUndefined();
    expect(parse(fileOf(g)).router_settings).toEqual({ num_retries: 0 });
  });

  it('refuses an invalid value with its config path, and an unknown fallback, writing nothing', async () => {
    const { g, api } = await start();
    const before = fileOf(g);
    const hot = await op(api, 'alias.update', { alias: 'smart', params: { temperature: 5 } });
    expect(hot.status).toBe(400);
    expect(hot.body.error.param).toBe('model_list[0].litellm_params.temperature');
    const unknownParam = await op(api, 'alias.update', { alias: 'smart', params: { temprature: 1 } });
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.error.param).toBe('params.temprature');
    const nowhere = await op(api, 'alias.update', { alias: 'smart', fallbacks: ['nowhere'] });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.message).toContain('nowhere');
    expect((await op(api, 'alias.update', { alias: 'ghost', system_prompt: 'x' })).status).toBe(404);
    expect(fileOf(g)).toBe(before);
  });
});

describe('the file and the app together', () => {
  it('never clobbers a hand edit made since the last reload', async () => {
    const { g, api } = await start();
    g.writeConfig(config().replace('num_retries: 0', 'num_retries: 1 # set by hand'));
    const [, toB] = await idsOf(api, 'smart');
    await ok(api, 'model.setPrimary', { alias: 'smart', deployment_id: toB });
    expect(fileOf(g)).toContain('num_retries: 1 # set by hand');
    expect(g.runtime.loaded.config.numRetries).toBe(1);
  });

  it('the watcher seeing the app’s own write again changes nothing', async () => {
    const { g, api } = await start(config(), { watch: true });
    const [, toB] = await idsOf(api, 'smart');
    await ok(api, 'model.setPrimary', { alias: 'smart', deployment_id: toB });
    const running = g.runtime.loaded;
    const reloads = g.logs.filter((l) => l.message.startsWith('config reloaded')).length;
    await g.reload();
    expect(g.runtime.loaded).toBe(running);
    expect(g.logs.filter((l) => l.message.startsWith('config reloaded')).length).toBe(reloads);
  });
});

describe('export and import', () => {
  it('exports the file as is, with a literal vendor key masked and a warning', async () => {
    const { g, api } = await start();
    const out = await ok(api, 'config.export');
    expect(out.path).toBe(g.configPath);
    expect(out.yaml).not.toContain(LITERAL_VENDOR_KEY);
    expect(out.yaml).toContain('# Team config: keep this comment');
    expect(out.yaml).toContain('api_key: keychain/vendor-b');
    expect(out.warnings).toEqual([expect.stringContaining('model_list[4].litellm_params.api_key')]);
    expect(fileOf(g)).toContain(LITERAL_VENDOR_KEY);

    // The mask coming back would send it to a provider as a key: refused.
    const back = await op(api, 'config.import', { yaml: out.yaml });
    expect(back.status).toBe(400);
    expect(back.body.error.param).toBe('model_list[4].litellm_params.api_key');
  });

  it('imports a config: validated, the old file kept as a backup, warnings for what is ignored', async () => {
    const { g, api } = await start();
    const old = fileOf(g);
    const bad = await op(api, 'config.import', {
      yaml: `model_list:\n  - model_name: x\n    litellm_params: { model: openai/x, api_base: nope }\n`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('model_list[0].litellm_params.api_base');
    expect(fileOf(g)).toBe(old);

    const next = `model_list:\n  - model_name: only\n    litellm_params: { model: openai/fake-model, api_base: "${b.url}" }\nlitellm_settings:\n  telemetry: false\n`;
    const out = await ok(api, 'config.import', { yaml: next });
    expect(out.warnings).toEqual([expect.stringContaining('litellm_settings.telemetry')]);
    expect(fileOf(g)).toBe(next);
    expect(readFileSync(out.backup_path, 'utf8')).toBe(old);
    expect(readdirSync(g.dataDir).filter((f) => f.startsWith('config.yaml.bak-'))).toHaveLength(1);
    expect(await ask(g, 'only')).toBe('from B');
    expect((await ok(api, 'models.list')).aliases.map((x: Json) => x.alias)).toEqual(['only']);
  });
});

describe('the master key', () => {
  const withMaster = (ref: string) => `${config()}general_settings:\n  master_key: ${ref}\n`;

  it('rotates a key kept in config.yaml: the old one stops working at once, app keys keep working', async () => {
    const { g } = await start(withMaster('sk-old-master-0000000000'));
    const old = new AdminApi(g.url, 'sk-old-master-0000000000');
    expect(await ok(old, 'master_key.reveal')).toEqual({
      master_key: 'sk-old-master-0000000000',
      source: 'config',
    });
    const app = await old.generate({ key_alias: 'ide' });

    const rotated = await ok(old, 'master_key.rotate');
    expect(rotated.source).toBe('config');
    expect(rotated.master_key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect((await op(old, 'gateway.status')).status).toBe(401);
    const fresh = new AdminApi(g.url, rotated.master_key);
    expect((await op(fresh, 'gateway.status')).status).toBe(200);
    expect((await apiError(ask(g, 'smart'))).status).toBe(401);
    expect(
      (
        await openaiAs(g.url, app.key).chat.completions.create({
          model: 'legacy',
          messages: [{ role: 'user', content: 'hi' }],
        })
      ).choices[0]!.message.content,
    ).toBe('from B');
    expect(parse(fileOf(g)).general_settings.master_key).toBe(rotated.master_key);
    expect(fileOf(g)).toContain('# Team config: keep this comment');
  });

  it('rotates a key kept in the keychain there, leaving config.yaml as it was', async () => {
    const store = new MemorySecretStore({ 'vendor-b': 'sk-vendor-b', master: 'sk-keychain-master-000000' });
    const { g } = await start(withMaster('keychain/master'), { secretStore: store });
    const before = fileOf(g);
    const old = new AdminApi(g.url, 'sk-keychain-master-000000');
    expect((await ok(old, 'master_key.reveal')).source).toBe('keychain');
    const rotated = await ok(old, 'master_key.rotate');
    expect(rotated.source).toBe('keychain');
    expect(await store.get('master')).toBe(rotated.master_key);
    expect(fileOf(g)).toBe(before);
    expect((await op(old, 'models.list')).status).toBe(401);
    expect((await op(new AdminApi(g.url, rotated.master_key), 'models.list')).status).toBe(200);
  });

  it('reveals none when there is no master key', async () => {
    const { api } = await start();
    expect(await ok(api, 'master_key.reveal')).toEqual({ master_key: null, source: 'none' });
  });
});

describe('settings', () => {
  it('keeps host and port for the next start, and says a restart is needed', async () => {
    const { g, api } = await start();
    expect(await ok(api, 'settings.get')).toEqual({
      host: '127.0.0.1',
      port: g.port,
      start_at_login: null,
      master_key_set: false,
    });
    const out = await ok(api, 'settings.update', { port: 4242 });
    expect(out).toMatchObject({ host: '127.0.0.1', port: 4242, restart_required: true });
    expect(JSON.parse(readFileSync(join(g.dataDir, 'settings.json'), 'utf8'))).toEqual({ port: 4242 });
    expect(await ok(api, 'settings.update', { port: g.port })).toMatchObject({ restart_required: false });
  });

  it('refuses addresses that would expose the gateway, and start at login when headless', async () => {
    const { g, api } = await start();
    for (const host of ['0.0.0.0', '::', '8.8.8.8', 'example.com']) {
      const res = await op(api, 'settings.update', { host });
      expect({ host, status: res.status, param: res.body.error.param }).toEqual({
        host,
        status: 400,
        param: 'host',
      });
    }
    const lan = Object.values(networkInterfaces())
      .flat()
      .find(
        (i) =>
          i &&
          !i.internal &&
          i.family === 'IPv4' &&
          /^(10|192\.168|172\.(1[6-9]|2\d|3[01]))\./.test(i.address),
      );
    if (lan) {
      const res = await op(api, 'settings.update', { host: lan.address });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('master key');
    }
    const login = await op(api, 'settings.update', { start_at_login: true });
    expect(login.status).toBe(409);
    expect(login.body.error.message).toContain('desktop app');
    expect(existsSync(join(g.dataDir, 'settings.json'))).toBe(false);
  });

  it('sets start at login through the desktop shell’s hook', async () => {
    let on = false;
    const desktop = { getStartAtLogin: () => on, setStartAtLogin: (v: boolean) => void (on = v) };
    const { api } = await start(config(), { desktop });
    expect((await ok(api, 'settings.get')).start_at_login).toBe(false);
    expect(await ok(api, 'settings.update', { start_at_login: true })).toMatchObject({
      start_at_login: true,
      restart_required: false,
    });
    expect(on).toBe(true);
  });
});

describe('npm run serve', () => {
  const procs: ServeProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });

  it('listens where the app’s settings say, unless --port says otherwise', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ port }));
    writeFileSync(
      join(dir, 'config.yaml'),
      `model_list:\n  - model_name: m\n    litellm_params: { model: openai/fake-model, api_base: "${a.url}" }\n`,
    );
    const p = spawnServe(['--data-dir', dir]);
    procs.push(p);
    expect(await p.ready()).toBe(`listening on http://127.0.0.1:${port}`);
    await p.stop();
    const q = spawnServe(['--data-dir', dir, '--port', '0']);
    procs.push(q);
    expect(await q.ready()).not.toBe(`listening on http://127.0.0.1:${port}`);
  });
});
