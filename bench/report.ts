// From rounds of measurements to the result: medians per target, per-round paired deltas against direct
// and ratios against the floor (then their medians), the targets with PASS/FAIL, the JSON file and the
// markdown table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Measurement, Metrics, PhaseName, Sizes } from './phases.ts';
import { median } from './stats.ts';
import type { TargetName } from './targets.ts';

type PerTarget<T> = Partial<Record<TargetName, T>>;

export interface Round {
  order: TargetName[];
  results: PerTarget<Measurement>;
}

export interface PhaseResult {
  rounds: Round[];
  /** Median over rounds of each metric, per target. */
  median: PerTarget<Metrics>;
  /** Median over rounds of (target − direct) in the same round. */
  vsDirect: PerTarget<Metrics>;
  /** Median over rounds of switchyard ÷ floor in the same round. */
  switchyardVsFloor: Metrics;
  /** Median over rounds of (switchyard − direct) ÷ (floor − direct): Switchyard's overhead in floors. */
  overheadVsFloor: Metrics;
  /** Median over rounds of switchyard ÷ switchyard-no-ledger (phases that ran both). */
  ledgerOnVsOff?: Metrics;
}

export interface Check {
  name: string;
  measured: number | null;
  limit: number;
  unit: string;
  comparison: '<=' | '>=';
  result: 'PASS' | 'FAIL' | 'NOT MEASURABLE';
  note?: string;
}

export interface BenchResult {
  schema: 1;
  date: string;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  note: string;
  machine: Record<string, unknown>;
  loadavg: { start: number[]; end: number[] };
  sizes: Sizes;
  targets: TargetName[];
  phases: Partial<Record<PhaseName, PhaseResult>>;
  memory: {
    /** Right after `listening on`, before any request. */
    startRssMb: PerTarget<number>;
    /** AFTER_LOAD_MS after the warm-up: what a burst leaves before anything is given back. */
    afterLoadRssMb?: PerTarget<number>;
    /** sizes.idleSettleMs after the warm-up. */
    idleRssMb: PerTarget<number>;
    /** The heap part of the idle RSS (RssAnon). */
    idleAnonMb: PerTarget<number>;
    peakRssMb: PerTarget<number>;
  };
  coldStart: PerTarget<{ runsMs: number[]; medianMs: number | null }>;
  ledger: { measurable: boolean; reason: string };
  streams: { total: number; complete: number; problems: string[] };
  /** Requests that failed in any phase; a valid run has none. */
  failures: number;
  checks: Check[];
}

function metricNames(rounds: Round[]): string[] {
  const names = new Set<string>();
  for (const r of rounds) for (const m of Object.values(r.results)) for (const k in m.metrics) names.add(k);
  return [...names];
}

const value = (r: Round, t: TargetName, k: string) => r.results[t]?.metrics[k] ?? null;
const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

/** The comparisons made within one round, whose medians over the rounds a PhaseResult holds. */
const paired = {
  vsDirect: (r: Round, t: TargetName, k: string) => minus(value(r, t, k), value(r, 'direct', k)),
  switchyardVsFloor: (r: Round, k: string) => ratio(value(r, 'switchyard', k), value(r, 'floor', k)),
  overheadVsFloor: (r: Round, k: string) =>
    ratio(paired.vsDirect(r, 'switchyard', k), paired.vsDirect(r, 'floor', k)),
  ledgerOnVsOff: (r: Round, k: string) =>
    ratio(value(r, 'switchyard', k), value(r, 'switchyard-no-ledger', k)),
};

export function summarizePhase(rounds: Round[]): PhaseResult {
  const names = metricNames(rounds);
  const targets = [...new Set(rounds.flatMap((r) => Object.keys(r.results) as TargetName[]))];
  const over = (f: (r: Round, metric: string) => number | null | undefined): Metrics =>
    Object.fromEntries(names.map((k) => [k, median(rounds.map((r) => f(r, k)))]));

  const out: PhaseResult = { rounds, median: {}, vsDirect: {}, switchyardVsFloor: {}, overheadVsFloor: {} };
  for (const t of targets) {
    out.median[t] = over((r, k) => value(r, t, k));
    if (t !== 'direct' && targets.includes('direct'))
      out.vsDirect[t] = over((r, k) => paired.vsDirect(r, t, k));
  }
  if (targets.includes('switchyard') && targets.includes('floor')) {
    out.switchyardVsFloor = over(paired.switchyardVsFloor);
    if (targets.includes('direct')) out.overheadVsFloor = over(paired.overheadVsFloor);
  }
  if (targets.includes('switchyard') && targets.includes('switchyard-no-ledger')) {
    out.ledgerOnVsOff = over(paired.ledgerOnVsOff);
  }
  return out;
}

function check(
  name: string,
  measured: number | null | undefined,
  comparison: '<=' | '>=',
  limit: number,
  unit: string,
  note?: string,
): Check {
  const m = measured ?? null;
  const ok = m !== null && (comparison === '<=' ? m <= limit : m >= limit);
  return {
    name,
    measured: m,
    limit,
    unit,
    comparison,
    result: m === null ? 'NOT MEASURABLE' : ok ? 'PASS' : 'FAIL',
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * A check on a comparison made within each round: judged on its median over the rounds (the figure the
 * phase's summary holds), with the lowest and highest rounds beside it. On a shared host these lines
 * move between rounds, and a median a hair either side of its limit says less than the spread around it.
 */
function pairedCheck(
  name: string,
  phase: PhaseResult | undefined,
  f: (r: Round) => number | null,
  comparison: '<=' | '>=',
  limit: number,
  unit: '×' | 'ms',
): Check {
  const values = (phase?.rounds ?? []).map(f);
  const seen = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const fmt = (v: number) => (unit === '×' ? v.toFixed(2) : v.toFixed(3));
  const spread =
    seen.length < 2
      ? undefined
      : `rounds ${fmt(Math.min(...seen))}–${fmt(Math.max(...seen))}${unit === '×' ? '×' : ' ms'}`;
  return check(name, median(values), comparison, limit, unit, spread);
}

/** An absolute limit is judged on Switchyard alone; the floor's own figure says what the stack allows. */
function absoluteCheck(name: string, of: PerTarget<number | null>, limit: number, unit: string): Check {
  const floor = of.floor;
  const note = floor === undefined || floor === null ? undefined : `the floor: ${floor.toFixed(1)} ${unit}`;
  return check(name, of.switchyard, '<=', limit, unit, note);
}

/** The targets, each judged on this run's medians. */
export function targetChecks(r: Omit<BenchResult, 'checks'>): Check[] {
  const c1 = r.phases.c1;
  const c64 = r.phases['c64'];
  const paced = r.phases['sse-paced'];
  const vsFloor = (k: string) => (x: Round) => paired.switchyardVsFloor(x, k);
  const vsDirect = (k: string) => (x: Round) => paired.vsDirect(x, 'switchyard', k);
  const ledger = c64?.ledgerOnVsOff
    ? pairedCheck(
        'c=64 throughput, ledger on ÷ off',
        c64,
        (x) => paired.ledgerOnVsOff(x, 'rps'),
        '>=',
        0.9,
        '×',
      )
    : check('c=64 throughput, ledger on ÷ off', null, '>=', 0.9, '×', r.ledger.reason);
  return [
    pairedCheck(
      'c=1 overhead Δp50, switchyard ÷ floor',
      c1,
      (x) => paired.overheadVsFloor(x, 'p50Ms'),
      '<=',
      1.3,
      '×',
    ),
    // Every thread's CPU, ended ones included: a round of 10 s makes the 10 ms ticks fine enough here.
    pairedCheck(
      'c=64 CPU per request (all threads), switchyard ÷ floor',
      c64,
      vsFloor('allThreadsCpuUsPerReq'),
      '<=',
      1.3,
      '×',
    ),
    pairedCheck('c=64 throughput, switchyard ÷ floor', c64, vsFloor('rps'), '>=', 0.75, '×'),
    pairedCheck('paced SSE TTFB overhead p50 (vs direct)', paced, vsDirect('ttfbP50Ms'), '<=', 1.5, 'ms'),
    pairedCheck('paced SSE per-chunk delay p99 (vs direct)', paced, vsDirect('lagP99Ms'), '<=', 1, 'ms'),
    pairedCheck(
      'paced SSE CPU per stream, switchyard ÷ floor',
      paced,
      vsFloor('cpuUsPerStream'),
      '<=',
      1.3,
      '×',
    ),
    ledger,
    absoluteCheck('RSS idle after warm-up', r.memory.idleRssMb, 100, 'MB'),
    absoluteCheck('RSS peak at c=64', r.memory.peakRssMb, 140, 'MB'),
    absoluteCheck(
      'cold start, spawn to `listening on` (median)',
      { floor: r.coldStart.floor?.medianMs, switchyard: r.coldStart.switchyard?.medianMs },
      500,
      'ms',
    ),
    check(
      'SSE streams verified complete',
      r.streams.total === 0 ? null : r.streams.complete / r.streams.total,
      '>=',
      1,
      'share',
      `${r.streams.complete} of ${r.streams.total}`,
    ),
  ];
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
