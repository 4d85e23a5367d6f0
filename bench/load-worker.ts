// The load generator's process (forked by load.ts, never the target's): runs one job per message,
// autocannon for request/response load and sse-client.ts for streams, and sends back the raw
// measurements reduced to percentiles. The handshake (ready → go) lets the harness read the target's CPU
// time right before the load starts, after this process has finished its own setup.
import { createRequire } from 'node:module';
import { percentiles, type Percentiles } from './stats.ts';
import { runSse, type SseJob } from './sse-client.ts';
import { UNARY_BODY } from './wire.ts';

const require = createRequire(import.meta.url);

interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', fn: (result: { errors: number; timeouts: number }) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
}
type Autocannon = (opts: Record<string, unknown>) => AutocannonInstance;
const autocannon = require('autocannon') as Autocannon;

export interface UnaryJob {
  kind: 'unary';
  url: string;
  key: string;
  connections: number;
  /** Stop after this many requests… */
  amount?: number;
  /** …or after this many seconds. */
  durationS?: number;
}

export type Job = UnaryJob | (SseJob & { kind: 'sse' });

export interface UnaryResult {
  kind: 'unary';
  requests: number;
  errors: number;
  non2xx: number;
  durationS: number;
  rps: number;
  latencyMs: Percentiles;
}

export interface SseResult {
  kind: 'sse';
  streams: number;
  complete: number;
  /** The first few reasons a stream was not whole. */
  problems: string[];
  durationS: number;
  headersMs: Percentiles;
  ttfbMs: Percentiles;
  totalMs: Percentiles;
  chunkLagMs: Percentiles;
  chunkGapMs: Percentiles;
}

export type JobResult = UnaryResult | SseResult;

function runUnary(job: UnaryJob): Promise<UnaryResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  // Autocannon notices that `amount` is reached only on its next one-second tick: throughput is
  // counted up to the last response, not up to 'done'.
  let last = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: `${job.url}/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${job.key}` },
      body: UNARY_BODY,
      connections: job.connections,
      pipelining: 1,
      timeout: 30,
      ...(job.amount !== undefined ? { amount: job.amount } : { duration: job.durationS ?? 10 }),
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      last = performance.now();
      if (status >= 200 && status < 300) latencies.push(ms);
      else non2xx++;
    });
    instance.on('error', reject);
    instance.on('done', (r) => {
      const durationS = (last - started) / 1e3;
      resolve({
        kind: 'unary',
        requests: latencies.length + non2xx,
        errors: r.errors + r.timeouts,
        non2xx,
        durationS,
        rps: latencies.length / durationS,
        latencyMs: percentiles(latencies),
      });
    });
  });
}

async function runSseJob(job: SseJob): Promise<SseResult> {
  const { records, durationS } = await runSse(job);
  const problems = [...new Set(records.filter((r) => !r.ok).map((r) => r.problem ?? 'unknown'))];
  const ok = records.filter((r) => r.ok);
  return {
    kind: 'sse',
    streams: records.length,
    complete: ok.length,
    problems: problems.slice(0, 5),
    durationS,
    headersMs: percentiles(ok.map((r) => r.headersMs)),
    ttfbMs: percentiles(ok.map((r) => r.ttfbMs)),
    totalMs: percentiles(ok.map((r) => r.totalMs)),
    chunkLagMs: percentiles(ok.flatMap((r) => r.lagMs)),
    chunkGapMs: percentiles(ok.flatMap((r) => r.gapMs)),
  };
}

type Message = { type: 'job'; job: Job } | { type: 'go' };

let pending: Job | undefined;

process.on('message', (msg: Message) => {
  if (msg.type === 'job') {
    pending = msg.job;
    process.send!({ type: 'ready' });
    return;
  }
  const job = pending;
  pending = undefined;
  if (!job) return;
  const work = job.kind === 'unary' ? runUnary(job) : runSseJob(job);
  work.then(
    (result) => process.send!({ type: 'result', result }),
    (err: unknown) => process.send!({ type: 'error', message: String(err) }),
  );
});

process.on('disconnect', () => process.exit(0));
