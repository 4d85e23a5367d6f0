// The benchmark harness end to end in --quick mode (tiny counts: it checks the harness, never the speed),
// and the stream check it relies on, against streams that are not whole.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/report.ts';
import { runSse } from '../../bench/sse-client.ts';
import { QUICK } from '../../bench/phases.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', 'bench/run.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const TARGETS = ['direct', 'floor', 'switchyard'];
/** The c=64 phase also runs Switchyard with --no-ledger, for the ledger on/off ratio. */
const C64_TARGETS = [...TARGETS, 'switchyard-no-ledger'];

describe('npm run bench -- --quick', () => {
  it(
    'runs every phase against every target and writes a complete result file',
    { timeout: 300_000 },
    async () => {
      const out = join(dir, 'result.json');
      const run = await runBench(['--quick', '--out', out, '--note', 'smoke test']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('| line | direct | floor | switchyard | switchyard ÷ floor |');
      expect(run.stdout).toContain('| target | measured | limit | result |');

      const r = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
      expect(r).toMatchObject({
        schema: 1,
        quick: true,
        note: 'smoke test',
        targets: C64_TARGETS,
        failures: 0,
      });
      expect(r.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });

      for (const phase of ['c1', 'c64', 'sse-b2b', 'sse-paced'] as const) {
        const p = r.phases[phase]!;
        const targets = phase === 'c64' ? C64_TARGETS : TARGETS;
        expect(p.rounds, phase).toHaveLength(QUICK.rounds);
        // Interleaved: each round runs every target, and the order rotates.
        for (const round of p.rounds) {
          expect([...round.order].sort()).toEqual([...targets].sort());
          expect(Object.keys(round.results).sort()).toEqual([...targets].sort());
        }
        expect(new Set(p.rounds.map((round) => round.order[0])).size).toBe(3);
        for (const t of targets) expect(p.median[t as 'direct'], `${phase} ${t}`).toBeDefined();
        expect(Object.keys(p.vsDirect).sort()).toEqual(targets.filter((t) => t !== 'direct').sort());
        expect(p.switchyardVsFloor).toBeDefined();
      }
      expect(r.phases.c64!.ledgerOnVsOff?.rps).toEqual(expect.any(Number));
      expect(r.phases.c1!.median.switchyard).toMatchObject({
        requests: QUICK.c1Requests,
        p50Ms: expect.any(Number),
        p99Ms: expect.any(Number),
        cpuUsPerReq: expect.any(Number),
      });
      expect(r.phases.c64!.median.switchyard).toMatchObject({
        rps: expect.any(Number),
        peakRssMb: expect.any(Number),
        allThreadsCpuUsPerReq: expect.any(Number),
      });

      // Every stream of every SSE round was checked whole: 20 chunks, finish_reason, usage, [DONE].
      const perRound = {
        'sse-b2b': QUICK.b2bStreamsPerConnection,
        'sse-paced': QUICK.pacedStreamsPerConnection,
      };
      let expected = 0;
      for (const [phase, perConnection] of Object.entries(perRound)) {
        for (const round of r.phases[phase as 'sse-b2b']!.rounds) {
          for (const t of TARGETS) {
            const m = round.results[t as 'direct']!;
            expect(m.streams, `${phase} ${t}`).toEqual({
              total: QUICK.sseConnections * perConnection,
              complete: QUICK.sseConnections * perConnection,
              problems: [],
            });
            expected += QUICK.sseConnections * perConnection;
          }
        }
      }
      expect(r.streams).toEqual({ total: expected, complete: expected, problems: [] });

      expect(r.memory.idleRssMb.switchyard).toBeGreaterThan(0);
      expect(r.memory.peakRssMb.switchyard).toBeGreaterThan(0);
      expect(r.coldStart.switchyard?.runsMs).toHaveLength(QUICK.coldRuns);
      expect(r.coldStart.floor?.medianMs).toEqual(expect.any(Number));

      const names = r.checks.map((c) => c.name);
      expect(names).toHaveLength(11);
      for (const c of r.checks) expect(['PASS', 'FAIL', 'NOT MEASURABLE']).toContain(c.result);
      expect(['PASS', 'FAIL']).toContain(r.checks.find((c) => c.name.includes('ledger on'))?.result);
      expect(r.checks.find((c) => c.name === 'SSE streams verified complete')?.result).toBe('PASS');
    },
  );

  it('refuses an unknown phase', async () => {
    const run = await runBench(['--quick', '--phases', 'c2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown phase 'c2'");
  });
});

describe('the stream check', () => {
  let server: Server;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const event = (i: number, last: boolean) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: `t${i} ` }, finish_reason: last ? 'stop' : null }], bench_sent_us: 0 })}\n\n`;
  const usage = `data: ${JSON.stringify({ choices: [], usage: { completion_tokens: 20 } })}\n\n`;

  it('finds streams that are cut short, lack usage or lack [DONE]', async () => {
    const shapes: Record<string, string> = {
      '/whole': [...Array.from({ length: 20 }, (_, i) => event(i, i === 19)), usage, 'data: [DONE]\n\n'].join(
        '',
      ),
      '/short': [...Array.from({ length: 19 }, (_, i) => event(i, i === 18)), usage, 'data: [DONE]\n\n'].join(
        '',
      ),
      '/no-usage': [...Array.from({ length: 20 }, (_, i) => event(i, i === 19)), 'data: [DONE]\n\n'].join(''),
      '/no-done': [...Array.from({ length: 20 }, (_, i) => event(i, i === 19)), usage].join(''),
    };
    let shape = '/whole';
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(shapes[shape]);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const problems: Record<string, (string | undefined)[]> = {};
    for (const s of Object.keys(shapes)) {
      shape = s;
      const { records } = await runSse({ url, key: 'k', connections: 2, streamsPerConnection: 1 });
      problems[s] = records.map((r) => (r.ok ? undefined : r.problem));
    }
    expect(problems).toEqual({
      '/whole': [undefined, undefined],
      '/short': ['19 content chunks, not 20', '19 content chunks, not 20'],
      '/no-usage': ['no usage chunk', 'no usage chunk'],
      '/no-done': ['no [DONE]', 'no [DONE]'],
    });
  });
});
