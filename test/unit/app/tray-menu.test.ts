// The tray menu is a pure function of the gateway's state: these read it as the user would.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTrayMenu, type MenuTemplate, type TrayMenuItem } from '../../../main/app/tray-menu.ts';
import { TRAY_ICON_STATES, trayIconPath, trayIconState, trayToolTip } from '../../../main/app/tray-icons.ts';
import { stoppedState } from '../../../main/app/tray-state.ts';
import { sampleState } from './tray-fixtures.ts';

const labels = (items: MenuTemplate) => items.filter((i) => i.type !== 'separator').map((i) => i.label);

function item(menu: MenuTemplate, ...path: string[]): TrayMenuItem {
  let items = menu;
  let found: TrayMenuItem | undefined;
  for (const part of path) {
    found = items.find((i) => i.label?.startsWith(part));
    if (!found) throw new Error(`no '${part}' in ${labels(items).join(' | ')}`);
    items = found.submenu ?? [];
  }
  return found!;
}

const checked = (items: TrayMenuItem[]) => items.filter((i) => i.checked).map((i) => i.label);

describe('buildTrayMenu', () => {
  it("shows where the gateway runs and today's and this month's spend", () => {
    const menu = buildTrayMenu(sampleState());
    expect(menu[0]).toMatchObject({
      label: 'Switchyard is running on http://127.0.0.1:4141',
      enabled: false,
    });
    expect(menu[1]).toMatchObject({ label: 'Today $0.12 · This month $3.40', enabled: false });
  });

  it('lists each app key with spent / cap (percent), or no cap, and flags the one over budget', () => {
    const menu = buildTrayMenu(sampleState());
    expect(labels(menu)).toEqual(
      expect.arrayContaining([
        'cline: $1.20 / $5.00/day (24%)',
        'sk-...wxyz: $0.50 (no cap)',
        'aider: $7.00 / $7.00/week (100%) — over budget',
      ]),
    );
  });

  it("offers $1/$5/$20 per day and per month, No cap and Custom… with the key's cap checked", () => {
    const caps = item(buildTrayMenu(sampleState()), 'cline').submenu!;
    expect(labels(caps)).toEqual([
      '$1 per day',
      '$5 per day',
      '$20 per day',
      '$1 per month',
      '$5 per month',
      '$20 per month',
      'No cap',
      'Custom…',
    ]);
    expect(checked(caps)).toEqual(['$5 per day']);
    expect(caps.filter((i) => i.type === 'radio')).toHaveLength(7);
    expect(item(caps, '$20 per month').action).toEqual({
      kind: 'admin',
      op: 'key.update',
      input: { key: 'k1', max_budget: 20, budget_duration: '1mo' },
    });
    expect(item(caps, '$1 per day').action).toEqual({
      kind: 'admin',
      op: 'key.update',
      input: { key: 'k1', max_budget: 1, budget_duration: '1d' },
    });
    expect(item(caps, 'No cap').action).toEqual({
      kind: 'admin',
      op: 'key.update',
      input: { key: 'k1', max_budget: null, budget_duration: null },
    });
    expect(item(caps, 'Custom…').action).toEqual({ kind: 'open-window', route: '#/keys?key=k1' });
  });

  it('checks No cap for an uncapped key, and shows a cap set elsewhere as the checked current one', () => {
    const menu = buildTrayMenu(sampleState());
    expect(checked(item(menu, 'sk-...wxyz').submenu!)).toEqual(['No cap']);
    const custom = item(menu, 'aider').submenu!;
    expect(checked(custom)).toEqual(['$7.00/week (current)']);
    expect(custom[0]).toMatchObject({ type: 'radio', enabled: false });
  });

  it("lists each alias's deployments as radio items, the primary checked, choosing one sets it primary", () => {
    const smart = item(buildTrayMenu(sampleState()), 'Switch model', 'smart').submenu!;
    expect(labels(smart)).toEqual(['openai/gpt-4o-mini', 'ollama_chat/llama3.2 — cooling down']);
    expect(smart.every((i) => i.type === 'radio')).toBe(true);
    expect(checked(smart)).toEqual(['openai/gpt-4o-mini']);
    expect(smart[1]!.action).toEqual({
      kind: 'admin',
      op: 'model.setPrimary',
      input: { alias: 'smart', deployment_id: 'smart#b' },
    });
  });

  it('tells apart two deployments of the same model by their server', () => {
    const s = sampleState();
    s.aliases[0]!.deployments = [
      { id: 'a', model: 'ollama_chat/qwen3', api_base: 'http://127.0.0.1:11434', cooling: false },
      { id: 'b', model: 'ollama_chat/qwen3', api_base: 'http://gpu-box.lan:11434', cooling: false },
    ];
    expect(labels(item(buildTrayMenu(s), 'Switch model', 'smart').submenu!)).toEqual([
      'ollama_chat/qwen3 @ 127.0.0.1:11434',
      'ollama_chat/qwen3 @ gpu-box.lan:11434',
    ]);
  });

  it('checks nothing in an alias whose deployments share the traffic (no primary)', () => {
    const s = sampleState();
    s.aliases[0]!.primary = null;
    expect(checked(item(buildTrayMenu(s), 'Switch model', 'smart').submenu!)).toEqual([]);
  });

  it('offers Pause while running and Resume while paused', () => {
    expect(item(buildTrayMenu(sampleState()), 'Pause gateway').action).toEqual({
      kind: 'admin',
      op: 'gateway.pause',
      input: {},
    });
    const paused = buildTrayMenu(sampleState({ paused: true }));
    expect(paused[0]!.label).toBe('Switchyard is paused');
    expect(labels(paused)).not.toContain('Pause gateway');
    expect(item(paused, 'Resume gateway').action).toEqual({ kind: 'admin', op: 'gateway.resume', input: {} });
  });

  it('copies the OpenAI base URL, opens the window, toggles start at login and quits', () => {
    const menu = buildTrayMenu(sampleState());
    expect(item(menu, 'Copy base URL').action).toEqual({ kind: 'copy', text: 'http://127.0.0.1:4141/v1' });
    expect(item(menu, 'Open Switchyard').action).toEqual({ kind: 'open-window' });
    expect(item(menu, 'Start at login')).toMatchObject({
      type: 'checkbox',
      checked: false,
      action: { kind: 'admin', op: 'settings.update', input: { start_at_login: true } },
    });
    const on = item(buildTrayMenu(sampleState({ startAtLogin: true })), 'Start at login');
    expect(on).toMatchObject({ checked: true, action: { input: { start_at_login: false } } });
    expect(menu.at(-1)).toEqual({ label: 'Quit Switchyard', action: { kind: 'quit' } });
  });

  it('leaves out what it cannot know: no keys, no models, no login-item setting, no spend', () => {
    const menu = buildTrayMenu(
      sampleState({ keys: [], aliases: [], startAtLogin: null, spend: null, keysOverBudget: 0 }),
    );
    const l = labels(menu);
    expect(l).not.toContain('App keys');
    expect(l).not.toContain('Switch model');
    expect(l).not.toContain('Start at login');
    expect(l.some((x) => x?.startsWith('Today'))).toBe(false);
    expect(l).toContain('Pause gateway');
  });

  it('keeps the menu short with many keys: the rest are one click away in the window', () => {
    const keys = Array.from({ length: 20 }, (_, i) => ({
      id: `k${i}`,
      key_alias: `app${i}`,
      key_name: 'sk-...',
      spend: 0,
      max_budget: null,
      budget_duration: null,
    }));
    const menu = buildTrayMenu(sampleState({ keys }));
    expect(labels(menu).filter((l) => l?.startsWith('app'))).toHaveLength(12);
    expect(item(menu, '8 more key(s)…').action).toEqual({ kind: 'open-window', route: '#/keys' });
  });

  it('when the gateway could not start, says why and offers to retry or open config.yaml', () => {
    const menu = buildTrayMenu(stoppedState('/data/config.yaml', 'the port is taken'));
    expect(labels(menu)).toEqual([
      'Switchyard stopped: the port is taken',
      'Try again',
      'Open config.yaml',
      'Open Switchyard',
      'Quit Switchyard',
    ]);
    expect(item(menu, 'Try again').action).toEqual({ kind: 'retry-start' });
    expect(item(menu, 'Open config.yaml').action).toEqual({ kind: 'open-path', path: '/data/config.yaml' });
  });
});

describe('tray icon', () => {
  const quiet = { keysOverBudget: 0, deploymentsCooling: 0 };
  it('is paused before anything, then over budget, then provider down, else running', () => {
    expect(trayIconState(sampleState({ paused: true }))).toBe('paused');
    expect(trayIconState(sampleState())).toBe('over-budget');
    expect(trayIconState(sampleState({ keysOverBudget: 0 }))).toBe('provider-down');
    expect(trayIconState(sampleState(quiet))).toBe('running');
    expect(trayIconState(stoppedState('/c', 'bad config'))).toBe('provider-down');
  });

  it('says the state in the tooltip', () => {
    expect(trayToolTip(sampleState())).toBe('Switchyard: 1 key(s) over budget');
    expect(trayToolTip(sampleState({ keysOverBudget: 0 }))).toBe('Switchyard: 1 deployment(s) cooling down');
    expect(trayToolTip(sampleState(quiet))).toBe('Switchyard: running on http://127.0.0.1:4141');
  });

  it('has a committed 16 px and @2x 32 px file for every state', () => {
    const resources = join(import.meta.dirname, '../../../resources');
    for (const state of TRAY_ICON_STATES) {
      const path = trayIconPath(resources, state);
      expect(existsSync(path), path).toBe(true);
      expect(existsSync(path.replace(/\.png$/, '@2x.png')), path).toBe(true);
    }
  });
});
