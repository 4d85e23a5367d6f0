// Which tray icon shows, and where its file is. One glance should say whether anything needs the user:
// paused beats everything (nothing is served), then money (a key is refused), then a provider down.
import { join } from 'node:path';
import type { TrayState } from './tray-state.ts';

export const TRAY_ICON_STATES = ['running', 'paused', 'over-budget', 'provider-down'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

export function trayIconState(s: TrayState): TrayIconState {
  if (s.error !== null) return 'provider-down';
  if (s.paused) return 'paused';
  if (s.keysOverBudget > 0) return 'over-budget';
  if (s.deploymentsCooling > 0) return 'provider-down';
  return 'running';
}

/** `<resources>/tray/tray-<state>.png`; Electron picks the `@2x` file beside it on HiDPI screens. */
export function trayIconPath(resourcesDir: string, state: TrayIconState): string {
  return join(resourcesDir, 'tray', `tray-${state}.png`);
}

export function trayToolTip(s: TrayState): string {
  switch (trayIconState(s)) {
    case 'paused':
      return 'Switchyard: paused';
    case 'over-budget':
      return `Switchyard: ${s.keysOverBudget} key(s) over budget`;
    case 'provider-down':
      return s.error !== null
        ? 'Switchyard: stopped'
        : `Switchyard: ${s.deploymentsCooling} deployment(s) cooling down`;
    default:
      return `Switchyard: running on ${s.url ?? '127.0.0.1'}`;
  }
}
