// The Overview page's numbers (usage.summary) and the Logs page's filters (spend.logs), over real requests
// through the gateway: spend per local day, app and model, requests per minute, and the latest errors and
// fallbacks, checked against the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageSummaryOutput } from '../../shared/admin/usage.ts';
import { spendLogsOutput } from '../../shared/admin/spend.ts';
import { AdminApi, openaiAs, type GeneratedKey } from '../support/admin-api.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-usage';
const IN_PRICE = 0.001;
const OUT_PRICE = 0.002;
// Mid-afternoon on a Wednesday, so "yesterday" is in the same month and week.
const TODAY = new Date(2026, 5, 10, 15, 30, 0).getTime();
const YESTERDAY = TODAY - 86_400_000;
const EIGHT_DAYS_AGO = TODAY - 8 * 86_400_000;

let primary: FakeUpstream;
let backup: FakeUpstream;
let gw: TestGateway;
let admin: AdminApi;
let app: GeneratedKey;
const clock = manualClock(TODAY);
const ask = (key: string, model: string) =>
  openaiAs(gw.url, key).chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'two words' }],
  });

beforeAll(async () => {
  primary = await startFakeOpenAI({ reply: 'one two three' });
  backup = await startFakeOpenAI({ reply: 'four five' });
  gw = await startTestGateway(
    `
model_list:
  - model_name: smart
    litellm_params: { model: openai/fake-model, api_base: "${primary.url}", api_key: sk-up, input_cost_per_token: ${IN_PRICE}, output_cost_per_token: ${OUT_PRICE} }
  - model_name: backup
    litellm_params: { model: openai/fake-model, api_base: "${backup.url}", api_key: sk-up, input_cost_per_token: ${IN_PRICE}, output_cost_per_token: ${OUT_PRICE} }
router_settings: { num_retries: 0, fallbacks: [{ smart: [backup] }] }
general_settings: { master_key: ${MASTER} }
`,
    { clock: clock.now },
  );
  admin = new AdminApi(gw.url, MASTER);
  app = await admin.generate({ key_alias: 'cline' });

  clock.set(EIGHT_DAYS_AGO);
  await ask(app.key, 'smart');
  clock.set(YESTERDAY);
  await ask(app.key, 'smart');
  clock.set(TODAY);
  await ask(app.key, 'smart');
  await ask(MASTER, 'backup');
  // The primary fails: the request falls back to `backup` and still succeeds.
  primary.setBehavior({ error: { status: 500, message: 'primary is down', times: 1 } });
  await ask(app.key, 'smart');
  // Both fail: an error the user should see.
  primary.setBehavior({ error: { status: 500, message: 'primary is down', times: 1 } });
  backup.setBehavior({ error: { status: 500, message: 'backup is down', times: 1 } });
  await expect(ask(app.key, 'smart')).rejects.toThrow();
});

afterAll(async () => {
  await gw?.close();
  await primary?.close();
  await backup?.close();
});

const summary = async (days?: number) => {
  const res = await admin.post('/admin/usage.summary', days === undefined ? {} : { days });
  expect(res.status).toBe(200);
  return usageSummaryOutput.parse(res.body);
};

describe('usage.summary', () => {
  it('adds up spend for today, 7 and 30 days and the month, matching the ledger', async () => {
    const rows = gw.rows();
    const sum = (since: number) => rows.filter((r) => r.ts >= since).reduce((s, r) => s + r.cost_usd, 0);
    const midnight = new Date(2026, 5, 10).getTime();
    const s = await summary();
    expect(s.spend.today).toBeGreaterThan(0);
    expect(s.spend.today).toBeCloseTo(sum(midnight), 9);
    expect(s.spend.d7).toBeCloseTo(sum(midnight - 6 * 86_400_000), 9);
    expect(s.spend.d30).toBeCloseTo(sum(midnight - 29 * 86_400_000), 9);
    expect(s.spend.month).toBeCloseTo(sum(new Date(2026, 5, 1).getTime()), 9);
    // Yesterday's request is in the last 7 days; the one 8 days ago only in 30 days and the month.
    expect(s.spend.d7).toBeGreaterThan(s.spend.today);
    expect(s.spend.d30).toBeGreaterThan(s.spend.d7);
    expect(s.requests).toEqual({ today: 4, errors_today: 1 });
  });

  it('gives one point per local day and per app and model, for the chosen number of days', async () => {
    const s = await summary(7);
    expect(s.days).toHaveLength(7);
    expect(s.days.at(-1)).toBe('2026-06-10');
    expect(s.days[0]).toBe('2026-06-04');
    const cline = s.by_key.filter((r) => r.key_alias === 'cline');
    expect(cline.map((r) => r.day).sort()).toEqual(['2026-06-09', '2026-06-10']);
    expect(cline.find((r) => r.day === '2026-06-10')!.requests).toBe(3);
    // Requests with the master key have no app.
    expect(s.by_key.find((r) => r.key_id === null)).toMatchObject({
      day: '2026-06-10',
      key_alias: null,
      requests: 1,
    });
    expect(
      s.by_model
        .filter((r) => r.day === '2026-06-10')
        .map((r) => [r.alias, r.requests])
        .sort(),
    ).toEqual([
      ['backup', 1],
      ['smart', 3],
    ]);
    expect((await summary(30)).days).toHaveLength(30);
  });

  it('counts requests per minute over the last hour', async () => {
    const s = await summary();
    const minute = Math.floor(TODAY / 60_000) * 60_000;
    expect(s.rpm).toEqual([{ minute, requests: 4 }]);
  });

  it('lists the latest errors and fallbacks with the deployments tried', async () => {
    const s = await summary();
    expect(s.recent_errors).toHaveLength(1);
    expect(s.recent_errors[0]).toMatchObject({ alias: 'smart', key_alias: 'cline' });
    expect(s.recent_errors[0]!.status).toBeGreaterThanOrEqual(500);
    // Both the rescued request and the failed one tried two deployments.
    expect(s.recent_fallbacks.map((f) => f.status < 400)).toEqual([false, true]);
    const rescued = s.recent_fallbacks[1]!;
    expect(rescued.tried).toHaveLength(2);
    expect(rescued.deployment_id).toBe(rescued.tried[1]);
  });

  it('refuses a bad number of days with 400 naming the field', async () => {
    for (const days of [0, -1, 2.5, 400]) {
      const res = await admin.post('/admin/usage.summary', { days });
      expect({ days, status: res.status, param: res.body.error.param }).toEqual({
        days,
        status: 400,
        param: 'days',
      });
    }
  });
});

describe('spend.logs filters for the Logs page', () => {
  const logs = async (input: Record<string, unknown>) => {
    const res = await admin.post('/admin/spend.logs', input);
    expect(res.status).toBe(200);
    return spendLogsOutput.parse(res.body);
  };

  it('by outcome, fallback and provider', async () => {
    const failed = await logs({ status: 'error' });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.status).toBeGreaterThanOrEqual(500);
    expect((await logs({ status: 'ok' })).every((r) => r.status < 400)).toBe(true);
    expect(await logs({ status: 'ok' })).toHaveLength(gw.rows().length - 1);

    const fellBack = await logs({ fallback: true });
    expect(fellBack).toHaveLength(2);
    for (const r of fellBack) expect(new Set(r.attempts.map((a) => a.deployment)).size).toBe(2);
    expect(await logs({ fallback: false })).toHaveLength(gw.rows().length - 2);
    expect(await logs({ provider: 'openai' })).toHaveLength(
      gw.rows().filter((r) => r.provider === 'openai').length,
    );
    expect(await logs({ provider: 'anthropic' })).toHaveLength(0);
  });

  it('by app and date on LiteLLM’s GET /spend/logs too (query strings)', async () => {
    const res = await admin.get('/spend/logs', {
      key_alias: 'cline',
      fallback: 'true',
      start_date: '2026-06-10',
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    const yesterday = await admin.get('/spend/logs', { start_date: '2026-06-09', end_date: '2026-06-09' });
    expect(yesterday.body).toHaveLength(1);
  });
});
