// The tray icon and its menu. The menu is rebuilt from fresh state whenever something may have changed
// (an event from the core, an action from the menu, a timer for the spend numbers), because Electron's
// menus are static snapshots.
import type { ElectronMenuItem, ElectronSurface, TrayLike } from './electron-surface.ts';
import { buildTrayMenu, type MenuTemplate, type TrayAction } from './tray-menu.ts';
import { trayIconPath, trayIconState, trayToolTip } from './tray-icons.ts';
import type { AdminDispatch } from './ipc.ts';
import type { TrayState } from './tray-state.ts';

/** Menu items with their actions turned into click handlers. */
export function toElectronMenu(template: MenuTemplate, run: (a: TrayAction) => void): ElectronMenuItem[] {
  return template.map((item) => {
    const out: ElectronMenuItem = {};
    if (item.type !== undefined) out.type = item.type;
    if (item.label !== undefined) out.label = item.label;
    if (item.enabled !== undefined) out.enabled = item.enabled;
    if (item.checked !== undefined) out.checked = item.checked;
    if (item.submenu !== undefined) out.submenu = toElectronMenu(item.submenu, run);
    const action = item.action;
    if (action !== undefined) out.click = () => run(action);
    return out;
  });
}

export interface TrayActionDeps {
  dispatch: AdminDispatch;
  copy(text: string): void;
  openWindow(route?: string): void;
  openPath(path: string): void;
  retryStart(): void;
  quit(): void;
  /** Tells the user an action failed (a notification). */
  report(title: string, message: string): void;
}

/** Does what a menu item says. Admin failures are reported, never thrown into Electron's click handler. */
export async function performTrayAction(action: TrayAction, deps: TrayActionDeps): Promise<void> {
  switch (action.kind) {
    case 'admin':
      try {
        await deps.dispatch(action.op, action.input);
      } catch (err) {
        deps.report('Switchyard could not do that', (err as Error).message);
      }
      return;
    case 'open-window':
      return deps.openWindow(action.route);
    case 'copy':
      return deps.copy(action.text);
    case 'open-path':
      return deps.openPath(action.path);
    case 'retry-start':
      return deps.retryStart();
    case 'quit':
      return deps.quit();
  }
}

export interface TrayController {
  /** Re-reads the state and rebuilds icon, tooltip and menu; concurrent calls coalesce. */
  refresh(): Promise<void>;
  /** The state the menu was last built from. */
  last(): TrayState | undefined;
  destroy(): void;
}

export interface TrayOptions {
  resourcesDir: string;
  readState(): Promise<TrayState>;
  perform(action: TrayAction): Promise<void>;
  /** What a click on the icon itself does (Windows and macOS; Linux only shows the menu). */
  onClick(): void;
}

export function createTrayController(surface: ElectronSurface, opts: TrayOptions): TrayController {
  let tray: TrayLike | undefined;
  let state: TrayState | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let destroyed = false;

  const apply = (s: TrayState) => {
    if (destroyed) return;
    state = s;
    const icon = trayIconPath(opts.resourcesDir, trayIconState(s));
    if (tray === undefined) {
      tray = surface.createTray(icon);
      tray.on('click', opts.onClick);
    } else tray.setImage(icon);
    tray.setToolTip(trayToolTip(s));
    tray.setContextMenu(
      toElectronMenu(buildTrayMenu(s), (a) => {
        // After any action the numbers, checks and icon may have changed.
        void opts.perform(a).finally(() => void refresh());
      }),
    );
  };

  const refresh = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        apply(await opts.readState());
      } while (again && !destroyed);
    })().finally(() => (running = undefined));
    return running;
  };

  return {
    refresh,
    last: () => state,
    destroy() {
      destroyed = true;
      tray?.destroy();
      tray = undefined;
    },
  };
}
