// What a per-app key allows, seen from an app using the official openai client: who gets in (unknown,
// expired, blocked, deleted keys do not), which aliases it may call, and plans edited in the config.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminApi, apiError, openaiAs } from '../support/admin-api.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-enforcement';
const START = new Date(2026, 5, 10, 12, 0, 0).getTime();
const HOUR = 3_600_000;

const PRO = '{ models: [smart, local], rpm_limit: 100 }';
const FREE = '{ models: [local] }';

function configText(upstream: string, opts: { master: boolean; pro?: string; plans?: boolean }): string {
  return `
model_list:
  - model_name: cloud
    litellm_params:
      model: openai/cloud-model
      api_base: "${upstream}"
      api_key: sk-upstream
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
  - model_name: smart
    litellm_params: { model: openai/smart-model, api_base: "${upstream}", api_key: sk-upstream }
  - model_name: local
    litellm_params: { model: openai/local-model, api_base: "${upstream}", api_key: sk-upstream }
  - model_name: embed
    litellm_params: { model: openai/fake-embed, api_base: "${upstream}", api_key: sk-upstream }
router_settings:
  model_group_alias:
    clever: smart
    secret-smart: { model: smart, hidden: true }
${opts.master ? `general_settings: { master_key: ${MASTER} }` : ''}
${opts.plans === false ? '' : `plans:\n  pro: ${opts.pro ?? PRO}\n  free: ${FREE}`}
`;
}

let upstream: FakeUpstream;
let gw: TestGateway;
let admin: AdminApi;
const clock = manualClock(START);

beforeAll(async () => {
  upstream = await startFakeOpenAI({ reply: 'ok then' });
  gw = await startTestGateway(configText(upstream.url, { master: true }), { clock: clock.now });
  admin = new AdminApi(gw.url, MASTER);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.reset();
  clock.set(START);
});

const messages = [{ role: 'user' as const, content: 'hi' }];
const chat = (base: string, key: string, model: string) =>
  openaiAs(base, key).chat.completions.create({ model, messages });
const ok = async (key: string, model: string, base = gw.url) =>
  expect((await chat(base, key, model)).choices[0]?.message.content).toBe('ok then');

describe('who gets in', () => {
  it('refuses unknown keys, whatever their shape, and a missing key', async () => {
    for (const key of ['sk-xxx', `sk-${'A'.repeat(32)}`, 'not-even-sk']) {
      expect(await apiError(chat(gw.url, key, 'smart'))).toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
    }
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'smart', messages }),
    });
    expect(res.status).toBe(401);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a key once it expires, and takes it back when the expiry is extended', async () => {
    const k = await admin.generate({ key_alias: 'expiring', duration: '1h' });
    expect(k.expires).toBe(new Date(START + HOUR).toISOString());
    await ok(k.key, 'smart');
    clock.advance(HOUR - 1);
    await ok(k.key, 'smart');
    clock.advance(1);
    const err = await apiError(chat(gw.url, k.key, 'smart'));
    expect(err).toMatchObject({ status: 401, code: 'key_expired' });
    expect(err.message).toContain('expiring');
    // Still visible to the admin, who can extend it.
    expect((await admin.info(k.id)).expires).toBe(new Date(START + HOUR).toISOString());
    expect((await admin.post('/key/update', { key: k.id, duration: '1d' })).status).toBe(200);
    await ok(k.key, 'smart');
    expect((await admin.post('/key/update', { key: k.id, duration: null })).body.expires).toBeNull();
    clock.advance(1000 * HOUR);
    await ok(k.key, 'smart');
  });

  it('refuses a blocked key and a deleted key', async () => {
    const blocked = await admin.generate({ key_alias: 'enf-blocked' });
    const deleted = await admin.generate({ key_alias: 'enf-deleted' });
    await ok(blocked.key, 'smart');
    await ok(deleted.key, 'smart');
    await admin.post('/key/block', { key: blocked.id });
    await admin.post('/key/delete', { key_aliases: ['enf-deleted'] });
    expect(await apiError(chat(gw.url, blocked.key, 'smart'))).toMatchObject({
      status: 401,
      code: 'key_blocked',
    });
    expect(await apiError(chat(gw.url, deleted.key, 'smart'))).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
  });
});

describe('which aliases a key may call', () => {
  it('refuses an alias outside the key’s models with 403 model_not_allowed naming it, before any upstream call', async () => {
    const k = await admin.generate({ key_alias: 'smart-only', models: ['smart'] });
    const err = await apiError(chat(gw.url, k.key, 'cloud'));
    expect(err).toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' });
    expect(err.message).toContain("'cloud'");
    const stream = await apiError(
      openaiAs(gw.url, k.key).chat.completions.create({ model: 'cloud', messages, stream: true }),
    );
    expect(stream).toMatchObject({ status: 403, code: 'model_not_allowed' });
    const emb = await apiError(openaiAs(gw.url, k.key).embeddings.create({ model: 'embed', input: 'x' }));
    expect(emb).toMatchObject({ status: 403, code: 'model_not_allowed' });
    expect(upstream.requests).toHaveLength(0);
    // The refusal is in the ledger, against the key.
    const refused = gw.rows().filter((r) => r.key_id === k.id);
    expect(refused.map((r) => `${r.alias} ${r.status} ${r.error_code}`).sort()).toEqual([
      'cloud 403 model_not_allowed',
      'cloud 403 model_not_allowed',
      'embed 403 model_not_allowed',
    ]);

    await ok(k.key, 'smart');
  });

  it('lets a key allowed an alias call the names that map to it (model_group_alias, hidden too)', async () => {
    const k = await admin.generate({ models: ['smart'] });
    await ok(k.key, 'clever');
    await ok(k.key, 'secret-smart');
    expect(upstream.requests.map((r) => r.body.model)).toEqual(['smart-model', 'smart-model']);
  });

  it('treats empty models as every alias, and * as a wildcard', async () => {
    const all = await admin.generate({ models: [] });
    for (const model of ['cloud', 'smart', 'clever', 'local']) await ok(all.key, model);
    const glob = await admin.generate({ models: ['sm*'] });
    await ok(glob.key, 'smart');
    expect(await apiError(chat(gw.url, glob.key, 'local'))).toMatchObject({ status: 403 });
  });

  it('applies a change to models on the next request', async () => {
    const k = await admin.generate({ models: ['local'] });
    expect((await apiError(chat(gw.url, k.key, 'smart'))).status).toBe(403);
    await admin.post('/key/update', { key: k.key, models: ['local', 'smart'] });
    await ok(k.key, 'smart');
  });
});

describe('limits', () => {
  it('refuses requests over the key’s rpm_limit with 429 until the minute has passed', async () => {
    const k = await admin.generate({ rpm_limit: 2 });
    await ok(k.key, 'smart');
    await ok(k.key, 'smart');
    expect(await apiError(chat(gw.url, k.key, 'smart'))).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
    });
    clock.advance(61_000);
    await ok(k.key, 'smart');
  });

  it('refuses a priced alias once the money budget is gone, but never a free one', async () => {
    const k = await admin.generate({ max_budget: 0 });
    expect(await apiError(chat(gw.url, k.key, 'cloud'))).toMatchObject({
      status: 429,
      code: 'budget_exceeded',
    });
    await ok(k.key, 'smart');
  });
});

describe('plans', () => {
  const writePlans = async (pro: string) => {
    writeFileSync(gw.configPath, configText(upstream.url, { master: true, pro }));
    await gw.reload();
  };

  it('gives a key its plan’s settings, lets the key override them, and refuses an unknown plan', async () => {
    const k = await admin.generate({ key_alias: 'on-pro', plan: 'pro' });
    expect(k).toMatchObject({ plan: 'pro', models: ['smart', 'local'], rpm_limit: 100, max_budget: null });
    await ok(k.key, 'smart');
    expect(await apiError(chat(gw.url, k.key, 'cloud'))).toMatchObject({
      status: 403,
      code: 'model_not_allowed',
    });

    const own = await admin.generate({ plan: 'pro', models: ['cloud'], rpm_limit: 5 });
    expect(own).toMatchObject({ plan: 'pro', models: ['cloud'], rpm_limit: 5 });
    await ok(own.key, 'cloud');
    expect((await apiError(chat(gw.url, own.key, 'smart'))).status).toBe(403);

    for (const [path, body] of [
      ['/key/generate', { plan: 'gold' }],
      ['/key/update', { key: k.id, plan: 'gold' }],
    ] as const) {
      const res = await admin.post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ param: 'plan' });
      expect(res.body.error.message).toContain("'gold'");
    }
    expect((await admin.info(k.id)).plan).toBe('pro');
  });

  it('changes every key on a plan at once when the plan is edited in the config', async () => {
    const a = await admin.generate({ plan: 'pro' });
    const b = await admin.generate({ plan: 'pro' });
    const own = await admin.generate({ plan: 'pro', models: ['smart'] });
    const free = await admin.generate({ plan: 'free' });
    try {
      await writePlans('{ models: [cloud], max_budget: 0, budget_duration: 1d, rpm_limit: 7 }');
      for (const k of [a, b]) {
        expect(await admin.info(k.id)).toMatchObject({
          models: ['cloud'],
          max_budget: 0,
          budget_duration: '1d',
          rpm_limit: 7,
          budget_reset_at: new Date(2026, 5, 11).toISOString(),
        });
        expect((await apiError(chat(gw.url, k.key, 'smart'))).status).toBe(403);
        // The plan's budget now applies: nothing left for a priced alias.
        expect(await apiError(chat(gw.url, k.key, 'cloud'))).toMatchObject({
          status: 429,
          code: 'budget_exceeded',
        });
      }
      // A key's own setting still wins; other plans are untouched.
      expect(await admin.info(own.id)).toMatchObject({ models: ['smart'], rpm_limit: 7 });
      await ok(own.key, 'smart');
      expect((await admin.info(free.id)).models).toEqual(['local']);

      await writePlans('{ models: [cloud], max_budget: 1 }');
      await ok(a.key, 'cloud');
      expect(await admin.info(a.id)).toMatchObject({ max_budget: 1, budget_duration: null, rpm_limit: null });
      const list = await admin.get('/key/list', { plan: 'pro' });
      expect(list.body.keys).toEqual(expect.arrayContaining([a.token, b.token, own.token]));
    } finally {
      await writePlans(PRO);
    }
  });

  it('refuses keys on a plan the config no longer has, instead of lifting their limits', async () => {
    const k = await admin.generate({ plan: 'free' });
    expect((await apiError(chat(gw.url, k.key, 'cloud'))).status).toBe(403);
    try {
      writeFileSync(gw.configPath, configText(upstream.url, { master: true, plans: false }));
      await gw.reload();
      const err = await apiError(chat(gw.url, k.key, 'cloud'));
      expect(err.status).toBe(401);
      expect(err.message).toContain("'free'");
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await writePlans(PRO);
    }
    await ok(k.key, 'local');
  });
});

describe('without a master key (open to this machine)', () => {
  let open: TestGateway;
  let openAdmin: AdminApi;

  beforeAll(async () => {
    open = await startTestGateway(configText(upstream.url, { master: false }), { clock: clock.now });
    openAdmin = new AdminApi(open.url, undefined);
  });

  afterAll(async () => {
    await open?.close();
  });

  it('lets dummy keys and no key through (IDE plugins send sk-xxx)', async () => {
    for (const key of ['sk-xxx', 'anything', 'ollama']) await ok(key, 'cloud', open.url);
    const res = await fetch(`${open.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'cloud', messages }),
    });
    expect(res.status).toBe(200);
  });

  it('serves the admin API without a key', async () => {
    const k = await openAdmin.generate({ key_alias: 'open-key' });
    expect((await openAdmin.get('/key/info', { key: k.key })).status).toBe(200);
    expect((await openAdmin.get('/spend/logs')).status).toBe(200);
  });

  it('still enforces a Switchyard key that is presented', async () => {
    const k = await openAdmin.generate({ models: ['local'] });
    await ok(k.key, 'local', open.url);
    expect(await apiError(chat(open.url, k.key, 'cloud'))).toMatchObject({
      status: 403,
      code: 'model_not_allowed',
    });
  });

  it('refuses a deleted, regenerated, blocked or expired Switchyard key rather than treating it as a dummy', async () => {
    const deleted = await openAdmin.generate();
    const rotated = await openAdmin.generate();
    const blocked = await openAdmin.generate();
    const expiring = await openAdmin.generate({ duration: '1m' });
    await openAdmin.post('/key/delete', { keys: [deleted.key] });
    const fresh = await openAdmin.post('/key/regenerate', { key: rotated.key });
    await openAdmin.post('/key/block', { key: blocked.key });
    clock.advance(60_000);

    expect(await apiError(chat(open.url, deleted.key, 'local'))).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    expect(await apiError(chat(open.url, rotated.key, 'local'))).toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    expect(await apiError(chat(open.url, blocked.key, 'local'))).toMatchObject({
      status: 401,
      code: 'key_blocked',
    });
    expect(await apiError(chat(open.url, expiring.key, 'local'))).toMatchObject({
      status: 401,
      code: 'key_expired',
    });
    await ok(fresh.body.key, 'local', open.url);
  });
});
