// orderCandidates with an injected random function, so every permutation is predictable.
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../main/gateway/config/gateway-config.ts';
import { DeploymentHealth } from '../../../main/gateway/routing/deployment-health.ts';
import type { Candidate } from '../../../main/gateway/routing/resolve-alias.ts';
import { orderCandidates } from '../../../main/gateway/routing/strategies.ts';
import { testDeployment } from '../../support/test-deployment.ts';

function candidate(id: string, extra: Partial<Deployment> = {}): Candidate {
  return { deployment: testDeployment({ id, alias: 'pool', model: 'm', ...extra }), model: 'm' };
}

/** A random function returning the given values in turn. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};
const ids = (list: Candidate[]) => list.map((c) => c.deployment.id);

describe('simple-shuffle', () => {
  const a = candidate('a', { weight: 3 });
  const b = candidate('b', { weight: 1 });

  it('picks first in proportion to weight', () => {
    // total 4: [0, 3) → a, [3, 4) → b
    expect(ids(orderCandidates('simple-shuffle', [a, b], new DeploymentHealth(), seq(0)))).toEqual([
      'a',
      'b',
    ]);
    expect(ids(orderCandidates('simple-shuffle', [a, b], new DeploymentHealth(), seq(0.74)))).toEqual([
      'a',
      'b',
    ]);
    expect(ids(orderCandidates('simple-shuffle', [a, b], new DeploymentHealth(), seq(0.75)))).toEqual([
      'b',
      'a',
    ]);
    expect(ids(orderCandidates('simple-shuffle', [a, b], new DeploymentHealth(), seq(0.999)))).toEqual([
      'b',
      'a',
    ]);
  });

  it('falls back from weight to rpm to tpm for the share', () => {
    const byRpm = [candidate('x', { rpm: 10 }), candidate('y', { rpm: 30 })];
    expect(ids(orderCandidates('simple-shuffle', byRpm, new DeploymentHealth(), seq(0.2)))).toEqual([
      'x',
      'y',
    ]);
    expect(ids(orderCandidates('simple-shuffle', byRpm, new DeploymentHealth(), seq(0.3)))).toEqual([
      'y',
      'x',
    ]);
    const byTpm = [candidate('x', { tpm: 900 }), candidate('y', { tpm: 100 })];
    expect(ids(orderCandidates('simple-shuffle', byTpm, new DeploymentHealth(), seq(0.89)))).toEqual([
      'x',
      'y',
    ]);
    expect(ids(orderCandidates('simple-shuffle', byTpm, new DeploymentHealth(), seq(0.91)))).toEqual([
      'y',
      'x',
    ]);
    // weight wins over rpm when both are set
    const mixed = [candidate('x', { weight: 1, rpm: 1000 }), candidate('y', { weight: 1, rpm: 1 })];
    expect(ids(orderCandidates('simple-shuffle', mixed, new DeploymentHealth(), seq(0.6)))).toEqual([
      'y',
      'x',
    ]);
  });

  it('returns a permutation of all candidates, each exactly once', () => {
    const list = ['a', 'b', 'c', 'd'].map((id) => candidate(id));
    // equal shares: 0.5 of 4 → c; then 0.5 of [a, b, d] → b; then 0.5 of [a, d] → d; then a
    expect(ids(orderCandidates('simple-shuffle', list, new DeploymentHealth(), seq(0.5)))).toEqual([
      'c',
      'b',
      'd',
      'a',
    ]);
  });

  it('matches the weights over many draws', () => {
    let state = 12345;
    // A small LCG: deterministic and well spread in [0, 1).
    const lcg = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let first = 0;
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      if (orderCandidates('simple-shuffle', [a, b], new DeploymentHealth(), lcg)[0]!.deployment.id === 'a')
        first++;
    }
    expect(Math.abs(first - n * 0.75)).toBeLessThanOrEqual(5 * Math.sqrt(n * 0.75 * 0.25));
  });

  it('leaves a single candidate alone and does not touch the input', () => {
    const one = [a];
    expect(orderCandidates('simple-shuffle', one, new DeploymentHealth(), seq(0.9))).toBe(one);
    const two = [a, b];
    orderCandidates('simple-shuffle', two, new DeploymentHealth(), seq(0.9));
    expect(ids(two)).toEqual(['a', 'b']);
  });
});

describe('order', () => {
  it('sorts by order, unset last, stable among equals', () => {
    const list = [
      candidate('none'),
      candidate('two', { order: 2 }),
      candidate('one', { order: 1 }),
      candidate('zero', { order: 0 }),
      candidate('two-b', { order: 2 }),
    ];
    expect(ids(orderCandidates('order', list, new DeploymentHealth(), seq(0.5)))).toEqual([
      'zero',
      'one',
      'two',
      'two-b',
      'none',
    ]);
  });
});

describe('least-busy', () => {
  it('puts the deployment with fewer requests in flight first', () => {
    const h = new DeploymentHealth();
    const list = [candidate('a'), candidate('b'), candidate('c')];
    h.begin('a');
    h.begin('a');
    h.begin('b');
    expect(ids(orderCandidates('least-busy', list, h, seq(0)))).toEqual(['c', 'b', 'a']);
    h.end('a');
    h.end('a');
    h.begin('c');
    h.begin('c');
    expect(ids(orderCandidates('least-busy', list, h, seq(0)))).toEqual(['a', 'b', 'c']);
  });

  it('breaks ties by the weighted shuffle', () => {
    const h = new DeploymentHealth();
    const list = [candidate('a'), candidate('b')];
    expect(ids(orderCandidates('least-busy', list, h, seq(0.1)))).toEqual(['a', 'b']);
    expect(ids(orderCandidates('least-busy', list, h, seq(0.9)))).toEqual(['b', 'a']);
  });
});

describe('latency-based-routing', () => {
  it('tries unmeasured deployments first, then the fastest', () => {
    const h = new DeploymentHealth();
    const list = [candidate('slow'), candidate('fast'), candidate('new')];
    h.success('slow', 200);
    h.success('fast', 20);
    expect(ids(orderCandidates('latency-based-routing', list, h, seq(0)))).toEqual(['new', 'fast', 'slow']);
    h.success('new', 100);
    expect(ids(orderCandidates('latency-based-routing', list, h, seq(0)))).toEqual(['fast', 'new', 'slow']);
  });

  it('follows the moving average as latencies change', () => {
    const h = new DeploymentHealth();
    const list = [candidate('a'), candidate('b')];
    h.success('a', 10);
    h.success('b', 50);
    expect(ids(orderCandidates('latency-based-routing', list, h, seq(0)))).toEqual(['a', 'b']);
    for (let i = 0; i < 10; i++) h.success('a', 500);
    expect(ids(orderCandidates('latency-based-routing', list, h, seq(0)))).toEqual(['b', 'a']);
  });
});
