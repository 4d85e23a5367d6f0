// The in-memory limiter: requests and tokens over a sliding minute, and parallel requests, with a clock
// the test moves by hand.
import { describe, expect, it } from 'vitest';
import { formatReset, RateLimiter, rateLimitHeaders } from '../../../main/gateway/budget/rate-limiter.ts';

function limiter(start = 1_000_000) {
  const clock = { now: start };
  return { clock, rl: new RateLimiter(() => clock.now) };
}

describe('requests per minute', () => {
  it('counts down and refuses the request over the limit until the oldest leaves the window', () => {
    const { clock, rl } = limiter();
    const t0 = clock.now;
    const limits = { rpm: 3, tpm: null };
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const v = rl.admit('k', limits);
      expect(v.ok).toBe(true);
      remaining.push(v.state.remainingRequests);
      clock.now += 1_000;
    }
    expect(remaining).toEqual([2, 1, 0]);
    // The first request starts the minute: the headers must not say the limit resets now.
    expect(rl.state('k', limits).resetRequestsMs).toBe(57_000);
    clock.now = t0 + 10_000;
    const refused = rl.admit('k', limits);
    expect(refused).toMatchObject({ ok: false, which: 'requests per minute', retryAfterMs: 50_000 });
    expect(refused.state).toMatchObject({ limitRequests: 3, remainingRequests: 0, resetRequestsMs: 50_000 });

    clock.now = t0 + 59_999;
    expect(rl.admit('k', limits).ok).toBe(false);
    // At exactly one minute the first request is out of the window.
    clock.now = t0 + 60_000;
    const again = rl.admit('k', limits);
    expect(again.ok).toBe(true);
    expect(again.state.remainingRequests).toBe(0);
  });

  it('slides: it frees one request at a time, not the whole minute at once', () => {
    const { clock, rl } = limiter();
    const t0 = clock.now;
    const limits = { rpm: 3, tpm: null };
    for (const at of [0, 30_000, 40_000]) {
      clock.now = t0 + at;
      expect(rl.admit('k', limits).ok).toBe(true);
    }
    clock.now = t0 + 61_000;
    expect(rl.state('k', limits).remainingRequests).toBe(1);
    expect(rl.admit('k', limits).ok).toBe(true);
    const refused = rl.admit('k', limits);
    expect(refused.ok).toBe(false);
    // The next to leave is the one from t0 + 30 s.
    expect(refused.ok || refused.retryAfterMs).toBe(29_000);
    clock.now = t0 + 90_000;
    expect(rl.admit('k', limits).ok).toBe(true);
  });

  it('does not count refused requests', () => {
    const { clock, rl } = limiter();
    const t0 = clock.now;
    const limits = { rpm: 1, tpm: null };
    expect(rl.admit('k', limits).ok).toBe(true);
    for (let i = 0; i < 10; i++) expect(rl.admit('k', limits).ok).toBe(false);
    clock.now = t0 + 60_000;
    expect(rl.admit('k', limits).ok).toBe(true);
  });

  it('keeps each id separate, and lets everything through without limits', () => {
    const { rl } = limiter();
    expect(rl.admit('a', { rpm: 1, tpm: null }).ok).toBe(true);
    expect(rl.admit('a', { rpm: 1, tpm: null }).ok).toBe(false);
    expect(rl.admit('b', { rpm: 1, tpm: null }).ok).toBe(true);
    for (let i = 0; i < 100; i++) {
      const v = rl.admit('c', { rpm: null, tpm: null });
      expect(v.ok).toBe(true);
      expect(v.state).toEqual({});
    }
  });

  it('reports the reset of the window the admitted request now belongs to', () => {
    const { rl } = limiter();
    const v = rl.admit('k', { rpm: 5, tpm: null });
    expect(v.state).toMatchObject({ limitRequests: 5, remainingRequests: 4, resetRequestsMs: 60_000 });
  });
});

describe('tokens per minute', () => {
  it('counts tokens when requests finish and refuses once none are left', () => {
    const { clock, rl } = limiter();
    const t0 = clock.now;
    const limits = { rpm: null, tpm: 50 };
    expect(rl.admit('k', limits).ok).toBe(true);
    rl.finish('k', 40);
    expect(rl.state('k', limits)).toMatchObject({
      limitTokens: 50,
      remainingTokens: 10,
      resetTokensMs: 60_000,
    });
    // Some tokens left: admitted (the request's own size is not known yet).
    clock.now = t0 + 5_000;
    expect(rl.admit('k', limits).ok).toBe(true);
    rl.finish('k', 20);
    expect(rl.state('k', limits).remainingTokens).toBe(0);
    clock.now = t0 + 20_000;
    const refused = rl.admit('k', limits);
    expect(refused).toMatchObject({ ok: false, which: 'tokens per minute', retryAfterMs: 40_000 });
    // The first 40 tokens leave; the 20 from t0 + 5 s stay.
    clock.now = t0 + 60_000;
    expect(rl.state('k', limits).remainingTokens).toBe(30);
    expect(rl.admit('k', limits).ok).toBe(true);
  });

  it('counts tokens reported without a parallel slot (admitted = false) too', () => {
    const { rl } = limiter();
    rl.finish('dep', 30, false);
    expect(rl.state('dep', { rpm: null, tpm: 30 }).remainingTokens).toBe(0);
    expect(rl.hasRoom('dep', { rpm: null, tpm: 30 })).toBe(false);
  });
});

describe('parallel requests', () => {
  it('holds a slot from admit to finish', () => {
    const { rl } = limiter();
    const limits = { rpm: null, tpm: null, parallel: 2 };
    expect(rl.admit('k', limits).ok).toBe(true);
    expect(rl.admit('k', limits).ok).toBe(true);
    expect(rl.admit('k', limits)).toMatchObject({ ok: false, which: 'parallel requests' });
    rl.finish('k', 0);
    expect(rl.admit('k', limits).ok).toBe(true);
    expect(rl.admit('k', limits).ok).toBe(false);
  });

  it('does not free a slot for a finish that held none, nor go below zero', () => {
    const { rl } = limiter();
    const limits = { rpm: null, tpm: null, parallel: 1 };
    expect(rl.admit('k', limits).ok).toBe(true);
    rl.finish('k', 0, false);
    expect(rl.admit('k', limits).ok).toBe(false);
    rl.finish('k', 0);
    rl.finish('k', 0);
    rl.finish('k', 0);
    expect(rl.admit('k', limits).ok).toBe(true);
    expect(rl.admit('k', limits).ok).toBe(false);
  });
});

describe('deployments', () => {
  it('hasRoom looks without counting; countRequest counts without a parallel slot', () => {
    const { clock, rl } = limiter();
    const t0 = clock.now;
    const limits = { rpm: 2, tpm: null };
    expect(rl.hasRoom('dep', limits)).toBe(true);
    expect(rl.hasRoom('dep', limits)).toBe(true);
    rl.countRequest('dep');
    rl.countRequest('dep');
    expect(rl.hasRoom('dep', limits)).toBe(false);
    expect(rl.state('dep', limits)).toMatchObject({ remainingRequests: 0, resetRequestsMs: 60_000 });
    clock.now = t0 + 60_000;
    expect(rl.hasRoom('dep', limits)).toBe(true);
  });
});

describe('headers', () => {
  it('formats resets the way OpenAI does', () => {
    expect(formatReset(0)).toBe('0ms');
    expect(formatReset(20)).toBe('20ms');
    expect(formatReset(999.2)).toBe('1000ms');
    expect(formatReset(1_000)).toBe('1s');
    expect(formatReset(1_500)).toBe('2s');
    expect(formatReset(59_001)).toBe('1m0s');
    expect(formatReset(60_000)).toBe('1m0s');
    expect(formatReset(61_000)).toBe('1m1s');
    expect(formatReset(360_000)).toBe('6m0s');
  });

  it('sends only the limits that are set', () => {
    expect(rateLimitHeaders({})).toEqual({});
    expect(rateLimitHeaders({ limitRequests: 10, remainingRequests: 3, resetRequestsMs: 12_000 })).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '12s',
    });
    expect(rateLimitHeaders({ limitTokens: 1000, remainingTokens: 0, resetTokensMs: 500 })).toEqual({
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '500ms',
    });
  });
});
