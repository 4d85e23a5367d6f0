// `npm run serve` as its own process: the listening line, bad flags and configs, and a graceful stop that
// lets a stream in flight finish and keeps its ledger row.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildServe } from '../../scripts/build-serve.ts';
import { openDatabase } from '../../main/gateway/store/db.ts';
import { RequestLogRepo, type RequestLogRow } from '../../main/gateway/store/request-log-repo.ts';
import { splitReply, startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { canConnect, spawnServe, type ServeProcess } from '../support/spawn-serve.ts';
import { waitFor } from '../support/wait-for.ts';
import { ensureRendererBuilt } from '../ui/renderer-build.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const REPLY = 'one two three four five six seven eight nine ten eleven twelve';
const LISTENING = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/;

let upstream: FakeUpstream;
// Like an IDE plugin, this client keeps idle connections open for long: shutdown must not wait on them.
const client = new Agent({ keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 });
const dirs: string[] = [];
const procs: ServeProcess[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI({ reply: REPLY });
});

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  upstream.reset();
});

afterAll(async () => {
  await upstream?.close();
  await client.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  dirs.push(d);
  return d;
}

function configFile(dir: string, text: string): string {
  const file = join(dir, 'my-config.yaml');
  writeFileSync(file, text);
  return file;
}

const goodConfig = () => `
model_list:
  - model_name: slow
    litellm_params: { model: openai/fake-model, api_base: "${upstream.url}" }
`;

function serve(args: string[], env: Record<string, string> = {}, script?: string): ServeProcess {
  const p = spawnServe(args, env, script);
  procs.push(p);
  return p;
}

/** Starts serve on a free port and returns the process and its base URL, from the printed line. */
async function started(extra: string[] = [], script?: string) {
  const dataDir = tempDir();
  const config = configFile(dataDir, goodConfig());
  const p = serve(['--config', config, '--data-dir', dataDir, '--port', '0', ...extra], {}, script);
  const line = await p.ready();
  const port = Number(LISTENING.exec(line)?.[1]);
  return { p, line, port, url: `http://127.0.0.1:${port}`, dataDir };
}

function ledger(dataDir: string): RequestLogRow[] {
  const db = openDatabase(join(dataDir, 'switchyard.db'));
  try {
    return new RequestLogRepo(db).list({ limit: 100 });
  } finally {
    db.close();
  }
}

/** Starts a streamed chat request and resolves once its first content chunk has arrived. */
async function startStream(url: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    dispatcher: client,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'count' }] }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('"content":"one ')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before its first chunk: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { rest, requestId: res.headers.get('x-request-id') };
}

function contentOf(sse: string): string {
  let out = '';
  for (const event of sse.split('\n\n')) {
    const data = event.replace(/^data: /, '');
    if (!data || data === '[DONE]') continue;
    const chunk = JSON.parse(data) as { choices: { delta: { content?: string } }[] };
    out += chunk.choices[0]?.delta.content ?? '';
  }
  return out;
}

describe('npm run serve', () => {
  it('prints exactly one listening line, and that port answers', async () => {
    const { p, line, url } = await started();
    expect(line).toMatch(LISTENING);
    const res = await fetch(`${url}/health/liveliness`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("I'm alive!");
    expect(p.stdout).toBe(`${line}\n`);
  });

  it('binds the address given with --host', async () => {
    const dataDir = tempDir();
    const config = configFile(dataDir, goodConfig());
    const p = serve(['--config', config, '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.2']);
    const line = await p.ready();
    const m = /^listening on http:\/\/127\.0\.0\.2:(\d+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const port = Number(m![1]);
    expect((await fetch(`http://127.0.0.2:${port}/health/liveliness`)).status).toBe(200);
    // Bound to 127.0.0.2 only: nothing of ours listens on 127.0.0.1 at that port.
    expect(await canConnect('127.0.0.1', port)).toBe(false);
  });

  it('refuses a config with an invalid value, naming its path', async () => {
    const dataDir = tempDir();
    const config = configFile(
      dataDir,
      'model_list:\n  - model_name: x\n    litellm_params: { model: openai/m, api_base: "not a url" }\n',
    );
    const p = serve(['--config', config, '--data-dir', dataDir, '--port', '0']);
    const { code } = await p.exited();
    expect(code).not.toBe(0);
    expect(p.stderr).toContain('model_list[0].litellm_params.api_base: invalid URL');
    expect(p.stderr).toContain(config);
    expect(p.stdout).toBe('');
  });

  it('refuses a --config file that does not exist, saying so', async () => {
    const dataDir = tempDir();
    const missing = join(dataDir, 'nope', 'config.yaml');
    const p = serve(['--config', missing, '--data-dir', dataDir, '--port', '0']);
    const { code } = await p.exited();
    expect(code).not.toBe(0);
    expect(p.stderr).toContain(missing);
    expect(p.stderr).toMatch(/not found|does not exist|no such file/i);
    expect(p.stderr).not.toMatch(/ENOENT|at .*\.ts:\d+/);
    expect(p.stdout).toBe('');
  });

  it('exits 1 naming the port when it is already taken', async () => {
    const { port } = await started();
    const dataDir = tempDir();
    const config = configFile(dataDir, goodConfig());
    const p = serve(['--config', config, '--data-dir', dataDir, '--port', String(port)]);
    const { code } = await p.exited();
    expect(code).toBe(1);
    expect(p.stderr).toMatch(new RegExp(`in use.*${port}|${port}.*in use`, 'i'));
    expect(p.stdout).toBe('');
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--port', ''], /--port/],
    [['--port', '70000'], /--port/],
    [['--bogus'], /bogus/],
  ])('exits 2 with the usage for %j', async (args, named) => {
    const p = serve([...args, '--data-dir', tempDir()]);
    const { code } = await p.exited();
    expect(code).toBe(2);
    expect(p.stderr).toMatch(named);
    expect(p.stderr).toContain('Usage: npm run serve');
    expect(p.stdout).toBe('');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s lets a stream in flight finish, records it, refuses new connections and exits 0',
    async (signal) => {
      upstream.setBehavior({ chunkDelayMs: 80 });
      const { p, port, url, dataDir } = await started();
      const { rest, requestId } = await startStream(url);

      p.child.kill(signal);
      // The listening socket goes away at once, while the stream is still being relayed.
      await waitFor(async () => !(await canConnect('127.0.0.1', port)), 'the port to refuse connections');

      const sse = await rest;
      expect(contentOf(sse)).toBe(REPLY);
      expect(splitReply(REPLY, undefined).every((w) => sse.includes(JSON.stringify(w)))).toBe(true);
      expect(sse.trimEnd().endsWith('data: [DONE]')).toBe(true);

      const { code, signal: killedBy } = await p.exited();
      expect(killedBy).toBeNull();
      expect(code).toBe(0);
      expect(p.stderr).toContain(signal);
      expect(await canConnect('127.0.0.1', port)).toBe(false);

      const row = ledger(dataDir).find((r) => r.id === requestId);
      expect(row).toMatchObject({ alias: 'slow', status: 200, streamed: true, error_code: null });
    },
  );

  it('exits promptly on SIGTERM when idle, even with a keep-alive client connected', async () => {
    const { p, url } = await started();
    const res = await fetch(`${url}/health/liveliness`, { dispatcher: client });
    expect(res.status).toBe(200);
    await res.text();
    p.child.kill('SIGTERM');
    const { code } = await p.exited(5_000);
    expect(code).toBe(0);
  });
});

// `npm run serve` runs a bundle (scripts/build-serve.ts), not main/cli.ts: the same behaviour must hold there,
// including the paths it resolves from its own location (the window's files, the worker's better-sqlite3).
describe('the bundle npm run serve runs', () => {
  let script: string;
  beforeAll(async () => {
    // Inside the repository, like out/serve, so that node_modules resolves from it.
    const outDir = mkdtempSync(join(ROOT, 'out', 'test-serve-'));
    dirs.push(outDir);
    await ensureRendererBuilt();
    script = await buildServe({ outDir, quiet: true });
  }, 120_000);

  it('serves the window, relays a stream and records it', async () => {
    const { p, line, url, dataDir } = await started([], script);
    expect(line).toMatch(LISTENING);

    const ui = await fetch(`${url}/ui`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<title>Switchyard</title>');

    const { rest, requestId } = await startStream(url);
    expect(contentOf(await rest)).toBe(REPLY);
    p.child.kill('SIGTERM');
    expect((await p.exited()).code).toBe(0);
    expect(ledger(dataDir).find((r) => r.id === requestId)).toMatchObject({ status: 200, streamed: true });
    // Neither type stripping's warning nor a checkpoint worker that could not load better-sqlite3.
    expect(p.stderr).not.toMatch(/ExperimentalWarning|checkpoints/);
  });
});
