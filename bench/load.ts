// The harness's side of the load generator: one forked process (load-worker.ts) for the whole run, so
// load is never generated inside a target's process and the generator's own JIT warm-up is paid once.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, JobResult, SseResult, UnaryJob, UnaryResult } from './load-worker.ts';
import type { SseJob } from './sse-client.ts';

export type { Job, JobResult, SseResult, UnaryResult };

type Reply = { type: 'ready' } | { type: 'result'; result: JobResult } | { type: 'error'; message: string };

export interface LoadGenerator {
  /** Runs a job; `atStart` runs after the worker is set up, right before the load begins. */
  unary(job: Omit<UnaryJob, 'kind'>, atStart?: () => void): Promise<UnaryResult>;
  sse(job: SseJob, atStart?: () => void): Promise<SseResult>;
  close(): Promise<void>;
}

export function startLoadGenerator(): LoadGenerator {
  const child: ChildProcess = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let queue: Promise<unknown> = Promise.resolve();

  const run = (job: Job, atStart?: () => void): Promise<JobResult> => {
    const next = queue.then(
      () =>
        new Promise<JobResult>((resolve, reject) => {
          const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
          const onMessage = (msg: Reply) => {
            if (msg.type === 'ready') {
              atStart?.();
              child.send({ type: 'go' });
              return;
            }
            child.off('message', onMessage);
            child.off('exit', onExit);
            if (msg.type === 'result') resolve(msg.result);
            else reject(new Error(`load generator: ${msg.message}`));
          };
          child.on('message', onMessage);
          child.once('exit', onExit);
          child.send({ type: 'job', job });
        }),
    );
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    unary: (job, atStart) => run({ kind: 'unary', ...job }, atStart) as Promise<UnaryResult>,
    sse: (job, atStart) => run({ kind: 'sse', ...job }, atStart) as Promise<SseResult>,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
