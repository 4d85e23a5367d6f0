// Electron's entry (bundled to out/main/main.js by scripts/build-electron.ts). It adapts the real
// Electron modules to the narrow surface the shell is written against, and starts the app.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  session,
  shell,
  Tray,
} from 'electron';
import { stderrLogger } from '../gateway/logger.ts';
import { defaultDataDir } from '../gateway/paths.ts';
import { fileLogger, logFilePath } from './app-logger.ts';
import { runDesktopApp } from './desktop-app.ts';
import type { ElectronSurface, WindowLike } from './electron-surface.ts';

// Paths are relative to the bundle: out/main/main.js, beside out/preload and out/renderer; resources/ is
// packed at the app's root (electron-builder.yml `files`).
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, '..', '..');

// Notifications are garbage-collected with their JS object, and a collected one no longer reports its
// click: hold each until it is clicked or closed.
const liveNotifications = new Set<Notification>();

const surface: ElectronSurface = {
  platform: process.platform,
  argv: process.argv,
  app,
  session: {
    onHeadersReceived: (fn) => session.defaultSession.webRequest.onHeadersReceived(fn),
    setPermissionRequestHandler: (fn) =>
      session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
        fn(permission, callback),
      ),
  },
  ipcMain: {
    handle: (channel, fn) => ipcMain.handle(channel, (event, ...args) => fn(event, ...args)),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
  },
  clipboard: { writeText: (text) => clipboard.writeText(text) },
  shell: { openExternal: (url) => shell.openExternal(url), openPath: (path) => shell.openPath(path) },
  createWindow: (options): WindowLike => new BrowserWindow(options),
  createTray(iconPath) {
    const tray = new Tray(nativeImage.createFromPath(iconPath));
    return {
      setImage: (path) => tray.setImage(nativeImage.createFromPath(path)),
      setToolTip: (text) => tray.setToolTip(text),
      setContextMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
      on: (event, fn) => void tray.on(event, fn),
      destroy: () => tray.destroy(),
    };
  },
  notificationsSupported: () => Notification.isSupported(),
  showNotification({ title, body, onClick }) {
    const n = new Notification({ title, body });
    liveNotifications.add(n);
    n.on('click', () => {
      liveNotifications.delete(n);
      onClick?.();
    });
    n.on('close', () => liveNotifications.delete(n));
    n.show();
  },
};

const dataDir = defaultDataDir();
const logger = fileLogger(logFilePath(dataDir), stderrLogger);
const devServerUrl = app.isPackaged ? undefined : process.env.SWITCHYARD_DEV_SERVER_URL || undefined;

runDesktopApp({
  surface,
  dataDir,
  rendererIndexPath: join(here, '..', 'renderer', 'index.html'),
  preloadPath: join(here, '..', 'preload', 'preload.cjs'),
  resourcesDir: join(appRoot, 'resources'),
  ...(devServerUrl ? { devServerUrl } : {}),
  logger,
  // Linux autostart: an AppImage must be started through its own file, not the mounted binary inside it.
  loginCommand: app.isPackaged
    ? [process.env.APPIMAGE ?? process.execPath]
    : [process.execPath, app.getAppPath()],
}).catch((err: unknown) => {
  logger.error(`fatal: ${(err as Error).stack ?? String(err)}`);
  dialog.showErrorBox('Switchyard could not start', String(err));
  app.exit(1);
});
