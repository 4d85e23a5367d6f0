// The whole shell with a fake Electron and everything else real: the gateway core in-process on a temp data
// dir, the admin contract over (fake) IPC, the tray driving real admin operations, notifications from the
// core's events, and a quit that stops the gateway.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runDesktopApp } from '../../../main/app/desktop-app.ts';
import { MemorySecretStore } from '../../../main/gateway/secrets/secret-store.ts';
import { memoryLogger } from '../../support/temp-gateway.ts';
import { FakeElectron, findItem } from './fake-electron.ts';

const CONFIG = `model_list:
  - model_name: smart
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: sk-test-not-real }
  - model_name: smart
    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:9" }
`;
const RESOURCES = join(import.meta.dirname, '../../../resources');
const INDEX = '/opt/switchyard/out/renderer/index.html';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function launch(
  opts: {
    argv?: string[];
    port?: number;
    lock?: boolean;
    whileStarting?: (e: FakeElectron) => void;
    index?: string;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'sy-desktop-'));
  const dataDir = join(dir, 'data');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'config.yaml'), CONFIG);
  const electron = new FakeElectron('linux', opts.argv ?? ['switchyard']);
  electron.app.gotLock = opts.lock ?? true;
  const logger = memoryLogger();
  const app = await runDesktopApp({
    surface: electron,
    dataDir,
    rendererIndexPath: opts.index ?? INDEX,
    preloadPath: '/opt/switchyard/out/preload/preload.cjs',
    resourcesDir: RESOURCES,
    logger,
    loginCommand: ['/opt/switchyard/switchyard'],
    autostartDir: join(dir, 'autostart'),
    port: opts.port ?? 0,
    openSecretStore: async () => {
      opts.whileStarting?.(electron);
      return new MemorySecretStore();
    },
    watchConfig: false,
    refreshMs: 3_600_000,
  });
  if (app)
    cleanups.push(async () => {
      electron.app.quit();
      await app.stopped;
    });
  return { electron, app: app!, dataDir, dir, logger };
}

type Envelope = { ok: true; value: Record<string, unknown> } | { ok: false; error: Record<string, unknown> };

async function call(
  electron: FakeElectron,
  op: string,
  input: unknown = {},
): Promise<Record<string, unknown>> {
  const answer = (await electron.invoke(op, input)) as Envelope;
  if (!answer.ok) throw new Error(`${op}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

/** Clicks a tray item and waits for the menu rebuilt after the action. */
async function click(electron: FakeElectron, ...path: string[]) {
  const before = electron.tray!.menus;
  findItem(electron.tray!.menu, path).click!();
  await expect.poll(() => electron.tray!.menus).toBeGreaterThan(before);
}

describe('desktop app', () => {
  it('starts the gateway in-process with its data in the data dir, a tray, and the window', async () => {
    const { electron, app, dataDir } = await launch();
    const gw = app.host.running()!;
    expect(gw).toBeDefined();
    expect(electron.app.paths.get('userData')).toBe(dataDir);
    expect(electron.app.paths.get('sessionData')).toBe(join(dataDir, 'session'));
    expect(gw.configPath).toBe(join(dataDir, 'config.yaml'));
    expect(existsSync(join(dataDir, 'switchyard.db'))).toBe(true);
    const health = await fetch(`${gw.url}/health/liveliness`);
    expect(health.status).toBe(200);
    expect(electron.tray!.menu[0]!.label).toBe(`Switchyard is running on ${gw.url}`);
    expect(electron.tray!.image).toBe(join(RESOURCES, 'tray', 'tray-running.png'));
    expect(electron.windows).toHaveLength(1);
    expect(electron.window!.loaded).toEqual([pathToFileURL(INDEX).href]);
    expect(electron.headersListener).toBeDefined();
  });

  it('serves a browser at /ui the same built window it shows', async () => {
    const renderer = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
    cleanups.push(() => rmSync(renderer, { recursive: true, force: true }));
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>the bundled window</title>');
    const { app } = await launch({ index: join(renderer, 'index.html') });
    const res = await fetch(`${app.host.running()!.url}/ui/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('the bundled window');
  });

  it('serves the admin contract over IPC to its window, with envelopes for errors', async () => {
    const { electron, app } = await launch();
    const key = await call(electron, 'key.generate', { key_alias: 'cline' });
    expect(key.key).toEqual(expect.any(String));
    const status = await call(electron, 'gateway.status');
    expect(status).toMatchObject({ paused: false, url: app.host.running()!.url });
    expect(await electron.invoke('key.update', { key: key.id, max_budget: 'five' })).toMatchObject({
      ok: false,
      error: { status: 400, param: 'max_budget' },
    });
    expect(await electron.invoke('key.info', { key: 'nope' })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    const stranger = { url: 'https://example.com/', parent: null };
    expect(await electron.invoke('key.list', {}, { frame: stranger })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
  });

  it("sets an app key's cap from the tray, and the menu shows it", async () => {
    const { electron } = await launch();
    const key = await call(electron, 'key.generate', { key_alias: 'cline' });
    // A change made in the window shows in the tray without waiting for the timer.
    await expect.poll(() => electron.tray!.menu.some((i) => i.label?.startsWith('cline'))).toBe(true);
    await click(electron, 'cline', '$5 per day');
    expect(await call(electron, 'key.info', { key: key.id })).toMatchObject({
      max_budget: 5,
      budget_duration: '1d',
    });
    const caps = findItem(electron.tray!.menu, ['cline']).submenu!;
    expect(caps.filter((i) => i.checked).map((i) => i.label)).toEqual(['$5 per day']);
    expect(findItem(electron.tray!.menu, ['cline']).label).toBe('cline: $0.00 / $5.00/day (0%)');
    await click(electron, 'cline', 'No cap');
    expect(await call(electron, 'key.info', { key: key.id })).toMatchObject({ max_budget: null });
  });

  it('switches an alias to another deployment from the tray, in config.yaml too', async () => {
    const { electron, dataDir } = await launch();
    const smart = findItem(electron.tray!.menu, ['Switch model', 'smart']).submenu!;
    expect(smart.map((i) => i.label)).toEqual(['openai/gpt-4o-mini', 'ollama_chat/llama3.2']);
    const before = readFileSync(join(dataDir, 'config.yaml'), 'utf8');
    await click(electron, 'Switch model', 'smart', 'ollama_chat/llama3.2');
    const models = (await call(electron, 'models.list')) as {
      aliases: { alias: string; primary: string | null; deployments: { id: string; model: string }[] }[];
    };
    const alias = models.aliases.find((a) => a.alias === 'smart')!;
    expect(alias.deployments.find((d) => d.id === alias.primary)!.model).toBe('ollama_chat/llama3.2');
    expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).not.toBe(before);
    const after = findItem(electron.tray!.menu, ['Switch model', 'smart']).submenu!;
    expect(after.filter((i) => i.checked).map((i) => i.label)).toEqual(['ollama_chat/llama3.2']);
  });

  it('pauses from the tray (proxied requests get 503, the icon says paused) and resumes', async () => {
    const { electron, app } = await launch();
    const url = app.host.running()!.url;
    await click(electron, 'Pause gateway');
    expect(electron.tray!.image).toBe(join(RESOURCES, 'tray', 'tray-paused.png'));
    const refused = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(refused.status).toBe(503);
    await click(electron, 'Resume gateway');
    expect(await call(electron, 'gateway.status')).toMatchObject({ paused: false });
    expect(electron.tray!.image).toBe(join(RESOURCES, 'tray', 'tray-running.png'));
  });

  it('turns start at login on and off from the tray (an XDG autostart entry on Linux)', async () => {
    const { electron, dir } = await launch();
    const entry = join(dir, 'autostart', 'switchyard.desktop');
    expect(findItem(electron.tray!.menu, ['Start at login']).checked).toBe(false);
    await click(electron, 'Start at login');
    expect(readFileSync(entry, 'utf8')).toContain('Exec=/opt/switchyard/switchyard --hidden');
    expect(await call(electron, 'settings.get')).toMatchObject({ start_at_login: true });
    expect(findItem(electron.tray!.menu, ['Start at login']).checked).toBe(true);
    await call(electron, 'settings.update', { start_at_login: false });
    expect(existsSync(entry)).toBe(false);
  });

  it("notifies the core's budget events, and a click opens the window at the key", async () => {
    const { electron, app } = await launch();
    app.host.running()!.runtime.events.emit({
      type: 'budget.threshold',
      key_id: 'key_1',
      key_alias: 'cline',
      threshold: '100%',
      spend: 5,
      max_budget: 5,
      soft_budget: null,
      period_start: '2025-01-01T00:00:00.000Z',
      budget_reset_at: null,
    });
    expect(electron.notifications.map((n) => n.title)).toEqual(['cline is out of budget']);
    electron.notifications[0]!.onClick!();
    expect(electron.window!.loaded.at(-1)).toBe(`${pathToFileURL(INDEX).href}#/keys?key=key_1`);
  });

  it('keeps running in the tray when the window is closed; a second launch shows it again', async () => {
    const { electron, app } = await launch();
    const w = electron.window!;
    w.emit('ready-to-show');
    w.userClose();
    expect(w.visible).toBe(false);
    expect(w.destroyed).toBe(false);
    expect((await fetch(`${app.host.running()!.url}/health/liveliness`)).status).toBe(200);
    electron.app.emit('second-instance');
    expect(w.visible).toBe(true);
    expect(electron.windows).toHaveLength(1);
  });

  it('on quit stops the gateway first, then quits for real', async () => {
    const { electron, app } = await launch();
    const url = app.host.running()!.url;
    cleanups.pop();
    electron.app.quit();
    await app.stopped;
    expect(electron.app.quits).toBe(2);
    expect(electron.tray!.destroyed).toBe(true);
    await expect(fetch(`${url}/health/liveliness`)).rejects.toThrow();
    electron.window!.userClose();
    expect(electron.window!.destroyed).toBe(true);
  });

  it('a quit while the gateway is still starting lets it start, then stops it', async () => {
    const { electron, app } = await launch({ whileStarting: (e) => e.app.quit() });
    await app.stopped;
    expect(app.host.running()).toBeUndefined();
    expect(electron.app.quits).toBe(2);
    expect(electron.windows).toHaveLength(0);
    expect(app.host.error()).toBeUndefined();
  });

  it('started at login (--hidden) stays in the tray without a window', async () => {
    const { electron, app } = await launch({ argv: ['switchyard', '--hidden'] });
    expect(app.host.running()).toBeDefined();
    expect(electron.windows).toHaveLength(0);
    expect(electron.tray).toBeDefined();
  });

  it('a second instance quits at once and starts nothing', async () => {
    const { electron, app } = await launch({ lock: false });
    expect(app).toBeUndefined();
    expect(electron.app.quits).toBe(1);
    expect(electron.trays).toHaveLength(0);
    expect(electron.ipcHandlers.size).toBe(0);
  });

  it('when the port is taken, says so in the tray and a notification, and starts on Try again', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const { electron, app } = await launch({ port });
    expect(app.host.running()).toBeUndefined();
    expect(electron.tray!.menu[0]!.label).toMatch(/^Switchyard stopped: the port is taken/);
    expect(electron.tray!.image).toBe(join(RESOURCES, 'tray', 'tray-provider-down.png'));
    expect(electron.notifications.map((n) => n.title)).toEqual(['Switchyard could not start']);
    expect(await electron.invoke('gateway.status', {})).toMatchObject({ ok: false, error: { status: 503 } });
    await new Promise<void>((r) => blocker.close(() => r()));
    await click(electron, 'Try again');
    await expect.poll(() => electron.tray!.menu[0]!.label).toMatch(/^Switchyard is running/);
    expect(app.host.running()!.port).toBe(port);
  });
});
