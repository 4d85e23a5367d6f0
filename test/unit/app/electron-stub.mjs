// A stand-in for the `electron` module, for running the BUILT main bundle (out/main/main.js) under plain
// Node: Electron's binary cannot run here. It reports what the app asks of Electron as JSON lines on
// stdout, and plays the renderer from stdin: each line `{"invoke": op, "input": …}` is sent on the admin
// IPC channel from the window's own frame, and the envelope is reported back.
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

const report = (kind, data) => process.stdout.write(`${JSON.stringify({ kind, data })}\n`);

class App extends EventEmitter {
  isPackaged = false;
  paths = {};
  getPath(name) {
    return this.paths[name] ?? process.cwd();
  }
  setPath(name, path) {
    this.paths[name] = path;
    report('setPath', [name, path]);
  }
  getVersion() {
    return '0.0.0';
  }
  getAppPath() {
    return process.cwd();
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      report('exit', 0);
      process.exit(0);
    }
  }
  exit(code) {
    process.exit(code);
  }
  setAppUserModelId() {}
  getLoginItemSettings() {
    return { openAtLogin: false };
  }
  setLoginItemSettings() {}
}

export const app = new App();
// Electron quits the app on SIGTERM; so does the stand-in.
process.on('SIGTERM', () => app.quit());

const windows = [];

class WebContents extends EventEmitter {
  mainFrame = { url: '', parent: null };
  setWindowOpenHandler() {}
  getURL() {
    return this.mainFrame.url;
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = new WebContents();
    this.destroyed = false;
    windows.push(this);
    report('window', options.webPreferences);
  }
  loadURL(url) {
    this.webContents.mainFrame.url = url;
    report('load', url);
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show() {
    report('show', null);
  }
  hide() {}
  focus() {}
  isVisible() {
    return true;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}

const handlers = new Map();
export const ipcMain = {
  handle(channel, fn) {
    handlers.set(channel, fn);
    report('ipc', channel);
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
};

export const nativeImage = {
  createFromPath(path) {
    report('image', { path, exists: existsSync(path) });
    return { path };
  },
};

export const Menu = { buildFromTemplate: (template) => ({ template }) };

export class Tray extends EventEmitter {
  constructor(image) {
    super();
    report('tray', image.path);
  }
  setImage(image) {
    report('tray-image', image.path);
  }
  setToolTip(text) {
    report('tooltip', text);
  }
  setContextMenu(menu) {
    report(
      'menu',
      menu.template.map((i) => i.label ?? '---'),
    );
  }
  destroy() {}
}

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    report('notification', this.options);
  }
}

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: () => report('csp', true) },
    setPermissionRequestHandler: () => {},
  },
};
export const clipboard = { writeText: () => {} };
export const shell = { openExternal: async () => {}, openPath: async () => '' };
export const dialog = { showErrorBox: (title, content) => report('error-box', [title, content]) };

createInterface({ input: process.stdin }).on('line', async (line) => {
  const { invoke, input } = JSON.parse(line);
  const w = windows.at(-1);
  const answer = await handlers.get('switchyard:admin')(
    { sender: w.webContents, senderFrame: w.webContents.mainFrame },
    invoke,
    input,
  );
  report('answer', answer);
});

export default {
  app,
  BrowserWindow,
  ipcMain,
  nativeImage,
  Menu,
  Tray,
  Notification,
  session,
  clipboard,
  shell,
  dialog,
};
