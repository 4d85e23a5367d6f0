// Background health checks: a dead deployment cools down before any user request finds out, and the
// admin API shows it.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../main/gateway/events.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let live: FakeUpstream;
let gw: TestGateway;
const events: GatewayEvent[] = [];

beforeAll(async () => {
  live = await startFakeOpenAI();
  const dead = await closedPort();
  gw = await startTestGateway(`
model_list:
  - { model_name: chat, litellm_params: { model: openai/a, api_base: "http://127.0.0.1:${dead}/v1" }, model_info: { id: dead } }
  - { model_name: chat, litellm_params: { model: openai/b, api_base: "${live.url}" }, model_info: { id: live } }
router_settings: { allowed_fails: 1, cooldown_time: 60 }
general_settings: { master_key: sk-master, background_health_checks: true, health_check_interval: 1 }
`);
  gw.runtime.events.on((e) => events.push(e));
});

afterAll(async () => {
  await gw?.close();
  await live?.close();
});

const routerHealth = async () => {
  const res = await fetch(`${gw.url}/admin/router.health`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-master', 'content-type': 'application/json' },
    body: '{}',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; cooling_until: string | null; last_error: string | null }[];
};

describe('background health checks', () => {
  it('cool a dead deployment down without any user request, and the admin API shows it', async () => {
    const deadline = Date.now() + 10_000;
    let state = await routerHealth();
    while (!state.find((s) => s.id === 'dead')?.cooling_until && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = await routerHealth();
    }
    const dead = state.find((s) => s.id === 'dead')!;
    expect(dead.cooling_until).not.toBeNull();
    expect(dead.last_error).toMatch(/503 upstream_unavailable/);
    expect(state.find((s) => s.id === 'live')?.cooling_until).toBeNull();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'deployment.cooldown', deployment_id: 'dead', cooling: true }),
    );

    // Every user request now goes to the live deployment on the first try.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-master', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchyard-attempts')).toBe('1');
      expect(res.headers.get('x-switchyard-deployment')).toBe('live');
    }
  });
});
