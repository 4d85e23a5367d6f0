// Gives memory back once the gateway goes quiet. A tray app spends most of the day idle between bursts
// of autocomplete, and what a burst made the process hold should not stay held: the C allocator keeps
// the pages it freed (see release-memory.ts). So, after a burst and QUIET_CHECKS whole checks with
// nothing started and nothing in flight, the ledger checkpoints what the burst wrote and the pages are
// released: once per quiet spell, never while a request or stream is running (the release takes a few
// milliseconds on the event loop). Each check reads two counters: nothing is added per request.
// Measured 16 s after the bench's warm-up: RSS 127–134 MB with the release, 122–130 MB once the
// checkpoint worker no longer stayed (wal-checkpointer.ts), against 151–158 MB without either; the
// requests after the quiet spell were as fast. A compacting full GC first (V8's `gc()`, last-resort
// flavour) took RSS to 114 MB but cost ~50 ms and left the next 300 requests ~40% slower (p50 0.51–0.58
// against 0.36–0.39 ms) while V8 regrew what it had dropped, so it is not done.

/** What the reclaimer reads: requests started so far and requests running now. */
export interface Activity {
  started: number;
  inflight: number;
}

export interface ReclaimOptions {
  activity: () => Activity;
  /** Gives memory back. */
  reclaim: () => void;
  /** Between checks (default CHECK_MS). */
  checkMs?: number;
  /** Quiet checks in a row before reclaiming (default QUIET_CHECKS). */
  quietChecks?: number;
}

/** With QUIET_CHECKS: memory goes back 10–15 s after the last request ends. */
export const CHECK_MS = 5_000;
export const QUIET_CHECKS = 2;

export function startMemoryReclaim(opts: ReclaimOptions): { stop(): void } {
  const quietChecks = opts.quietChecks ?? QUIET_CHECKS;
  let lastStarted = -1;
  let reclaimedAt = -1;
  let quiet = 0;
  const timer = setInterval(() => {
    const { started, inflight } = opts.activity();
    if (inflight > 0 || started !== lastStarted) {
      lastStarted = started;
      quiet = 0;
      return;
    }
    // Reclaimed already in this quiet spell: nothing new to give back. (Start-up's own garbage counts as
    // a burst: the first reclaim comes once the process has been quiet after starting.)
    if (started === reclaimedAt || ++quiet < quietChecks) return;
    reclaimedAt = started;
    opts.reclaim();
  }, opts.checkMs ?? CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
