// The printed report: one table of lines (medians over rounds, with Switchyard's and the floor's
// overhead against direct in parentheses) and one of the targets with PASS/FAIL.
import type { Metrics } from './phases.ts';
import type { BenchResult, Check, PhaseResult } from './report.ts';
import type { TargetName } from './targets.ts';

const TARGETS: TargetName[] = ['direct', 'floor', 'switchyard'];

function num(n: number | null | undefined, unit: 'ms' | 'us' | 'x' | 'rps' | 'mb'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  switch (unit) {
    case 'ms':
      return Math.abs(n) < 10 ? n.toFixed(3) : n.toFixed(1);
    case 'us':
    case 'rps':
      return Math.round(n).toLocaleString('en-US');
    case 'x':
      return `${n.toFixed(2)}×`;
    case 'mb':
      return n.toFixed(1);
  }
}

const signed = (n: number | null | undefined, unit: 'ms' | 'us' | 'rps'): string =>
  n === null || n === undefined || !Number.isFinite(n)
    ? ''
    : ` (${n >= 0 ? '+' : '−'}${num(Math.abs(n), unit)})`;

type Row = [string, ...string[]];

/** A line of one phase: each target's median, its overhead vs direct, and Switchyard ÷ floor. */
function line(
  phase: PhaseResult | undefined,
  label: string,
  metrics: string[],
  unit: 'ms' | 'us' | 'rps',
  opts: { proxyOnly?: boolean; delta?: boolean; ratio?: 'plain' | 'overhead' } = {},
): Row | undefined {
  if (!phase) return undefined;
  const cell = (t: TargetName): string => {
    if (opts.proxyOnly && t === 'direct') return '—';
    const m: Metrics | undefined = phase.median[t];
    if (!m) return '—';
    return metrics
      .map(
        (k) => num(m[k], unit) + (opts.delta && t !== 'direct' ? signed(phase.vsDirect[t]?.[k], unit) : ''),
      )
      .join(' / ');
  };
  const k = metrics[0]!;
  const ratio =
    opts.ratio === 'overhead'
      ? `${num(phase.overheadVsFloor[k], 'x')} (overhead)`
      : opts.ratio === 'plain'
        ? num(phase.switchyardVsFloor[k], 'x')
        : '';
  return [label, ...TARGETS.map(cell), ratio];
}

/** Switchyard with `--no-ledger` in the c=64 phase: its throughput and CPU, and the ledger's share. */
function ledgerLine(phase: PhaseResult | undefined): Row | undefined {
  const off = phase?.median['switchyard-no-ledger'];
  if (!phase || !off) return undefined;
  return [
    'c=64 with the ledger off: requests/s / CPU per request (µs)',
    '—',
    '—',
    `${num(off.rps, 'rps')} / ${num(off.cpuUsPerReq, 'us')}`,
    `ledger on ÷ off: ${phase.ledgerOnVsOff?.rps?.toFixed(3) ?? '—'}× (requests/s)`,
  ];
}

function table(header: string[], rows: (Row | undefined)[]): string {
  const present = rows.filter((r): r is Row => r !== undefined);
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...present.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function checkRow(c: Check): Row {
  const unit = c.unit === '×' ? 'x' : c.unit === 'ms' ? 'ms' : undefined;
  // Ratios to three decimals: 0.898 against a 0.9 limit must not print as 0.90 next to FAIL.
  const measured =
    c.measured === null
      ? '—'
      : c.unit === 'share'
        ? `${(c.measured * 100).toFixed(1)}%`
        : unit === 'x'
          ? `${c.measured.toFixed(3)}×`
          : unit
            ? num(c.measured, unit)
            : `${num(c.measured, 'mb')} ${c.unit}`;
  const limit = c.unit === '×' ? `${c.limit}×` : c.unit === 'share' ? '100%' : `${c.limit} ${c.unit}`;
  return [c.name, measured + (c.note ? ` — ${c.note}` : ''), `${c.comparison} ${limit}`, `**${c.result}**`];
}

export function markdownReport(r: BenchResult): string {
  const p = r.phases;
  const mem = (label: string, values: Partial<Record<TargetName, number>>): Row => {
    const ratio = values.switchyard !== undefined && values.floor ? values.switchyard / values.floor : null;
    return [label, '—', num(values.floor, 'mb'), num(values.switchyard, 'mb'), num(ratio, 'x')];
  };
  const cold = r.coldStart;
  const coldRow: Row | undefined =
    cold.switchyard || cold.floor
      ? [
          'cold start, spawn → `listening on` (ms, median)',
          '—',
          num(cold.floor?.medianMs, 'ms'),
          num(cold.switchyard?.medianMs, 'ms'),
          num(
            cold.switchyard?.medianMs && cold.floor?.medianMs
              ? cold.switchyard.medianMs / cold.floor.medianMs
              : null,
            'x',
          ),
        ]
      : undefined;
  const rows: (Row | undefined)[] = [
    line(p.c1, 'c=1 latency p50 / p90 / p99 (ms; +overhead vs direct)', ['p50Ms', 'p90Ms', 'p99Ms'], 'ms', {
      delta: true,
      ratio: 'overhead',
    }),
    line(p.c1, 'c=1 CPU per request (µs)', ['cpuUsPerReq'], 'us', { proxyOnly: true, ratio: 'plain' }),
    line(p.c1, 'c=1 CPU per request, all threads (µs, 10 ms ticks)', ['allThreadsCpuUsPerReq'], 'us', {
      proxyOnly: true,
      ratio: 'plain',
    }),
    line(p.c64, 'c=64 requests/s', ['rps'], 'rps', { ratio: 'plain' }),
    line(p.c64, 'c=64 latency p99 (ms)', ['p99Ms'], 'ms', { delta: true, ratio: 'plain' }),
    line(p.c64, 'c=64 CPU per request (µs)', ['cpuUsPerReq'], 'us', { proxyOnly: true, ratio: 'plain' }),
    line(p.c64, 'c=64 CPU per request, all threads (µs, 10 ms ticks)', ['allThreadsCpuUsPerReq'], 'us', {
      proxyOnly: true,
      ratio: 'plain',
    }),
    ledgerLine(p.c64),
    line(
      p['sse-b2b'],
      'SSE back-to-back c=16: TTFB p50 / total p50 (ms)',
      ['ttfbP50Ms', 'totalP50Ms'],
      'ms',
      {
        delta: true,
        ratio: 'plain',
      },
    ),
    line(p['sse-b2b'], 'SSE back-to-back: CPU per stream (µs)', ['cpuUsPerStream'], 'us', {
      proxyOnly: true,
      ratio: 'plain',
    }),
    line(p['sse-paced'], 'SSE paced c=16: TTFB p50 / total p50 (ms)', ['ttfbP50Ms', 'totalP50Ms'], 'ms', {
      delta: true,
      ratio: 'plain',
    }),
    line(
      p['sse-paced'],
      'SSE paced: per-chunk delay after upstream write p50 / p99 (ms)',
      ['lagP50Ms', 'lagP99Ms'],
      'ms',
      {
        delta: true,
      },
    ),
    line(p['sse-paced'], 'SSE paced: CPU per stream (µs)', ['cpuUsPerStream'], 'us', {
      proxyOnly: true,
      ratio: 'plain',
    }),
    mem('RSS at start, before any request (MB)', r.memory.startRssMb),
    Object.keys(r.memory.afterLoadRssMb ?? {}).length
      ? mem('RSS 2 s after the warm-up (MB)', r.memory.afterLoadRssMb!)
      : undefined,
    Object.keys(r.memory.idleRssMb).length
      ? mem(`RSS idle, ${r.sizes.idleSettleMs / 1000} s after the warm-up (MB)`, r.memory.idleRssMb)
      : undefined,
    Object.keys(r.memory.idleAnonMb).length
      ? mem('… of which heap (RssAnon, MB)', r.memory.idleAnonMb)
      : undefined,
    Object.keys(r.memory.peakRssMb).length ? mem('RSS peak at c=64 (MB)', r.memory.peakRssMb) : undefined,
    coldRow,
  ];
  const lines = table(['line', 'direct', 'floor', 'switchyard', 'switchyard ÷ floor'], rows);
  const checks = table(['target', 'measured', 'limit', 'result'], r.checks.map(checkRow));
  const m = r.machine;
  return [
    `## Switchyard benchmark, ${r.date}${r.quick ? ' (--quick smoke run: numbers mean nothing)' : ''}`,
    '',
    `Machine: ${String(m.cpus)} × ${String(m.cpuModel)}, ${String(m.memoryGb)} GB, Linux ${String(m.kernel)}, Node ${String(m.node)}. ` +
      `Load average at start ${r.loadavg.start.map((x) => x.toFixed(2)).join(' ')}, at end ${r.loadavg.end
        .map((x) => x.toFixed(2))
        .join(' ')}.`,
    r.note ? `\n> ${r.note}\n` : '',
    `Medians of ${r.sizes.rounds} interleaved rounds; ${r.failures} failed requests; ${r.streams.complete}/${r.streams.total} streams verified complete.`,
    '',
    lines,
    '',
    checks,
    '',
  ].join('\n');
}
