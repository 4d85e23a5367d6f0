// The BUILT main bundle (out/main/main.js, what Electron runs), started under plain Node with a stand-in
// for the `electron` module: it must load as ESM with its npm dependencies, keep its data where
// `npm run serve` keeps it, start the gateway, build the tray, serve the admin contract over IPC, and
// stop cleanly when the app quits.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../main/gateway/paths.ts';
import { buildElectron } from '../../../scripts/build-electron.ts';

const ROOT = join(import.meta.dirname, '../../..');
const HOOKS = join(import.meta.dirname, 'electron-stub-hooks.mjs');

interface Report {
  kind: string;
  data: unknown;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('the built main process', () => {
  let dir: string;
  let child: ChildProcess;
  let port: number;
  let dataDir: string;
  const reports: Report[] = [];
  let stderr = '';
  let exited: Promise<number | null>;

  const waitFor = async (pred: (r: Report) => boolean, what: string): Promise<Report> => {
    let found: Report | undefined;
    await expect
      .poll(() => (found = reports.find(pred)), { timeout: 15_000, message: `${what}\n${stderr}` })
      .toBeDefined();
    return found!;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-main-bundle-'));
    // The packaged app's layout: out/, resources/, package.json ("type": "module") and node_modules.
    await buildElectron({ outDir: join(dir, 'out'), quiet: true });
    symlinkSync(join(ROOT, 'resources'), join(dir, 'resources'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', main: 'out/main/main.js' }));

    const env = {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      XDG_DATA_HOME: join(dir, 'xdg-data'),
      XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    };
    dataDir = defaultDataDir(env, 'linux');
    port = await freePort();
    mkdirSync(dataDir, { recursive: true });
    // The port chosen in Settings is honoured at start, as `npm run serve` does.
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ port }));
    writeFileSync(
      join(dataDir, 'config.yaml'),
      'model_list:\n  - model_name: fast\n    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:9" }\n',
    );
    child = spawn(process.execPath, ['--import', HOOKS, join(dir, 'out', 'main', 'main.js')], {
      cwd: dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      buffer += s;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        reports.push(JSON.parse(buffer.slice(0, nl)) as Report);
        buffer = buffer.slice(nl + 1);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the gateway with its data in the same folder `npm run serve` uses', async () => {
    await waitFor(
      (r) =>
        r.kind === 'menu' && (r.data as string[])[0] === `Switchyard is running on http://127.0.0.1:${port}`,
      'the tray menu of a running gateway',
    );
    expect(reports).toContainEqual({ kind: 'setPath', data: ['userData', dataDir] });
    const health = await fetch(`http://127.0.0.1:${port}/health/liveliness`);
    expect(health.status).toBe(200);
    expect(existsSync(join(dataDir, 'switchyard.db'))).toBe(true);
    expect(readFileSync(join(dataDir, 'logs', 'switchyard.log'), 'utf8')).toContain(
      `listening on http://127.0.0.1:${port}`,
    );
  });

  it('opens the window on the built renderer with the bundled preload, sandboxed', async () => {
    const win = await waitFor((r) => r.kind === 'window', 'a window');
    const prefs = win.data as { preload: string; sandbox: boolean; contextIsolation: boolean };
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(prefs.preload).toBe(join(dir, 'out', 'preload', 'preload.cjs'));
    expect(existsSync(prefs.preload)).toBe(true);
    const load = await waitFor((r) => r.kind === 'load', 'a page load');
    expect(load.data).toBe(pathToFileURL(join(dir, 'out', 'renderer', 'index.html')).href);
  });

  it('finds its tray icons in the packed resources', async () => {
    const tray = await waitFor((r) => r.kind === 'tray', 'a tray');
    expect(tray.data).toBe(join(dir, 'resources', 'tray', 'tray-running.png'));
    const images = reports.filter((r) => r.kind === 'image').map((r) => r.data as { exists: boolean });
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((i) => i.exists)).toBe(true);
  });

  it('answers the window over IPC', async () => {
    child.stdin!.write(`${JSON.stringify({ invoke: 'gateway.status', input: {} })}\n`);
    const answer = await waitFor((r) => r.kind === 'answer', 'an IPC answer');
    expect(answer.data).toMatchObject({
      ok: true,
      value: { paused: false, port, url: `http://127.0.0.1:${port}`, data_dir: dataDir },
    });
  });

  it('stops the gateway and exits when the app quits', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health/liveliness`)).rejects.toThrow();
  });
});
