// `npm run bench`: Switchyard against the bare floor and against calling the upstream directly, on
// 127.0.0.1, each target in its own process and the load from another. Phases run in interleaved rounds
// (A B C, B C A, C A B, …) and are reported as medians with per-round paired deltas and ratios; the
// result goes to bench/results/<date>.json and a markdown table to stdout. See bench/README.md.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startLoadGenerator, type LoadGenerator } from './load.ts';
import { markdownReport } from './markdown.ts';
import {
  FULL,
  measureSse,
  measureUnary,
  PHASES,
  QUICK,
  type Measurement,
  type PhaseName,
  type Sizes,
} from './phases.ts';
import { machine, memory } from './proc-stats.ts';
import { coldStarts } from './cold-start.ts';
import { PROFILE_TARGETS, runProfile, type ProfileTarget } from './profile.ts';
import { summarizePhase, targetChecks, writeJson, type BenchResult, type Round } from './report.ts';
import {
  FLOOR_KEY,
  generateAppKey,
  buildTargets,
  prepareSwitchyard,
  ROOT,
  setPace,
  spawnFloor,
  spawnSwitchyard,
  spawnUpstream,
  type Spawned,
  type SwitchyardSetup,
  type Target,
  type TargetName,
} from './targets.ts';

const USAGE = `Usage: npm run bench -- [--quick] [--phases c1,c64,sse-b2b,sse-paced,cold] [--rounds N]
                        [--out <file>] [--note <text>] [--cpu-prof]

  --quick     tiny request counts: a smoke run that checks the harness, not the speed
  --phases    which phases to run (default: all; 'sse' = both SSE phases)
  --rounds    interleaved rounds per phase (default 3)
  --out       result file (default bench/results/<YYYY-MM-DD>.json, -quick.json with --quick)
  --note      a line about the conditions (e.g. other work on the machine), kept in the result
  --cpu-prof  instead of the benchmark: profile Switchyard under the c=64 load and list the top
              self-time functions in Switchyard's own code
  --prof-connections N  with --cpu-prof: profile under N connections instead of 64 (1 shows what a
              lone request pays, which group commit cannot share)
  --prof-target floor  with --cpu-prof: profile the floor under the same load, to compare
  --prof-target switchyard-no-ledger  with --cpu-prof: profile Switchyard with --no-ledger, to read
              what the ledger costs
  --prof-paced  with --cpu-prof: profile paced SSE streams (16 connections) instead, per stream`;

export const LEDGER_NEEDS_C64 =
  'measured in the c=64 phase, against Switchyard started with --no-ledger (keys still settle)';

function parse() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      phases: { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      note: { type: 'string', default: '' },
      'cpu-prof': { type: 'boolean', default: false },
      'prof-connections': { type: 'string' },
      'prof-target': { type: 'string' },
      'prof-paced': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const chosen = (values.phases ?? [...PHASES, 'cold'].join(','))
    .split(',')
    .flatMap((p) => (p === 'sse' ? ['sse-b2b', 'sse-paced'] : [p.trim()]))
    .filter(Boolean);
  for (const p of chosen) {
    if (p !== 'cold' && !PHASES.includes(p as PhaseName)) throw new Error(`unknown phase '${p}'\n\n${USAGE}`);
  }
  const sizes: Sizes = { ...(values.quick ? QUICK : FULL) };
  if (values.rounds !== undefined) {
    sizes.rounds = Number(values.rounds);
    if (!Number.isInteger(sizes.rounds) || sizes.rounds < 1)
      throw new Error('--rounds must be a whole number ≥ 1');
  }
  const date = new Date().toISOString().slice(0, 10);
  const suffix = values['cpu-prof'] ? '-profile' : values.quick ? '-quick' : '';
  const out = values.out ?? join(ROOT, 'bench', 'results', `${date}${suffix}.json`);
  return { ...values, chosen, sizes, date, out };
}

/** Round r runs the targets rotated by r: A B C, B C A, C A B, … */
/** The first look at memory after the warm-up (the one the bench took before memory-reclaim.ts). */
const AFTER_LOAD_MS = 2000;

const rotate = <T>(xs: T[], r: number): T[] => xs.map((_, i) => xs[(i + r) % xs.length]!);

interface Running {
  upstream: Spawned;
  floor: Spawned;
  switchyard: Spawned;
  /** The same Switchyard with `--no-ledger`, in its own data dir (c=64 only: the ledger's cost). */
  noLedger: Spawned;
  setup: SwitchyardSetup;
  noLedgerSetup: SwitchyardSetup;
  targets: Target[];
}

/** The targets a phase measures: the ledger-off Switchyard only where the ledger on/off ratio is read. */
const phaseTargets = (phase: PhaseName, targets: Target[]): Target[] =>
  phase === 'c64' ? targets : targets.filter((t) => t.name !== 'switchyard-no-ledger');

async function startTargets(): Promise<Running> {
  const started: Spawned[] = [];
  const upstream = await spawnUpstream();
  started.push(upstream);
  const setup = prepareSwitchyard(upstream.url);
  const noLedgerSetup = prepareSwitchyard(upstream.url);
  let floor: Spawned, switchyard: Spawned, noLedger: Spawned, appKey: string, noLedgerKey: string;
  try {
    floor = await spawnFloor(upstream.url);
    started.push(floor);
    switchyard = await spawnSwitchyard(setup);
    started.push(switchyard);
    appKey = await generateAppKey(switchyard.url);
    noLedger = await spawnSwitchyard(noLedgerSetup, [], { ledger: false });
    started.push(noLedger);
    noLedgerKey = await generateAppKey(noLedger.url);
  } catch (err) {
    await Promise.all(started.map((p) => p.stop()));
    setup.cleanup();
    noLedgerSetup.cleanup();
    throw err;
  }
  const targets: Target[] = [
    { name: 'direct', url: upstream.url, pid: upstream.pid, key: 'sk-direct-unused' },
    { name: 'floor', url: floor.url, pid: floor.pid, key: FLOOR_KEY },
    { name: 'switchyard', url: switchyard.url, pid: switchyard.pid, key: appKey },
    { name: 'switchyard-no-ledger', url: noLedger.url, pid: noLedger.pid, key: noLedgerKey },
  ];
  return { upstream, floor, switchyard, noLedger, setup, noLedgerSetup, targets };
}

async function warmUp(load: LoadGenerator, targets: Target[], sizes: Sizes): Promise<number> {
  let failures = 0;
  for (const t of targets) {
    const u = await load.unary({ url: t.url, key: t.key, connections: 8, amount: sizes.warmupRequests });
    const s = await load.sse({
      url: t.url,
      key: t.key,
      connections: sizes.sseConnections,
      streamsPerConnection: sizes.warmupStreamsPerConnection,
    });
    if (u.errors + u.non2xx > 0 || s.complete !== s.streams) {
      throw new Error(
        `warm-up of ${t.name} failed: ${u.non2xx} non-2xx, ${u.errors} errors, ` +
          `${s.streams - s.complete} incomplete streams ${s.problems.join('; ')}`,
      );
    }
    failures += u.errors + u.non2xx;
  }
  return failures;
}

async function runPhase(phase: PhaseName, load: LoadGenerator, run: Running, sizes: Sizes): Promise<Round[]> {
  await setPace(run.upstream.url, phase === 'sse-paced' ? sizes.paceMs : 0);
  const rounds: Round[] = [];
  const targets = phaseTargets(phase, run.targets);
  for (let r = 0; r < sizes.rounds; r++) {
    const order = rotate(targets, r);
    const round: Round = { order: order.map((t) => t.name), results: {} };
    for (const t of order) {
      let m: Measurement;
      if (phase === 'c1')
        m = await measureUnary(load, t, run.upstream.pid, { connections: 1, amount: sizes.c1Requests });
      else if (phase === 'c64') {
        m = await measureUnary(load, t, run.upstream.pid, {
          connections: 64,
          ...(sizes.c64Requests !== undefined
            ? { amount: sizes.c64Requests }
            : { durationS: sizes.c64DurationS ?? 10 }),
        });
      } else {
        m = await measureSse(load, t, run.upstream.pid, {
          connections: sizes.sseConnections,
          streamsPerConnection:
            phase === 'sse-paced' ? sizes.pacedStreamsPerConnection : sizes.b2bStreamsPerConnection,
          staggerMs: phase === 'sse-paced' ? sizes.paceMs : 0,
        });
      }
      round.results[t.name] = m;
      process.stderr.write(`  ${phase} round ${r + 1}/${sizes.rounds} ${t.name}: ${brief(m)}\n`);
    }
    rounds.push(round);
  }
  await setPace(run.upstream.url, 0);
  return rounds;
}

function brief(m: Measurement): string {
  const x = m.metrics;
  const f = (n: number | null | undefined, d = 3) => (n === null || n === undefined ? '—' : n.toFixed(d));
  if ('p50Ms' in x)
    return `p50 ${f(x.p50Ms)} ms, p99 ${f(x.p99Ms)} ms, ${f(x.rps, 0)} req/s, ${f(x.cpuUsPerReq, 0)} µs CPU/req`;
  return `TTFB p50 ${f(x.ttfbP50Ms)} ms, total p50 ${f(x.totalP50Ms)} ms, lag p99 ${f(x.lagP99Ms)} ms, ${f(x.cpuUsPerStream, 0)} µs CPU/stream, ${m.streams?.complete}/${m.streams?.total} complete`;
}

async function bench(opts: ReturnType<typeof parse>): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const start = loadavg();
  const sizes = opts.sizes;
  const run = await startTargets();
  const load = startLoadGenerator();
  const result: Omit<BenchResult, 'checks' | 'finishedAt'> = {
    schema: 1,
    date: opts.date,
    startedAt,
    quick: opts.quick,
    note: opts.note,
    machine: machine(),
    loadavg: { start, end: [] },
    sizes,
    targets: run.targets.map((t) => t.name),
    phases: {},
    memory: {
      startRssMb: { floor: memory(run.floor.pid).rssMb, switchyard: memory(run.switchyard.pid).rssMb },
      afterLoadRssMb: {},
      idleRssMb: {},
      idleAnonMb: {},
      peakRssMb: {},
    },
    coldStart: {},
    ledger: { measurable: opts.chosen.includes('c64'), reason: LEDGER_NEEDS_C64 },
    streams: { total: 0, complete: 0, problems: [] },
    failures: 0,
  };
  try {
    process.stderr.write('warming up\n');
    result.failures += await warmUp(load, run.targets, sizes);
    // Two looks: soon after the load, and once a quiet spell has let Switchyard give memory back
    // (memory-reclaim.ts: 10–15 s).
    const soon = Math.min(AFTER_LOAD_MS, sizes.idleSettleMs);
    await sleep(soon);
    result.memory.afterLoadRssMb = {
      floor: memory(run.floor.pid).rssMb,
      switchyard: memory(run.switchyard.pid).rssMb,
    };
    await sleep(sizes.idleSettleMs - soon);
    const idle = { floor: memory(run.floor.pid), switchyard: memory(run.switchyard.pid) };
    result.memory.idleRssMb = { floor: idle.floor.rssMb, switchyard: idle.switchyard.rssMb };
    result.memory.idleAnonMb = { floor: idle.floor.anonMb, switchyard: idle.switchyard.anonMb };
    for (const phase of PHASES.filter((p) => opts.chosen.includes(p))) {
      const rounds = await runPhase(phase, load, run, sizes);
      result.phases[phase] = summarizePhase(rounds);
      for (const round of rounds) {
        for (const [name, m] of Object.entries(round.results)) {
          result.failures += m.failures;
          if (m.streams) {
            result.streams.total += m.streams.total;
            result.streams.complete += m.streams.complete;
            for (const p of m.streams.problems) result.streams.problems.push(`${phase} ${name}: ${p}`);
          }
          const peak = m.metrics.peakRssMb;
          const t = name as TargetName;
          if (typeof peak === 'number' && t !== 'direct') {
            result.memory.peakRssMb[t] = Math.max(result.memory.peakRssMb[t] ?? 0, peak);
          }
        }
      }
    }
  } finally {
    await load.close();
    await Promise.all([run.floor.stop(), run.switchyard.stop(), run.noLedger.stop()]);
    run.noLedgerSetup.cleanup();
  }
  try {
    if (opts.chosen.includes('cold')) {
      process.stderr.write('cold starts\n');
      result.coldStart = await coldStarts(run.upstream.url, sizes.coldRuns);
    }
  } finally {
    await run.upstream.stop();
    run.setup.cleanup();
  }
  result.loadavg.end = loadavg();
  const full = { ...result, finishedAt: new Date().toISOString() };
  return { ...full, checks: targetChecks(full) };
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (opts['cpu-prof']) {
    const connections = Number(opts['prof-connections'] ?? 64);
    if (!Number.isInteger(connections) || connections < 1) {
      process.stderr.write('--prof-connections must be a whole number ≥ 1\n');
      return 2;
    }
    const target = (opts['prof-target'] ?? 'switchyard') as ProfileTarget;
    if (!PROFILE_TARGETS.includes(target)) {
      process.stderr.write(`--prof-target must be one of: ${PROFILE_TARGETS.join(', ')}\n`);
      return 2;
    }
    await runProfile({ quick: opts.quick, out: opts.out, connections, target, paced: opts['prof-paced'] });
    return 0;
  }
  await buildTargets();
  const result = await bench(opts);
  writeJson(opts.out, result);
  process.stdout.write(`${markdownReport(result)}\nwrote ${opts.out}\n`);
  return result.failures === 0 && result.streams.complete === result.streams.total ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
