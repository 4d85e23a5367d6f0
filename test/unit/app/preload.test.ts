// The preload exposes exactly the contract's operations as `window.switchyard`, each an invoke on the
// one admin channel, and never ipcRenderer itself.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_OPERATIONS } from '../../../shared/admin/contract.ts';
import { ADMIN_IPC_CHANNEL, PRELOAD_GLOBAL } from '../../../shared/ipc.ts';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'answer' }));
const ipcRenderer = { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() };

// Electron's binary cannot run here; the preload only touches these two objects of it.
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer,
}));

describe('preload', () => {
  beforeEach(async () => {
    exposed.clear();
    invoke.mockClear();
    vi.resetModules();
    await import('../../../main/preload/preload.ts');
  });

  it('exposes one global, `switchyard`, with exactly one method per admin operation', () => {
    expect([...exposed.keys()]).toEqual([PRELOAD_GLOBAL]);
    const api = exposed.get(PRELOAD_GLOBAL) as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...ADMIN_OPERATIONS].sort());
    for (const op of ADMIN_OPERATIONS) expect(typeof api[op]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it("sends each call on the admin channel as [operation, input] and returns main's envelope", async () => {
    const api = exposed.get(PRELOAD_GLOBAL) as Record<string, (input?: unknown) => Promise<unknown>>;
    const input = { key: 'k1', max_budget: 5, budget_duration: '1d' };
    await expect(api['key.update']!(input)).resolves.toEqual({ ok: true, value: 'answer' });
    await api['key.list']!();
    expect(invoke.mock.calls).toEqual([
      [ADMIN_IPC_CHANNEL, 'key.update', input],
      [ADMIN_IPC_CHANNEL, 'key.list', undefined],
    ]);
  });

  it('hands the page nothing of ipcRenderer', () => {
    const api = exposed.get(PRELOAD_GLOBAL) as Record<string, unknown>;
    const values = Object.values(api);
    for (const fn of [ipcRenderer, invoke, ipcRenderer.send, ipcRenderer.on, ipcRenderer.sendSync])
      expect(values).not.toContain(fn);
    expect(ipcRenderer.send).not.toHaveBeenCalled();
  });
});
