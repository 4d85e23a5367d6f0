// `npm run bench -- --cpu-prof`: Switchyard under the c=64 load with V8's sampling profiler on, and the
// profile reduced to where the time went: self time per function in Switchyard's own code (main/,
// shared/), per package, and overall, in µs per request. Only samples taken while the load ran count:
// V8 stamps samples with CLOCK_MONOTONIC, the clock the harness reads with process.hrtime.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startLoadGenerator } from './load.ts';
import { FULL, QUICK } from './phases.ts';
import { writeJson } from './report.ts';
import {
  buildTargets,
  FLOOR_KEY,
  generateAppKey,
  prepareSwitchyard,
  ROOT,
  setPace,
  spawnFloor,
  spawnSwitchyard,
  spawnUpstream,
} from './targets.ts';
import { nowUs } from './wire.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  function: string;
  where: string;
  selfUsPerReq: number;
  selfPct: number;
  totalUsPerReq: number;
  totalPct: number;
}

export interface ProfileSummary {
  requests: number;
  windowMs: number;
  sampledMs: number;
  categories: { name: string; selfPct: number; usPerReq: number }[];
  ours: FunctionCost[];
  /**
   * Each sample charged to the nearest Switchyard function on its stack, so the time spent in a library
   * or in native code (SQLite, the tokenizer) shows up at the line of ours that asked for it.
   */
  oursWithCallees: { function: string; where: string; usPerReq: number; pct: number }[];
  overall: FunctionCost[];
}

function category(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : 'native (V8 builtins, C++)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return pkg;
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const rel = relative(ROOT, path);
  if (rel.startsWith('main/') || rel.startsWith('shared/')) return 'switchyard';
  return 'other';
}

export function summarize(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  requests: number,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode): string => {
    const { functionName, url, lineNumber } = n.callFrame;
    const path = url.startsWith('file://') ? relative(ROOT, new URL(url).pathname) : url;
    return `${functionName || '(anonymous)'}\t${path}${path ? `:${lineNumber + 1}` : ''}\t${category(url, functionName)}`;
  };

  let t = profile.startTime;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const cats = new Map<string, number>();
  const nearest = new Map<string, number>();
  let sampled = 0;
  // Sample i's timeDelta is the time since the previous sample: the time the sampled stack stood for.
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromUs || t > toUs) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    sampled += dt;
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const c = category(node.callFrame.url, node.callFrame.functionName);
    cats.set(c, (cats.get(c) ?? 0) + dt);
    const seen = new Set<string>();
    let charged = false;
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const kk = keyOf(byId.get(id)!);
      if (!charged && kk.endsWith('\tswitchyard')) {
        charged = true;
        nearest.set(kk, (nearest.get(kk) ?? 0) + dt);
      }
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  }
  const busy = sampled - (cats.get('(idle)') ?? 0);
  const cost = (k: string): FunctionCost => {
    const [fn, where] = k.split('\t');
    const s = self.get(k) ?? 0;
    const tt = total.get(k) ?? 0;
    return {
      function: fn!,
      where: where!,
      selfUsPerReq: s / requests,
      selfPct: (100 * s) / busy,
      totalUsPerReq: tt / requests,
      totalPct: (100 * tt) / busy,
    };
  };
  const ranked = [...self.keys()].sort((a, b) => (self.get(b) ?? 0) - (self.get(a) ?? 0));
  return {
    requests,
    windowMs: (toUs - fromUs) / 1e3,
    sampledMs: sampled / 1e3,
    categories: [...cats.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, selfPct: (100 * us) / busy, usPerReq: us / requests })),
    ours: ranked
      .filter((k) => k.endsWith('\tswitchyard'))
      .slice(0, 25)
      .map(cost),
    oursWithCallees: [...nearest.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([k, us]) => {
        const [fn, where] = k.split('\t');
        return { function: fn!, where: where!, usPerReq: us / requests, pct: (100 * us) / busy };
      }),
    overall: ranked
      .filter((k) => !k.startsWith('(idle)'))
      .slice(0, 25)
      .map(cost),
  };
}

function table(rows: FunctionCost[]): string {
  return [
    '| function | where | self µs/req | self % | total µs/req | total % |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.function} | ${r.where} | ${r.selfUsPerReq.toFixed(1)} | ${r.selfPct.toFixed(1)} | ` +
        `${r.totalUsPerReq.toFixed(1)} | ${r.totalPct.toFixed(1)} |`,
    ),
  ].join('\n');
}

/** `load` names the load (`c=64`, `paced SSE, per stream`); "per request" is per stream for streams. */
export function profileMarkdown(s: ProfileSummary, load = 'c=64'): string {
  return [
    `## CPU profile under ${load} (${s.requests} requests, ${s.sampledMs.toFixed(0)} ms sampled)`,
    '',
    '| where the time went | self % of busy | µs per request |',
    '| --- | --- | --- |',
    ...s.categories
      .slice(0, 15)
      .map((c) => `| ${c.name} | ${c.selfPct.toFixed(1)} | ${c.usPerReq.toFixed(1)} |`),
    '',
    "### Top self time in Switchyard's own code",
    '',
    table(s.ours.slice(0, 20)),
    '',
    "### Switchyard's functions with the library and native time they call directly",
    '',
    '| function | where | µs/req | % of busy |',
    '| --- | --- | --- | --- |',
    ...s.oursWithCallees
      .slice(0, 20)
      .map((r) => `| ${r.function} | ${r.where} | ${r.usPerReq.toFixed(1)} | ${r.pct.toFixed(1)} |`),
    '',
    '### Top self time overall',
    '',
    table(s.overall.slice(0, 20)),
    '',
  ].join('\n');
}

export const PROFILE_TARGETS = ['switchyard', 'floor', 'switchyard-no-ledger'] as const;
export type ProfileTarget = (typeof PROFILE_TARGETS)[number];

export async function runProfile(opts: {
  quick: boolean;
  out: string;
  /** Connections of the profiled load (default 64). */
  connections?: number;
  /**
   * Profile the floor instead, to read Switchyard's profile against what the bare stack pays; or
   * Switchyard with `--no-ledger`, to read what the ledger costs.
   */
  target?: ProfileTarget;
  /** Paced SSE streams (16 connections, events 10 ms apart) instead of c=64 requests; costs per stream. */
  paced?: boolean;
}): Promise<ProfileSummary> {
  const sizes = opts.quick ? QUICK : FULL;
  const connections = opts.connections ?? 64;
  // Profiles are tens of MB: kept out of the repository, next to the other temporary files.
  const profDir = mkdtempSync(join(tmpdir(), 'switchyard-profile-'));
  const upstream = await spawnUpstream();
  const setup = prepareSwitchyard(upstream.url);
  const load = startLoadGenerator();
  try {
    const profFlags = ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '500'];
    const floor = opts.target === 'floor';
    if (floor) await buildTargets();
    const sy = floor
      ? await spawnFloor(upstream.url, profFlags)
      : await spawnSwitchyard(setup, profFlags, {
          source: true,
          ledger: opts.target !== 'switchyard-no-ledger',
        });
    let from = 0;
    let to = 0;
    let requests = 0;
    try {
      const key = floor ? FLOOR_KEY : await generateAppKey(sy.url);
      await load.unary({ url: sy.url, key, connections: 8, amount: sizes.warmupRequests });
      if (opts.paced) {
        await setPace(upstream.url, sizes.paceMs);
        const r = await load.sse(
          {
            url: sy.url,
            key,
            connections: sizes.sseConnections,
            streamsPerConnection: sizes.pacedStreamsPerConnection * 3,
            staggerMs: sizes.paceMs,
          },
          () => (from = nowUs()),
        );
        to = nowUs();
        requests = r.streams;
      } else {
        const r = await load.unary(
          {
            url: sy.url,
            key,
            connections,
            ...(sizes.c64Requests !== undefined
              ? { amount: sizes.c64Requests }
              : { durationS: sizes.c64DurationS }),
          },
          () => (from = nowUs()),
        );
        to = nowUs();
        requests = r.latencyMs.n;
      }
    } finally {
      // SIGTERM: the CLI shuts down and exits, and Node writes the profile on exit.
      await sy.stop();
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile appeared in ${profDir}`);
    const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
    const summary = summarize(profile, from, to, requests);
    writeJson(opts.out, {
      date: new Date().toISOString(),
      connections,
      profile: join(profDir, file),
      ...summary,
    });
    process.stdout.write(
      `${profileMarkdown(summary, opts.paced ? 'paced SSE, per stream' : `c=${connections}`)}\nprofile: ${join(profDir, file)}\nwrote ${opts.out}\n`,
    );
    if (opts.quick) rmSync(profDir, { recursive: true, force: true });
    return summary;
  } finally {
    await load.close();
    await upstream.stop();
    setup.cleanup();
  }
}
