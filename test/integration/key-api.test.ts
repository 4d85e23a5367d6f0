// LiteLLM's key API (/key/generate, /key/info, /key/update, /key/list, /key/delete, /key/regenerate,
// /key/block, /key/unblock) against the running gateway, and POST /admin/<op> serving the same contract.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../main/gateway/keys/key-secrets.ts';
import {
  AdminApi,
  apiError,
  databaseFilesContain,
  openaiAs,
  type GeneratedKey,
} from '../support/admin-api.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-key-api';
const IN_PRICE = 0.000001;
const OUT_PRICE = 0.000002;
// Noon on a mid-June day: far from midnight and from daylight-saving changes in any time zone.
const START = new Date(2026, 5, 10, 12, 0, 0).getTime();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let cloud: FakeUpstream;
let gw: TestGateway;
let admin: AdminApi;
const clock = manualClock(START);

beforeAll(async () => {
  cloud = await startFakeOpenAI({ reply: 'four words of reply' });
  gw = await startTestGateway(
    `
model_list:
  - model_name: cloud
    litellm_params:
      model: openai/fake-model
      api_base: "${cloud.url}"
      api_key: sk-upstream
      input_cost_per_token: ${IN_PRICE}
      output_cost_per_token: ${OUT_PRICE}
  - model_name: other
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}", api_key: sk-upstream }
general_settings: { master_key: ${MASTER} }
plans:
  pro: { models: [cloud], max_budget: 10, budget_duration: 1mo, rpm_limit: 100 }
`,
    { clock: clock.now },
  );
  admin = new AdminApi(gw.url, MASTER);
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
});

beforeEach(() => {
  cloud.reset();
});

const messages = [{ role: 'user' as const, content: 'hello there' }];
const chat = (secret: string, model = 'cloud') =>
  openaiAs(gw.url, secret).chat.completions.create({ model, messages });
let aliasCounter = 0;
const uniqueAlias = (base: string) => `${base}-${++aliasCounter}`;

describe('POST /key/generate and GET /key/info', () => {
  it('returns the secret once, with every setting, and /key/info shows them but never the secret', async () => {
    const alias = uniqueAlias('cursor');
    const gen = await admin.generate({
      key_alias: alias,
      models: ['cloud'],
      max_budget: 5,
      soft_budget: 4,
      budget_duration: '1d',
      tpm_limit: 10_000,
      rpm_limit: 60,
      max_parallel_requests: 2,
      duration: '30d',
      metadata: { team: 'editor', owner: 'me' },
    });
    expect(gen.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(gen).toMatchObject({
      key_alias: alias,
      models: ['cloud'],
      max_budget: 5,
      soft_budget: 4,
      budget_duration: '1d',
      tpm_limit: 10_000,
      rpm_limit: 60,
      max_parallel_requests: 2,
      metadata: { team: 'editor', owner: 'me' },
      blocked: false,
      plan: null,
      spend: 0,
      total_spend: 0,
      last_used_at: null,
      created_at: new Date(START).toISOString(),
      expires: new Date(START + 30 * DAY).toISOString(),
      // A daily budget resets at the next local midnight.
      budget_reset_at: new Date(2026, 5, 11).toISOString(),
    });
    expect(gen.token).toBe(hashSecret(gen.key));
    expect(gen.key_name).toBe(`sk-…${gen.key.slice(-4)}`);

    const res = await admin.get('/key/info', { key: gen.key });
    expect(res.status).toBe(200);
    expect(res.body.key).toBe(gen.token);
    const { key: _secret, ...withoutSecret } = gen;
    expect(res.body.info).toEqual(withoutSecret);
    expect(JSON.stringify(res.body)).not.toContain(gen.key);

    // The same key by its hash, its id and its alias.
    for (const ref of [gen.token, gen.id, alias]) expect(await admin.info(ref)).toEqual(withoutSecret);
  });

  it('shows spend in the current period, last use and the next reset, and rolls the period over', async () => {
    const gen = await admin.generate({
      key_alias: uniqueAlias('period'),
      budget_duration: '1d',
      max_budget: 1,
    });
    await chat(gen.key);
    const cost = gw.rows()[0]!.cost_usd;
    expect(cost).toBeGreaterThan(0);
    let info = await admin.info(gen.key);
    expect(info.spend).toBeCloseTo(cost, 12);
    expect(info.total_spend).toBeCloseTo(cost, 12);
    expect(info.reserved).toBe(0);
    expect(info.last_used_at).toBe(new Date(clock.now()).toISOString());
    expect(info.budget_reset_at).toBe(new Date(2026, 5, 11).toISOString());

    clock.advance(DAY);
    try {
      info = await admin.info(gen.key);
      expect(info.spend).toBe(0);
      expect(info.total_spend).toBeCloseTo(cost, 12);
      expect(info.budget_reset_at).toBe(new Date(2026, 5, 12).toISOString());
    } finally {
      clock.set(START);
    }
  });

  it('accepts a caller-chosen key, and refuses one that exists', async () => {
    const secret = `sk-chosen-${Date.now()}-abcdef`;
    const gen = await admin.generate({ key: secret, key_alias: uniqueAlias('chosen') });
    expect(gen.key).toBe(secret);
    expect((await chat(secret)).choices[0]?.message.content).toBe('four words of reply');
    const again = await admin.post('/key/generate', { key: secret });
    expect(again.status).toBe(400);
    expect(again.body.error.param).toBe('key');
  });

  it('refuses a caller-chosen key that a deleted key used, with 400 rather than a database error', async () => {
    const secret = `sk-reused-${Date.now()}-abcdef`;
    await admin.generate({ key: secret });
    expect((await admin.post('/key/delete', { keys: [secret] })).status).toBe(200);
    const again = await admin.post('/key/generate', { key: secret });
    expect(again.status).toBe(400);
    expect(again.body.error.param).toBe('key');
  });

  it('refuses an alias that another key has', async () => {
    const alias = uniqueAlias('taken');
    await admin.generate({ key_alias: alias });
    const res = await admin.post('/key/generate', { key_alias: alias });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ param: 'key_alias', type: 'invalid_request_error' });
    expect(res.body.error.message).toContain(alias);
  });

  it('never writes a secret to the database files, only its SHA-256 hash', async () => {
    const generated = await admin.generate({ key_alias: uniqueAlias('secret-check') });
    const chosen = `sk-my-own-secret-${Date.now()}`;
    await admin.generate({ key: chosen });
    const regenerated = await admin.post('/key/regenerate', { key: chosen, new_key: `${chosen}-rotated` });
    expect(regenerated.status).toBe(200);
    await chat(generated.key);
    await chat(`${chosen}-rotated`);

    for (const secret of [generated.key, chosen, `${chosen}-rotated`]) {
      expect(databaseFilesContain(gw.dataDir, secret)).toBe(false);
      expect(JSON.stringify(gw.logs)).not.toContain(secret);
    }
    // The scan does see what is stored: the hash is there.
    expect(databaseFilesContain(gw.dataDir, hashSecret(generated.key))).toBe(true);
  });
});

describe('POST /key/update', () => {
  it('changes settings, clears them with null, renames, and returns the new info', async () => {
    const gen = await admin.generate({
      key_alias: uniqueAlias('upd'),
      max_budget: 5,
      rpm_limit: 10,
      models: ['cloud'],
    });
    clock.advance(HOUR);
    try {
      const newAlias = uniqueAlias('renamed');
      const res = await admin.post('/key/update', {
        key: gen.key,
        key_alias: newAlias,
        max_budget: null,
        rpm_limit: 20,
        models: [],
        metadata: { note: 'changed' },
        duration: '1h',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: gen.id,
        key_alias: newAlias,
        max_budget: null,
        rpm_limit: 20,
        models: [],
        metadata: { note: 'changed' },
        expires: new Date(START + 2 * HOUR).toISOString(),
        updated_at: new Date(START + HOUR).toISOString(),
        created_at: gen.created_at,
      });
      expect(await admin.info(newAlias)).toEqual(res.body);
      expect((await admin.get('/key/info', { key: gen.key_alias })).status).toBe(404);
      // Keeping its own alias is not a clash.
      expect((await admin.post('/key/update', { key: gen.id, key_alias: newAlias })).status).toBe(200);
    } finally {
      clock.set(START);
    }
  });

  it('refuses to take another key’s alias', async () => {
    const a = await admin.generate({ key_alias: uniqueAlias('a') });
    const b = await admin.generate({ key_alias: uniqueAlias('b') });
    const res = await admin.post('/key/update', { key: b.key, key_alias: a.key_alias });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('key_alias');
    expect((await admin.info(b.id)).key_alias).toBe(b.key_alias);
  });
});

describe('GET /key/list', () => {
  it('lists hashed tokens unless asked for whole objects, filters, and pages', async () => {
    const plan = await admin.generate({ key_alias: uniqueAlias('listed'), plan: 'pro' });
    const plain = await admin.get('/key/list');
    expect(plain.status).toBe(200);
    expect(plain.body.keys).toContain(plan.token);
    for (const k of plain.body.keys) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(plain.body.total_count).toBe(plain.body.keys.length);

    const full = await admin.get('/key/list', { return_full_object: 'true' });
    expect(full.body.keys.map((k: { token: string }) => k.token)).toEqual(plain.body.keys);
    expect(full.body.keys.find((k: { id: string }) => k.id === plan.id)).toMatchObject({
      plan: 'pro',
      models: ['cloud'],
    });
    expect(JSON.stringify(full.body)).not.toContain(plan.key);

    const byAlias = await admin.get('/key/list', { key_alias: plan.key_alias, return_full_object: 'true' });
    expect(byAlias.body.keys.map((k: { id: string }) => k.id)).toEqual([plan.id]);
    const byPlan = await admin.get('/key/list', { plan: 'pro' });
    const onPro = full.body.keys.filter((k: { plan: string | null }) => k.plan === 'pro');
    expect(byPlan.body.keys).toEqual(onPro.map((k: { token: string }) => k.token));
    expect(byPlan.body.keys.length).toBeLessThan(plain.body.keys.length);

    const total = plain.body.total_count as number;
    const page1 = await admin.get('/key/list', { size: 2, page: 1 });
    const page2 = await admin.get('/key/list', { size: 2, page: 2 });
    expect(page1.body).toMatchObject({
      current_page: 1,
      total_count: total,
      total_pages: Math.ceil(total / 2),
    });
    expect(page1.body.keys).toEqual(plain.body.keys.slice(0, 2));
    expect(page2.body.keys).toEqual(plain.body.keys.slice(2, 4));
  });
});

describe('POST /key/delete', () => {
  it('deletes by secret and by alias; a deleted key is gone from info, list and requests', async () => {
    const a = await admin.generate({ key_alias: uniqueAlias('del-a') });
    const b = await admin.generate({ key_alias: uniqueAlias('del-b') });
    await chat(a.key);
    const res = await admin.post('/key/delete', { keys: [a.key], key_aliases: [b.key_alias] });
    expect(res.status).toBe(200);
    expect(res.body.deleted_keys.sort()).toEqual([a.id, b.id].sort());
    for (const k of [a, b]) {
      expect((await admin.get('/key/info', { key: k.id })).status).toBe(404);
      expect((await apiError(chat(k.key))).status).toBe(401);
    }
    const list = await admin.get('/key/list');
    expect(list.body.keys).not.toContain(a.token);
    expect(list.body.keys).not.toContain(b.token);
    // Deleting again, or anything unknown, is a 404; nothing is half-deleted.
    const c = await admin.generate({ key_alias: uniqueAlias('del-c') });
    const again = await admin.post('/key/delete', { keys: [c.key, a.key] });
    expect(again.status).toBe(404);
    expect((await admin.info(c.id)).id).toBe(c.id);
    // The alias is free for a new key.
    expect((await admin.post('/key/generate', { key_alias: b.key_alias })).status).toBe(200);
    // The deleted key's history stays in the ledger, found by its id.
    const logs = await admin.get('/spend/logs', { api_key: a.id });
    expect(logs.status).toBe(200);
    expect(logs.body.map((r: { api_key: string }) => r.api_key)).toEqual([a.id]);
  });

  it('deletes and reports a key named twice (by secret and by alias) once', async () => {
    const k = await admin.generate({ key_alias: uniqueAlias('twice') });
    const res = await admin.post('/key/delete', { keys: [k.key, k.id], key_aliases: [k.key_alias] });
    expect(res.body).toEqual({ deleted_keys: [k.id] });
  });
});

describe('POST /key/regenerate', () => {
  for (const form of ['body', 'path'] as const) {
    it(`gives a new secret with the same settings and history (key in the ${form})`, async () => {
      const gen = await admin.generate({
        key_alias: uniqueAlias(`regen-${form}`),
        models: ['cloud'],
        rpm_limit: 50,
      });
      await chat(gen.key);
      const before = await admin.info(gen.id);
      const res =
        form === 'body'
          ? await admin.post('/key/regenerate', { key: gen.key })
          : await admin.post(`/key/${encodeURIComponent(gen.key)}/regenerate`, {});
      expect(res.status).toBe(200);
      const next = res.body as GeneratedKey;
      expect(next.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
      expect(next.key).not.toBe(gen.key);
      expect(next).toMatchObject({
        id: gen.id,
        key_alias: gen.key_alias,
        models: ['cloud'],
        rpm_limit: 50,
        total_spend: before.total_spend,
        token: hashSecret(next.key),
      });

      expect((await apiError(chat(gen.key))).status).toBe(401);
      expect((await chat(next.key)).choices).toHaveLength(1);
      expect((await admin.get('/key/info', { key: gen.key })).status).toBe(404);

      const logs = await admin.get('/spend/logs', { api_key: next.key });
      expect(logs.status).toBe(200);
      expect(logs.body).toHaveLength(2);
      expect(logs.body.every((r: { api_key: string }) => r.api_key === gen.id)).toBe(true);
    });
  }

  it('takes a caller-chosen new secret, and refuses one another key holds', async () => {
    const a = await admin.generate({ key_alias: uniqueAlias('regen-a') });
    const b = await admin.generate({ key_alias: uniqueAlias('regen-b') });
    const chosen = `sk-rotated-${Date.now()}-xyz`;
    const res = await admin.post('/key/regenerate', { key: a.id, new_key: chosen });
    expect(res.status).toBe(200);
    expect(res.body.key).toBe(chosen);
    expect((await chat(chosen)).choices).toHaveLength(1);

    const clash = await admin.post('/key/regenerate', { key: b.id, new_key: chosen });
    expect(clash.status).toBe(400);
    expect(clash.body.error.param).toBe('new_key');
    expect((await chat(b.key)).choices).toHaveLength(1);
  });
});

describe('POST /key/block and /key/unblock', () => {
  it('refuses a blocked key with 401 and lets it in again once unblocked', async () => {
    const gen = await admin.generate({ key_alias: uniqueAlias('blockme') });
    const blocked = await admin.post('/key/block', { key: gen.key });
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ id: gen.id, blocked: true });
    const err = await apiError(chat(gen.key));
    expect(err).toMatchObject({ status: 401, code: 'key_blocked' });
    expect(err.message).toContain(gen.key_alias);
    expect((await admin.info(gen.key)).blocked).toBe(true);

    const unblocked = await admin.post('/key/unblock', { key: gen.key_alias });
    expect(unblocked.body).toMatchObject({ blocked: false });
    expect((await chat(gen.key)).choices).toHaveLength(1);
  });
});

describe('who may call the admin API', () => {
  it('needs the master key: a per-app key, a wrong key or none gets 401', async () => {
    const app = await admin.generate({ key_alias: uniqueAlias('app') });
    const calls: [string, string, unknown?][] = [
      ['POST', '/key/generate', {}],
      ['POST', '/key/update', { key: app.id, rpm_limit: 1 }],
      ['POST', '/key/delete', { keys: [app.id] }],
      ['GET', `/key/info?key=${app.key}`],
      ['GET', '/key/list'],
      ['POST', '/key/regenerate', { key: app.key }],
      ['POST', `/key/${app.key}/regenerate`, {}],
      ['POST', '/key/block', { key: app.id }],
      ['POST', '/key/unblock', { key: app.id }],
      ['GET', '/spend/logs'],
      ['GET', '/spend/report?group_by=key'],
      ['POST', '/admin/key.generate', {}],
      ['POST', '/admin/key.list', {}],
    ];
    for (const who of [app.key, 'sk-wrong', undefined]) {
      for (const [method, path, body] of calls) {
        const res = await admin.as(who).request(method, path, body);
        expect({ who, path, status: res.status }).toEqual({ who, path, status: 401 });
        expect(res.body.error.code).toBe('invalid_api_key');
      }
    }
    // Nothing changed.
    expect(await admin.info(app.id)).toMatchObject({ blocked: false, rpm_limit: null });
    expect((await chat(app.key)).choices).toHaveLength(1);
  });

  it('accepts the master key as x-api-key too', async () => {
    const res = await fetch(`${gw.url}/key/list`, { headers: { 'x-api-key': MASTER } });
    expect(res.status).toBe(200);
  });
});

describe('POST /admin/<operation>', () => {
  it('serves the same operations as the LiteLLM routes', async () => {
    const gen = await admin.post('/admin/key.generate', {
      key_alias: uniqueAlias('via-admin'),
      rpm_limit: 7,
    });
    expect(gen.status).toBe(200);
    expect(gen.body.key).toMatch(/^sk-/);
    const info = await admin.post('/admin/key.info', { key: gen.body.key });
    expect(info.status).toBe(200);
    expect(info.body).toEqual(await admin.info(gen.body.id));
    const list = await admin.post('/admin/key.list', { key_alias: gen.body.key_alias });
    expect(list.body.keys.map((k: { id: string }) => k.id)).toEqual([gen.body.id]);
    const blocked = await admin.post('/admin/key.block', { key: gen.body.id });
    expect(blocked.body.blocked).toBe(true);
    const report = await admin.post('/admin/spend.report', { group_by: ['key'] });
    expect(report.status).toBe(200);
    expect(report.body.rows.length).toBeGreaterThan(0);
  });

  it('answers 404 for an operation the contract does not have, including prototype names', async () => {
    for (const op of ['key.nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await admin.post(`/admin/${op}`, {});
      expect({ op, status: res.status }).toEqual({ op, status: 404 });
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('validates exactly as the LiteLLM route does', async () => {
    const bad = { budget_duration: '5 days' };
    const a = await admin.post('/key/generate', bad);
    const b = await admin.post('/admin/key.generate', bad);
    expect(a.status).toBe(400);
    expect(b.status).toBe(400);
    expect(b.body).toEqual(a.body);
    expect(a.body.error.param).toBe('budget_duration');
  });
});

describe('bad input: 400 naming the field, 404 for an unknown key, never a 500', () => {
  type Case = [method: 'GET' | 'POST', path: string, body: unknown, status: number, param: string | null];
  const cases = (): Case[] => [
    ['POST', '/key/generate', { budget_duration: '5 days' }, 400, 'budget_duration'],
    ['POST', '/key/generate', { budget_duration: '0d' }, 400, 'budget_duration'],
    ['POST', '/key/generate', { max_budget: -1 }, 400, 'max_budget'],
    ['POST', '/key/generate', { max_budget: '5' }, 400, 'max_budget'],
    ['POST', '/key/generate', { soft_budget: -0.5 }, 400, 'soft_budget'],
    ['POST', '/key/generate', { models: 'x' }, 400, 'models'],
    ['POST', '/key/generate', { models: [''] }, 400, 'models[0]'],
    ['POST', '/key/generate', { tpm_limit: 1.5 }, 400, 'tpm_limit'],
    ['POST', '/key/generate', { rpm_limit: 0 }, 400, 'rpm_limit'],
    ['POST', '/key/generate', { max_parallel_requests: 'many' }, 400, 'max_parallel_requests'],
    ['POST', '/key/generate', { duration: 'forever' }, 400, 'duration'],
    ['POST', '/key/generate', { duration: '0s' }, 400, 'duration'],
    // Far beyond any real expiry: refused, not an invalid date deep inside.
    ['POST', '/key/generate', { duration: '100000000d' }, 400, 'duration'],
    ['POST', '/key/generate', { budget_duration: '99999999999mo' }, 400, 'budget_duration'],
    ['POST', '/key/generate', { metadata: 'x' }, 400, 'metadata'],
    ['POST', '/key/generate', { key: 'short' }, 400, 'key'],
    ['POST', '/key/generate', { key_alias: '' }, 400, 'key_alias'],
    ['POST', '/key/generate', { plan: 'enterprise' }, 400, 'plan'],
    ['POST', '/key/generate', [], 400, '(top level)'],
    ['POST', '/key/update', {}, 400, 'key'],
    ['POST', '/key/update', { key: 'sk-nobody-has-this', rpm_limit: 5 }, 404, null],
    ['POST', '/key/update', { key: '{id}', max_budget: -1 }, 400, 'max_budget'],
    ['POST', '/key/update', { key: '{id}', plan: 'enterprise' }, 400, 'plan'],
    ['POST', '/key/update', { key: '{id}', duration: '100000000d' }, 400, 'duration'],
    ['POST', '/key/delete', {}, 400, '(top level)'],
    ['POST', '/key/delete', { keys: 'x' }, 400, 'keys'],
    ['POST', '/key/delete', { keys: ['sk-nobody-has-this'] }, 404, null],
    ['POST', '/key/delete', { key_aliases: ['nobody'] }, 404, null],
    ['GET', '/key/info', undefined, 400, 'key'],
    ['GET', '/key/info?key=sk-nobody-has-this', undefined, 404, null],
    ['GET', '/key/info?key=a&key=b', undefined, 400, 'key'],
    ['GET', '/key/list?page=0', undefined, 400, 'page'],
    ['GET', '/key/list?page=abc', undefined, 400, 'page'],
    ['GET', '/key/list?size=5000', undefined, 400, 'size'],
    ['POST', '/key/regenerate', {}, 400, 'key'],
    ['POST', '/key/regenerate', { key: '{id}', new_key: 'short' }, 400, 'new_key'],
    ['POST', '/key/regenerate', { key: 'sk-nobody-has-this' }, 404, null],
    ['POST', '/key/sk-nobody-has-this/regenerate', {}, 404, null],
    ['POST', '/key/block', {}, 400, 'key'],
    ['POST', '/key/block', { key: 'sk-nobody-has-this' }, 404, null],
    ['POST', '/key/unblock', { key: 42 }, 400, 'key'],
    ['POST', '/admin/key.info', { key: '' }, 400, 'key'],
  ];

  it('for every key route', async () => {
    const victim = await admin.generate({ key_alias: uniqueAlias('victim'), rpm_limit: 3 });
    for (const [method, path, body, status, param] of cases()) {
      const b =
        body && typeof body === 'object' && 'key' in body && body.key === '{id}'
          ? { ...body, key: victim.id }
          : body;
      const res = await admin.request(method, path, b);
      const got = { method, path, body, status: res.status, param: res.body?.error?.param ?? null };
      expect(got).toEqual({ method, path, body, status, param });
      if (status === 400 && param !== null && param !== '(top level)')
        expect(res.body.error.message).toContain(param.replace(/\[\d+\]$/, ''));
      expect(res.body.error.type).toBe('invalid_request_error');
    }
    expect(await admin.info(victim.id)).toMatchObject({
      rpm_limit: 3,
      max_budget: null,
      plan: null,
      expires: null,
    });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await admin.request('POST', '/key/generate', undefined, '{"key_alias": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('ignores fields LiteLLM sends that Switchyard has no use for', async () => {
    const res = await admin.post('/key/generate', {
      key_alias: uniqueAlias('extra'),
      team_id: 't1',
      user_id: 'u1',
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('team_id');
  });
});
