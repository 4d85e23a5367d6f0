// Vendor keys through the admin API (POST /admin/credential.*), as the desktop window will store them:
// masked in every answer, used by the next request without a restart, refused when nothing can keep them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../main/gateway/secrets/secret-store.ts';
import { openDatabase } from '../../main/gateway/store/db.ts';
import { AdminApi, databaseFilesContain } from '../support/admin-api.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const KEY_A = 'sk-proj-credA0123456789abcdefghijWXYZ';
const KEY_B = 'sk-proj-credB0123456789abcdefghij9876';

let upstream: FakeUpstream;
let gw: TestGateway | undefined;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
});
afterAll(() => upstream.close());
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  upstream.reset();
});

const config = (extra = '') => `model_list:
  - model_name: cloud
    litellm_params: { model: openai/fake-model, api_base: ${upstream.url}, api_key: keychain/vendor }
  - model_name: cloud-b
    litellm_params: { model: openai/other, api_base: ${upstream.url}, api_key: keychain/vendor }
  - model_name: plain
    litellm_params: { model: openai/fake-model, api_base: ${upstream.url}, api_key: os.environ/PLAIN }
${extra}`;

/** A gateway with no master key, its keychain a memory store holding `secrets`; and its admin API. */
async function withKeychain(secrets: Record<string, string> = {}) {
  gw = await startTestGateway(config(), { secretStore: new MemorySecretStore(secrets) });
  return { gateway: gw, admin: new AdminApi(gw.url, undefined) };
}

/** credential.test of `name` against the fake upstream, as an OpenAI server. */
const testCredential = (admin: AdminApi, name: string) =>
  admin.post('/admin/credential.test', { name, provider: 'openai', api_base: upstream.url });

async function chat(g: TestGateway, model = 'cloud', key?: string) {
  const res = await fetch(`${g.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
}

describe('keychain.status', () => {
  it('says which store keeps credentials', async () => {
    const { admin } = await withKeychain();
    expect((await admin.post('/admin/keychain.status', {})).body).toEqual({
      available: true,
      backend: 'memory',
      message: expect.stringMatching(/memory.*lost when Switchyard stops/),
    });
  });

  it('without a keychain: unavailable, says os.environ/NAME still works, and refuses to store', async () => {
    gw = await startTestGateway(config()); // the default store: environment only
    const admin = new AdminApi(gw.url, undefined);
    const status = await admin.post('/admin/keychain.status', {});
    expect(status.body).toMatchObject({ available: false, backend: 'none' });
    expect(status.body.message).toMatch(/no OS keychain is available.*os\.environ\/NAME.*still works/);
    expect(gw.logs.some((l) => l.level === 'warn' && /no OS keychain is available/.test(l.message))).toBe(
      true,
    );

    const set = await admin.post('/admin/credential.set', { name: 'vendor', secret: KEY_A });
    expect(set.status).toBe(409);
    expect(set.body.error.message).toMatch(/Cannot store credentials.*os\.environ\/NAME/);
    expect(JSON.stringify(set.body)).not.toContain(KEY_A);
    expect((await admin.post('/admin/credential.delete', { name: 'vendor' })).status).toBe(409);
    // Not written anywhere instead: no file in the data dir (or below it) holds it.
    for (const e of readdirSync(gw.dataDir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const f = join(e.parentPath, e.name);
      expect({ f, has: readFileSync(f).includes(KEY_A) }).toEqual({ f, has: false });
    }
  });
});

describe('credential.set / list / delete', () => {
  it('stores a key, shows only its hint and where it is used, and the next request uses it', async () => {
    upstream.setBehavior({ apiKey: KEY_A });
    const { gateway, admin } = await withKeychain();
    // Referenced but not set yet: the upstream refuses the keyless request.
    expect((await chat(gateway)).status).toBe(502);

    const set = await admin.post('/admin/credential.set', { name: 'vendor', secret: `  ${KEY_A}\n` });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ name: 'vendor', hint: 'sk-…WXYZ', set_at: expect.any(String) });
    expect(Date.parse(set.body.set_at)).not.toBeNaN();

    expect((await chat(gateway)).status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY_A}`);

    const ids = gateway.runtime.loaded.config.deployments.filter((d) => d.alias !== 'plain').map((d) => d.id);
    const list = await admin.post('/admin/credential.list', {});
    expect(list.body).toEqual([{ name: 'vendor', hint: 'sk-…WXYZ', set_at: set.body.set_at, used_by: ids }]);

    // Replaced: the very next request carries the new key.
    upstream.setBehavior({ apiKey: KEY_B });
    expect((await admin.post('/admin/credential.set', { name: 'vendor', secret: KEY_B })).status).toBe(200);
    expect((await chat(gateway, 'cloud-b')).status).toBe(200);
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY_B}`);

    // Deleted: gone from the list, and requests go out without it again.
    expect((await admin.post('/admin/credential.delete', { name: 'vendor' })).body).toEqual({
      deleted: true,
    });
    expect((await admin.post('/admin/credential.delete', { name: 'vendor' })).body).toEqual({
      deleted: false,
    });
    expect((await admin.post('/admin/credential.list', {})).body).toEqual([]);
    expect((await chat(gateway)).status).toBe(502);
    expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(gateway.logs.some((l) => /keychain\/vendor is not set/.test(l.message))).toBe(true);
  });

  it('keeps the set time in SQLite and neither the secret nor its hint', async () => {
    const { gateway, admin } = await withKeychain();
    await admin.post('/admin/credential.set', { name: 'vendor', secret: KEY_A });
    const db = openDatabase(join(gateway.dataDir, 'switchyard.db'));
    try {
      expect(db.prepare('SELECT name FROM credential_meta').all()).toEqual([{ name: 'vendor' }]);
    } finally {
      db.close();
    }
    expect(databaseFilesContain(gateway.dataDir, KEY_A)).toBe(false);
    expect(databaseFilesContain(gateway.dataDir, 'sk-…WXYZ')).toBe(false);
  });

  it('lists a credential set outside Switchyard with no set time, and names the master key among its users', async () => {
    const store = new MemorySecretStore({ master: 'sk-master-0123456789abcdef', other: 'short' });
    gw = await startTestGateway(config('general_settings: { master_key: keychain/master }\n'), {
      secretStore: store,
    });
    const admin = new AdminApi(gw.url, 'sk-master-0123456789abcdef');
    expect((await admin.as(undefined).post('/admin/credential.list', {})).status).toBe(401);
    expect((await admin.post('/admin/credential.list', {})).body).toEqual([
      { name: 'master', hint: 'sk-…cdef', set_at: null, used_by: ['general_settings.master_key'] },
      { name: 'other', hint: '…', set_at: null, used_by: [] },
    ]);
  });

  it('refuses a bad name or an empty secret with 400, never echoing the secret', async () => {
    const { admin } = await withKeychain();
    for (const [body, param] of [
      [{ name: 'has space', secret: KEY_A }, 'name'],
      [{ name: 'x'.repeat(65), secret: KEY_A }, 'name'],
      [{ name: '../etc', secret: KEY_A }, 'name'],
      [{ name: 'ok', secret: '   ' }, 'secret'],
      [{ name: 'ok', secret: `${KEY_A}\nX-Injected: 1` }, 'secret'],
      [{ name: 'ok' }, 'secret'],
    ] as const) {
      const res = await admin.post('/admin/credential.set', body);
      expect({ body, status: res.status, param: res.body.error.param }).toEqual({ body, status: 400, param });
      expect(JSON.stringify(res.body)).not.toContain(KEY_A);
    }
    expect((await admin.post('/admin/credential.list', {})).body).toEqual([]);
  });
});

describe('credential.test', () => {
  it('asks the provider for its models with the stored key and reports the count and latency', async () => {
    upstream.setBehavior({ apiKey: KEY_A, models: ['m1', 'm2', 'm3'] });
    const { admin } = await withKeychain({ vendor: KEY_A });
    const res = await testCredential(admin, 'vendor');
    expect(res.body).toEqual({ ok: true, latency_ms: expect.any(Number), models: 3 });
    expect(upstream.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY_A}`);
  });

  it('reports a refused key with the upstream status and words, the key itself redacted', async () => {
    upstream.setBehavior({ apiKey: 'sk-the-right-one-0000000000' });
    const { admin } = await withKeychain({ vendor: KEY_A });
    const res = await testCredential(admin, 'vendor');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, error: { status: 401, code: 'upstream_auth_failed' } });
    // The fake upstream echoes the key it was sent, as OpenAI does ("Incorrect API key provided: …").
    expect(res.body.error.message).toContain('Incorrect API key provided: [redacted]');
    expect(JSON.stringify(res.body)).not.toContain(KEY_A);
  });

  it('answers 404 for an unknown credential and 400 for an unknown provider', async () => {
    const { admin } = await withKeychain({ vendor: KEY_A });
    const missing = await testCredential(admin, 'nope');
    expect(missing.status).toBe(404);
    const bad = await admin.post('/admin/credential.test', { name: 'vendor', provider: 'nosuch' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Unknown provider 'nosuch' \(supported: .*openai/);
    const noBase = await admin.post('/admin/credential.test', { name: 'vendor', provider: 'openai_like' });
    expect(noBase.status).toBe(400);
    expect(noBase.body.error.param).toBe('api_base');
  });
});
