// The tray menu as a pure function of the gateway's state: what the user sees and what each item does
// (as data, so the tests read it without Electron). tray.ts turns the actions into click handlers.
import type { AdminInput, AdminOperation } from '../../shared/admin/contract.ts';
import {
  isOverBudget,
  type TrayAlias,
  type TrayDeployment,
  type TrayKey,
  type TrayState,
} from './tray-state.ts';

/** An operation of the admin contract with its input, run in-process when the item is clicked. */
export type AdminAction = {
  [K in AdminOperation]: { kind: 'admin'; op: K; input: AdminInput<K> };
}[AdminOperation];

/** What clicking an item does. */
export type TrayAction =
  | AdminAction
  | { kind: 'open-window'; route?: string }
  | { kind: 'copy'; text: string }
  | { kind: 'open-path'; path: string }
  | { kind: 'retry-start' }
  | { kind: 'quit' };

export interface TrayMenuItem {
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: TrayMenuItem[];
  action?: TrayAction;
}

export type MenuTemplate = TrayMenuItem[];

/** The caps offered right in the menu; anything else is set in the window ("Custom…"). */
export const CAP_AMOUNTS = [1, 5, 20] as const;
export const CAP_PERIODS = [
  { duration: '1d', word: 'day' },
  { duration: '1mo', word: 'month' },
] as const;

/** More keys than this and the menu stops being a menu; the rest are a click away in the window. */
const MAX_KEYS = 12;

const SEPARATOR: TrayMenuItem = { type: 'separator' };

export function formatUsd(v: number): string {
  if (v > 0 && v < 0.01) return '<$0.01';
  return `$${v.toFixed(2)}`;
}

function periodWord(duration: string | null): string {
  if (duration === null) return '';
  const preset = CAP_PERIODS.find((p) => p.duration === duration);
  if (preset) return `/${preset.word}`;
  if (duration === '7d') return '/week';
  return ` per ${duration}`;
}

export function keyName(k: TrayKey): string {
  return k.key_alias ?? k.key_name;
}

/** `cline: $1.20 / $5.00/day (24%)`, or `cline: $1.20 (no cap)`. */
export function keyLabel(k: TrayKey): string {
  if (k.max_budget === null) return `${keyName(k)}: ${formatUsd(k.spend)} (no cap)`;
  const percent = k.max_budget > 0 ? Math.round((k.spend / k.max_budget) * 100) : k.spend > 0 ? 100 : 0;
  const over = isOverBudget(k) ? ' — over budget' : '';
  return `${keyName(k)}: ${formatUsd(k.spend)} / ${formatUsd(k.max_budget)}${periodWord(k.budget_duration)} (${percent}%)${over}`;
}

function capSubmenu(k: TrayKey): TrayMenuItem[] {
  const setCap = (max_budget: number | null, budget_duration: string | null): TrayAction => ({
    kind: 'admin',
    op: 'key.update',
    input: { key: k.id, max_budget, budget_duration },
  });
  const isPreset =
    k.max_budget === null ||
    CAP_PERIODS.some(
      (p) => p.duration === k.budget_duration && (CAP_AMOUNTS as readonly number[]).includes(k.max_budget!),
    );
  const items: TrayMenuItem[] = [];
  // A cap set elsewhere (say $7 per 7d) is shown checked so the radio group tells the truth.
  if (!isPreset)
    items.push({
      type: 'radio',
      label: `${formatUsd(k.max_budget!)}${periodWord(k.budget_duration)} (current)`,
      checked: true,
      enabled: false,
    });
  for (const p of CAP_PERIODS)
    for (const amount of CAP_AMOUNTS)
      items.push({
        type: 'radio',
        label: `$${amount} per ${p.word}`,
        checked: k.max_budget === amount && k.budget_duration === p.duration,
        action: setCap(amount, p.duration),
      });
  items.push({ type: 'radio', label: 'No cap', checked: k.max_budget === null, action: setCap(null, null) });
  items.push(SEPARATOR, {
    label: 'Custom…',
    action: { kind: 'open-window', route: `#/keys?key=${encodeURIComponent(k.id)}` },
  });
  return items;
}

function keysSection(keys: TrayKey[]): TrayMenuItem[] {
  if (keys.length === 0) return [];
  const shown = keys.slice(0, MAX_KEYS);
  const items: TrayMenuItem[] = [{ label: 'App keys', enabled: false }];
  for (const k of shown) items.push({ label: keyLabel(k), submenu: capSubmenu(k) });
  if (keys.length > shown.length)
    items.push({
      label: `${keys.length - shown.length} more key(s)…`,
      action: { kind: 'open-window', route: '#/keys' },
    });
  items.push(SEPARATOR);
  return items;
}

/** `openai/gpt-4o-mini`; with the server's host when two deployments of the alias run the same model. */
function deploymentLabel(d: TrayDeployment, all: TrayDeployment[]): string {
  let label = d.model;
  if (d.api_base !== null && all.some((o) => o !== d && o.model === d.model)) {
    try {
      label += ` @ ${new URL(d.api_base).host}`;
    } catch {
      label += ` @ ${d.api_base}`;
    }
  }
  return d.cooling ? `${label} — cooling down` : label;
}

function aliasSubmenu(a: TrayAlias): TrayMenuItem[] {
  return a.deployments.map((d) => ({
    type: 'radio',
    label: deploymentLabel(d, a.deployments),
    checked: d.id === a.primary,
    action: { kind: 'admin', op: 'model.setPrimary', input: { alias: a.alias, deployment_id: d.id } },
  }));
}

function modelsSection(aliases: TrayAlias[]): TrayMenuItem[] {
  const switchable = aliases.filter((a) => a.deployments.length > 0);
  if (switchable.length === 0) return [];
  return [
    { label: 'Switch model', submenu: switchable.map((a) => ({ label: a.alias, submenu: aliasSubmenu(a) })) },
  ];
}

function headline(s: TrayState): string {
  if (s.error !== null) return `Switchyard stopped: ${s.error}`;
  if (s.paused) return 'Switchyard is paused';
  return `Switchyard is running on ${s.url ?? '127.0.0.1'}`;
}

export function buildTrayMenu(s: TrayState): MenuTemplate {
  const items: TrayMenuItem[] = [{ label: headline(s), enabled: false }];
  if (s.error !== null) {
    items.push(
      { label: 'Try again', action: { kind: 'retry-start' } },
      { label: 'Open config.yaml', action: { kind: 'open-path', path: s.configPath } },
      SEPARATOR,
      { label: 'Open Switchyard', action: { kind: 'open-window' } },
      { label: 'Quit Switchyard', action: { kind: 'quit' } },
    );
    return items;
  }
  if (s.spend)
    items.push({
      label: `Today ${formatUsd(s.spend.today)} · This month ${formatUsd(s.spend.month)}`,
      enabled: false,
    });
  items.push(SEPARATOR, ...keysSection(s.keys), ...modelsSection(s.aliases));
  items.push(
    s.paused
      ? { label: 'Resume gateway', action: { kind: 'admin', op: 'gateway.resume', input: {} } }
      : { label: 'Pause gateway', action: { kind: 'admin', op: 'gateway.pause', input: {} } },
  );
  if (s.url !== null)
    items.push({ label: `Copy base URL (${s.url}/v1)`, action: { kind: 'copy', text: `${s.url}/v1` } });
  items.push({ label: 'Open Switchyard', action: { kind: 'open-window' } }, SEPARATOR);
  if (s.startAtLogin !== null)
    items.push({
      type: 'checkbox',
      label: 'Start at login',
      checked: s.startAtLogin,
      action: { kind: 'admin', op: 'settings.update', input: { start_at_login: !s.startAtLogin } },
    });
  items.push({ label: 'Quit Switchyard', action: { kind: 'quit' } });
  return items;
}
