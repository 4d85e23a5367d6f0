// "Start at login". Electron's login-item API covers macOS and Windows only; on Linux the freedesktop
// way is an autostart .desktop file in ~/.config/autostart, which GNOME, KDE, XFCE and others read.
// Either way the app is started with --hidden, so it comes up in the tray without opening its window.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AppLike } from './electron-surface.ts';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  get(): boolean;
  set(on: boolean): void;
  /** Whether this run was started by the login item (so the window stays hidden). */
  startedAtLogin(): boolean;
}

export interface LoginItemOptions {
  platform: NodeJS.Platform;
  app: AppLike;
  argv: readonly string[];
  /** Linux: the command that starts this app (the AppImage, the installed binary, or electron + app dir). */
  command: readonly string[];
  /** Linux: `$XDG_CONFIG_HOME/autostart`, injectable for tests. */
  autostartDir?: string;
}

export function linuxAutostartDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart');
}

/** The Exec= value, quoted as the Desktop Entry spec asks (double quotes; \, ", `, $ escaped). */
export function desktopExec(args: readonly string[]): string {
  return args
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`))
    .join(' ');
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Switchyard',
    'Comment=Private LLM gateway (starts in the tray)',
    `Exec=${desktopExec([...command, HIDDEN_FLAG])}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function createLoginItem(opts: LoginItemOptions): LoginItem {
  const hiddenArg = () => opts.argv.includes(HIDDEN_FLAG);
  if (opts.platform === 'linux') {
    const file = join(opts.autostartDir ?? linuxAutostartDir(), 'switchyard.desktop');
    return {
      get: () => existsSync(file),
      set(on) {
        if (!on) return rmSync(file, { force: true });
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, autostartEntry(opts.command));
      },
      startedAtLogin: hiddenArg,
    };
  }
  // Windows: the args must be passed to get() too, or it reports the entry as missing.
  const args = opts.platform === 'win32' ? [HIDDEN_FLAG] : undefined;
  return {
    get: () => opts.app.getLoginItemSettings(args ? { args } : undefined).openAtLogin,
    set: (on) => opts.app.setLoginItemSettings({ openAtLogin: on, ...(args ? { args } : {}) }),
    startedAtLogin: () =>
      hiddenArg() ||
      (opts.platform === 'darwin' && opts.app.getLoginItemSettings().wasOpenedAtLogin === true),
  };
}
