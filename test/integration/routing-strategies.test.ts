// How each routing_strategy spreads real requests over an alias's deployments (fake upstreams count
// what they receive). routing_strategy is gateway-wide, so each strategy gets its own gateway.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { pool } from '../support/routing-helpers.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';
import { waitFor } from '../support/wait-for.ts';

const MASTER = 'sk-master-strategies';
const messages = [{ role: 'user' as const, content: 'hi' }];

interface Setup {
  gw: TestGateway;
  fakes: FakeUpstream[];
  client: OpenAI;
}

/** One alias `pool` with a deployment per fake; `params[i]` is added to deployment i's litellm_params. */
async function setup(strategy: string, params: string[], settings = ''): Promise<Setup> {
  const fakes = await Promise.all(params.map(() => startFakeOpenAI()));
  const entries = params.map(
    (extra, i) =>
      `  - model_name: pool\n    litellm_params: { model: openai/fake-model, api_base: "${fakes[i]!.url}", api_key: sk-up${extra ? `, ${extra}` : ''} }\n    model_info: { id: d${i} }`,
  );
  const gw = await startTestGateway(`
model_list:
${entries.join('\n')}
router_settings:
  routing_strategy: ${strategy}
${settings}
general_settings: { master_key: ${MASTER} }
`);
  return { gw, fakes, client: new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 }) };
}

async function teardown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  await s.gw.close();
  await Promise.all(s.fakes.map((f) => f.close()));
}

async function chatOnce(gw: TestGateway): Promise<Response> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'pool', messages }),
  });
  await res.arrayBuffer();
  return res;
}

describe('simple-shuffle', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('simple-shuffle', ['weight: 3', 'weight: 1']);
  });
  afterAll(() => teardown(s));

  it('splits traffic by weight (3:1) over 2,000 requests', async () => {
    const n = 2_000;
    const statuses = await pool(n, 50, async () => (await chatOnce(s.gw)).status);
    expect(statuses.every((st) => st === 200)).toBe(true);
    const heavy = s.fakes[0]!.requests.length;
    expect(heavy + s.fakes[1]!.requests.length).toBe(n);
    // Binomial(n, 0.75): ±5 standard deviations is a false alarm about once in 1.7 million runs.
    const sd = Math.sqrt(n * 0.75 * 0.25);
    expect(Math.abs(heavy - n * 0.75)).toBeLessThanOrEqual(5 * sd);
  });
});

describe('order', () => {
  let s: Setup;
  beforeAll(async () => {
    // Listed out of order on purpose: `order`, not the list, decides.
    s = await setup('order', ['order: 2', 'order: 1'], '  num_retries: 0\n  cooldown_time: 0');
  });
  afterAll(() => teardown(s));

  it('always uses order 1 while it is healthy', async () => {
    for (let i = 0; i < 20; i++) await s.client.chat.completions.create({ model: 'pool', messages });
    expect(s.fakes[1]!.requests).toHaveLength(20);
    expect(s.fakes[0]!.requests).toHaveLength(0);
  });

  it('uses order 2 when order 1 fails', async () => {
    s.fakes[1]!.setBehavior({ error: { status: 500, message: 'primary down' } });
    for (let i = 0; i < 5; i++) await s.client.chat.completions.create({ model: 'pool', messages });
    expect(s.fakes[0]!.requests).toHaveLength(5);
    expect(s.gw.rows()[0]!.attempts.map((a) => [a.deployment, a.status])).toEqual([
      ['d1', 502],
      ['d0', 200],
    ]);
  });
});

describe('least-busy', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('least-busy', ['', '']);
  });
  afterAll(() => teardown(s));

  it('sends each new request to the deployment with fewer in flight', async () => {
    // Both hold every request open, so the in-flight counts only grow while requests are started.
    for (const f of s.fakes) f.setBehavior({ latencyMs: 1_500 });
    const total = () => s.fakes[0]!.requests.length + s.fakes[1]!.requests.length;
    const pending: Promise<Response>[] = [];
    for (let i = 1; i <= 10; i++) {
      pending.push(chatOnce(s.gw));
      await waitFor(() => total() === i, `request ${i} to reach an upstream`);
      // With counts balanced before each odd request, the even one must go to the other deployment.
      if (i % 2 === 0) expect(s.fakes[0]!.requests.length).toBe(i / 2);
    }
    expect(s.fakes[0]!.requests).toHaveLength(5);
    expect(s.fakes[1]!.requests).toHaveLength(5);
    const done = await Promise.all(pending);
    expect(done.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});

describe('least-busy with streams', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('least-busy', ['', '']);
  });
  afterAll(() => teardown(s));

  it('counts a stream as in flight until it ends', async () => {
    for (const f of s.fakes) f.setBehavior({ chunkDelayMs: 100, chunks: 10 });
    const stream = await s.client.chat.completions.create({ model: 'pool', messages, stream: true });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    const inflight = () => s.gw.runtime.health.inflight('d0') + s.gw.runtime.health.inflight('d1');
    try {
      // The stream is open and still sending: least-busy must see it.
      expect(inflight()).toBe(1);
    } finally {
      while (!(await it.next()).done);
    }
  });
});

describe('latency-based-routing', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('latency-based-routing', ['', '']);
  });
  afterAll(() => teardown(s));

  it('prefers the faster deployment once both are measured', async () => {
    s.fakes[0]!.setBehavior({ latencyMs: 150 });
    // Warm-up: unmeasured deployments go first, so both get a sample.
    for (let i = 0; i < 4; i++) await chatOnce(s.gw);
    expect(s.fakes[0]!.requests.length).toBeGreaterThan(0);
    expect(s.fakes[1]!.requests.length).toBeGreaterThan(0);
    const slowBefore = s.fakes[0]!.requests.length;
    for (let i = 0; i < 30; i++) await chatOnce(s.gw);
    expect(s.fakes[0]!.requests.length).toBe(slowBefore);
    expect(s.gw.rows()[0]!.deployment_id).toBe('d1');
  });
});
