// Retries, fallbacks, timeouts, context windows and cooldowns, seen through the official `openai` client
// (its own retries off, so every retry is the gateway's) and checked in the ledger's attempt chain.
import type { APIError } from 'openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../main/gateway/events.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { allRows, closedPort, pool } from '../support/routing-helpers.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';
import { waitFor } from '../support/wait-for.ts';

const MASTER = 'sk-master-routing';
const messages = [{ role: 'user' as const, content: 'Say something please' }];

function clientFor(gw: TestGateway): OpenAI {
  return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 });
}

const chain = (gw: TestGateway) =>
  gw.rows()[0]!.attempts.map((a) => [a.deployment.split('#')[0], a.status, a.code]);

async function expectStatus(p: Promise<unknown>, status: number): Promise<APIError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect((err as APIError).status).toBe(status);
  return err as APIError;
}

describe('retries and fallbacks', () => {
  const fakes: Record<string, FakeUpstream> = {};
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    for (const name of ['flaky', 'backup', 'hangs', 'slow', 'drops', 'broken', 'retryafter', 'nofb'])
      fakes[name] = await startFakeOpenAI();
    fakes.hangs!.setBehavior({ hang: true });
    const dead = await closedPort();
    const entry = (alias: string, url: string, extra = '') =>
      `  - model_name: ${alias}\n    litellm_params: { model: openai/fake-model, api_base: "${url}", api_key: sk-up${extra} }\n    model_info: { id: ${alias} }`;
    gw = await startTestGateway(`
model_list:
${entry('flaky', fakes.flaky!.url)}
${entry('backup', fakes.backup!.url)}
${entry('refused', `http://127.0.0.1:${dead}/v1`)}
${entry('hangs', fakes.hangs!.url, ', timeout: 0.3, stream_timeout: 0.3')}
${entry('slow', fakes.slow!.url, ', stream_timeout: 0.3')}
${entry('drops', fakes.drops!.url)}
${entry('broken', fakes.broken!.url)}
${entry('retryafter', fakes.retryafter!.url)}
${entry('nofb', fakes.nofb!.url)}
router_settings:
  num_retries: 2
  cooldown_time: 0
  max_retry_after: 2
  fallbacks:
    - { flaky: [backup] }
    - { refused: [backup] }
    - { hangs: [backup] }
    - { slow: [backup] }
    - { drops: [] }
    - { broken: [backup] }
    - { retryafter: [backup] }
  default_fallbacks: [backup]
general_settings: { master_key: ${MASTER} }
`);
    client = clientFor(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  });

  beforeEach(() => {
    for (const f of Object.values(fakes)) f.reset();
    fakes.hangs!.setBehavior({ hang: true });
  });

  it.each([500, 503])('retries %i num_retries times, then falls back', async (status) => {
    fakes.flaky!.setBehavior({ error: { status, message: 'upstream is unwell' } });
    const res = await client.chat.completions.create({ model: 'flaky', messages });
    expect(res.choices[0]?.message.content).toBeTruthy();
    // One try plus num_retries (2) on the only deployment, then the fallback.
    expect(fakes.flaky!.requests).toHaveLength(3);
    expect(fakes.backup!.requests).toHaveLength(1);
    const code = status === 503 ? 'upstream_unavailable' : 'upstream_error';
    const mapped = status === 503 ? 503 : 502;
    expect(chain(gw)).toEqual([
      ['flaky', mapped, code],
      ['flaky', mapped, code],
      ['flaky', mapped, code],
      ['backup', 200, null],
    ]);
    expect(gw.rows()[0]).toMatchObject({ status: 200, deployment_id: 'backup', alias: 'flaky' });
  });

  it('succeeds on a retry of the same deployment without falling back', async () => {
    fakes.flaky!.setBehavior({ error: { status: 500, message: 'blip', times: 1 } });
    await client.chat.completions.create({ model: 'flaky', messages });
    expect(fakes.flaky!.requests).toHaveLength(2);
    expect(fakes.backup!.requests).toHaveLength(0);
    expect(chain(gw)).toEqual([
      ['flaky', 502, 'upstream_error'],
      ['flaky', 200, null],
    ]);
  });

  it('waits for Retry-After on a 429 and retries the same deployment', async () => {
    fakes.retryafter!.setBehavior({
      error: { status: 429, message: 'slow down', times: 1, headers: { 'retry-after': '1' } },
    });
    await client.chat.completions.create({ model: 'retryafter', messages });
    const [first, second] = fakes.retryafter!.requests;
    expect(fakes.retryafter!.requests).toHaveLength(2);
    expect(fakes.backup!.requests).toHaveLength(0);
    // The backoff alone is at most a few dozen ms: a gap near a second is the Retry-After being honoured.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(chain(gw)).toEqual([
      ['retryafter', 429, 'rate_limit_exceeded'],
      ['retryafter', 200, null],
    ]);
  });

  it('does not wait for a Retry-After beyond max_retry_after: it falls back instead', async () => {
    fakes.retryafter!.setBehavior({
      error: { status: 429, message: 'come back later', headers: { 'retry-after': '30' } },
    });
    await client.chat.completions.create({ model: 'retryafter', messages });
    expect(fakes.retryafter!.requests).toHaveLength(1);
    expect(chain(gw)).toEqual([
      ['retryafter', 429, 'rate_limit_exceeded'],
      ['backup', 200, null],
    ]);
  });

  it('falls back when the upstream refuses connections', async () => {
    await client.chat.completions.create({ model: 'refused', messages });
    const attempts = chain(gw);
    expect(attempts.at(-1)).toEqual(['backup', 200, null]);
    expect(attempts.slice(0, -1)).toEqual(Array(3).fill(['refused', 503, 'upstream_unavailable']));
  });

  it('times out a hanging upstream (timeout) and falls back', async () => {
    await client.chat.completions.create({ model: 'hangs', messages });
    expect(fakes.hangs!.requests).toHaveLength(3);
    expect(chain(gw)).toEqual([...Array(3).fill(['hangs', 504, 'upstream_timeout']), ['backup', 200, null]]);
    await fakes.hangs!.waitForAborts(3);
  });

  it('times out a hanging upstream on a stream (stream_timeout) and falls back', async () => {
    const stream = await client.chat.completions.create({ model: 'hangs', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the fake upstream, nice to meet you.');
    expect(chain(gw)).toEqual([...Array(3).fill(['hangs', 504, 'upstream_timeout']), ['backup', 200, null]]);
  });

  it('falls back when a stream sends headers but no first token within stream_timeout', async () => {
    fakes.slow!.setBehavior({ firstTokenDelayMs: 2_000 });
    const stream = await client.chat.completions.create({ model: 'slow', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the fake upstream, nice to meet you.');
    expect(fakes.backup!.requests).toHaveLength(1);
    expect(chain(gw)).toEqual([...Array(3).fill(['slow', 504, 'upstream_timeout']), ['backup', 200, null]]);
    expect(gw.rows()[0]).toMatchObject({ status: 200, streamed: true, deployment_id: 'backup' });
  });

  it('ends the stream with an error (not success) when the upstream drops mid-stream, with partial usage', async () => {
    fakes.drops!.setBehavior({ dropAfterChunks: 3, chunkDelayMs: 20 });
    const stream = await client.chat.completions.create({ model: 'drops', messages, stream: true });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    // The chunk written just before the socket is destroyed may be lost in transit.
    expect(text).toMatch(/^Hello from /);
    expect('Hello from the fake upstream, nice to meet you.'.startsWith(text)).toBe(true);
    // No retry after bytes reached the client: that would duplicate output.
    expect(fakes.drops!.requests).toHaveLength(1);
    expect(fakes.backup!.requests).toHaveLength(0);
    const row = gw.rows()[0]!;
    expect(row.status).toBeGreaterThanOrEqual(500);
    expect(row.error_code).toBe('upstream_error');
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.estimated).toBe(true);
    expect(row.attempts).toHaveLength(1);
    expect(row.attempts[0]).toMatchObject({ deployment: 'drops', code: 'upstream_error' });
  });

  it('retries, then falls back, on a 200 whose JSON does not parse', async () => {
    fakes.broken!.setBehavior({ malformedJson: true });
    const res = await client.chat.completions.create({ model: 'broken', messages });
    expect(res.choices[0]?.message.content).toBeTruthy();
    expect(fakes.broken!.requests).toHaveLength(3);
    expect(chain(gw)).toEqual([...Array(3).fill(['broken', 502, 'upstream_error']), ['backup', 200, null]]);
  });

  it('does not retry or fall back on an upstream 400', async () => {
    fakes.flaky!.setBehavior({ error: { status: 400, message: 'bad parameter', code: 'invalid_value' } });
    const err = await expectStatus(client.chat.completions.create({ model: 'flaky', messages }), 400);
    expect(err.message).toContain('bad parameter');
    expect(fakes.flaky!.requests).toHaveLength(1);
    expect(fakes.backup!.requests).toHaveLength(0);
    expect(chain(gw)).toEqual([['flaky', 400, 'invalid_request']]);
  });

  it('does not retry an upstream 401 (one request to it; the fallback answers)', async () => {
    fakes.flaky!.setBehavior({ apiKey: 'sk-something-else' });
    await client.chat.completions.create({ model: 'flaky', messages });
    expect(fakes.flaky!.requests).toHaveLength(1);
    expect(chain(gw)).toEqual([
      ['flaky', 502, 'upstream_auth_failed'],
      ['backup', 200, null],
    ]);
  });

  it('applies default_fallbacks to an alias without its own fallbacks', async () => {
    fakes.nofb!.setBehavior({ error: { status: 503, message: 'down' } });
    await client.chat.completions.create({ model: 'nofb', messages });
    expect(fakes.backup!.requests).toHaveLength(1);
    expect(chain(gw).at(-1)).toEqual(['backup', 200, null]);
    expect(chain(gw).filter((a) => a[0] === 'nofb')).toHaveLength(3);
  });

  it('does not apply default_fallbacks to an alias with its own (empty) fallbacks', async () => {
    fakes.drops!.setBehavior({ error: { status: 500, message: 'down' } });
    await expectStatus(client.chat.completions.create({ model: 'drops', messages }), 502);
    expect(fakes.backup!.requests).toHaveLength(0);
    expect(fakes.drops!.requests).toHaveLength(3);
  });
});

describe('context window fallbacks', () => {
  let small: FakeUpstream;
  let big: FakeUpstream;
  let tiny: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  const longPrompt = Array.from({ length: 400 }, (_, i) => `token${i}`).join(' ');

  beforeAll(async () => {
    small = await startFakeOpenAI();
    big = await startFakeOpenAI();
    tiny = await startFakeOpenAI();
    gw = await startTestGateway(`
model_list:
  - model_name: small
    litellm_params: { model: openai/fake-model, api_base: "${small.url}", api_key: sk-up }
    model_info: { id: small, max_input_tokens: 50 }
  - model_name: big
    litellm_params: { model: openai/fake-model, api_base: "${big.url}", api_key: sk-up }
    model_info: { id: big }
  - model_name: tiny
    litellm_params: { model: openai/fake-model, api_base: "${tiny.url}", api_key: sk-up }
    model_info: { id: tiny, max_input_tokens: 50 }
router_settings:
  num_retries: 1
  context_window_fallbacks: [{ small: [big] }]
general_settings: { master_key: ${MASTER} }
`);
    client = clientFor(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all([small, big, tiny].map((f) => f?.close()));
  });

  beforeEach(() => {
    for (const f of [small, big, tiny]) f.reset();
  });

  it('sends a prompt too long for the small alias straight to the big one', async () => {
    await client.chat.completions.create({
      model: 'small',
      messages: [{ role: 'user', content: longPrompt }],
    });
    expect(small.requests).toHaveLength(0);
    expect(big.requests).toHaveLength(1);
    expect(chain(gw)).toEqual([
      ['small', 400, 'context_length_exceeded'],
      ['big', 200, null],
    ]);
  });

  it('keeps a short prompt on the small alias', async () => {
    await client.chat.completions.create({ model: 'small', messages });
    expect(small.requests).toHaveLength(1);
    expect(big.requests).toHaveLength(0);
  });

  it('falls back when the upstream itself answers 400 context_length_exceeded', async () => {
    small.setBehavior({
      error: { status: 400, message: 'too long for me', code: 'context_length_exceeded', times: 1 },
    });
    await client.chat.completions.create({ model: 'small', messages });
    expect(small.requests).toHaveLength(1);
    expect(big.requests).toHaveLength(1);
    expect(chain(gw)).toEqual([
      ['small', 400, 'context_length_exceeded'],
      ['big', 200, null],
    ]);
  });

  it('answers 400 context_length_exceeded, with counted and allowed tokens, when no bigger route exists', async () => {
    const err = await expectStatus(
      client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: longPrompt }] }),
      400,
    );
    expect(err.code).toBe('context_length_exceeded');
    const counted = /has (\d+) tokens/.exec(err.message)?.[1];
    expect(Number(counted)).toBeGreaterThan(50);
    expect(err.message).toContain('allows 50');
    expect(tiny.requests).toHaveLength(0);
    expect(gw.rows()[0]).toMatchObject({ status: 400, error_code: 'context_length_exceeded' });
  });
});

describe('cooldowns', () => {
  let first: FakeUpstream;
  let second: FakeUpstream;
  let locked: FakeUpstream;
  let spare: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  const events: GatewayEvent[] = [];
  let dead: number;

  beforeAll(async () => {
    [first, second, locked, spare] = await Promise.all([
      startFakeOpenAI(),
      startFakeOpenAI(),
      startFakeOpenAI({ apiKey: 'sk-not-what-the-gateway-sends' }),
      startFakeOpenAI(),
    ]);
    dead = await closedPort();
    gw = await startTestGateway(`
model_list:
  - model_name: pair
    litellm_params: { model: openai/fake-model, api_base: "${first.url}", api_key: sk-up, order: 1 }
    model_info: { id: first }
  - model_name: pair
    litellm_params: { model: openai/fake-model, api_base: "${second.url}", api_key: sk-up, order: 2 }
    model_info: { id: second }
  - model_name: auth
    litellm_params: { model: openai/fake-model, api_base: "${locked.url}", api_key: sk-up, order: 1 }
    model_info: { id: locked }
  - model_name: auth
    litellm_params: { model: openai/fake-model, api_base: "${spare.url}", api_key: sk-up, order: 2 }
    model_info: { id: spare }
  - model_name: gone
    litellm_params: { model: openai/fake-model, api_base: "http://127.0.0.1:${dead}/v1", api_key: sk-up }
    model_info: { id: gone }
router_settings:
  routing_strategy: order
  num_retries: 0
  allowed_fails: 2
  cooldown_time: 1
general_settings: { master_key: ${MASTER} }
`);
    gw.runtime.events.on((e) => events.push(e));
    client = clientFor(gw);
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all([first, second, locked, spare].map((f) => f?.close()));
  });

  it('skips a deployment after allowed_fails failures for cooldown_time, then uses it again', async () => {
    first.setBehavior({ error: { status: 500, message: 'broken' } });
    for (let i = 0; i < 2; i++) await client.chat.completions.create({ model: 'pair', messages });
    expect(first.requests).toHaveLength(2);
    expect(chain(gw)).toEqual([
      ['first', 502, 'upstream_error'],
      ['second', 200, null],
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'deployment.cooldown', deployment_id: 'first', cooling: true }),
    );

    // Cooling: the order-1 deployment is not even tried.
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'pair', messages });
    expect(first.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(7);
    expect(chain(gw)).toEqual([['second', 200, null]]);

    first.setBehavior({ error: undefined });
    await waitFor(async () => {
      await client.chat.completions.create({ model: 'pair', messages });
      return first.requests.length === 3;
    }, 'the cooled deployment to come back');
    expect(chain(gw)).toEqual([['first', 200, null]]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'deployment.cooldown', deployment_id: 'first', cooling: false }),
    );
  });

  it('cools a deployment down at once on an upstream 401', async () => {
    await client.chat.completions.create({ model: 'auth', messages });
    expect(chain(gw)).toEqual([
      ['locked', 502, 'upstream_auth_failed'],
      ['spare', 200, null],
    ]);
    await client.chat.completions.create({ model: 'auth', messages });
    expect(locked.requests).toHaveLength(1);
    expect(chain(gw)).toEqual([['spare', 200, null]]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'deployment.cooldown', deployment_id: 'locked', cooling: true }),
    );
  });

  it('GET /health lists healthy and unhealthy endpoints with latency and the router state', async () => {
    // Make sure one deployment is cooling right now.
    locked.reset();
    await client.chat.completions.create({ model: 'auth', messages });
    const res = await fetch(`${gw.url}/health`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(res.status).toBe(200);
    type Endpoint = {
      id: string;
      latency_ms: number;
      error?: string;
      router: { cooling_until: string | null; recent_failures: number; last_error: string | null };
    };
    const body = (await res.json()) as {
      healthy_endpoints: Endpoint[];
      unhealthy_endpoints: Endpoint[];
      healthy_count: number;
      unhealthy_count: number;
    };
    const ids = (list: Endpoint[]) => list.map((e) => e.id).sort();
    // `locked` answers its model list with a 401, `gone` refuses the connection.
    expect(ids(body.unhealthy_endpoints)).toEqual(['gone', 'locked']);
    expect(ids(body.healthy_endpoints)).toEqual(['first', 'second', 'spare']);
    expect(body.healthy_count).toBe(3);
    expect(body.unhealthy_count).toBe(2);
    for (const e of [...body.healthy_endpoints, ...body.unhealthy_endpoints]) {
      expect(e.latency_ms).toBeGreaterThanOrEqual(0);
    }
    const lockedEntry = body.unhealthy_endpoints.find((e) => e.id === 'locked')!;
    expect(lockedEntry.error).toBeTruthy();
    expect(lockedEntry.router.cooling_until).not.toBeNull();
    expect(lockedEntry.router.last_error).toBe('502 upstream_auth_failed');
    expect(body.healthy_endpoints.find((e) => e.id === 'spare')!.router.cooling_until).toBeNull();
  });

  it('GET /health needs the master key', async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(401);
  });

  it('tries a cooling deployment rather than failing when every deployment is cooling', async () => {
    // `gone` is the only deployment of its alias; once cooling it is still tried.
    for (let i = 0; i < 3; i++)
      await expectStatus(client.chat.completions.create({ model: 'gone', messages }), 503);
    expect(chain(gw)).toEqual([['gone', 503, 'upstream_unavailable']]);
  });
});

describe('soak: a flaky deployment among two, with a healthy fallback alias', () => {
  let flaky: FakeUpstream;
  let steady: FakeUpstream;
  let spare: FakeUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    [flaky, steady, spare] = await Promise.all([
      startFakeOpenAI({ flaky: { rate: 0.2, status: 500 } }),
      startFakeOpenAI(),
      startFakeOpenAI(),
    ]);
    gw = await startTestGateway(`
model_list:
  - model_name: main
    litellm_params: { model: openai/fake-model, api_base: "${flaky.url}", api_key: sk-up }
    model_info: { id: flaky }
  - model_name: main
    litellm_params: { model: openai/fake-model, api_base: "${steady.url}", api_key: sk-up }
    model_info: { id: steady }
  - model_name: spare
    litellm_params: { model: openai/fake-model, api_base: "${spare.url}", api_key: sk-up }
    model_info: { id: spare }
router_settings:
  num_retries: 1
  # Keep the flaky deployment in rotation, so its failures keep exercising retries.
  allowed_fails: 1000
  fallbacks: [{ main: [spare] }]
general_settings: { master_key: ${MASTER} }
`);
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all([flaky, steady, spare].map((f) => f?.close()));
  });

  it(
    'serves 5,000 requests with no client-visible error and one ledger row each',
    { timeout: 120_000 },
    async () => {
      const n = 5_000;
      const body = JSON.stringify({ model: 'main', messages });
      const statuses = await pool(n, 50, async () => {
        const res = await fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        return res.status;
      });
      expect(statuses.filter((s) => s !== 200)).toEqual([]);

      const rows = allRows(gw);
      expect(rows).toHaveLength(n);
      expect(new Set(rows.map((r) => r.id)).size).toBe(n);
      expect(rows.every((r) => r.status === 200 && r.attempts.at(-1)?.status === 200)).toBe(true);
      const retried = rows.filter((r) => r.attempts.length > 1);
      expect(retried.length).toBeGreaterThan(0);
      for (const r of retried) {
        expect(r.attempts.slice(0, -1).every((a) => a.deployment === 'flaky' && a.status === 502)).toBe(true);
      }
      // Every upstream call is in some row's chain, and nothing else reached the upstreams.
      const calls = rows.reduce((sum, r) => sum + r.attempts.length, 0);
      expect(flaky.requests.length + steady.requests.length + spare.requests.length).toBe(calls);
    },
  );
});
