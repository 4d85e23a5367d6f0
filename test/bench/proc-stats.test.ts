// The bench's two CPU counts of a process, read from outside it: the scheduler's nanoseconds of its live
// threads, and stat's clock ticks of every thread it ran. A thread that ended between two readings (a
// checkpoint's worker) is only in the second; the bench's c=64 CPU target reads that one.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuTimeUs, tickCpuUs } from '../../bench/proc-stats.ts';

let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

/**
 * A Node process that, on a line on stdin, runs a worker thread until that thread alone has used `ms` of
 * CPU (its own count: a busy machine stretches the wall time, not the CPU), and says when it has ended.
 */
function startProcess(ms: number): Promise<{ child: ChildProcess; burn: () => Promise<void> }> {
  const source = `
    const { Worker } = require('node:worker_threads');
    process.stdin.on('data', () => {
      const w = new Worker(
        'const used = () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; };' +
          'while (used() < ${ms}) {}',
        { eval: true },
      );
      w.on('exit', () => process.stdout.write('ended\\n'));
    });
    process.stdout.write('ready\\n');
  `;
  const c = spawn(process.execPath, ['-e', source], { stdio: ['pipe', 'pipe', 'inherit'] });
  child = c;
  const line = () => new Promise<void>((resolve) => c.stdout!.once('data', () => resolve()));
  return line().then(() => ({
    child: c,
    burn: () => {
      const ended = line();
      c.stdin!.write('go\n');
      return ended;
    },
  }));
}

describe("the bench's CPU counts", () => {
  it('count a thread that ended during the measurement in the all-threads figure only', async () => {
    const { child: c, burn } = await startProcess(400);
    const pid = c.pid!;
    const live0 = cpuTimeUs(pid);
    const all0 = tickCpuUs(pid);
    await burn();
    const live = cpuTimeUs(pid) - live0;
    const all = tickCpuUs(pid) - all0;
    // The worker's ~400 ms: in stat's ticks (10 ms each), not in the live threads' sum.
    expect(all).toBeGreaterThan(300_000);
    expect(live).toBeLessThan(100_000);
  });
});
