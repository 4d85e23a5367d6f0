// The one window. Created on first use (an app started at login sits in the tray and costs no renderer),
// locked down (sandboxed, isolated, no Node, no navigation away, no popups), and closing it only hides it:
// the gateway and the tray keep running until Quit.
import type { ElectronSurface, WindowLike } from './electron-surface.ts';
import { isSafeExternalUrl, type RendererLocation } from './window-security.ts';

export interface MainWindowOptions {
  location: RendererLocation;
  /** The bundled preload (out/preload/preload.cjs). */
  preloadPath: string;
  /** The window icon (Linux and Windows show it; macOS uses the bundle's). */
  iconPath?: string;
  /** DevTools only for unpackaged runs. */
  devTools: boolean;
  /** A load that failed (say, the renderer was not built): logged, the window stays. */
  onLoadError?: (err: unknown) => void;
}

export interface MainWindow {
  /** Shows (creating if needed) and focuses the window; a route like `#/keys?key=<id>` opens that page. */
  show(route?: string): void;
  /** The current window, if one was created and not destroyed. */
  current(): WindowLike | undefined;
  /** From now on closing really closes (set when quitting). */
  allowClose(): void;
}

export function createMainWindow(surface: ElectronSurface, opts: MainWindowOptions): MainWindow {
  let win: WindowLike | undefined;
  let closing = false;

  const urlFor = (route?: string) => {
    if (!route) return opts.location.url;
    const hash = route.startsWith('#') ? route : `#${route}`;
    return `${opts.location.url.split('#')[0]}${hash}`;
  };

  const load = (w: WindowLike, route?: string) =>
    w.loadURL(urlFor(route)).catch((err: unknown) => opts.onLoadError?.(err));

  const create = (route?: string): WindowLike => {
    const w = surface.createWindow({
      width: 1120,
      height: 760,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'Switchyard',
      autoHideMenuBar: true,
      ...(opts.iconPath ? { icon: opts.iconPath } : {}),
      webPreferences: {
        preload: opts.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        spellcheck: false,
        devTools: opts.devTools,
      },
    });
    const wc = w.webContents;
    // The page never leaves the renderer: links out go to the user's browser (https only), the rest
    // is dropped. In-page (hash) navigation does not raise will-navigate, so the router is unaffected.
    const guard = (e: { preventDefault(): void }, url: string) => {
      if (opts.location.isRendererUrl(url)) return;
      e.preventDefault();
      if (isSafeExternalUrl(url)) void surface.shell.openExternal(url);
    };
    wc.on('will-navigate', guard);
    wc.on('will-redirect', guard);
    wc.on('will-attach-webview', (e) => e.preventDefault());
    wc.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void surface.shell.openExternal(url);
      return { action: 'deny' };
    });
    w.on('close', (e) => {
      if (closing) return;
      e.preventDefault();
      w.hide();
    });
    w.on('closed', () => {
      if (win === w) win = undefined;
    });
    w.on('ready-to-show', () => {
      w.show();
      w.focus();
    });
    void load(w, route);
    return w;
  };

  return {
    show(route) {
      if (win === undefined || win.isDestroyed()) {
        win = create(route);
        return;
      }
      // Same document, new fragment: the renderer's hash router moves without a reload.
      if (route) void load(win, route);
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
    current: () => (win !== undefined && !win.isDestroyed() ? win : undefined),
    allowClose() {
      closing = true;
    },
  };
}
