// Cooldown bookkeeping with an injected clock: no real waiting.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../main/gateway/errors.ts';
import { DeploymentHealth } from '../../../main/gateway/routing/deployment-health.ts';

const policy = { allowedFails: 3, cooldownMs: 5_000 };

function setup(start = 1_000_000) {
  const clock = { now: start };
  const h = new DeploymentHealth(() => clock.now);
  const events: [string, boolean, string][] = [];
  h.onCooldown((id, cooling, reason) => events.push([id, cooling, reason]));
  return { clock, h, events };
}

const upstream = (status: number) =>
  new GatewayError(502, status === 401 ? 'upstream_auth_failed' : 'upstream_error', 'x', {
    upstreamStatus: status,
    retryable: status >= 500,
  });
const unreachable = () => new GatewayError(503, 'upstream_unavailable', 'refused', { retryable: true });

describe('DeploymentHealth cooldowns', () => {
  it('cools down after allowed_fails failures within a minute, for cooldown_time', () => {
    const { clock, h, events } = setup();
    h.failure('d', upstream(500), policy);
    h.failure('d', upstream(500), policy);
    expect(h.isCooling('d')).toBe(false);
    h.failure('d', unreachable(), policy);
    expect(h.isCooling('d')).toBe(true);
    expect(events).toEqual([['d', true, '503 upstream_unavailable']]);

    clock.now += 4_999;
    expect(h.isCooling('d')).toBe(true);
    clock.now += 1;
    expect(h.isCooling('d')).toBe(false);
    expect(events.at(-1)).toEqual(['d', false, 'cooldown over']);
  });

  it('forgets failures older than a minute', () => {
    const { clock, h } = setup();
    h.failure('d', upstream(500), policy);
    h.failure('d', upstream(500), policy);
    clock.now += 60_001;
    h.failure('d', upstream(500), policy);
    expect(h.isCooling('d')).toBe(false);
    expect(h.snapshot(['d'])[0]!.recent_failures).toBe(1);
  });

  it.each([401, 403, 404, 429])('cools down at once on an upstream %i', (status) => {
    const { h, events } = setup();
    h.failure('d', upstream(status), policy);
    expect(h.isCooling('d')).toBe(true);
    expect(events).toHaveLength(1);
  });

  it('does not cool down when cooldown_time is 0', () => {
    const { h, events } = setup();
    for (let i = 0; i < 5; i++) h.failure('d', upstream(401), { allowedFails: 1, cooldownMs: 0 });
    expect(h.isCooling('d')).toBe(false);
    expect(events).toEqual([]);
  });

  it('does not extend a cooldown, nor announce it twice, on failures while cooling', () => {
    const { clock, h, events } = setup();
    h.failure('d', upstream(429), policy);
    clock.now += 3_000;
    h.failure('d', upstream(429), policy);
    expect(events).toHaveLength(1);
    clock.now += 2_000;
    expect(h.isCooling('d')).toBe(false);
  });

  it('starts counting afresh after a cooldown ends', () => {
    const { clock, h } = setup();
    for (let i = 0; i < 3; i++) h.failure('d', upstream(500), policy);
    clock.now += 5_000;
    expect(h.isCooling('d')).toBe(false);
    h.failure('d', upstream(500), policy);
    expect(h.isCooling('d')).toBe(false);
  });

  it('keeps deployments apart', () => {
    const { h } = setup();
    h.failure('a', upstream(401), policy);
    expect(h.isCooling('a')).toBe(true);
    expect(h.isCooling('b')).toBe(false);
  });
});

describe('DeploymentHealth in flight and latency', () => {
  it('counts requests in flight, never below zero', () => {
    const { h } = setup();
    h.begin('d');
    h.begin('d');
    expect(h.inflight('d')).toBe(2);
    h.end('d');
    h.end('d');
    h.end('d');
    expect(h.inflight('d')).toBe(0);
    expect(h.inflight('unknown')).toBe(0);
  });

  it('keeps an exponential moving average of latency (newest weighs 0.3)', () => {
    const { h } = setup();
    expect(h.latency('d')).toBeUndefined();
    h.success('d', 100);
    expect(h.latency('d')).toBe(100);
    h.success('d', 200);
    expect(h.latency('d')).toBeCloseTo(130);
  });

  it('snapshots cooldown, failures, in flight, latency and the last error', () => {
    const { clock, h } = setup(Date.parse('2030-01-01T00:00:00Z'));
    h.success('d', 12.345);
    h.begin('d');
    h.failure('d', upstream(401), policy);
    expect(h.snapshot(['d', 'other'])).toEqual([
      {
        id: 'd',
        cooling_until: '2030-01-01T00:00:05.000Z',
        recent_failures: 1,
        inflight: 1,
        latency_ms: 12.35,
        last_error: '502 upstream_auth_failed',
      },
      {
        id: 'other',
        cooling_until: null,
        recent_failures: 0,
        inflight: 0,
        latency_ms: null,
        last_error: null,
      },
    ]);
    clock.now += 5_000;
    expect(h.snapshot(['d'])[0]).toMatchObject({ cooling_until: null, recent_failures: 0 });
  });

  it('stops notifying a listener once it unsubscribes', () => {
    const h = new DeploymentHealth(() => 0);
    const seen: string[] = [];
    const off = h.onCooldown((id) => seen.push(id));
    h.failure('a', upstream(401), { allowedFails: 3, cooldownMs: 10 });
    off();
    h.failure('b', upstream(401), { allowedFails: 3, cooldownMs: 10 });
    expect(seen).toEqual(['a']);
  });
});
