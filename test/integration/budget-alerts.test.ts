// Soft budget alerts: soft_budget, 80% and 100% of max_budget each fire once per budget period, on the
// event bus and to general_settings.alert_webhook_url, and again after the period resets.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetThresholdEvent, GatewayEvent } from '../../main/gateway/events.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import {
  generateKey,
  keyInfo,
  rawChat,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/key-admin.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';
import { waitFor } from '../support/wait-for.ts';

const MASTER = 'sk-master-alerts-test';
// Prompt tokens are free and the reply is always COMPLETION tokens: every request costs exactly COST,
// and its reservation (max_tokens = COMPLETION) is exactly its cost.
const OUT_PRICE = 0.001;
const COMPLETION = 10;
const COST = COMPLETION * OUT_PRICE;
const REPLY = Array.from({ length: COMPLETION }, (_, i) => `t${i}`).join(' ');
const messages = [{ role: 'user' as const, content: 'Tell me a story' }];

let cloud: FakeUpstream;
let hook: WebhookReceiver;
let gw: TestGateway;
const clock = manualClock(new Date(2025, 5, 10, 12, 0, 0).getTime());
const events: BudgetThresholdEvent[] = [];

beforeAll(async () => {
  cloud = await startFakeOpenAI({ reply: REPLY });
  hook = await startWebhookReceiver();
  gw = await startTestGateway(
    `
model_list:
  - model_name: cloud
    litellm_params:
      model: openai/fake-model
      api_base: "${cloud.url}"
      input_cost_per_token: 0
      output_cost_per_token: ${OUT_PRICE}
  - model_name: free
    litellm_params: { model: openai/free-model, api_base: "${cloud.url}" }
general_settings:
  master_key: ${MASTER}
  alert_webhook_url: "${hook.url}"
`,
    { clock: clock.now },
  );
  gw.runtime.events.on((e: GatewayEvent) => {
    if (e.type === 'budget.threshold') events.push(e);
  });
});

afterAll(async () => {
  await gw?.close();
  await hook?.close();
  await cloud?.close();
});

beforeEach(() => {
  events.length = 0;
  hook.received.length = 0;
});

/** Webhook posts about one key (posts are fire and forget: an earlier test's may still be arriving). */
const thresholdHooks = (keyId: string) =>
  hook.received
    .map((r) => r.body as GatewayEvent)
    .filter((e) => e.type === 'budget.threshold' && e.key_id === keyId);
const ask = (app: OpenAI) =>
  app.chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION });

describe('budget threshold alerts', () => {
  it('fires soft, 80% and 100% once each per period, again after a reset, and posts them to the webhook', async () => {
    const k = await generateKey(gw.url, MASTER, {
      key_alias: 'alerting',
      max_budget: 10 * COST,
      soft_budget: 3.5 * COST,
      budget_duration: '30s',
    });
    const app = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k.key, maxRetries: 0 });
    const firstStart = new Date(clock.now()).toISOString();

    const seenAfter: string[][] = [];
    for (let i = 1; i <= 10; i++) {
      await ask(app);
      seenAfter.push(events.map((e) => e.threshold));
    }
    // Each threshold fires on the request that crosses it, and only then.
    expect(seenAfter[2]).toEqual([]);
    expect(seenAfter[3]).toEqual(['soft']);
    expect(seenAfter[6]).toEqual(['soft']);
    expect(seenAfter[7]).toEqual(['soft', '80%']);
    expect(seenAfter[8]).toEqual(['soft', '80%']);
    expect(seenAfter[9]).toEqual(['soft', '80%', '100%']);

    // Over the budget now: refusals raise no more alerts.
    expect((await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION })).status).toBe(
      429,
    );
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({
      type: 'budget.threshold',
      key_id: k.id,
      key_alias: 'alerting',
      threshold: 'soft',
      spend: expect.closeTo(4 * COST, 12),
      max_budget: 10 * COST,
      soft_budget: 3.5 * COST,
      period_start: firstStart,
      budget_reset_at: new Date(clock.now() + 30_000).toISOString(),
    });
    expect(events[1]!.spend).toBeCloseTo(8 * COST, 12);
    expect(events[2]!.spend).toBeCloseTo(10 * COST, 12);

    await waitFor(() => thresholdHooks(k.id).length === 3, 'three webhook posts');
    expect(thresholdHooks(k.id)).toEqual(events);
    expect(hook.received.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);

    // Next period: the spend starts from zero and every threshold may fire once more. Ten requests at once
    // still raise each alert exactly once.
    clock.advance(30_000);
    expect((await keyInfo(gw.url, MASTER, k.id)).spend).toBe(0);
    await Promise.all(Array.from({ length: 10 }, () => ask(app)));
    expect(events.map((e) => e.threshold)).toEqual(['soft', '80%', '100%', 'soft', '80%', '100%']);
    const secondStart = new Date(clock.now()).toISOString();
    expect(events.slice(3).every((e) => e.period_start === secondStart)).toBe(true);
    expect(events[5]!.spend).toBeCloseTo(10 * COST, 12);
    await waitFor(() => thresholdHooks(k.id).length === 6, 'six webhook posts');
    expect(thresholdHooks(k.id)).toEqual(events);

    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.total_spend).toBeCloseTo(20 * COST, 12);
    expect(info.reserved).toBe(0);
  });

  it('fires every threshold one request crosses at once, and none for free requests', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 1.25 * COST, soft_budget: 0.5 * COST });
    const app = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k.key, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await app.chat.completions.create({ model: 'free', messages });
    expect(events).toEqual([]);
    await ask(app);
    expect(events.map((e) => e.threshold)).toEqual(['soft', '80%']);
    expect(events.every((e) => e.budget_reset_at === null)).toBe(true);
    await waitFor(() => thresholdHooks(k.id).length === 2, 'two webhook posts');
  });

  it('fires the soft alert for a key with only a soft budget', async () => {
    const k = await generateKey(gw.url, MASTER, { soft_budget: 1.5 * COST });
    const app = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k.key, maxRetries: 0 });
    for (let i = 0; i < 4; i++) await ask(app);
    expect(events.map((e) => [e.threshold, e.max_budget])).toEqual([['soft', null]]);
    await waitFor(() => thresholdHooks(k.id).length === 1, 'one webhook post');
    expect(thresholdHooks(k.id)).toEqual(events);
  });
});
