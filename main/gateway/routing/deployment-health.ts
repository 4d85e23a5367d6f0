// What the router remembers about each deployment across requests (and config reloads, by id): recent
// failures and cooldowns, requests in flight, and latency. In memory; a restart starts afresh.
import type { GatewayError } from '../errors.ts';

const MINUTE_MS = 60_000;
/** Weight of the newest sample in the latency average. */
const LATENCY_ALPHA = 0.3;

interface State {
  failures: number[];
  coolingUntil: number;
  inflight: number;
  latencyMs: number | undefined;
  lastError: string | undefined;
}

export interface CooldownPolicy {
  allowedFails: number;
  cooldownMs: number;
}

export interface DeploymentHealthSnapshot {
  id: string;
  cooling_until: string | null;
  recent_failures: number;
  inflight: number;
  latency_ms: number | null;
  last_error: string | null;
}

export type CooldownListener = (id: string, cooling: boolean, reason: string) => void;

export class DeploymentHealth {
  readonly #states = new Map<string, State>();
  readonly #clock: () => number;
  readonly #listeners = new Set<CooldownListener>();

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  onCooldown(fn: CooldownListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #state(id: string): State {
    let s = this.#states.get(id);
    if (!s) {
      s = { failures: [], coolingUntil: 0, inflight: 0, latencyMs: undefined, lastError: undefined };
      this.#states.set(id, s);
    }
    return s;
  }

  isCooling(id: string): boolean {
    const s = this.#states.get(id);
    if (!s || s.coolingUntil === 0) return false;
    if (this.#clock() < s.coolingUntil) return true;
    s.coolingUntil = 0;
    s.failures = [];
    for (const fn of this.#listeners) fn(id, false, 'cooldown over');
    return false;
  }

  begin(id: string): void {
    this.#state(id).inflight++;
  }

  end(id: string): void {
    const s = this.#state(id);
    s.inflight = Math.max(0, s.inflight - 1);
  }

  inflight(id: string): number {
    return this.#states.get(id)?.inflight ?? 0;
  }

  latency(id: string): number | undefined {
    return this.#states.get(id)?.latencyMs;
  }

  success(id: string, latencyMs: number): void {
    const s = this.#state(id);
    s.latencyMs =
      s.latencyMs === undefined ? latencyMs : s.latencyMs * (1 - LATENCY_ALPHA) + latencyMs * LATENCY_ALPHA;
  }

  /** Counts a failure; cools the deployment down when it failed too often, or at once for auth/404/429. */
  failure(id: string, e: GatewayError, policy: CooldownPolicy): void {
    const s = this.#state(id);
    const now = this.#clock();
    s.lastError = `${e.status} ${e.code}`;
    s.failures = s.failures.filter((t) => t > now - MINUTE_MS);
    s.failures.push(now);
    const status = e.upstreamStatus;
    const immediate = status === 401 || status === 403 || status === 404 || status === 429;
    if (
      (immediate || s.failures.length >= policy.allowedFails) &&
      policy.cooldownMs > 0 &&
      s.coolingUntil <= now
    ) {
      s.coolingUntil = now + policy.cooldownMs;
      for (const fn of this.#listeners) fn(id, true, s.lastError);
    }
  }

  snapshot(ids: string[]): DeploymentHealthSnapshot[] {
    const now = this.#clock();
    return ids.map((id) => {
      const s = this.#states.get(id);
      const cooling = s !== undefined && this.isCooling(id);
      return {
        id,
        cooling_until: cooling ? new Date(s.coolingUntil).toISOString() : null,
        recent_failures: s ? s.failures.filter((t) => t > now - MINUTE_MS).length : 0,
        inflight: s?.inflight ?? 0,
        latency_ms: s?.latencyMs === undefined ? null : Math.round(s.latencyMs * 100) / 100,
        last_error: s?.lastError ?? null,
      };
    });
  }
}
