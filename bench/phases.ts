// One measurement of one target: the load runs in the generator's process while this process reads the
// target's CPU time (and memory) from /proc right before and right after. Each phase returns a flat
// record of numbers so the report can take medians and paired ratios without knowing the phase.
import type { LoadGenerator, SseResult, UnaryResult } from './load.ts';
import { cpuTimeUs, memory, resetPeak, sampleRss, tickCpuUs } from './proc-stats.ts';
import type { Target } from './targets.ts';

export type PhaseName = 'c1' | 'c64' | 'sse-b2b' | 'sse-paced';
export const PHASES: readonly PhaseName[] = ['c1', 'c64', 'sse-b2b', 'sse-paced'];

export interface Sizes {
  rounds: number;
  /** Requests per target per round at concurrency 1. */
  c1Requests: number;
  /** Concurrency-64 load per target per round: a duration (the real run) or a request count (--quick). */
  c64DurationS: number | undefined;
  c64Requests: number | undefined;
  sseConnections: number;
  b2bStreamsPerConnection: number;
  pacedStreamsPerConnection: number;
  paceMs: number;
  warmupRequests: number;
  warmupStreamsPerConnection: number;
  idleSettleMs: number;
  coldRuns: number;
}

export const FULL: Sizes = {
  rounds: 3,
  c1Requests: 3000,
  c64DurationS: 10,
  c64Requests: undefined,
  sseConnections: 16,
  b2bStreamsPerConnection: 50,
  pacedStreamsPerConnection: 16,
  paceMs: 10,
  warmupRequests: 3000,
  warmupStreamsPerConnection: 20,
  idleSettleMs: 16_000,
  coldRuns: 7,
};

export const QUICK: Sizes = {
  rounds: 3,
  c1Requests: 40,
  c64DurationS: undefined,
  c64Requests: 256,
  sseConnections: 16,
  b2bStreamsPerConnection: 2,
  pacedStreamsPerConnection: 1,
  paceMs: 10,
  warmupRequests: 100,
  warmupStreamsPerConnection: 1,
  idleSettleMs: 200,
  coldRuns: 2,
};

/** A phase's numbers for one target in one round; null where a number does not apply. */
export type Metrics = Record<string, number | null>;

export interface Measurement {
  metrics: Metrics;
  /** Streams that were not whole, and why (SSE phases). */
  streams?: { total: number; complete: number; problems: string[] };
  /** Requests that failed (non-2xx or transport errors): any makes the run invalid. */
  failures: number;
}

interface Cpu {
  target: number;
  upstream: number;
  /**
   * The target's CPU from stat's clock ticks: every thread's, those that ended during the round too (a
   * checkpoint's worker, a long prompt's tokenizer), which the schedstat sum of live threads leaves out.
   * 10 ms resolution: read where a round uses seconds of CPU (c=64), not ~200 ms (paced SSE).
   */
  targetAllThreads: number;
}

async function withCpu<T>(
  target: Target,
  upstreamPid: number,
  run: (atStart: () => void) => Promise<T>,
): Promise<{ result: T; cpu: Cpu }> {
  let before: Cpu = { target: NaN, upstream: NaN, targetAllThreads: NaN };
  const result = await run(() => {
    before = {
      target: cpuTimeUs(target.pid),
      upstream: cpuTimeUs(upstreamPid),
      targetAllThreads: tickCpuUs(target.pid),
    };
  });
  return {
    result,
    cpu: {
      target: cpuTimeUs(target.pid) - before.target,
      upstream: cpuTimeUs(upstreamPid) - before.upstream,
      targetAllThreads: tickCpuUs(target.pid) - before.targetAllThreads,
    },
  };
}

function unaryMetrics(r: UnaryResult, cpu: Cpu): Metrics {
  const ok = r.latencyMs.n || NaN;
  return {
    requests: r.requests,
    rps: r.rps,
    p50Ms: r.latencyMs.p50,
    p90Ms: r.latencyMs.p90,
    p99Ms: r.latencyMs.p99,
    maxMs: r.latencyMs.max,
    cpuUsPerReq: cpu.target / ok,
    allThreadsCpuUsPerReq: cpu.targetAllThreads / ok,
    upstreamCpuUsPerReq: cpu.upstream / ok,
  };
}

export async function measureUnary(
  load: LoadGenerator,
  target: Target,
  upstreamPid: number,
  job: { connections: number; amount?: number; durationS?: number },
): Promise<Measurement> {
  let peak: { stop(): number } | undefined;
  let hwmReset = false;
  const { result, cpu } = await withCpu(target, upstreamPid, (atStart) =>
    load.unary({ url: target.url, key: target.key, ...job }, () => {
      if (job.connections > 1) {
        hwmReset = resetPeak(target.pid);
        peak = sampleRss(target.pid);
      }
      atStart();
    }),
  );
  const metrics = unaryMetrics(result, cpu);
  if (peak) {
    const sampled = peak.stop();
    metrics.peakRssMb = hwmReset ? Math.max(sampled, memory(target.pid).hwmMb) : sampled;
  }
  return { metrics, failures: result.errors + result.non2xx };
}

function sseMetrics(r: SseResult, cpu: Cpu): Metrics {
  const ok = r.complete || NaN;
  return {
    streams: r.streams,
    streamsPerS: r.complete / r.durationS,
    headersP50Ms: r.headersMs.p50,
    ttfbP50Ms: r.ttfbMs.p50,
    ttfbP99Ms: r.ttfbMs.p99,
    totalP50Ms: r.totalMs.p50,
    totalP99Ms: r.totalMs.p99,
    lagP50Ms: r.chunkLagMs.p50,
    lagP99Ms: r.chunkLagMs.p99,
    lagMaxMs: r.chunkLagMs.max,
    gapP50Ms: r.chunkGapMs.p50,
    cpuUsPerStream: cpu.target / ok,
    upstreamCpuUsPerStream: cpu.upstream / ok,
  };
}

export async function measureSse(
  load: LoadGenerator,
  target: Target,
  upstreamPid: number,
  job: { connections: number; streamsPerConnection: number; staggerMs?: number },
): Promise<Measurement> {
  const { result, cpu } = await withCpu(target, upstreamPid, (atStart) =>
    load.sse({ url: target.url, key: target.key, ...job }, atStart),
  );
  return {
    metrics: sseMetrics(result, cpu),
    streams: { total: result.streams, complete: result.complete, problems: result.problems },
    failures: result.streams - result.complete,
  };
}
