// A clock tests move by hand, for startTestGateway({ clock }) and anything else taking `() => number`:
// expiry, budget periods and rate-limit windows need no waiting.

export interface ManualClock {
  /** What the gateway sees: pass `clock.now` itself as its clock. */
  now(): number;
  set(t: number): void;
  advance(ms: number): void;
}

export function manualClock(start: number): ManualClock {
  let t = start;
  return {
    now: () => t,
    set(next: number) {
      t = next;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}
