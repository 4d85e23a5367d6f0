// Spend reporting over real requests: GET /spend/logs in LiteLLM's row shape and filters, GET /spend/report
// grouped every way it offers (sums checked against the ledger itself), and request tags from the body's
// metadata.tags and the x-switchyard-tags header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SPEND_GROUPS,
  spendLogRowSchema,
  spendLogsOutput,
  spendReportOutput,
} from '../../shared/admin/spend.ts';
import type { RequestLogRow } from '../../main/gateway/store/request-log-repo.ts';
import { AdminApi, openaiAs, type GeneratedKey } from '../support/admin-api.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-spend';
const IN_PRICE = 0.000001;
const OUT_PRICE = 0.000002;
const DAY1 = new Date(2026, 5, 10, 12, 0, 0).getTime();
const DAY2 = new Date(2026, 5, 11, 12, 0, 0).getTime();
const DAY1_TEXT = '2026-06-10';
const DAY2_TEXT = '2026-06-11';

let cloud: FakeUpstream;
let local: FakeUpstream;
let gw: TestGateway;
let admin: AdminApi;
let a: GeneratedKey;
let b: GeneratedKey;
/** The ledger, read straight from the database: what every report is checked against. */
let ledger: RequestLogRow[];
const clock = manualClock(DAY1);

type Body = Parameters<OpenAIChat['create']>[0];
type OpenAIChat = ReturnType<typeof openaiAs>['chat']['completions'];

/** LiteLLM's convention: tags ride in the body's `metadata`, which the openai client types as strings. */
const withTags = (body: Record<string, unknown>, tags: string[]) =>
  ({ ...body, metadata: { tags } }) as unknown as Body;
const header = (tags: string) => ({ headers: { 'x-switchyard-tags': tags } });
const messages = [{ role: 'user' as const, content: 'count my spend please' }];

beforeAll(async () => {
  cloud = await startFakeOpenAI({ reply: 'one two three four five' });
  local = await startFakeOllama({ reply: 'six seven eight', models: ['llama3.2:latest'] });
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
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2:latest, api_base: "${local.url}" }
general_settings: { master_key: ${MASTER} }
`,
    { clock: clock.now },
  );
  admin = new AdminApi(gw.url, MASTER);
  a = await admin.generate({ key_alias: 'app-a' });
  b = await admin.generate({ key_alias: 'app-b' });
  const ca = openaiAs(gw.url, a.key).chat.completions;
  const cb = openaiAs(gw.url, b.key).chat.completions;
  const cm = openaiAs(gw.url, MASTER).chat.completions;

  // Day 1.
  await ca.create(withTags({ model: 'cloud', messages }, ['feature-x', 'team-1']));
  await cb.create({ model: 'local', messages }, header('feature-y'));
  await cm.create({ model: 'cloud', messages });
  cloud.setBehavior({ error: { status: 500, message: 'boom' } });
  await expect(cb.create({ model: 'cloud', messages }, header('feature-y'))).rejects.toThrow(/boom/);
  cloud.setBehavior({ error: undefined });
  // Day 2.
  clock.set(DAY2);
  await ca.create(withTags({ model: 'cloud', messages }, ['feature-x']), header('team-1, feature-z'));
  const stream = await cb.create({ model: 'cloud', messages, stream: true }, header('feature-y'));
  for await (const _ of stream) void _;
  await ca.create(withTags({ model: 'local', messages }, ['team-1']));
  ledger = gw.rows();
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await local?.close();
});

const idsOf = (rows: { request_id: string }[]) => rows.map((r) => r.request_id);
const ledgerIds = (pred: (r: RequestLogRow) => boolean) => ledger.filter(pred).map((r) => r.id);
const localDay = (t: number) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('the requests behind the reports', () => {
  it('are all in the ledger, with the tags from the body and the header', () => {
    expect(ledger).toHaveLength(7);
    expect(ledger.map((r) => [r.key_id, r.alias, r.status, r.tags])).toEqual([
      [a.id, 'local', 200, ['team-1']],
      [b.id, 'cloud', 200, ['feature-y']],
      [a.id, 'cloud', 200, ['feature-x', 'team-1', 'feature-z']],
      [b.id, 'cloud', 502, ['feature-y']],
      [null, 'cloud', 200, []],
      [b.id, 'local', 200, ['feature-y']],
      [a.id, 'cloud', 200, ['feature-x', 'team-1']],
    ]);
    expect(ledger.filter((r) => r.cost_usd > 0)).toHaveLength(4);
  });

  it('never send metadata or the tags header upstream', () => {
    expect(cloud.requests.length).toBeGreaterThanOrEqual(4);
    expect(local.requests).toHaveLength(2);
    for (const r of [...cloud.requests, ...local.requests]) {
      expect(r.body).not.toHaveProperty('metadata');
      expect(JSON.stringify(r.body)).not.toContain('feature-');
      expect(r.headers).not.toHaveProperty('x-switchyard-tags');
    }
  });
});

describe('GET /spend/logs', () => {
  it('returns every row, newest first, in LiteLLM’s field names, matching the ledger', async () => {
    const res = await admin.get('/spend/logs');
    expect(res.status).toBe(200);
    const rows = spendLogsOutput.parse(res.body);
    expect(rows).toEqual(res.body);
    expect(idsOf(rows)).toEqual(ledger.map((r) => r.id));
    for (const row of res.body)
      expect(Object.keys(row).sort()).toEqual(Object.keys(spendLogRowSchema.shape).sort());

    const first = ledger.at(-1)!;
    expect(res.body.at(-1)).toMatchObject({
      request_id: first.id,
      call_type: 'chat.completions',
      api_key: a.id,
      key_alias: 'app-a',
      spend: first.cost_usd,
      prompt_tokens: first.prompt_tokens,
      completion_tokens: 5,
      total_tokens: first.prompt_tokens + 5,
      startTime: new Date(DAY1).toISOString(),
      endTime: new Date(DAY1 + first.latency_ms).toISOString(),
      model: 'fake-model',
      model_group: 'cloud',
      custom_llm_provider: 'openai',
      model_id: first.deployment_id,
      status: 200,
      error_code: null,
      stream: false,
      request_tags: ['feature-x', 'team-1'],
    });
    expect(first.cost_usd).toBeCloseTo(first.prompt_tokens * IN_PRICE + 5 * OUT_PRICE, 12);
    const failed = res.body.find((r: { status: number }) => r.status === 502);
    expect(failed).toMatchObject({ api_key: b.id, error_code: 'upstream_error', spend: 0 });
    expect(res.body.find((r: { api_key: null }) => r.api_key === null)).toMatchObject({ key_alias: null });
  });

  it('filters by api_key (secret, hash or id), key_alias, model and dates', async () => {
    for (const ref of [a.key, a.token, a.id]) {
      expect(idsOf((await admin.get('/spend/logs', { api_key: ref })).body)).toEqual(
        ledgerIds((r) => r.key_id === a.id),
      );
    }
    expect(idsOf((await admin.get('/spend/logs', { key_alias: 'app-b' })).body)).toEqual(
      ledgerIds((r) => r.key_id === b.id),
    );
    expect(idsOf((await admin.get('/spend/logs', { model: 'local' })).body)).toEqual(
      ledgerIds((r) => r.alias === 'local'),
    );
    expect(idsOf((await admin.get('/spend/logs', { api_key: a.id, model: 'cloud' })).body)).toEqual(
      ledgerIds((r) => r.key_id === a.id && r.alias === 'cloud'),
    );
    // A date alone is that local day; an end date includes its whole day.
    const day1 = ledgerIds((r) => r.ts === DAY1);
    const day2 = ledgerIds((r) => r.ts === DAY2);
    expect(day1).toHaveLength(4);
    expect(idsOf((await admin.get('/spend/logs', { start_date: DAY2_TEXT })).body)).toEqual(day2);
    expect(idsOf((await admin.get('/spend/logs', { end_date: DAY1_TEXT })).body)).toEqual(day1);
    expect(
      idsOf((await admin.get('/spend/logs', { start_date: DAY1_TEXT, end_date: DAY1_TEXT })).body),
    ).toEqual(day1);
    const iso = { start_date: new Date(DAY2 - 1).toISOString(), end_date: new Date(DAY2 + 1).toISOString() };
    expect(idsOf((await admin.get('/spend/logs', iso)).body)).toEqual(day2);
    expect((await admin.get('/spend/logs', { start_date: '2026-06-12' })).body).toEqual([]);
    expect(idsOf((await admin.get('/spend/logs', { limit: 2 })).body)).toEqual(
      ledger.slice(0, 2).map((r) => r.id),
    );
  });

  it('is the same operation as POST /admin/spend.logs', async () => {
    const get = await admin.get('/spend/logs', { key_alias: 'app-a', start_date: DAY2_TEXT });
    const post = await admin.post('/admin/spend.logs', { key_alias: 'app-a', start_date: DAY2_TEXT });
    expect(post.status).toBe(200);
    expect(post.body).toEqual(get.body);
  });
});

type Group = (typeof SPEND_GROUPS)[number];
const REPORT_FIELD: Record<Group, string> = {
  key: 'key_id',
  alias: 'alias',
  model: 'model',
  provider: 'provider',
  day: 'day',
  tag: 'tag',
};

/** The report as the ledger says it should be: a request counts once per tag when grouped by tag. */
function expectedReport(rows: RequestLogRow[], groups: Group[]) {
  const out = new Map<
    string,
    { requests: number; errors: number; prompt: number; completion: number; spend: number }
  >();
  const values = (r: RequestLogRow, g: Group): (string | null)[] =>
    g === 'tag'
      ? r.tags.length > 0
        ? r.tags
        : [null]
      : [{ key: r.key_id, alias: r.alias, model: r.model, provider: r.provider, day: localDay(r.ts) }[g]];
  for (const r of rows) {
    let combos: (string | null)[][] = [[]];
    for (const g of groups) combos = combos.flatMap((c) => values(r, g).map((v) => [...c, v]));
    for (const c of combos) {
      const k = JSON.stringify(c);
      const e = out.get(k) ?? { requests: 0, errors: 0, prompt: 0, completion: 0, spend: 0 };
      e.requests++;
      if (r.status >= 400) e.errors++;
      e.prompt += r.prompt_tokens;
      e.completion += r.completion_tokens;
      e.spend += r.cost_usd;
      out.set(k, e);
    }
  }
  return out;
}

async function checkReport(groups: Group[], query: Record<string, string> = {}, rows = ledger) {
  const res = await admin.get('/spend/report', { group_by: groups.join(','), ...query });
  expect(res.status).toBe(200);
  const report = spendReportOutput.parse(res.body);
  const expected = expectedReport(rows, groups);
  const got = new Map(
    report.rows.map((r) => [
      JSON.stringify(groups.map((g) => (r as Record<string, unknown>)[REPORT_FIELD[g]])),
      r,
    ]),
  );
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, e] of expected) {
    const r = got.get(k)!;
    expect({
      k,
      requests: r.requests,
      errors: r.errors,
      prompt: r.prompt_tokens,
      completion: r.completion_tokens,
    }).toEqual({
      k,
      requests: e.requests,
      errors: e.errors,
      prompt: e.prompt,
      completion: e.completion,
    });
    expect(r.spend).toBeCloseTo(e.spend, 10);
  }
  // The total is what was spent, whatever the grouping: a request with two tags is not paid twice.
  expect(report.total_spend).toBeCloseTo(
    rows.reduce((s, r) => s + r.cost_usd, 0),
    10,
  );
  return report;
}

describe('GET /spend/report', () => {
  for (const g of SPEND_GROUPS) {
    it(`groups by ${g}, and the sums match the ledger`, async () => {
      await checkReport([g]);
    });
  }

  it('groups by several dimensions at once (key, alias, day)', async () => {
    const report = await checkReport(['key', 'alias', 'day']);
    expect(
      report.rows.find((r) => r.key_id === a.id && r.alias === 'cloud' && r.day === DAY1_TEXT),
    ).toMatchObject({
      key_alias: 'app-a',
      requests: 1,
    });
    await checkReport(['tag', 'provider']);
  });

  it('names tagged spend from the body and the header alike', async () => {
    const report = await checkReport(['tag']);
    const byTag = Object.fromEntries(report.rows.map((r) => [r.tag ?? '(none)', r.requests]));
    expect(byTag).toEqual({ 'feature-x': 2, 'team-1': 3, 'feature-z': 1, 'feature-y': 3, '(none)': 1 });
  });

  it('reports a date range, defaulting to the 30 days up to now', async () => {
    const report = await checkReport(
      ['day'],
      { start_date: DAY2_TEXT, end_date: DAY2_TEXT },
      ledger.filter((r) => r.ts === DAY2),
    );
    expect(report.rows.map((r) => r.day)).toEqual([DAY2_TEXT]);
    expect(report.start_date).toBe(new Date(2026, 5, 11).toISOString());
    expect(report.end_date).toBe(new Date(2026, 5, 12).toISOString());
    const byDefault = await checkReport(['day']);
    expect(byDefault.end_date).toBe(new Date(DAY2 + 1).toISOString());
  });

  it('defaults to grouping by day, and POST /admin/spend.report agrees', async () => {
    const get = await admin.get('/spend/report');
    expect(get.body.rows.map((r: { day: string }) => r.day).sort()).toEqual([DAY1_TEXT, DAY2_TEXT]);
    const post = await admin.post('/admin/spend.report', { group_by: ['day'] });
    expect(post.body).toEqual(get.body);
  });
});

describe('bad input to the spend routes: 400 naming the field, never a 500', () => {
  const cases: [path: string, query: Record<string, string>, status: number, param: string | null][] = [
    ['/spend/logs', { start_date: 'yesterday' }, 400, 'start_date'],
    ['/spend/logs', { end_date: '2026-13-45' }, 400, 'end_date'],
    ['/spend/logs', { limit: '0' }, 400, 'limit'],
    ['/spend/logs', { limit: 'lots' }, 400, 'limit'],
    ['/spend/logs', { api_key: 'sk-nobody-has-this' }, 404, null],
    ['/spend/report', { group_by: 'weekday' }, 400, 'group_by[0]'],
    ['/spend/report', { group_by: 'key,weekday' }, 400, 'group_by[1]'],
    ['/spend/report', { group_by: ',' }, 400, 'group_by'],
    ['/spend/report', { start_date: 'soon' }, 400, 'start_date'],
    ['/spend/report', { start_date: DAY2_TEXT, end_date: DAY1_TEXT }, 400, null],
  ];
  for (const [path, query, status, param] of cases) {
    it(`${path} ${new URLSearchParams(query)}`, async () => {
      const res = await admin.get(path, query);
      expect({ status: res.status, param: res.body.error?.param ?? null }).toEqual({ status, param });
      expect(res.body.error.type).toBe('invalid_request_error');
    });
  }

  it('POST /admin/spend.report needs group_by as a list', async () => {
    const res = await admin.post('/admin/spend.report', { group_by: 'key' });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('group_by');
  });

  it('a per-app key may not read spend', async () => {
    for (const path of ['/spend/logs', '/spend/report'])
      expect((await admin.as(a.key).get(path)).status).toBe(401);
  });
});
