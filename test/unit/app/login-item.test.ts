// Start at login: Electron's login item on macOS and Windows, an XDG autostart file on Linux; both start
// the app hidden in the tray.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoginItem, desktopExec } from '../../../main/app/login-item.ts';
import { FakeApp } from './fake-electron.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('start at login on Linux', () => {
  it('writes and removes an autostart entry that starts the app hidden', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-autostart-'));
    dirs.push(dir);
    const autostartDir = join(dir, 'autostart');
    const item = createLoginItem({
      platform: 'linux',
      app: new FakeApp(),
      argv: ['/opt/Switchyard/switchyard'],
      command: ['/home/me/Apps/Switchyard 0.1.0.AppImage'],
      autostartDir,
    });
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
    const entry = readFileSync(join(autostartDir, 'switchyard.desktop'), 'utf8');
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Switchyard\n');
    expect(entry).toContain('Exec="/home/me/Apps/Switchyard 0.1.0.AppImage" --hidden\n');
    item.set(false);
    expect(item.get()).toBe(false);
    expect(existsSync(join(autostartDir, 'switchyard.desktop'))).toBe(false);
    item.set(false);
  });

  it('knows it was started at login by the --hidden flag', () => {
    const base = { platform: 'linux' as const, app: new FakeApp(), command: ['x'] };
    expect(createLoginItem({ ...base, argv: ['switchyard', '--hidden'] }).startedAtLogin()).toBe(true);
    expect(createLoginItem({ ...base, argv: ['switchyard'] }).startedAtLogin()).toBe(false);
  });

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    expect(desktopExec(['/usr/bin/electron', '/src/my app', '--hidden'])).toBe(
      '/usr/bin/electron "/src/my app" --hidden',
    );
    expect(desktopExec(['/a/$HOME"`\\'])).toBe('"/a/\\$HOME\\"\\`\\\\"');
  });
});

describe('start at login on macOS and Windows', () => {
  it("uses Electron's login item; on Windows with --hidden in both set and get", () => {
    const app = new FakeApp();
    const win = createLoginItem({ platform: 'win32', app, argv: ['Switchyard.exe'], command: [] });
    win.set(true);
    expect(app.loginSettings).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(win.get()).toBe(true);
    win.set(false);
    expect(win.get()).toBe(false);
  });

  it('on macOS knows a login launch from wasOpenedAtLogin', () => {
    const app = new FakeApp();
    const mac = createLoginItem({ platform: 'darwin', app, argv: ['Switchyard'], command: [] });
    mac.set(true);
    expect(app.loginSettings).toEqual({ openAtLogin: true });
    expect(mac.startedAtLogin()).toBe(false);
    app.loginSettings = { openAtLogin: true, wasOpenedAtLogin: true };
    expect(mac.startedAtLogin()).toBe(true);
  });
});
