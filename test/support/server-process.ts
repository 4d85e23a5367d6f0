// The real server in its own process, started and ready, for tests that must kill it the hard way.
import type { ChildProcess } from 'node:child_process';
import { spawnServe } from './spawn-serve.ts';

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` from the listening line. */
  url: string;
  readonly stderr: string;
  /** Sends the signal (if the process still runs) and resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServerProcess(args: string[], timeoutMs = 15_000): Promise<ServerProcess> {
  const serve = spawnServe(args);
  const line = await serve.ready(timeoutMs).catch(async (err: unknown) => {
    await serve.stop();
    throw err;
  });
  const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
  if (!url) {
    await serve.stop();
    throw new Error(`unexpected first line: ${line}`);
  }
  return {
    child: serve.child,
    url,
    get stderr() {
      return serve.stderr;
    },
    async kill(signal = 'SIGKILL') {
      const { child } = serve;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return serve.exited();
    },
  };
}
