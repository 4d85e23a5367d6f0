// Vendor keys must never leave the process except towards their own upstream. Plant distinctive keys (as
// keychain/NAME, os.environ/NAME and a literal), drive everything that could echo one back (upstream 401s
// that repeat the key, upstream errors and in-band stream errors quoting it, streaming, /health probes,
// every admin call that reads or tests credentials), then search every byte the gateway produced: each
// response body and header, the log, and every file in the data dir (the SQLite db, -wal and -shm). The
// keys may appear nowhere. The config file is the user's: it must be left exactly as written.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../main/gateway/index.ts';
import { MemorySecretStore } from '../../main/gateway/secrets/secret-store.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { spawnServe } from '../support/spawn-serve.ts';
import { memoryLogger, tempDir } from '../support/temp-gateway.ts';

/** A key shaped like a vendor's, whose random middle is what the search looks for (a hint shows only the last 4). */
function plant(kind: string): { key: string; core: string } {
  const core = randomBytes(12).toString('hex');
  return { key: `sk-${kind}-${core}Zq9x`, core };
}

const KEYCHAIN = plant('keychain');
const KEYCHAIN_OLLAMA = plant('kcollama');
const ENVIRON = plant('environ');
const LITERAL = plant('literal');
/** Set later through credential.set, replacing KEYCHAIN. */
const REPLACED = plant('replaced');
const MASTER = 'sk-master-leaktest-0123456789';
const ALL = [KEYCHAIN, KEYCHAIN_OLLAMA, ENVIRON, LITERAL, REPLACED];

interface Seen {
  what: string;
  text: string;
}

/** Where each planted key (or its random core) turns up in `seen`. */
function leaks(seen: Seen[], planted = ALL): string[] {
  const found: string[] = [];
  for (const s of seen) {
    for (const p of planted) {
      if (s.text.includes(p.key) || s.text.includes(p.core)) found.push(`${s.what} holds ${p.key}`);
    }
  }
  return found;
}

function filesOf(dir: string, skip: string[] = []): Seen[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !skip.includes(e.name))
    .map((e) => {
      const file = join(e.parentPath, e.name);
      // latin1 keeps every byte as one character, so a key stored in any column shows up verbatim.
      return { what: file, text: readFileSync(file).toString('latin1') };
    });
}

/**
 * model_list entries for the three ways config.yaml names a vendor key, each at its own api_base: kc
 * (keychain/vendor), env (os.environ/LEAK_ENV_KEY) and lit (LITERAL, the key itself).
 */
const keyKinds = (kcBase: string, envBase: string, litBase: string) => `  - model_name: kc
    litellm_params: { model: openai/fake-model, api_base: ${kcBase}, api_key: keychain/vendor }
  - model_name: env
    litellm_params: { model: openai/fake-model, api_base: ${envBase}, api_key: os.environ/LEAK_ENV_KEY }
  - model_name: lit
    litellm_params: { model: openai/fake-model, api_base: ${litBase}, api_key: ${LITERAL.key} }`;

const transcript: Seen[] = [];

async function call(base: string, method: string, path: string, body?: unknown, key = MASTER) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  transcript.push({ what: `${method} ${path} → ${res.status}`, text: `${headers}\n\n${text}` });
  return { status: res.status, text };
}

const chat = (base: string, model: string, stream = false) =>
  call(base, 'POST', '/v1/chat/completions', {
    model,
    stream,
    messages: [{ role: 'user', content: 'say something' }],
  });

describe('vendor keys never leak (in-process gateway)', () => {
  let openaiKc: FakeUpstream;
  let openaiEnv: FakeUpstream;
  let openaiLit: FakeUpstream;
  let ollamaKc: FakeUpstream;
  let dataDir: string;
  let configText: string;
  let gw: Gateway;
  const logger = memoryLogger();
  /** Each upstream with the key it insists on. */
  const keyedUpstreams = () =>
    [
      [openaiKc, KEYCHAIN],
      [openaiEnv, ENVIRON],
      [openaiLit, LITERAL],
      [ollamaKc, KEYCHAIN_OLLAMA],
    ] as const;
  const upstreams = () => keyedUpstreams().map(([u]) => u);

  beforeAll(async () => {
    openaiKc = await startFakeOpenAI({ apiKey: KEYCHAIN.key });
    openaiEnv = await startFakeOpenAI({ apiKey: ENVIRON.key });
    openaiLit = await startFakeOpenAI({ apiKey: LITERAL.key });
    ollamaKc = await startFakeOllama({ apiKey: KEYCHAIN_OLLAMA.key });
    dataDir = tempDir('switchyard-leak-');
    configText = `model_list:
${keyKinds(openaiKc.url, openaiEnv.url, openaiLit.url)}
  - model_name: oll
    litellm_params: { model: ollama_chat/fake-model, api_base: ${ollamaKc.url}, api_key: keychain/ollama }
  - model_name: emb
    litellm_params: { model: openai/fake-embed, api_base: ${openaiKc.url}, api_key: keychain/vendor }
router_settings: { num_retries: 1, cooldown_time: 0 }
general_settings: { master_key: ${MASTER} }
`;
    writeFileSync(join(dataDir, 'config.yaml'), configText);
    gw = await startGateway({
      dataDir,
      configPath: join(dataDir, 'config.yaml'),
      port: 0,
      logger,
      watch: false,
      env: { LEAK_ENV_KEY: ENVIRON.key },
      secretStore: new MemorySecretStore({ vendor: KEYCHAIN.key, ollama: KEYCHAIN_OLLAMA.key }),
    });
  });

  afterAll(async () => {
    await Promise.all(upstreams().map((u) => u?.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers normally with each kind of key, streaming and not', async () => {
    for (const alias of ['kc', 'env', 'lit', 'oll']) {
      expect({ alias, status: (await chat(gw.url, alias)).status }).toEqual({ alias, status: 200 });
      expect({ alias, status: (await chat(gw.url, alias, true)).status }).toEqual({ alias, status: 200 });
    }
    expect((await call(gw.url, 'POST', '/v1/embeddings', { model: 'emb', input: ['a', 'b'] })).status).toBe(
      200,
    );
    expect(openaiKc.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEYCHAIN.key}`);
  });

  it('upstream 401s that repeat the key, upstream errors and stream errors quoting it', async () => {
    // Each upstream now wants another key and, like OpenAI, repeats the one it got.
    for (const u of upstreams()) u.setBehavior({ apiKey: 'sk-not-the-one-you-sent-000000' });
    for (const alias of ['kc', 'env', 'lit', 'oll']) {
      const plain = await chat(gw.url, alias);
      expect({ alias, status: plain.status }).toEqual({ alias, status: 502 });
      expect(plain.text).toContain('[redacted]');
      expect((await chat(gw.url, alias, true)).status).toBe(502);
    }
    expect((await call(gw.url, 'POST', '/v1/embeddings', { model: 'emb', input: 'x' })).status).toBe(502);
    expect((await call(gw.url, 'POST', '/v1/completions', { model: 'kc', prompt: 'x' })).status).toBe(502);
    // /health probes every deployment: its error texts come from the same upstreams.
    const health = await call(gw.url, 'GET', '/health');
    expect(health.text).toContain('unhealthy_endpoints');

    for (const [u, p] of keyedUpstreams()) {
      u.setBehavior({ apiKey: p.key, error: { status: 500, message: `internal failure for key ${p.key}` } });
    }
    for (const alias of ['kc', 'env', 'lit', 'oll']) {
      expect((await chat(gw.url, alias)).status).toBe(502);
      expect((await chat(gw.url, alias, true)).status).toBe(502);
    }
    for (const [u, p] of keyedUpstreams()) {
      u.setBehavior({
        error: undefined,
        midStreamError: { afterChunks: 2, message: `stream broke; key was ${p.key}` },
      });
    }
    for (const alias of ['kc', 'env', 'lit', 'oll']) {
      const s = await chat(gw.url, alias, true);
      expect(s.status).toBe(200);
      expect(s.text).toContain('[redacted]');
    }
    for (const u of upstreams()) u.setBehavior({ midStreamError: undefined });
  });

  it('admin calls show hints, never keys, even when a test call is refused with the key echoed', async () => {
    const admin = (op: string, input: unknown = {}) => call(gw.url, 'POST', `/admin/${op}`, input);
    expect((await admin('keychain.status')).status).toBe(200);
    const list = await admin('credential.list');
    expect(list.text).toContain('sk-…Zq9x');
    expect(
      (await admin('credential.test', { name: 'vendor', provider: 'openai', api_base: openaiKc.url })).text,
    ).toContain('"ok":true');
    // Replace the key; the upstream still wants the old one and echoes the new one back.
    expect((await admin('credential.set', { name: 'vendor', secret: REPLACED.key })).status).toBe(200);
    const refused = await admin('credential.test', {
      name: 'vendor',
      provider: 'openai',
      api_base: openaiKc.url,
    });
    expect(refused.text).toContain('"ok":false');
    expect((await chat(gw.url, 'kc')).status).toBe(502);
    expect((await chat(gw.url, 'kc', true)).status).toBe(502);
    expect((await admin('deployment.test', { alias: 'kc' })).text).toContain('[redacted]');
    const models = await admin('provider.models', {
      provider: 'openai',
      api_base: openaiKc.url,
      api_key: 'keychain/vendor',
    });
    expect(models.status).toBe(502);
    expect(
      (
        await admin('provider.models', {
          provider: 'ollama',
          api_base: ollamaKc.url,
          api_key: 'keychain/ollama',
        })
      ).status,
    ).toBe(200);
    // A raw key where a reference belongs is refused without being repeated.
    expect((await admin('provider.models', { provider: 'openai', api_key: ENVIRON.key })).status).toBe(400);
    expect((await admin('credential.set', { name: 'bad name', secret: LITERAL.key })).status).toBe(400);

    const generated = await call(gw.url, 'POST', '/key/generate', { key_alias: 'leak-app' });
    expect(generated.status).toBe(200);
    const appKey = (JSON.parse(generated.text) as { key: string }).key;
    expect(
      (
        await call(
          gw.url,
          'POST',
          '/v1/chat/completions',
          { model: 'lit', messages: [{ role: 'user', content: 'x' }] },
          appKey,
        )
      ).status,
    ).toBe(200);
    for (const [method, path] of [
      ['GET', '/key/list?return_full_object=true'],
      ['GET', `/key/info?key=${appKey}`],
      ['GET', '/spend/logs'],
      ['GET', '/spend/report?group_by=key,alias,model,provider'],
      ['GET', '/v1/models'],
      ['GET', '/v1/model/info'],
      ['GET', '/health'],
      ['GET', '/health/readiness'],
    ] as const) {
      expect({ path, status: (await call(gw.url, method, path)).status }).toEqual({ path, status: 200 });
    }
    expect((await admin('router.health')).status).toBe(200);
    expect((await admin('credential.list')).status).toBe(200);
    expect((await admin('spend.logs', { limit: 500 })).status).toBe(200);
  });

  it('none of it holds a key: responses, headers, logs, the data dir; the config is untouched', async () => {
    expect(transcript.length).toBeGreaterThan(40);
    expect(logger.lines.length).toBeGreaterThan(0);
    const logText = logger.lines.map((l) => `${l.level} ${l.message}`).join('\n');
    const beforeClose = filesOf(dataDir, ['config.yaml']);
    expect(beforeClose.map((f) => f.what.split('/').pop())).toContain('switchyard.db-wal');
    await gw.close();
    // Closing checkpoints the WAL into the database file: search that too.
    const afterClose = filesOf(dataDir, ['config.yaml']);
    expect(leaks([...transcript, { what: 'the log', text: logText }, ...beforeClose, ...afterClose])).toEqual(
      [],
    );
    // The search can find a key: the upstream saw it, so the needles are right.
    expect(
      leaks([{ what: 'upstream', text: JSON.stringify(openaiKc.requests.map((r) => r.headers)) }]),
    ).not.toEqual([]);
    expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).toBe(configText);
  });
});

describe('vendor keys never leak (npm run serve, its own process)', () => {
  it('keeps keys out of stdout, stderr and the data dir, through refusals that echo them', async () => {
    const upstream = await startFakeOpenAI({ apiKey: 'sk-wants-another-key-0000000' });
    const dataDir = tempDir('switchyard-leak-cli-');
    const config = `model_list:
${keyKinds(upstream.url, upstream.url, upstream.url)}
`;
    writeFileSync(join(dataDir, 'config.yaml'), config);
    const p = spawnServe(['--data-dir', dataDir, '--port', '0'], {
      LEAK_ENV_KEY: ENVIRON.key,
      // No keychain in this process's environment: keychain/NAME reads SWITCHYARD_SECRET_NAME.
      SWITCHYARD_SECRET_vendor: KEYCHAIN.key,
    });
    try {
      const url = /listening on (\S+)/.exec(await p.ready(15_000))![1]!;
      const seen: Seen[] = [];
      for (const alias of ['kc', 'env', 'lit']) {
        for (const stream of [false, true]) {
          const r = await chat(url, alias, stream);
          expect(r.status).toBe(502);
          seen.push({ what: `${alias} stream=${stream}`, text: r.text });
        }
      }
      seen.push({ what: '/health', text: (await call(url, 'GET', '/health')).text });
      seen.push({
        what: 'credential.set',
        text: (await call(url, 'POST', '/admin/credential.set', { name: 'x', secret: REPLACED.key })).text,
      });
      p.child.kill('SIGTERM');
      expect((await p.exited()).code).toBe(0);
      expect(p.stderr).toMatch(/no OS keychain is available.*os\.environ\/NAME in the config still works/);
      seen.push({ what: 'stdout', text: p.stdout }, { what: 'stderr', text: p.stderr });
      expect(leaks([...seen, ...filesOf(dataDir, ['config.yaml'])])).toEqual([]);
      expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).toBe(config);
    } finally {
      await p.stop();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
