import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMemoryReclaim, type Activity } from '../../main/gateway/memory-reclaim.ts';

describe('memory reclaim: when it gives memory back', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const start = (activity: Activity) => {
    const reclaim = vi.fn();
    const r = startMemoryReclaim({ activity: () => activity, reclaim, checkMs: 1000, quietChecks: 2 });
    return { reclaim, stop: r.stop };
  };

  it('reclaims once after a burst goes quiet, and not again until there is a new burst', () => {
    const activity = { started: 0, inflight: 0 };
    const { reclaim, stop } = start(activity);
    activity.started = 40;
    vi.advanceTimersByTime(1000); // sees the burst
    vi.advanceTimersByTime(1000); // quiet 1
    expect(reclaim).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000); // quiet 2
    expect(reclaim).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(reclaim).toHaveBeenCalledTimes(1);

    activity.started = 41;
    vi.advanceTimersByTime(3000);
    expect(reclaim).toHaveBeenCalledTimes(2);
    stop();
  });

  it('never reclaims while a request or stream is running, however long it runs', () => {
    const activity = { started: 1, inflight: 1 };
    const { reclaim, stop } = start(activity);
    vi.advanceTimersByTime(120_000);
    expect(reclaim).not.toHaveBeenCalled();
    activity.inflight = 0;
    vi.advanceTimersByTime(3000);
    expect(reclaim).toHaveBeenCalledTimes(1);
    stop();
  });

  it('waits for a whole quiet spell: a request between checks starts the count again', () => {
    const activity = { started: 0, inflight: 0 };
    const { reclaim, stop } = start(activity);
    vi.advanceTimersByTime(2000);
    activity.started = 1;
    vi.advanceTimersByTime(1000);
    activity.started = 2;
    vi.advanceTimersByTime(2000);
    expect(reclaim).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(reclaim).toHaveBeenCalledTimes(1);
    stop();
    activity.started = 3;
    vi.advanceTimersByTime(10_000);
    expect(reclaim).toHaveBeenCalledTimes(1);
  });
});

// In a child process of its own, so that this test's heap and the other tests' do not blur the numbers.
function inChild(script: string): Record<string, number | string> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>;
}

const modulePath = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const MB = 1024 * 1024;

describe('memory reclaim: what it gives back', () => {
  it.skipIf(process.platform !== 'linux')(
    "releasing the C heap's free pages shrinks RSS (Linux, glibc)",
    () => {
      // Buffers of 8 kB come from malloc's arena; freeing 9 in 10 leaves ~140 MB of free holes between
      // the survivors, which glibc keeps until asked.
      const r = inChild(`
        import { releaseFreedMemory } from ${JSON.stringify(modulePath('../../main/gateway/store/release-memory.ts'))};
        const keep = [];
        let drop = [];
        for (let i = 0; i < 20_000; i++) (i % 10 ? drop : keep).push(Buffer.allocUnsafeSlow(8000));
        drop = null;
        // V8 frees ArrayBuffers' memory after the GC, on a background thread: let that finish first.
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 300));
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 100));
        const before = process.memoryUsage.rss();
        const result = releaseFreedMemory();
        console.log(JSON.stringify({ before, after: process.memoryUsage.rss(), result, kept: keep.length }));
      `);
      expect(r.result).toBe('released');
      expect(Number(r.before) - Number(r.after)).toBeGreaterThan(60 * MB);
    },
  );
});
