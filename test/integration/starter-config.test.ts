// First run with no config: Switchyard asks the local Ollama (OLLAMA_HOST) for its models, writes a
// starter config.yaml naming them and serves them at once; it never touches a config that already exists.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../main/gateway/index.ts';
import { startFakeOllama, type FakeUpstream } from '../support/fake-ollama.ts';
import { spawnServe, type ServeProcess } from '../support/spawn-serve.ts';
import { memoryLogger } from '../support/temp-gateway.ts';

const MODELS = ['llama3.2:latest', 'qwen3:8b'];

let ollama: FakeUpstream;
let ollamaHost: string;
const dirs: string[] = [];
const open: { close(): Promise<void> }[] = [];
const procs: ServeProcess[] = [];

beforeAll(async () => {
  ollama = await startFakeOllama({ models: MODELS, reply: 'hello from llama' });
  ollamaHost = new URL(ollama.url).host; // 127.0.0.1:<port>, OLLAMA_HOST's usual form
});

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  await Promise.all(open.splice(0).map((g) => g.close()));
  ollama.reset();
});

afterAll(async () => {
  await ollama?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function emptyDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-starter-'));
  dirs.push(d);
  return d;
}

async function start(dataDir: string, env: Record<string, string>) {
  const logger = memoryLogger();
  const gw: Gateway = await startGateway({ dataDir, port: 0, logger, watch: false, env });
  open.push(gw);
  return { gw, logs: logger.lines };
}

async function listed(gw: Gateway): Promise<string[]> {
  const res = await fetch(`${gw.url}/v1/models`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
}

async function chat(gw: Gateway, model: string, stream = false) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi there' }] }),
  });
}

/** A port on 127.0.0.1 where nothing listens. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('starter config', () => {
  it("writes config.yaml naming Ollama's models and serves them", async () => {
    const dataDir = emptyDataDir();
    const { gw, logs } = await start(dataDir, { OLLAMA_HOST: ollamaHost });

    const file = join(dataDir, 'config.yaml');
    expect(gw.configPath).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('model: ollama_chat/llama3.2:latest');
    expect(text).toContain('model_name: llama3.2\n');
    expect(text).toContain('model: ollama_chat/qwen3:8b');
    expect(text).toContain(`api_base: ${ollama.url}`);
    expect(text).toContain(`Found 2 Ollama model(s) at ${ollama.url}`);
    expect(logs.some((l) => l.message.includes(file))).toBe(true);

    expect((await listed(gw)).sort()).toEqual(['llama3.2', 'qwen3:8b']);

    const res = await chat(gw, 'llama3.2');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('hello from llama');
    const sent = ollama.requests.find((r) => r.path === '/api/chat');
    expect(sent?.body.model).toBe('llama3.2:latest');
  });

  it('serves any other Ollama model as ollama/<name> through the wildcard, streamed too', async () => {
    const { gw } = await start(emptyDataDir(), { OLLAMA_HOST: ollamaHost });
    const res = await chat(gw, 'ollama/qwen3:8b', true);
    expect(res.status).toBe(200);
    const sse = await res.text();
    expect(sse).toContain('hello ');
    expect(sse.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(ollama.requests.find((r) => r.path === '/api/chat')?.body.model).toBe('qwen3:8b');
  });

  it.each([
    ['host:port', (u: URL) => u.host],
    ['a URL', (u: URL) => `http://${u.host}`],
    ['a URL with a trailing slash', (u: URL) => `http://${u.host}/`],
    ['0.0.0.0:port (what `ollama serve` is often given)', (u: URL) => `0.0.0.0:${u.port}`],
  ])('understands OLLAMA_HOST as %s', async (_name, form) => {
    const dataDir = emptyDataDir();
    const { gw } = await start(dataDir, { OLLAMA_HOST: form(new URL(ollama.url)) });
    expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).toContain(`api_base: ${ollama.url}\n`);
    expect((await listed(gw)).sort()).toEqual(['llama3.2', 'qwen3:8b']);
    expect((await chat(gw, 'qwen3:8b')).status).toBe(200);
  });

  it('still starts and serves when no Ollama answers, and the config says why', async () => {
    const dataDir = emptyDataDir();
    const port = await deadPort();
    const { gw, logs } = await start(dataDir, { OLLAMA_HOST: `127.0.0.1:${port}` });

    const text = readFileSync(join(dataDir, 'config.yaml'), 'utf8');
    expect(text).toContain(`No Ollama answered at http://127.0.0.1:${port}`);
    expect(text).toContain('ollama/<model>');
    expect(logs.some((l) => l.message.includes('no Ollama answered'))).toBe(true);

    expect((await fetch(`${gw.url}/health/liveliness`)).status).toBe(200);
    expect(await listed(gw)).toEqual([]);
    // A model asked for anyway fails as "upstream unavailable" in OpenAI's shape, not as a crash.
    const res = await chat(gw, 'ollama/llama3.2');
    expect([502, 503, 504]).toContain(res.status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toMatch(/^upstream_/);
  });

  it('never overwrites an existing config.yaml', async () => {
    const dataDir = emptyDataDir();
    const file = join(dataDir, 'config.yaml');
    const mine = `# my own config\nmodel_list:\n  - model_name: mine\n    litellm_params: { model: ollama_chat/qwen3:8b, api_base: "${ollama.url}" }\n`;
    writeFileSync(file, mine);

    const { gw } = await start(dataDir, { OLLAMA_HOST: ollamaHost });
    expect(readFileSync(file, 'utf8')).toBe(mine);
    expect(await listed(gw)).toEqual(['mine']);
    expect(ollama.requests.some((r) => r.path === '/api/tags')).toBe(false);
  });

  it('keeps the starter config it wrote on a later start, with the edits made to it', async () => {
    const dataDir = emptyDataDir();
    const file = join(dataDir, 'config.yaml');
    const first = await start(dataDir, { OLLAMA_HOST: ollamaHost });
    await first.gw.close();
    const edited = readFileSync(file, 'utf8').replace('model_name: llama3.2\n', 'model_name: my-llama\n');
    writeFileSync(file, edited);

    ollama.setBehavior({ models: ['something-else:latest'] });
    const { gw } = await start(dataDir, { OLLAMA_HOST: ollamaHost });
    expect(readFileSync(file, 'utf8')).toBe(edited);
    expect((await listed(gw)).sort()).toEqual(['my-llama', 'qwen3:8b']);
  });

  it('works the same through `npm run serve` with no --config', async () => {
    const dataDir = emptyDataDir();
    const p = spawnServe(['--data-dir', dataDir, '--port', '0'], { OLLAMA_HOST: ollamaHost });
    procs.push(p);
    const line = await p.ready();
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1];
    expect(url, line).toBeDefined();
    expect(existsSync(join(dataDir, 'config.yaml'))).toBe(true);
    const res = await fetch(`${url}/v1/models`);
    const ids = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids.sort()).toEqual(['llama3.2', 'qwen3:8b']);
    expect(p.stderr).toContain('wrote a starter config');
  });
});
