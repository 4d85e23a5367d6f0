// The part of Electron the shell uses, as plain interfaces. main.ts adapts the real modules to it; the
// unit tests hand the shell a fake (Electron's binary cannot run under plain Node). Keeping it narrow
// also keeps the shell honest about what it touches.
import type { BrowserWindowConstructorOptions } from 'electron';

/** An Electron event whose default can be prevented (close, will-navigate, before-quit). */
export interface PreventableEvent {
  preventDefault(): void;
}

/** What an IPC handler needs to know about who sent a message: `IpcMainInvokeEvent` satisfies it. */
export interface IpcSenderEvent {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', fn: (e: PreventableEvent, url: string) => void): void;
  on(event: 'will-attach-webview', fn: (e: PreventableEvent) => void): void;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: 'allow' | 'deny' }): void;
  getURL(): string;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  on(event: 'close', fn: (e: PreventableEvent) => void): void;
  on(event: 'closed' | 'ready-to-show', fn: () => void): void;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  isVisible(): boolean;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  destroy(): void;
}

export interface TrayLike {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  /** Takes the menu as Electron's template; the surface builds the native Menu. */
  setContextMenu(template: ElectronMenuItem[]): void;
  on(event: 'click', fn: () => void): void;
  destroy(): void;
}

/** Electron's MenuItemConstructorOptions, reduced to what the tray sets. */
export interface ElectronMenuItem {
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: ElectronMenuItem[];
  click?: () => void;
}

export interface LoginItemSettingsLike {
  openAtLogin: boolean;
  wasOpenedAtLogin?: boolean;
}

export interface AppLike {
  readonly isPackaged: boolean;
  getPath(name: 'userData' | 'sessionData' | 'home' | 'appData'): string;
  setPath(name: 'userData' | 'sessionData', path: string): void;
  getVersion(): string;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  on(event: 'before-quit', fn: (e: PreventableEvent) => void): void;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', fn: () => void): void;
  quit(): void;
  exit(code?: number): void;
  setAppUserModelId(id: string): void;
  /** macOS and Windows only (Electron's own limit); Linux uses an XDG autostart file. */
  getLoginItemSettings(options?: { args?: string[] }): LoginItemSettingsLike;
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export interface NotificationSpec {
  title: string;
  body: string;
  onClick?: () => void;
}

/** Answers a response's headers; the shell adds its CSP to every response the window receives. */
export type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

export interface SessionLike {
  onHeadersReceived(fn: HeadersListener): void;
  /** Every permission request (camera, notifications from the page, geolocation…) gets this answer. */
  setPermissionRequestHandler(fn: (permission: string, callback: (granted: boolean) => void) => void): void;
}

/** BrowserWindow's options, as Electron types them. */
export type WindowOptions = BrowserWindowConstructorOptions;

export interface ElectronSurface {
  readonly platform: NodeJS.Platform;
  /** Command-line arguments of this process (process.argv in the real app). */
  readonly argv: readonly string[];
  readonly app: AppLike;
  readonly session: SessionLike;
  readonly ipcMain: {
    handle(channel: string, fn: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>): void;
    removeHandler(channel: string): void;
  };
  readonly clipboard: { writeText(text: string): void };
  readonly shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string> };
  createWindow(options: WindowOptions): WindowLike;
  createTray(iconPath: string): TrayLike;
  notificationsSupported(): boolean;
  showNotification(spec: NotificationSpec): void;
}
