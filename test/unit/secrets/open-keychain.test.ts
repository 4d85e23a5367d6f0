// openKeychain() on machines without a usable keychain: a sentence, never a crash, never a hang, and never
// a store that would put secrets somewhere else.
import { describe, expect, it } from 'vitest';
import { openKeychain, type KeytarApi } from '../../../main/gateway/secrets/keytar-secret-store.ts';

const hanging: KeytarApi = {
  getPassword: () => new Promise(() => {}),
  setPassword: () => new Promise(() => {}),
  deletePassword: () => new Promise(() => {}),
  findCredentials: () => new Promise(() => {}),
};

describe('openKeychain', () => {
  it('goes on without a keychain when keytar cannot be loaded, and says why', async () => {
    const store = await openKeychain({
      load: () =>
        Promise.reject(new Error('the keytar module could not be loaded (libsecret-1.so.0: missing)')),
      env: { SWITCHYARD_SECRET_openai: 'sk-from-env' },
    });
    expect(store.backend).toBe('none');
    expect(store.unavailableReason).toContain('libsecret-1.so.0');
    // keychain/NAME still resolves from the environment…
    expect(await store.get('openai')).toBe('sk-from-env');
    // …and nothing can be stored anywhere.
    await expect(store.set('openai', 'sk-new')).rejects.toThrow(
      /No OS keychain is available.*os\.environ\/NAME/,
    );
    await expect(store.delete('openai')).rejects.toThrow(/No OS keychain/);
    expect(await store.get('openai')).toBe('sk-from-env');
  });

  it('gives up on a keychain that never answers after the probe timeout', async () => {
    const store = await openKeychain({ load: async () => hanging, probeTimeoutMs: 50, env: {} });
    expect(store.backend).toBe('none');
    expect(store.unavailableReason).toMatch(/did not answer a listing within 50 ms/);
  });

  it('reports the error of a keychain that refuses, e.g. no D-Bus session', async () => {
    const failing: KeytarApi = {
      ...hanging,
      findCredentials: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    };
    const store = await openKeychain({ load: async () => failing, env: {} });
    expect(store.backend).toBe('none');
    expect(store.unavailableReason).toContain('Cannot autolaunch D-Bus');
  });

  it('uses the keychain that answers, under the service it was given', async () => {
    const items = new Map<string, string>();
    const working: KeytarApi = {
      getPassword: async (_s, a) => items.get(a) ?? null,
      setPassword: async (_s, a, p) => void items.set(a, p),
      deletePassword: async (_s, a) => items.delete(a),
      findCredentials: async () => [...items].map(([account, password]) => ({ account, password })),
    };
    const store = await openKeychain({ load: async () => working, service: 'Switchyard-unit' });
    expect(store.backend).toBe('keychain');
    expect(store.kind).toContain('Switchyard-unit');
    await store.set('groq', 'gsk_x');
    expect(await store.list()).toEqual([{ name: 'groq', value: 'gsk_x' }]);
  });
});
