// A fake of the narrow Electron surface the shell uses (main/app/electron-surface.ts): it records what the
// shell asks of Electron and lets a test play the user (click a menu item, close the window, send IPC).
import type {
  AppLike,
  ElectronMenuItem,
  ElectronSurface,
  HeadersListener,
  IpcSenderEvent,
  LoginItemSettingsLike,
  NotificationSpec,
  PreventableEvent,
  TrayLike,
  WebContentsLike,
  WindowLike,
  WindowOptions,
} from '../../../main/app/electron-surface.ts';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, fn: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => unknown)(...args);
  }
}

export function preventable(): PreventableEvent & { prevented: boolean } {
  const e = { prevented: false, preventDefault: () => (e.prevented = true) };
  return e;
}

export class FakeWebContents extends Emitter implements WebContentsLike {
  openHandler: ((d: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  readonly mainFrame: { url: string; parent: null } = { url: '', parent: null };
  get url(): string {
    return this.mainFrame.url;
  }
  set url(v: string) {
    this.mainFrame.url = v;
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.openHandler = fn;
  }
  getURL(): string {
    return this.url;
  }
  /** The page tries to navigate (a link, location.href = …); returns whether the shell stopped it. */
  navigate(url: string): boolean {
    const e = preventable();
    this.emit('will-navigate', e, url);
    if (!e.prevented) this.url = url;
    return e.prevented;
  }
}

export class FakeWindow extends Emitter implements WindowLike {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  minimized = false;
  destroyed = false;
  focused = 0;
  readonly options: WindowOptions;
  constructor(options: WindowOptions) {
    super();
    this.options = options;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.url = url;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('closed');
  }
  /** The user clicks the window's close button. */
  userClose(): void {
    const e = preventable();
    this.emit('close', e);
    if (!e.prevented) this.destroy();
  }
}

export class FakeTray extends Emitter implements TrayLike {
  image: string;
  toolTip = '';
  menu: ElectronMenuItem[] = [];
  menus = 0;
  destroyed = false;
  constructor(image: string) {
    super();
    this.image = image;
  }
  setImage(path: string): void {
    this.image = path;
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setContextMenu(template: ElectronMenuItem[]): void {
    this.menu = template;
    this.menus++;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** Finds a menu item by the start of each label along a path, e.g. ['cline', '$5.00 per day']. */
export function findItem(menu: ElectronMenuItem[], path: string[]): ElectronMenuItem {
  let items = menu;
  let found: ElectronMenuItem | undefined;
  for (const part of path) {
    found = items.find((i) => i.label?.startsWith(part));
    if (!found)
      throw new Error(`no menu item '${part}' among: ${items.map((i) => i.label ?? '---').join(' | ')}`);
    items = found.submenu ?? [];
  }
  return found!;
}

export class FakeApp extends Emitter implements AppLike {
  isPackaged = false;
  readonly paths = new Map<string, string>();
  gotLock = true;
  quits = 0;
  exitCode: number | undefined;
  loginSettings: LoginItemSettingsLike & { args?: string[] } = { openAtLogin: false };
  appUserModelId: string | undefined;
  getPath(name: string): string {
    return this.paths.get(name) ?? `/fake/${name}`;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getVersion(): string {
    return '0.1.0';
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  async whenReady(): Promise<void> {}
  quit(): void {
    this.quits++;
    const e = preventable();
    this.emit('before-quit', e);
  }
  exit(code?: number): void {
    this.exitCode = code ?? 0;
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  getLoginItemSettings(): LoginItemSettingsLike {
    return { ...this.loginSettings };
  }
  setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }): void {
    this.loginSettings = { ...s };
  }
}

export class FakeElectron implements ElectronSurface {
  readonly app = new FakeApp();
  readonly windows: FakeWindow[] = [];
  readonly trays: FakeTray[] = [];
  readonly notifications: NotificationSpec[] = [];
  readonly externals: string[] = [];
  readonly openedPaths: string[] = [];
  readonly ipcHandlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>>();
  headersListener: HeadersListener | undefined;
  permissionHandler: ((permission: string, cb: (granted: boolean) => void) => void) | undefined;
  clipboardText = '';
  supportsNotifications = true;

  readonly platform: NodeJS.Platform;
  readonly argv: readonly string[];
  constructor(platform: NodeJS.Platform = 'linux', argv: readonly string[] = ['electron', '.']) {
    this.platform = platform;
    this.argv = argv;
  }

  readonly session = {
    onHeadersReceived: (fn: HeadersListener) => void (this.headersListener = fn),
    setPermissionRequestHandler: (fn: (p: string, cb: (granted: boolean) => void) => void) =>
      void (this.permissionHandler = fn),
  };
  readonly ipcMain = {
    handle: (channel: string, fn: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>) => {
      if (this.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
      this.ipcHandlers.set(channel, fn);
    },
    removeHandler: (channel: string) => void this.ipcHandlers.delete(channel),
  };
  readonly clipboard = { writeText: (text: string) => void (this.clipboardText = text) };
  readonly shell = {
    openExternal: async (url: string) => void this.externals.push(url),
    openPath: async (path: string) => (this.openedPaths.push(path), ''),
  };
  createWindow(options: WindowOptions): FakeWindow {
    const w = new FakeWindow(options);
    this.windows.push(w);
    return w;
  }
  createTray(iconPath: string): FakeTray {
    const t = new FakeTray(iconPath);
    this.trays.push(t);
    return t;
  }
  notificationsSupported(): boolean {
    return this.supportsNotifications;
  }
  showNotification(spec: NotificationSpec): void {
    this.notifications.push(spec);
  }

  get window(): FakeWindow | undefined {
    return this.windows.at(-1);
  }
  get tray(): FakeTray | undefined {
    return this.trays.at(-1);
  }
  /** The renderer calls `window.switchyard[op](input)` from a given webContents and frame. */
  async invoke(
    op: unknown,
    input: unknown,
    from: { sender?: unknown; frame?: { url: string; parent: unknown } | null } = {},
  ): Promise<unknown> {
    const handler = this.ipcHandlers.get('switchyard:admin');
    if (!handler) throw new Error('no admin IPC handler registered');
    const wc = this.window?.webContents;
    const event: IpcSenderEvent = {
      sender: from.sender ?? wc,
      senderFrame: from.frame !== undefined ? from.frame : (wc?.mainFrame ?? null),
    };
    return handler(event, op, input);
  }
}
