// Requests and tokens per sliding minute, per key and per deployment, and parallel requests per key.
// In memory: limits protect the upstream and the user's wallet from bursts, and restart with the process.
const WINDOW_MS = 60_000;

/** Weighted events in the last minute: weight 1 per request, or the tokens a request used. */
class Window {
  readonly #times: number[] = [];
  readonly #weights: number[] = [];
  #sum = 0;

  #prune(now: number): void {
    const cutoff = now - WINDOW_MS;
    let drop = 0;
    while (drop < this.#times.length && this.#times[drop]! <= cutoff) this.#sum -= this.#weights[drop++]!;
    if (drop > 0) {
      this.#times.splice(0, drop);
      this.#weights.splice(0, drop);
    }
  }

  add(now: number, weight: number): void {
    // Windows nobody reads (tokens of a key without a TPM limit) would otherwise grow forever.
    this.#prune(now);
    this.#sum += weight;
    // Events of the same millisecond share an entry: exact (the clock ticks in ms), and a busy key's
    // minute holds at most 60,000 entries instead of one per request (850,000 at 14,000 requests/s).
    const last = this.#times.length - 1;
    if (last >= 0 && this.#times[last] === now) {
      this.#weights[last]! += weight;
      return;
    }
    this.#times.push(now);
    this.#weights.push(weight);
  }

  sum(now: number): number {
    this.#prune(now);
    return this.#sum;
  }

  /** Milliseconds until the oldest event leaves the window. */
  resetMs(now: number): number {
    this.#prune(now);
    const first = this.#times[0];
    return first === undefined ? 0 : Math.max(0, first + WINDOW_MS - now);
  }
}

export interface Limits {
  rpm: number | null | undefined;
  tpm: number | null | undefined;
  parallel?: number | null | undefined;
}

export interface LimitState {
  limitRequests?: number;
  remainingRequests?: number;
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

export type LimitVerdict =
  { ok: true; state: LimitState } | { ok: false; which: string; retryAfterMs: number; state: LimitState };

export class RateLimiter {
  readonly #requests = new Map<string, Window>();
  readonly #tokens = new Map<string, Window>();
  readonly #parallel = new Map<string, number>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  #win(map: Map<string, Window>, id: string): Window {
    let w = map.get(id);
    if (!w) map.set(id, (w = new Window()));
    return w;
  }

  state(id: string, limits: Limits): LimitState {
    const now = this.#clock();
    const s: LimitState = {};
    if (limits.rpm) {
      const w = this.#win(this.#requests, id);
      s.limitRequests = limits.rpm;
      s.remainingRequests = Math.max(0, limits.rpm - w.sum(now));
      s.resetRequestsMs = w.resetMs(now);
    }
    if (limits.tpm) {
      const w = this.#win(this.#tokens, id);
      s.limitTokens = limits.tpm;
      s.remainingTokens = Math.max(0, limits.tpm - w.sum(now));
      s.resetTokensMs = w.resetMs(now);
    }
    return s;
  }

  /** Checks the limits and, when they allow it, counts the request (and one parallel slot). */
  admit(id: string, limits: Limits): LimitVerdict {
    const state = this.state(id, limits);
    if (state.remainingRequests === 0) {
      return { ok: false, which: 'requests per minute', retryAfterMs: state.resetRequestsMs ?? 1000, state };
    }
    if (state.remainingTokens === 0) {
      return { ok: false, which: 'tokens per minute', retryAfterMs: state.resetTokensMs ?? 1000, state };
    }
    const running = this.#parallel.get(id) ?? 0;
    if (limits.parallel && running >= limits.parallel) {
      return { ok: false, which: 'parallel requests', retryAfterMs: 1000, state };
    }
    if (limits.rpm) {
      const w = this.#win(this.#requests, id);
      const now = this.#clock();
      w.add(now, 1);
      state.remainingRequests = Math.max(0, (state.remainingRequests ?? 1) - 1);
      // The first request of an empty window starts its minute: the reset is a minute away, not 0ms.
      state.resetRequestsMs = w.resetMs(now);
    }
    this.#parallel.set(id, running + 1);
    return { ok: true, state };
  }

  /** Whether a deployment has room, without counting anything. */
  hasRoom(id: string, limits: Limits): boolean {
    const s = this.state(id, limits);
    return s.remainingRequests !== 0 && s.remainingTokens !== 0;
  }

  countRequest(id: string): void {
    this.#win(this.#requests, id).add(this.#clock(), 1);
  }

  /** Ends a request admitted by admit(): frees its parallel slot and counts its tokens. */
  finish(id: string, tokens: number, admitted = true): void {
    if (admitted) {
      const running = (this.#parallel.get(id) ?? 1) - 1;
      if (running <= 0) this.#parallel.delete(id);
      else this.#parallel.set(id, running);
    }
    if (tokens > 0) this.#win(this.#tokens, id).add(this.#clock(), tokens);
  }
}

/** OpenAI's reset format: `1s`, `6m0s`, `20ms`. */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

export function rateLimitHeaders(s: LimitState): Record<string, string> {
  const h: Record<string, string> = {};
  if (s.limitRequests !== undefined) {
    h['x-ratelimit-limit-requests'] = String(s.limitRequests);
    h['x-ratelimit-remaining-requests'] = String(s.remainingRequests ?? 0);
    h['x-ratelimit-reset-requests'] = formatReset(s.resetRequestsMs ?? 0);
  }
  if (s.limitTokens !== undefined) {
    h['x-ratelimit-limit-tokens'] = String(s.limitTokens);
    h['x-ratelimit-remaining-tokens'] = String(s.remainingTokens ?? 0);
    h['x-ratelimit-reset-tokens'] = formatReset(s.resetTokensMs ?? 0);
  }
  return h;
}
