// Money budgets of per-app keys, end to end: the official openai client with keys from /key/generate,
// against the real gateway and simulated upstreams. Reservation at admission, settlement to the true
// cost, clamping, free local models, the budget fallback and period resets (with an injected clock).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../main/gateway/budget/usage-estimate.ts';
import { promptWords, startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startFakeOllama } from '../support/fake-ollama.ts';
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy.ts';
import { generateKey, keyInfo, rawChat } from '../support/key-admin.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-budget-test';
const IN_PRICE = 0.0000001;
// Output dominates, so the reservation (which over-counts the prompt a little) is close to the true cost.
const OUT_PRICE = 0.0001;
const COMPLETION = 20;
const REPLY = Array.from({ length: COMPLETION }, (_, i) => `w${i}`).join(' ');
const LOCAL_REPLY = 'A free answer from the local model.';
const messages = [{ role: 'user' as const, content: 'Say something about foxes please' }];

let cloud: FakeUpstream;
let local: FakeUpstream;
/** The cloud fake behind a 300 ms hold, so a burst is really in flight all at once. */
let slow: DelayProxy;
let gw: TestGateway;
const clock = manualClock(new Date(2025, 5, 10, 12, 0, 0).getTime());
/** Prompt tokens admission reserves for `messages` (our count, with its margin and slack). */
let reservedPrompt: number;
/** What admission reserves for one request with max_tokens = COMPLETION. */
let reservation: number;
/** What one such request really costs (the fake reports whitespace words as prompt tokens). */
let trueCost: number;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ reply: REPLY });
  local = await startFakeOllama({ reply: LOCAL_REPLY, models: ['llama3.2:latest'] });
  slow = await startDelayProxy(cloud.url, 300);
  gw = await startTestGateway(
    `
model_list:
  - model_name: cloud
    litellm_params:
      model: openai/fake-model
      api_base: "${cloud.url}"
      input_cost_per_token: ${IN_PRICE}
      output_cost_per_token: ${OUT_PRICE}
  - model_name: cloud-slow
    litellm_params:
      model: openai/fake-model
      api_base: "${slow.url}"
      input_cost_per_token: ${IN_PRICE}
      output_cost_per_token: ${OUT_PRICE}
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2:latest, api_base: "${local.url}" }
  - model_name: free-openai
    litellm_params: { model: openai/my-local-model, api_base: "${cloud.url}" }
general_settings: { master_key: ${MASTER} }
`,
    { clock: clock.now },
  );
  reservedPrompt = Math.ceil((await estimatePromptTokens('chat.completions', { messages })) * 1.1) + 16;
  reservation = reservedPrompt * IN_PRICE + COMPLETION * OUT_PRICE;
  trueCost = promptWords({ messages }) * IN_PRICE + COMPLETION * OUT_PRICE;
  expect(trueCost).toBeLessThan(reservation);
});

afterAll(async () => {
  await gw?.close();
  await slow?.close();
  await cloud?.close();
  await local?.close();
});

beforeEach(() => {
  cloud.reset();
  local.reset();
});

const client = (key: string, maxRetries = 0) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries });
const rowsOf = (keyId: string) => gw.rows().filter((r) => r.key_id === keyId);
const ledgerSpend = (keyId: string) => rowsOf(keyId).reduce((s, r) => s + r.cost_usd, 0);
const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
type ApiError = InstanceType<typeof OpenAI.APIError>;

describe('exact budgets under concurrency', () => {
  it('200 concurrent requests on a budget for ~50: spend never exceeds it, refusals are budget_exceeded', async () => {
    const maxBudget = 50.5 * reservation;
    const k = await generateKey(gw.url, MASTER, { key_alias: 'burst', max_budget: maxBudget });
    // maxRetries 2: a budget refusal must not be retried (x-should-retry: false).
    const app = client(k.key, 2);
    const one = async (i: number): Promise<string> => {
      const body = { model: 'cloud-slow', messages, max_tokens: COMPLETION };
      if (i % 4 !== 3) return (await app.chat.completions.create(body)).choices[0]?.message.content ?? '';
      const stream = await app.chat.completions.create({ ...body, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => one(i)));
    // Every admitted request was upstream at the same moment: reservations, not luck, kept the budget.
    expect(slow.peak).toBeGreaterThanOrEqual(45);

    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as ApiError);
    expect(ok.length).toBeGreaterThanOrEqual(45);
    expect(ok.length).toBeLessThanOrEqual(50);
    for (const r of ok) expect(r.value).toBe(REPLY);
    for (const e of refused) {
      expect(e).toBeInstanceOf(OpenAI.APIError);
      expect({ status: e.status, code: e.code, type: e.type }).toEqual({
        status: 429,
        code: 'budget_exceeded',
        type: 'budget_exceeded',
      });
    }

    const info = await keyInfo(gw.url, MASTER, k.id);
    const ledger = ledgerSpend(k.id);
    expect(info.spend).toBeLessThanOrEqual(maxBudget);
    expect(ledger).toBeLessThanOrEqual(maxBudget);
    expect(info.spend).toBeCloseTo(ledger, 12);
    expect(info.spend).toBeCloseTo(ok.length * trueCost, 12);
    expect(info.total_spend).toBeCloseTo(info.spend, 12);
    expect(info.reserved).toBe(0);
    // One ledger row per request, and one upstream call per success: nothing was retried.
    expect(rowsOf(k.id)).toHaveLength(200);
    expect(rowsOf(k.id).filter((r) => r.status === 429 && r.error_code === 'budget_exceeded')).toHaveLength(
      refused.length,
    );
    expect(cloud.requests).toHaveLength(ok.length);
  });
});

describe('reservations', () => {
  it('go back to exactly 0 after concurrent requests of different sizes', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 5 });
    const app = client(k.key);
    const sizes = [20, 37, 64, 101, 13, 250, 999, 21, 33, 47, 1000, 3, 77, 512, 123, 45];
    // Held requests reserve first and settle last: releases come in another order than reservations.
    await Promise.all(
      sizes.map((max_tokens, i) =>
        app.chat.completions.create({ model: i % 2 ? 'cloud' : 'cloud-slow', messages, max_tokens }),
      ),
    );
    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.reserved).toBe(0);
    expect(info.spend).toBeCloseTo(sizes.length * trueCost, 12);
  });
});

describe('over budget', () => {
  it('answers 429 budget_exceeded with spend, cap and reset time, and x-should-retry: false', async () => {
    const maxBudget = 1.5 * reservation;
    const k = await generateKey(gw.url, MASTER, {
      key_alias: 'one-and-a-half',
      max_budget: maxBudget,
      budget_duration: '1d',
    });
    const first = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION });
    expect(first.status).toBe(200);

    const res = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(res.body.error).toMatchObject({ type: 'budget_exceeded', code: 'budget_exceeded' });
    const info = await keyInfo(gw.url, MASTER, k.id);
    const message = res.body.error.message as string;
    expect(message).toContain(usd(info.spend));
    expect(message).toContain(usd(maxBudget));
    expect(info.budget_reset_at).toBe(new Date(2025, 5, 11).toISOString());
    expect(message).toContain(info.budget_reset_at);
    expect(message).toContain("'one-and-a-half'");
    expect(info.reserved).toBe(0);
  });

  it('is not retried by the official SDK, even with maxRetries: 2', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 0.5 * reservation });
    const err = (await client(k.key, 2)
      .chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('budget_exceeded');
    expect(err.headers?.get('x-should-retry')).toBe('false');
    expect(rowsOf(k.id)).toHaveLength(1);
    expect(rowsOf(k.id)[0]).toMatchObject({ status: 429, error_code: 'budget_exceeded', cost_usd: 0 });
    expect(cloud.requests).toHaveLength(0);
  });

  it('gives the reservation back when the upstream fails', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 1.5 * reservation });
    cloud.setBehavior({ error: { status: 500, message: 'upstream exploded' } });
    const res = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION });
    expect(res.status).toBe(502);
    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info).toMatchObject({ spend: 0, reserved: 0 });
    // The whole budget is still there for the next request.
    cloud.reset();
    expect((await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION })).status).toBe(
      200,
    );
  });
});

describe('clamping max_tokens to what the budget has left', () => {
  /** A budget that affords the prompt and `tokens` completion tokens (and half a token to spare). */
  const affording = (tokens: number) => reservedPrompt * IN_PRICE + (tokens + 0.5) * OUT_PRICE;
  const SHORT = 'short reply here';

  beforeEach(() => cloud.setBehavior({ reply: SHORT }));

  it('clamps max_tokens instead of refusing when a useful reply is affordable', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: affording(200) });
    const res = await client(k.key).chat.completions.create({ model: 'cloud', messages, max_tokens: 1000 });
    expect(res.choices[0]?.message.content).toBe(SHORT);
    expect(cloud.requests[0]?.body.max_tokens).toBe(200);
    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.spend).toBeCloseTo(promptWords({ messages }) * IN_PRICE + 3 * OUT_PRICE, 12);
    expect(info.reserved).toBe(0);
  });

  it('clamps max_completion_tokens in the field the client used', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: affording(100) });
    await client(k.key).chat.completions.create({ model: 'cloud', messages, max_completion_tokens: 1000 });
    expect(cloud.requests[0]?.body.max_completion_tokens).toBe(100);
    expect(cloud.requests[0]?.body.max_tokens).toBeUndefined();
  });

  it('bounds a request that named no max_tokens by what the budget affords', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: affording(300) });
    await client(k.key).chat.completions.create({ model: 'cloud', messages });
    expect(cloud.requests[0]?.body.max_tokens).toBe(300);
  });

  it('refuses when fewer than 64 tokens are affordable', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: affording(63) });
    const res = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: 1000 });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('budget_exceeded');
    expect(cloud.requests).toHaveLength(0);
  });

  it('sends a small request unchanged when it fits, and refuses it when its own max does not', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: affording(40) });
    // 50 asked, 40 affordable: below the requested max (which is under 64), so refused.
    const refused = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: 50 });
    expect(refused.status).toBe(429);
    const fits = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: 30 });
    expect(fits.status).toBe(200);
    expect(cloud.requests).toHaveLength(1);
    expect(cloud.requests[0]?.body.max_tokens).toBe(30);
  });
});

describe('free models', () => {
  it('never blocks requests priced at 0, even with spend at or over max_budget', async () => {
    const zero = await generateKey(gw.url, MASTER, { max_budget: 0 });
    const app = client(zero.key);
    expect(
      (await app.chat.completions.create({ model: 'local', messages })).choices[0]?.message.content,
    ).toBe(LOCAL_REPLY);
    expect(
      (await app.chat.completions.create({ model: 'free-openai', messages })).choices[0]?.message.content,
    ).toBe(REPLY);
    const stream = await app.chat.completions.create({ model: 'local', messages, stream: true });
    for await (const _ of stream) void _;
    const cloudErr = (await app.chat.completions
      .create({ model: 'cloud', messages, max_tokens: COMPLETION })
      .catch((e: unknown) => e)) as ApiError;
    expect(cloudErr.status).toBe(429);

    // A key that spent money and then had its cap lowered below the spend.
    const spent = await generateKey(gw.url, MASTER, { max_budget: 1 });
    await client(spent.key).chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION });
    const upd = await fetch(`${gw.url}/key/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
      body: JSON.stringify({ key: spent.id, max_budget: trueCost / 2 }),
    });
    expect(upd.status).toBe(200);
    const info = await keyInfo(gw.url, MASTER, spent.id);
    expect(info.spend).toBeGreaterThan(info.max_budget!);
    expect((await rawChat(gw.url, spent.key, { model: 'local', messages })).status).toBe(200);
    expect(
      (await rawChat(gw.url, spent.key, { model: 'cloud', messages, max_tokens: COMPLETION })).status,
    ).toBe(429);
    expect(await keyInfo(gw.url, MASTER, spent.id)).toMatchObject({ reserved: 0 });
  });
});

describe('budget fallback', () => {
  it('answers from the fallback alias once the money budget is exhausted', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 1.5 * reservation, budget_fallback: 'local' });
    const app = client(k.key, 2);
    const first = await app.chat.completions
      .create({ model: 'cloud', messages, max_tokens: COMPLETION })
      .withResponse();
    expect(first.data.choices[0]?.message.content).toBe(REPLY);
    expect(first.response.headers.get('x-switchyard-budget-fallback')).toBeNull();

    const second = await app.chat.completions
      .create({ model: 'cloud', messages, max_tokens: COMPLETION })
      .withResponse();
    expect(second.data.choices[0]?.message.content).toBe(LOCAL_REPLY);
    expect(second.response.headers.get('x-switchyard-budget-fallback')).toBe('local');

    const stream = await app.chat.completions
      .create({ model: 'cloud', messages, max_tokens: COMPLETION, stream: true })
      .withResponse();
    expect(stream.response.headers.get('x-switchyard-budget-fallback')).toBe('local');
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(LOCAL_REPLY);

    expect(cloud.requests).toHaveLength(1);
    expect(local.requests).toHaveLength(2);
    const rows = rowsOf(k.id);
    expect(rows.filter((r) => r.provider === 'ollama_chat')).toHaveLength(2);
    expect(rows.filter((r) => r.provider === 'ollama_chat').every((r) => r.cost_usd === 0)).toBe(true);
    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.spend).toBeCloseTo(trueCost, 12);
    expect(info.reserved).toBe(0);
  });
});

describe('budget periods (injected clock)', () => {
  it('30s: spend resets when the rolling period ends; total_spend and the ledger keep the history', async () => {
    const created = clock.now();
    const k = await generateKey(gw.url, MASTER, { max_budget: 2.5 * reservation, budget_duration: '30s' });
    const app = client(k.key);
    for (let i = 0; i < 2; i++)
      await app.chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION });
    const over = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION });
    expect(over.status).toBe(429);
    expect(over.body.error.message).toContain(new Date(created + 30_000).toISOString());

    clock.advance(29_999);
    expect((await keyInfo(gw.url, MASTER, k.id)).spend).toBeCloseTo(2 * trueCost, 12);
    expect((await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION })).status).toBe(
      429,
    );

    clock.advance(1);
    const after = await keyInfo(gw.url, MASTER, k.id);
    expect(after.spend).toBe(0);
    expect(after.total_spend).toBeCloseTo(2 * trueCost, 12);
    expect(after.budget_reset_at).toBe(new Date(created + 60_000).toISOString());
    await app.chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION });

    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.spend).toBeCloseTo(trueCost, 12);
    expect(info.total_spend).toBeCloseTo(3 * trueCost, 12);
    const rows = rowsOf(k.id);
    expect(rows.filter((r) => r.status === 200)).toHaveLength(3);
    expect(rows.filter((r) => r.status === 429)).toHaveLength(2);
    expect(ledgerSpend(k.id)).toBeCloseTo(info.total_spend, 12);
  });

  it('charges a request that ends after the boundary to the new period, whether or not the key was touched meanwhile', async () => {
    cloud.setBehavior({ chunkDelayMs: 30 });
    const spendAfter = async (touch: boolean) => {
      const k = await generateKey(gw.url, MASTER, { max_budget: 1, budget_duration: '30s' });
      const stream = await client(k.key).chat.completions.create({
        model: 'cloud',
        messages,
        max_tokens: COMPLETION,
        stream: true,
      });
      clock.advance(30_000);
      // Another request, or just a look at the key, moves it into the new period while the stream runs.
      if (touch) expect((await keyInfo(gw.url, MASTER, k.id)).spend).toBe(0);
      for await (const _ of stream) void _;
      return keyInfo(gw.url, MASTER, k.id);
    };
    const untouched = await spendAfter(false);
    const touched = await spendAfter(true);
    expect(touched.spend).toBeCloseTo(trueCost, 12);
    expect(untouched.spend).toBeCloseTo(trueCost, 12);
    expect(untouched.total_spend).toBeCloseTo(trueCost, 12);
    expect(untouched.reserved).toBe(0);
  });

  it('1d: spend resets at local midnight, not 24 hours after the key was made', async () => {
    clock.set(Math.max(clock.now(), new Date(2025, 5, 10, 22, 0, 0).getTime()));
    const k = await generateKey(gw.url, MASTER, { max_budget: 2.5 * reservation, budget_duration: '1d' });
    const midnight = new Date(2025, 5, 11).getTime();
    expect((await keyInfo(gw.url, MASTER, k.id)).budget_reset_at).toBe(new Date(midnight).toISOString());
    const app = client(k.key);
    for (let i = 0; i < 2; i++)
      await app.chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION });

    clock.set(midnight - 1);
    const late = await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION });
    expect(late.status).toBe(429);
    expect(late.body.error.message).toContain(new Date(midnight).toISOString());

    clock.set(midnight);
    const fresh = await keyInfo(gw.url, MASTER, k.id);
    expect(fresh.spend).toBe(0);
    expect(fresh.total_spend).toBeCloseTo(2 * trueCost, 12);
    expect(fresh.budget_reset_at).toBe(new Date(2025, 5, 12).toISOString());
    for (let i = 0; i < 2; i++)
      await app.chat.completions.create({ model: 'cloud', messages, max_tokens: COMPLETION });
    expect((await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: COMPLETION })).status).toBe(
      429,
    );

    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.spend).toBeCloseTo(2 * trueCost, 12);
    expect(info.total_spend).toBeCloseTo(4 * trueCost, 12);
    expect(rowsOf(k.id).filter((r) => r.status === 200)).toHaveLength(4);
    expect(ledgerSpend(k.id)).toBeCloseTo(info.total_spend, 12);
  });
});
