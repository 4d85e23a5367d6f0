// RPM/TPM per key and per deployment over a sliding minute, and max_parallel_requests per key, against
// the real gateway with an injected clock (the limiter's minute moves only when the test says so).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { promptWords, startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { generateKey, rawChat, type RawResponse } from '../support/key-admin.ts';
import { manualClock } from '../support/manual-clock.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';
import { waitFor } from '../support/wait-for.ts';

const MASTER = 'sk-master-rate-test';
const REPLY_A = Array.from({ length: 20 }, (_, i) => `a${i}`).join(' ');
const REPLY_B = 'b says hello';
const messages = [{ role: 'user' as const, content: 'Count to three please' }];
const TOKENS_A = promptWords({ messages }) + 20;

let a: FakeUpstream;
let b: FakeUpstream;
let slow: FakeUpstream;
let gw: TestGateway;
const clock = manualClock(new Date(2025, 5, 10, 12, 0, 0).getTime());

beforeAll(async () => {
  a = await startFakeOpenAI({ reply: REPLY_A });
  b = await startFakeOpenAI({ reply: REPLY_B });
  // Ten chunks 80 ms apart: a stream stays open for most of a second.
  slow = await startFakeOpenAI({
    reply: 'one two three four five six seven eight nine ten',
    chunkDelayMs: 80,
  });
  gw = await startTestGateway(
    `
model_list:
  - model_name: cloud
    litellm_params: { model: openai/fake-model, api_base: "${a.url}" }
  - model_name: pair
    litellm_params: { model: openai/fake-model, api_base: "${a.url}", rpm: 2 }
    model_info: { id: pair-a }
  - model_name: pair
    litellm_params: { model: openai/fake-model, api_base: "${b.url}", rpm: 2 }
    model_info: { id: pair-b }
  - model_name: tpair
    litellm_params: { model: openai/fake-model, api_base: "${a.url}", tpm: ${TOKENS_A - 5} }
    model_info: { id: tpair-a }
  - model_name: tpair
    litellm_params: { model: openai/fake-model, api_base: "${b.url}" }
    model_info: { id: tpair-b }
  - model_name: slow
    litellm_params: { model: openai/fake-model, api_base: "${slow.url}" }
general_settings: { master_key: ${MASTER} }
`,
    { clock: clock.now },
  );
});

afterAll(async () => {
  await gw?.close();
  await a?.close();
  await b?.close();
  await slow?.close();
});

beforeEach(() => {
  a.reset();
  b.reset();
  slow.reset();
});

const chat = (key: string, model = 'cloud') => rawChat(gw.url, key, { model, messages });
const limitHeaders = (r: RawResponse, kind: 'requests' | 'tokens') => ({
  limit: r.headers.get(`x-ratelimit-limit-${kind}`),
  remaining: r.headers.get(`x-ratelimit-remaining-${kind}`),
  reset: r.headers.get(`x-ratelimit-reset-${kind}`),
});

describe('requests per minute per key', () => {
  it('answers 429 with Retry-After and x-ratelimit headers over the limit, and lets requests in as the minute slides', async () => {
    const k = await generateKey(gw.url, MASTER, { key_alias: 'rpm3', rpm_limit: 3 });
    const t0 = clock.now();
    const ok: RawResponse[] = [];
    for (let i = 0; i < 3; i++) {
      ok.push(await chat(k.key));
      clock.advance(1_000);
    }
    expect(ok.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ok.map((r) => limitHeaders(r, 'requests').remaining)).toEqual(['2', '1', '0']);
    for (const r of ok) expect(limitHeaders(r, 'requests').limit).toBe('3');
    // The minute started with the first request: its reset is a minute away, not "now".
    expect(limitHeaders(ok[0]!, 'requests').reset).toBe('1m0s');
    expect(limitHeaders(ok[2]!, 'requests').reset).toBe('58s');

    clock.set(t0 + 15_000);
    const over = await chat(k.key);
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect(over.body.error.message).toMatch(/requests per minute/);
    expect(over.headers.get('retry-after')).toBe('45');
    expect(limitHeaders(over, 'requests')).toEqual({ limit: '3', remaining: '0', reset: '45s' });
    // A rate limit is worth retrying later: the SDKs may (unlike a budget refusal).
    expect(over.headers.get('x-should-retry')).toBeNull();
    expect(a.requests).toHaveLength(3);
    expect(gw.rows()[0]).toMatchObject({ key_id: k.id, status: 429, error_code: 'rate_limit_exceeded' });

    const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: k.key, maxRetries: 0 });
    const err = await sdk.chat.completions.create({ model: 'cloud', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);

    // Exactly a minute after the first request it leaves the window; the other two stay a second longer.
    clock.set(t0 + 60_000);
    const back = await chat(k.key);
    expect(back.status).toBe(200);
    expect(limitHeaders(back, 'requests').remaining).toBe('0');
    expect((await chat(k.key)).status).toBe(429);
    clock.set(t0 + 62_000);
    expect((await chat(k.key)).status).toBe(200);
    expect(a.requests).toHaveLength(5);
  });
});

describe('tokens per minute per key', () => {
  it('refuses once the minute’s tokens are used, with the token headers', async () => {
    const limit = TOKENS_A + 15;
    const k = await generateKey(gw.url, MASTER, { tpm_limit: limit });
    const t0 = clock.now();
    const first = await chat(k.key);
    expect(first.status).toBe(200);
    expect(limitHeaders(first, 'tokens')).toMatchObject({ limit: String(limit), remaining: String(limit) });
    clock.advance(10_000);
    const second = await chat(k.key);
    expect(second.status).toBe(200);
    expect(limitHeaders(second, 'tokens').remaining).toBe('15');

    clock.advance(10_000);
    const over = await chat(k.key);
    expect(over.status).toBe(429);
    expect(over.body.error.message).toMatch(/tokens per minute/);
    expect(limitHeaders(over, 'tokens')).toEqual({ limit: String(limit), remaining: '0', reset: '40s' });
    expect(over.headers.get('retry-after')).toBe('40');

    clock.set(t0 + 60_000);
    const back = await chat(k.key);
    expect(back.status).toBe(200);
    expect(limitHeaders(back, 'tokens').remaining).toBe(String(limit - TOKENS_A));
  });
});

describe('parallel requests per key', () => {
  it('refuses a request beyond max_parallel_requests while others are open, and admits it after', async () => {
    const k = await generateKey(gw.url, MASTER, { max_parallel_requests: 2 });
    const open = async () => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${k.key}` },
        body: JSON.stringify({ model: 'slow', messages, stream: true }),
      });
      expect(res.status).toBe(200);
      return res;
    };
    const streams = [await open(), await open()];
    const over = await chat(k.key, 'slow');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toMatch(/parallel requests/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A request that is refused holds no slot.
    expect((await chat(k.key, 'slow')).status).toBe(429);

    const text = await streams[0]!.text();
    expect(text).toContain('data: [DONE]');
    const res = await rawChat(gw.url, k.key, { model: 'slow', messages, stream: true });
    expect(res.status).toBe(200);
    await streams[1]!.text();
    expect(slow.requests).toHaveLength(3);
  });

  it('frees the slot of a stream the client abandons', async () => {
    const k = await generateKey(gw.url, MASTER, { max_parallel_requests: 1 });
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${k.key}` },
      body: JSON.stringify({ model: 'slow', messages, stream: true }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect((await chat(k.key, 'slow')).status).toBe(429);
    ac.abort();
    await waitFor(
      () => gw.rows().some((r) => r.key_id === k.id && r.status === 499),
      'the abandoned stream to be recorded',
    );
    expect((await chat(k.key)).status).toBe(200);
  });
});

describe('per-deployment limits', () => {
  // The routing strategy decides which deployment goes first; the limits decide which may go at all.
  it('skips a deployment at its rpm for another of the same alias; 429 only when all are at their limit', async () => {
    const t0 = clock.now();
    const served: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await chat(MASTER, 'pair');
      expect(r.status).toBe(200);
      served.push(r.headers.get('x-switchyard-deployment'));
    }
    expect(served.filter((d) => d === 'pair-a')).toHaveLength(2);
    expect(served.filter((d) => d === 'pair-b')).toHaveLength(2);
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(2);

    clock.advance(20_000);
    const over = await chat(MASTER, 'pair');
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limit_exceeded');
    expect(over.headers.get('retry-after')).toBe('40');
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toHaveLength(2);

    clock.set(t0 + 60_000);
    expect((await chat(MASTER, 'pair')).status).toBe(200);
    expect(a.requests.length + b.requests.length).toBe(5);
    clock.advance(61_000);
  });

  it('applies to every caller alike: per-app keys share the deployment’s minute', async () => {
    const k1 = await generateKey(gw.url, MASTER, {});
    const k2 = await generateKey(gw.url, MASTER, {});
    for (const key of [k1.key, k2.key, k1.key, k2.key]) expect((await chat(key, 'pair')).status).toBe(200);
    expect([a.requests.length, b.requests.length]).toEqual([2, 2]);
    expect((await chat(k1.key, 'pair')).status).toBe(429);
    clock.advance(61_000);
  });

  it('skips a deployment whose tpm the last minute used up', async () => {
    const t0 = clock.now();
    // tpair-a's share (its tpm) makes it the likely first pick; go until it has served one request.
    let first: string | null = null;
    for (let i = 0; i < 50 && first !== 'tpair-a'; i++) {
      first = (await chat(MASTER, 'tpair')).headers.get('x-switchyard-deployment');
    }
    expect(first).toBe('tpair-a');
    for (let i = 0; i < 5; i++) {
      const r = await chat(MASTER, 'tpair');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-switchyard-deployment')).toBe('tpair-b');
      expect(r.body.choices[0].message.content).toBe(REPLY_B);
    }
    expect(a.requests).toHaveLength(1);
    clock.set(t0 + 60_000);
    let back = false;
    for (let i = 0; i < 50 && !back; i++) {
      back = (await chat(MASTER, 'tpair')).headers.get('x-switchyard-deployment') === 'tpair-a';
    }
    expect(back).toBe(true);
  });
});
