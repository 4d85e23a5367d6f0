// The processes under test, each spawned on its own so its CPU time and memory can be read from /proc:
// the simulated upstream (which is also the "direct" target), the floor, and Switchyard exactly as
// `npm run serve` runs it, set up with everything a real user has on.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServe } from '../scripts/build-serve.ts';
import { BENCH_ALIAS } from './wire.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE_FLAGS = ['--disable-warning=ExperimentalWarning'];

/** `switchyard-no-ledger`: Switchyard with `--no-ledger`, run in the c=64 phase for the ledger's cost. */
export type TargetName = 'direct' | 'floor' | 'switchyard' | 'switchyard-no-ledger';

/** What the load generator needs to hit a target, and what the harness reads its costs from. */
export interface Target {
  name: TargetName;
  /** Base URL; requests go to `${url}/v1/chat/completions`. */
  url: string;
  /** The process whose CPU and memory count as this target's (the upstream itself for direct). */
  pid: number;
  key: string;
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  url: string;
  /** From spawn() to the `listening on` line, ms. */
  startMs: number;
  /** The last few KB of stderr, for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Spawns `node <flags> <script> <args>` and waits for its `listening on <url>` line. */
export function spawnListening(
  script: string,
  args: string[],
  opts: { nodeFlags?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Spawned> {
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, ...(opts.nodeFlags ?? []), script, ...args], {
    cwd: ROOT,
    // Nothing from the developer's shell (OLLAMA_HOST, vendor keys, NODE_OPTIONS) changes a run.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  };
  return new Promise<Spawned>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} printed no listening line within ${opts.timeoutMs ?? 20_000} ms: ${err}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      const startMs = performance.now() - started;
      clearTimeout(timer);
      // Keep draining stdout so a chatty child never blocks on a full pipe.
      child.stdout!.off('data', onData).on('data', () => {});
      resolve({ child, pid: child.pid!, url: m[1]!, startMs, stderr: () => err, stop });
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}

export const MASTER_KEY = 'sk-bench-master-0123456789';
export const FLOOR_KEY = 'sk-bench-floor-0123456789';
const UPSTREAM_KEY = 'sk-bench-upstream-0123456789';
// Priced like a small cloud model so every request reserves and settles real money against the budget.
const IN_PRICE = 0.00000015;
const OUT_PRICE = 0.0000006;

/** A real user's setup: an alias with a fallback, priced deployments, a master key. */
export function switchyardConfig(upstreamUrl: string): string {
  const deployment = (name: string, model: string) => `  - model_name: ${name}
    litellm_params:
      model: openai/${model}
      api_base: ${upstreamUrl}/v1
      api_key: ${UPSTREAM_KEY}
      input_cost_per_token: ${IN_PRICE}
      output_cost_per_token: ${OUT_PRICE}
`;
  return `model_list:
${deployment(BENCH_ALIAS, 'bench-model')}${deployment('backup', 'bench-backup')}router_settings:
  num_retries: 2
  fallbacks: [{ ${BENCH_ALIAS}: [backup] }]
general_settings:
  master_key: ${MASTER_KEY}
`;
}

/** The per-app key's settings: a budget big enough never to run out, limits high enough never to trigger. */
export const APP_KEY_SETTINGS = {
  key_alias: 'bench-app',
  models: [BENCH_ALIAS, 'backup'],
  max_budget: 1_000_000,
  budget_duration: '30d',
  rpm_limit: 1_000_000_000,
  tpm_limit: 1_000_000_000_000,
};

export interface SwitchyardSetup {
  dir: string;
  configPath: string;
  dataDir: string;
  cleanup(): void;
}

export function prepareSwitchyard(upstreamUrl: string): SwitchyardSetup {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, switchyardConfig(upstreamUrl));
  return {
    dir,
    configPath,
    dataDir: join(dir, 'data'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The Node flags `npm run serve` adds (package.json): Switchyard runs here exactly as it is served. */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=8'];

/**
 * Bundles what runs as JavaScript: Switchyard into out/serve/cli.js exactly as `npm run serve` does, and
 * the floor into out/bench/floor.js, so that neither pays for Node's TypeScript stripping.
 */
export async function buildTargets(): Promise<void> {
  await buildServe({ quiet: true });
  await buildServe({ entry: 'bench/floor.ts', outDir: join(ROOT, 'out/bench'), quiet: true });
}

export function spawnSwitchyard(
  setup: SwitchyardSetup,
  nodeFlags: string[] = [],
  // `source`: main/cli.ts under type stripping, for profiles that name our own files and lines.
  opts: { ledger?: boolean; source?: boolean } = {},
): Promise<Spawned> {
  const args = ['--config', setup.configPath, '--data-dir', setup.dataDir, '--port', '0'];
  if (opts.ledger === false) args.push('--no-ledger');
  return spawnListening(opts.source ? 'main/cli.ts' : 'out/serve/cli.js', args, {
    nodeFlags: [...SERVE_NODE_FLAGS, ...nodeFlags],
  });
}

export function spawnFloor(upstreamUrl: string, nodeFlags: string[] = []): Promise<Spawned> {
  return spawnListening('out/bench/floor.js', ['--upstream', upstreamUrl, '--key', FLOOR_KEY], { nodeFlags });
}

export function spawnUpstream(): Promise<Spawned> {
  return spawnListening('bench/upstream.ts', []);
}

/** Creates the per-app key through LiteLLM's API, as a user would; returns its secret. */
export async function generateAppKey(url: string): Promise<string> {
  const res = await fetch(`${url}/key/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
    body: JSON.stringify(APP_KEY_SETTINGS),
  });
  const body = (await res.json()) as { key?: string };
  if (res.status !== 200 || !body.key)
    throw new Error(`/key/generate answered ${res.status}: ${JSON.stringify(body)}`);
  return body.key;
}

/** Switches the upstream's streams between back-to-back (0) and paced (ms between chunks). */
export async function setPace(upstreamUrl: string, paceMs: number): Promise<void> {
  const res = await fetch(`${upstreamUrl}/_bench/mode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paceMs }),
  });
  if (res.status !== 200) throw new Error(`upstream mode answered ${res.status}`);
  await res.arrayBuffer();
}
