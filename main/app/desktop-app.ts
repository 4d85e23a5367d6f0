// The desktop app's life: one instance, the gateway in-process, a tray that stays when the window closes,
// notifications for the core's events, the admin contract over IPC, and a quit that lets in-flight
// requests finish. Everything Electron is reached through the surface, so tests run this with a fake.
import { dirname, join } from 'node:path';
import type { GatewayEvent } from '../gateway/events.ts';
import type { Logger } from '../gateway/logger.ts';
import type { SecretStore } from '../gateway/secrets/secret-store.ts';
import type { ElectronSurface } from './electron-surface.ts';
import { createGatewayHost, type GatewayHost } from './gateway-host.ts';
import { registerAdminIpc } from './ipc.ts';
import { createLoginItem, type LoginItem } from './login-item.ts';
import { createNotifier } from './notifications.ts';
import { createTrayController, performTrayAction, type TrayController } from './tray.ts';
import { gatherTrayState, stoppedState } from './tray-state.ts';
import { createMainWindow, type MainWindow } from './window.ts';
import { hardenSession, rendererLocation } from './window-security.ts';

export const APP_USER_MODEL_ID = 'dev.switchyard.app';
/** The spend numbers move with traffic, which raises no event: the menu is refreshed on this beat too. */
export const TRAY_REFRESH_MS = 30_000;

/** Operations that change nothing the tray shows (the window polls these). */
const READ_ONLY_OP = /\.(list|get|info|status|report|logs|summary|health|reveal|export)$/;

export interface DesktopAppOptions {
  surface: ElectronSurface;
  /** Where the gateway keeps switchyard.db and config.yaml; also Electron's userData. */
  dataDir: string;
  rendererIndexPath: string;
  preloadPath: string;
  /** Holds tray/tray-<state>.png and icon.png. */
  resourcesDir: string;
  /** Development only: load the window from the Vite dev server. */
  devServerUrl?: string;
  logger: Logger;
  /** Linux autostart: the command that starts this app. */
  loginCommand: readonly string[];
  autostartDir?: string;
  port?: number;
  openSecretStore?: () => Promise<SecretStore>;
  ollamaUrl?: string;
  watchConfig?: boolean;
  refreshMs?: number;
}

export interface DesktopApp {
  host: GatewayHost;
  window: MainWindow;
  tray: TrayController;
  loginItem: LoginItem;
  /** Resolves once the gateway is stopped after a quit. */
  stopped: Promise<void>;
}

/** Runs the app; undefined when another instance already runs (this one then quits). */
export async function runDesktopApp(opts: DesktopAppOptions): Promise<DesktopApp | undefined> {
  const { surface } = opts;
  const { app } = surface;
  const log = opts.logger;
  // Before ready: Electron reads these paths when it starts the session (and keeps the single-instance
  // lock in userData). Chromium's own files go to a subfolder, away from the config users edit by hand.
  app.setPath('userData', opts.dataDir);
  app.setPath('sessionData', join(opts.dataDir, 'session'));
  // One gateway per machine: a second launch only brings the first one's window forward.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  if (surface.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  await app.whenReady();
  const location = rendererLocation(opts.rendererIndexPath, opts.devServerUrl);
  hardenSession(surface.session, location.csp);

  const loginItem = createLoginItem({
    platform: surface.platform,
    app,
    argv: surface.argv,
    command: opts.loginCommand,
    ...(opts.autostartDir !== undefined ? { autostartDir: opts.autostartDir } : {}),
  });
  const window = createMainWindow(surface, {
    location,
    preloadPath: opts.preloadPath,
    iconPath: join(opts.resourcesDir, 'icon.png'),
    devTools: !app.isPackaged,
    onLoadError: (err) => log.error(`the window could not load: ${(err as Error).message}`),
  });

  const notify = (title: string, body: string, onClick?: () => void) => {
    if (surface.notificationsSupported())
      surface.showNotification({ title, body, ...(onClick ? { onClick } : {}) });
    else log.warn(`${title}: ${body}`);
  };

  const notifier = createNotifier({
    show: (n) => notify(n.title, n.body, n.onClick),
    openWindow: (route) => window.show(route),
    describeDeployment: (id) => host.describeDeployment(id),
  });
  const onEvent = (e: GatewayEvent) => {
    notifier(e);
    void tray.refresh();
  };

  const host = createGatewayHost({
    dataDir: opts.dataDir,
    logger: log,
    onEvent,
    desktop: { getStartAtLogin: () => loginItem.get(), setStartAtLogin: (on) => loginItem.set(on) },
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.openSecretStore ? { openSecretStore: opts.openSecretStore } : {}),
    ...(opts.ollamaUrl !== undefined ? { ollamaUrl: opts.ollamaUrl } : {}),
    ...(opts.watchConfig !== undefined ? { watch: opts.watchConfig } : {}),
    // The same built window the app shows is what a browser gets at /ui.
    rendererDir: dirname(opts.rendererIndexPath),
  });

  const startGateway = async () => {
    const ok = await host.start();
    if (!ok)
      notify(
        'Switchyard could not start',
        host.error() ?? 'unknown error',
        () => void surface.shell.openPath(host.configPath),
      );
    await tray.refresh();
  };

  let quitting = false;
  // Created before the gateway starts and the IPC handler is registered: events and calls all find it.
  const tray = createTrayController(surface, {
    resourcesDir: opts.resourcesDir,
    readState: async () => {
      const g = host.running();
      if (!g) return stoppedState(host.configPath, host.error() ?? 'starting…');
      return gatherTrayState(host.dispatch, { configPath: host.configPath, url: g.url });
    },
    perform: (action) =>
      performTrayAction(action, {
        dispatch: host.dispatch,
        copy: (text) => surface.clipboard.writeText(text),
        openWindow: (route) => window.show(route),
        openPath: (path) => void surface.shell.openPath(path),
        retryStart: () => void startGateway(),
        quit: () => app.quit(),
        report: (title, message) => notify(title, message),
      }),
    onClick: () => window.show(),
  });

  registerAdminIpc(surface.ipcMain, {
    dispatch: async (op, input) => {
      const out = await host.dispatch(op, input);
      // A change made in the window (a new key, a cap, a model) shows in the tray at once.
      if (!READ_ONLY_OP.test(op)) void tray.refresh();
      return out;
    },
    isOurWebContents: (sender) => sender !== undefined && sender === window.current()?.webContents,
    isRendererUrl: location.isRendererUrl,
    onError: (op, err) => log.error(`admin operation ${op} failed: ${(err as Error).stack ?? String(err)}`),
  });

  const timer = setInterval(() => void tray.refresh(), opts.refreshMs ?? TRAY_REFRESH_MS);

  app.on('second-instance', () => window.show());
  app.on('activate', () => window.show());
  // Registering a listener is what keeps Electron from quitting when the window closes: the tray stays.
  app.on('window-all-closed', () => {});

  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let stoppedNow = false;
  app.on('before-quit', (e) => {
    if (stoppedNow) return;
    e.preventDefault();
    if (quitting) return;
    quitting = true;
    window.allowClose();
    clearInterval(timer);
    tray.destroy();
    // In-flight requests and streams get the core's drain time before the process goes.
    void host
      .stop()
      .catch((err: unknown) => log.error(`shutdown: ${String(err)}`))
      .finally(() => {
        stoppedNow = true;
        markStopped();
        app.quit();
      });
  });

  // The lifecycle handlers come first: a quit while the gateway is still starting stops it too.
  await startGateway();
  if (!quitting && !loginItem.startedAtLogin()) window.show();
  return { host, window, tray, loginItem, stopped };
}
