// The admin contract over IPC: only our window's own page is answered, only contract operations run,
// input is validated by the contract (400), and every answer is an envelope.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerAdminIpc } from '../../../main/app/ipc.ts';
import { rendererLocation } from '../../../main/app/window-security.ts';
import { dispatchAdmin } from '../../../main/gateway/admin/dispatch.ts';
import type { AdminHandlers } from '../../../main/gateway/admin/handlers.ts';
import { ADMIN_IPC_CHANNEL } from '../../../shared/ipc.ts';
import { FakeElectron } from './fake-electron.ts';

const INDEX = '/opt/Switchyard/resources/app.asar/out/renderer/index.html';
const RENDERER_URL = pathToFileURL(INDEX).href;

function setup(opts: { dev?: string } = {}) {
  const electron = new FakeElectron();
  const win = electron.createWindow({});
  void win.loadURL(opts.dev ?? RENDERER_URL);
  const ran: { op: string; input: unknown }[] = [];
  const errors: string[] = [];
  // Real validation by the contract; the handlers are stand-ins recording what reached them.
  const handlers = {
    'key.update': (input: unknown) => (ran.push({ op: 'key.update', input }), { id: 'k1', max_budget: 5 }),
    'key.list': () => {
      throw new Error('disk I/O error at /home/me/.local/share/switchyard/switchyard.db');
    },
  } as unknown as AdminHandlers;
  const location = rendererLocation(INDEX, opts.dev);
  const unregister = registerAdminIpc(electron.ipcMain, {
    dispatch: (op, input) => dispatchAdmin(handlers, op, input),
    isOurWebContents: (sender) => sender === win.webContents,
    isRendererUrl: location.isRendererUrl,
    onError: (op) => errors.push(op),
  });
  return { electron, win, ran, errors, unregister };
}

describe('admin IPC', () => {
  it('registers one handler on the admin channel, and removes it', () => {
    const t = setup();
    expect([...t.electron.ipcHandlers.keys()]).toEqual([ADMIN_IPC_CHANNEL]);
    t.unregister();
    expect(t.electron.ipcHandlers.size).toBe(0);
  });

  it("runs an operation for our window's page and returns its output in an envelope", async () => {
    const t = setup();
    const input = { key: 'k1', max_budget: 5, budget_duration: '1d' };
    expect(await t.electron.invoke('key.update', input)).toEqual({
      ok: true,
      value: { id: 'k1', max_budget: 5 },
    });
    expect(t.ran).toEqual([{ op: 'key.update', input }]);
  });

  it('accepts the page at any route (hash) of the renderer file', async () => {
    const t = setup();
    const frame = { url: `${RENDERER_URL}#/keys?key=k1`, parent: null };
    expect(await t.electron.invoke('key.update', { key: 'k1' }, { frame })).toMatchObject({ ok: true });
  });

  it('refuses another webContents, an embedded frame, another page and a vanished frame', async () => {
    const t = setup();
    const other = new FakeElectron().createWindow({}).webContents;
    const attempts = [
      { sender: other },
      { frame: { url: RENDERER_URL, parent: t.win.webContents.mainFrame } },
      { frame: { url: 'https://evil.example/', parent: null } },
      { frame: { url: pathToFileURL('/tmp/download.html').href, parent: null } },
      { frame: { url: `${RENDERER_URL.replace('index.html', 'other.html')}`, parent: null } },
      { frame: null },
    ];
    for (const from of attempts) {
      const answer = (await t.electron.invoke('key.update', { key: 'k1' }, from)) as {
        ok: false;
        error: { status: number; code: string };
      };
      expect(answer.ok, JSON.stringify(from.frame?.url ?? from)).toBe(false);
      expect(answer.error).toMatchObject({ status: 403, code: 'forbidden' });
    }
    expect(t.ran).toEqual([]);
  });

  it('in development trusts the dev server origin and nothing else', async () => {
    const t = setup({ dev: 'http://127.0.0.1:5173/' });
    expect(await t.electron.invoke('key.update', { key: 'k1' })).toMatchObject({ ok: true });
    const evil = { url: 'http://127.0.0.1:5174/', parent: null };
    expect(await t.electron.invoke('key.update', { key: 'k1' }, { frame: evil })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
  });

  it('refuses operations outside the contract without running anything', async () => {
    const t = setup();
    for (const op of ['shell.exec', '__proto__', 'constructor', 42, undefined])
      expect(await t.electron.invoke(op, {})).toMatchObject({
        ok: false,
        error: { status: 404, code: 'not_found' },
      });
    expect(t.ran).toEqual([]);
  });

  it('answers bad input with a 400 envelope naming the field', async () => {
    const t = setup();
    const answer = await t.electron.invoke('key.update', { key: 'k1', max_budget: -1 });
    expect(answer).toEqual({
      ok: false,
      error: {
        status: 400,
        code: 'invalid_request',
        message: expect.stringContaining("'max_budget'"),
        param: 'max_budget',
      },
    });
    expect(await t.electron.invoke('key.update', { max_budget: 5 })).toMatchObject({
      ok: false,
      error: { status: 400, param: 'key' },
    });
    expect(t.ran).toEqual([]);
  });

  it('turns an unexpected failure into a 500 envelope without its message (which may hold paths)', async () => {
    const t = setup();
    const answer = (await t.electron.invoke('key.list', {})) as { ok: false; error: { message: string } };
    expect(answer).toMatchObject({ ok: false, error: { status: 500, code: 'internal_error' } });
    expect(answer.error.message).not.toContain('/home/me');
    expect(t.errors).toEqual(['key.list']);
  });
});
