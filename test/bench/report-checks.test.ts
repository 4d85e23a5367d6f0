// The targets table judges medians of paired per-round values; next to each it shows how far the rounds
// spread, and next to an absolute memory or start-up limit what the floor itself measured.
import { describe, expect, it } from 'vitest';
import { summarizePhase, targetChecks, type BenchResult, type Round } from '../../bench/report.ts';
import type { TargetName } from '../../bench/targets.ts';

const round = (p50: Partial<Record<TargetName, number>>, order: TargetName[]): Round => ({
  order,
  results: Object.fromEntries(
    Object.entries(p50).map(([t, v]) => [t, { metrics: { p50Ms: v }, failures: 0 }]),
  ),
});

function result(phases: BenchResult['phases']): Omit<BenchResult, 'checks'> {
  return {
    schema: 1,
    date: '2026-12-07',
    startedAt: '',
    finishedAt: '',
    quick: false,
    note: '',
    machine: {},
    loadavg: { start: [], end: [] },
    sizes: {} as BenchResult['sizes'],
    targets: ['direct', 'floor', 'switchyard'],
    phases,
    memory: {
      startRssMb: {},
      idleRssMb: { floor: 182.64, switchyard: 130.8 },
      idleAnonMb: {},
      peakRssMb: { floor: 306.2, switchyard: 180.7 },
    },
    coldStart: {
      floor: { runsMs: [140, 141], medianMs: 140.9 },
      switchyard: { runsMs: [210], medianMs: 212 },
    },
    ledger: { measurable: false, reason: 'the c=64 phase did not run' },
    streams: { total: 0, complete: 0, problems: [] },
    failures: 0,
  };
}

describe('the targets table', () => {
  it("judges the median of the paired per-round overheads and shows the rounds' spread", () => {
    // Overheads over direct (0.1 ms): floor 0.1, 0.2, 0.1; switchyard 0.11, 0.3, 0.15 → 1.1×, 1.5×, 1.5×.
    const c1 = summarizePhase([
      round({ direct: 0.1, floor: 0.2, switchyard: 0.21 }, ['direct', 'floor', 'switchyard']),
      round({ direct: 0.1, floor: 0.3, switchyard: 0.4 }, ['floor', 'switchyard', 'direct']),
      round({ direct: 0.1, floor: 0.2, switchyard: 0.25 }, ['switchyard', 'direct', 'floor']),
    ]);
    const checks = targetChecks(result({ c1 }));
    const overhead = checks.find((c) => c.name.startsWith('c=1 overhead'))!;
    expect(overhead.measured).toBeCloseTo(1.5, 9);
    expect(overhead.result).toBe('FAIL');
    expect(overhead.note).toBe('rounds 1.10–1.50×');
  });

  it("puts the floor's own figure beside an absolute limit, and says why a line could not be measured", () => {
    const checks = targetChecks(result({}));
    const byName = (prefix: string) => checks.find((c) => c.name.startsWith(prefix))!;
    expect(byName('RSS idle')).toMatchObject({
      measured: 130.8,
      result: 'FAIL',
      note: 'the floor: 182.6 MB',
    });
    expect(byName('RSS peak')).toMatchObject({ result: 'FAIL', note: 'the floor: 306.2 MB' });
    expect(byName('cold start')).toMatchObject({ result: 'PASS', note: 'the floor: 140.9 ms' });
    expect(byName('c=64 throughput, ledger')).toMatchObject({
      result: 'NOT MEASURABLE',
      note: 'the c=64 phase did not run',
    });
    // A line measured in no round has no spread to show.
    expect(byName('c=1 overhead').note).toBeUndefined();
  });
});
