// The window: locked-down web preferences, no navigation away from the renderer (https links go to the
// browser), no popups, a CSP header on every response, and closing hides it instead of quitting.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMainWindow } from '../../../main/app/window.ts';
import {
  hardenSession,
  isSafeExternalUrl,
  rendererLocation,
  RENDERER_CSP,
} from '../../../main/app/window-security.ts';
import { FakeElectron, preventable } from './fake-electron.ts';

const INDEX = '/app/out/renderer/index.html';
const URL_ = pathToFileURL(INDEX).href;

function setup() {
  const electron = new FakeElectron();
  const loadErrors: unknown[] = [];
  const main = createMainWindow(electron, {
    location: rendererLocation(INDEX),
    preloadPath: '/app/out/preload/preload.cjs',
    iconPath: '/app/resources/icon.png',
    devTools: false,
    onLoadError: (e) => loadErrors.push(e),
  });
  return { electron, main, loadErrors };
}

describe('main window', () => {
  it('is sandboxed, context-isolated, without Node, with web security and the bundled preload', () => {
    const t = setup();
    t.main.show();
    expect(t.electron.windows).toHaveLength(1);
    expect(t.electron.window!.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(t.electron.window!.options.show).toBe(false);
  });

  it('loads the built renderer file and shows once ready', () => {
    const t = setup();
    t.main.show();
    const w = t.electron.window!;
    expect(w.loaded).toEqual([URL_]);
    expect(w.visible).toBe(false);
    w.emit('ready-to-show');
    expect(w.visible).toBe(true);
  });

  it('hides on close and comes back as the same window; a route opens that page', () => {
    const t = setup();
    t.main.show();
    const w = t.electron.window!;
    w.emit('ready-to-show');
    w.userClose();
    expect(w.destroyed).toBe(false);
    expect(w.visible).toBe(false);
    t.main.show('#/keys?key=k1');
    expect(t.electron.windows).toHaveLength(1);
    expect(w.visible).toBe(true);
    expect(w.loaded.at(-1)).toBe(`${URL_}#/keys?key=k1`);
  });

  it('opens straight at a route when the window did not exist yet', () => {
    const t = setup();
    t.main.show('#/models');
    expect(t.electron.window!.loaded).toEqual([`${URL_}#/models`]);
  });

  it('really closes once quitting, and a later show makes a new window', () => {
    const t = setup();
    t.main.show();
    const first = t.electron.window!;
    t.main.allowClose();
    first.userClose();
    expect(first.destroyed).toBe(true);
    expect(t.main.current()).toBeUndefined();
    t.main.show();
    expect(t.electron.windows).toHaveLength(2);
  });

  it('stays on the renderer: https links go to the browser, anything else is dropped', () => {
    const t = setup();
    t.main.show();
    const wc = t.electron.window!.webContents;
    expect(wc.navigate(`${URL_}#/logs`)).toBe(false);
    expect(wc.navigate('https://docs.litellm.ai/')).toBe(true);
    expect(wc.navigate('file:///etc/passwd')).toBe(true);
    expect(wc.navigate('http://example.com/')).toBe(true);
    expect(wc.navigate('javascript:alert(1)')).toBe(true);
    expect(t.electron.externals).toEqual(['https://docs.litellm.ai/']);
    const redirect = preventable();
    wc.emit('will-redirect', redirect, 'https://elsewhere.example/');
    expect(redirect.prevented).toBe(true);
  });

  it('opens no windows: https targets go to the browser, others nowhere; no webviews', () => {
    const t = setup();
    t.main.show();
    const wc = t.electron.window!.webContents;
    expect(wc.openHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'https://user:pw@example.com/' })).toEqual({ action: 'deny' });
    expect(t.electron.externals).toEqual(['https://github.com/']);
    const attach = preventable();
    wc.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
  });

  it('logs a failed load instead of crashing', async () => {
    const t = setup();
    t.main.show();
    const w = t.electron.window!;
    w.loadURL = async () => {
      throw new Error('ERR_FILE_NOT_FOUND');
    };
    t.main.show('#/keys');
    await expect.poll(() => t.loadErrors.length).toBe(1);
  });
});

describe('window security', () => {
  it('sets a strict CSP header on every response, replacing any other', () => {
    const electron = new FakeElectron();
    hardenSession(electron.session, RENDERER_CSP);
    let answer: { responseHeaders?: Record<string, string | string[]> } = {};
    electron.headersListener!(
      {
        url: URL_,
        responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
      },
      (r) => (answer = r),
    );
    expect(answer.responseHeaders).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [RENDERER_CSP] });
    expect(RENDERER_CSP).toContain("default-src 'none'");
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
  });

  it('denies every permission request of the page', () => {
    const electron = new FakeElectron();
    hardenSession(electron.session, RENDERER_CSP);
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal'])
      electron.permissionHandler!(p, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
  });

  it('trusts only the one renderer file, at any route', () => {
    const loc = rendererLocation(INDEX);
    expect(loc.url).toBe(URL_);
    expect(loc.isRendererUrl(`${URL_}#/keys?key=1`)).toBe(true);
    expect(loc.isRendererUrl(`${URL_}?x=1`)).toBe(true);
    expect(loc.isRendererUrl(pathToFileURL('/app/out/renderer/other.html').href)).toBe(false);
    expect(loc.isRendererUrl('file://evil-host/app/out/renderer/index.html')).toBe(false);
    expect(loc.isRendererUrl('http://127.0.0.1:4141/ui/index.html')).toBe(false);
    expect(loc.isRendererUrl('not a url')).toBe(false);
  });

  it('lets only plain https links out', () => {
    expect(isSafeExternalUrl('https://openai.com/pricing')).toBe(true);
    for (const u of ['http://x.com', 'file:///etc', 'javascript:1', 'smb://host/share', 'https://a:b@x.com'])
      expect(isSafeExternalUrl(u), u).toBe(false);
  });
});
