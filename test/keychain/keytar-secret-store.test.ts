// The real OS keychain, through keytar: on Linux the Secret Service on the D-Bus session bus, which
// `npm test` (scripts/with-keyring.sh) provides on a headless machine as a throwaway gnome-keyring.
// In CI an unavailable keychain FAILS these tests; locally, outside the wrapper, they skip and say why.
// They use their own keychain service, never the user's `Switchyard` one.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KeytarSecretStore,
  loadKeytar,
  openKeychain,
} from '../../main/gateway/secrets/keytar-secret-store.ts';
import { AdminApi } from '../support/admin-api.ts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { spawnServe } from '../support/spawn-serve.ts';
import { startTestGateway, tempDir } from '../support/temp-gateway.ts';

const service = `Switchyard-test-${process.pid}-${randomBytes(4).toString('hex')}`;
const store = await openKeychain({ service, probeTimeoutMs: 5_000 });
const available = store.backend === 'keychain';
const why = `no OS keychain answered: ${store.unavailableReason ?? ''}`;
const skip = !available && !process.env.CI;
if (skip) {
  console.warn(
    `[keychain tests] skipped: ${why}. Run them through \`npm test\`, whose scripts/with-keyring.sh starts a ` +
      'throwaway gnome-keyring when dbus-run-session and gnome-keyring-daemon are installed.',
  );
}

const fresh = (tag: string) => `sk-${tag}-${randomBytes(16).toString('hex')}`;

afterAll(async () => {
  if (!available) return;
  for (const { name } of await store.list()) await store.delete(name);
});

describe.skipIf(skip)('the OS keychain through keytar', () => {
  it('is available here (CI must provide one)', () => {
    expect(store.backend, why).toBe('keychain');
    expect(store.kind).toContain(service);
  });

  it('round-trips a secret: set, get, list, replace, delete', async () => {
    const first = fresh('one');
    await store.set('roundtrip', first);
    expect(await store.get('roundtrip')).toBe(first);
    // Read back through a second keytar client: it is in the keychain, not in this object.
    const other = new KeytarSecretStore(await loadKeytar(), { service });
    expect(await other.get('roundtrip')).toBe(first);
    expect(await store.list()).toContainEqual({ name: 'roundtrip', value: first });

    const second = fresh('two');
    await store.set('roundtrip', second);
    expect(await other.get('roundtrip')).toBe(second);
    expect((await store.list()).filter((e) => e.name === 'roundtrip')).toHaveLength(1);

    expect(await store.delete('roundtrip')).toBe(true);
    expect(await store.get('roundtrip')).toBeUndefined();
    expect(await store.delete('roundtrip')).toBe(false);
    expect((await store.list()).map((e) => e.name)).not.toContain('roundtrip');
  });

  it('routes with a keychain/NAME key, and credential.set swaps it for the next request without a restart', async () => {
    const oldKey = fresh('old');
    const newKey = fresh('new');
    await store.set('vendor', oldKey);
    const upstream = await startFakeOpenAI({ apiKey: oldKey });
    const gw = await startTestGateway(
      `model_list:\n  - model_name: cloud\n    litellm_params: { model: openai/fake-model, api_base: ${upstream.url}, api_key: keychain/vendor }\n`,
      { secretStore: store },
    );
    try {
      const chat = () =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }),
        });
      expect((await chat()).status).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${oldKey}`);

      const admin = new AdminApi(gw.url, undefined);
      expect((await admin.post('/admin/keychain.status', {})).body).toMatchObject({
        available: true,
        backend: 'keychain',
      });
      const set = await admin.post('/admin/credential.set', { name: 'vendor', secret: newKey });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({
        name: 'vendor',
        hint: `sk-…${newKey.slice(-4)}`,
        set_at: expect.any(String),
      });
      // The keychain itself now holds the new key.
      expect(await new KeytarSecretStore(await loadKeytar(), { service }).get('vendor')).toBe(newKey);

      upstream.setBehavior({ apiKey: newKey });
      expect((await chat()).status).toBe(200);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${newKey}`);

      const list = await admin.post('/admin/credential.list', {});
      expect(list.body).toContainEqual({
        name: 'vendor',
        hint: `sk-…${newKey.slice(-4)}`,
        set_at: set.body.set_at,
        used_by: [gw.runtime.loaded.config.deployments[0]!.id],
      });
      expect(JSON.stringify(list.body)).not.toContain(newKey);
    } finally {
      await gw.close();
      await upstream.close();
    }
  });

  it('loads keytar the way plain Node does (as `npm run serve` runs), not only under the test runner', async () => {
    const script =
      "import { openKeychain } from './main/gateway/secrets/keytar-secret-store.ts';" +
      `const s = await openKeychain({ service: ${JSON.stringify(service)} });` +
      'console.log(JSON.stringify({ backend: s.backend, why: s.unavailableReason }));';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script],
      { cwd: join(import.meta.dirname, '../..') },
    );
    expect(JSON.parse(stdout)).toEqual({ backend: 'keychain' });
  });

  // `npm run serve` uses the real `Switchyard` service: only inside the throwaway keyring of
  // scripts/with-keyring.sh, never in a developer's own keychain.
  it.runIf(process.env.SWITCHYARD_KEYRING)(
    '`npm run serve` says it uses the keychain, stores a key there and routes with it',
    async () => {
      const key = fresh('serve');
      const name = `serve-test-${randomBytes(4).toString('hex')}`;
      const upstream = await startFakeOpenAI({ apiKey: key });
      const dir = tempDir();
      writeFileSync(
        join(dir, 'config.yaml'),
        `model_list:\n  - model_name: cloud\n    litellm_params: { model: openai/fake-model, api_base: ${upstream.url}, api_key: keychain/${name} }\n`,
      );
      const p = spawnServe(['--data-dir', dir, '--port', '0'], {
        DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
      });
      const real = new KeytarSecretStore(await loadKeytar());
      try {
        const url = /listening on (\S+)/.exec(await p.ready(15_000))![1]!;
        expect(p.stderr).toMatch(
          /credentials are stored in the OS keychain \(Secret Service, service "Switchyard"\)/,
        );
        const admin = new AdminApi(url, undefined);
        expect((await admin.post('/admin/credential.set', { name, secret: key })).status).toBe(200);
        expect(await real.get(name)).toBe(key);
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'cloud', messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(res.status).toBe(200);
        expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${key}`);
      } finally {
        await p.stop();
        await real.delete(name);
        await upstream.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
