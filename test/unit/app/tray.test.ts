// The tray through a fake Electron: clicking its items runs the right admin operations with the right
// inputs, and the icon, tooltip and menu follow the state.
import { describe, expect, it } from 'vitest';
import { createTrayController, performTrayAction, type TrayActionDeps } from '../../../main/app/tray.ts';
import type { TrayState } from '../../../main/app/tray-state.ts';
import { FakeElectron, findItem } from './fake-electron.ts';
import { sampleState } from './tray-fixtures.ts';

function setup(initial: TrayState = sampleState()) {
  const electron = new FakeElectron();
  let state = initial;
  const calls: { op: string; input: unknown }[] = [];
  const did: string[] = [];
  let failWith: Error | undefined;
  const deps: TrayActionDeps = {
    dispatch: async (op, input) => {
      calls.push({ op, input });
      if (failWith) throw failWith;
      return {};
    },
    copy: (text) => electron.clipboard.writeText(text),
    openWindow: (route) => did.push(`open ${route ?? ''}`),
    openPath: (path) => did.push(`path ${path}`),
    retryStart: () => did.push('retry'),
    quit: () => did.push('quit'),
    report: (title, message) => did.push(`report ${title}: ${message}`),
  };
  let reads = 0;
  const tray = createTrayController(electron, {
    resourcesDir: '/res',
    readState: async () => (reads++, state),
    perform: (a) => performTrayAction(a, deps),
    onClick: () => did.push('icon click'),
  });
  return {
    electron,
    tray,
    calls,
    did,
    reads: () => reads,
    setState: (s: TrayState) => (state = s),
    failNext: (e: Error) => (failWith = e),
    /** Clicks and waits for the action and the refresh after it. */
    async click(...path: string[]) {
      const before = electron.tray!.menus;
      findItem(electron.tray!.menu, path).click!();
      await expect.poll(() => electron.tray!.menus).toBeGreaterThan(before);
    },
  };
}

describe('tray', () => {
  it("shows the state's icon and tooltip and rebuilds both when the state changes", async () => {
    const t = setup();
    await t.tray.refresh();
    expect(t.electron.trays).toHaveLength(1);
    expect(t.electron.tray!.image).toBe('/res/tray/tray-over-budget.png');
    expect(t.electron.tray!.toolTip).toBe('Switchyard: 1 key(s) over budget');
    t.setState(sampleState({ paused: true }));
    await t.tray.refresh();
    expect(t.electron.trays).toHaveLength(1);
    expect(t.electron.tray!.image).toBe('/res/tray/tray-paused.png');
    expect(findItem(t.electron.tray!.menu, ['Resume gateway'])).toBeTruthy();
  });

  it("sets a key's cap from the menu with key.update (max_budget and budget_duration)", async () => {
    const t = setup();
    await t.tray.refresh();
    await t.click('cline', '$20 per month');
    await t.click('cline', '$1 per day');
    await t.click('cline', 'No cap');
    expect(t.calls).toEqual([
      { op: 'key.update', input: { key: 'k1', max_budget: 20, budget_duration: '1mo' } },
      { op: 'key.update', input: { key: 'k1', max_budget: 1, budget_duration: '1d' } },
      { op: 'key.update', input: { key: 'k1', max_budget: null, budget_duration: null } },
    ]);
  });

  it('opens the window at the key for a custom cap', async () => {
    const t = setup();
    await t.tray.refresh();
    await t.click('aider', 'Custom…');
    expect(t.did).toEqual(['open #/keys?key=k3']);
    expect(t.calls).toEqual([]);
  });

  it('makes the chosen deployment primary with model.setPrimary', async () => {
    const t = setup();
    await t.tray.refresh();
    await t.click('Switch model', 'smart', 'ollama_chat/llama3.2');
    expect(t.calls).toEqual([
      { op: 'model.setPrimary', input: { alias: 'smart', deployment_id: 'smart#b' } },
    ]);
  });

  it('pauses and resumes the gateway, and toggles start at login through settings.update', async () => {
    const t = setup();
    await t.tray.refresh();
    await t.click('Pause gateway');
    await t.click('Start at login');
    t.setState(sampleState({ paused: true, startAtLogin: true }));
    await t.tray.refresh();
    await t.click('Resume gateway');
    await t.click('Start at login');
    expect(t.calls).toEqual([
      { op: 'gateway.pause', input: {} },
      { op: 'settings.update', input: { start_at_login: true } },
      { op: 'gateway.resume', input: {} },
      { op: 'settings.update', input: { start_at_login: false } },
    ]);
  });

  it('copies the base URL, opens the window, quits, and opens it on an icon click', async () => {
    const t = setup();
    await t.tray.refresh();
    await t.click('Copy base URL');
    expect(t.electron.clipboardText).toBe('http://127.0.0.1:4141/v1');
    await t.click('Open Switchyard');
    await t.click('Quit Switchyard');
    t.electron.tray!.emit('click');
    expect(t.did).toEqual(['open ', 'quit', 'icon click']);
  });

  it('reports a failed operation instead of throwing into the menu, and still refreshes', async () => {
    const t = setup();
    await t.tray.refresh();
    t.failNext(new Error("No admin operation 'gateway.pause'"));
    const reads = t.reads();
    await t.click('Pause gateway');
    expect(t.did).toEqual(["report Switchyard could not do that: No admin operation 'gateway.pause'"]);
    expect(t.reads()).toBeGreaterThan(reads);
  });

  it('coalesces refreshes asked for while one runs, and stops after destroy', async () => {
    const t = setup();
    await Promise.all([t.tray.refresh(), t.tray.refresh(), t.tray.refresh()]);
    expect(t.reads()).toBe(2);
    t.tray.destroy();
    expect(t.electron.tray!.destroyed).toBe(true);
    await t.tray.refresh();
    expect(t.electron.trays).toHaveLength(1);
  });
});
