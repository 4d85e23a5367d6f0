// Runs the server as `npm run serve` does (node main/cli.ts or its bundle, its own process, no shell) and watches its output,
// so the tests see exactly what a terminal would: stdout, stderr, the exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first stdout line; rejects if the process exits first or nothing comes in time. */
  ready(timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited (immediately if it already has). */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if still running (for afterEach) and waits for it. */
  stop(): Promise<void>;
}

/** `script`: main/cli.ts by default; a bundle built by scripts/build-serve.ts to run what `npm run serve` runs. */
export function spawnServe(
  args: string[],
  env: Record<string, string | undefined> = {},
  script = 'main/cli.ts',
): ServeProcess {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script, ...args], {
    cwd: ROOT,
    // A minimal environment: nothing from the developer's shell (OLLAMA_HOST, keys) leaks into a run.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Wait for the pipes to drain too, so stdout/stderr are complete once exited() resolves.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const withDeadline = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`${what} within ${ms} ms\nstdout: ${stdout}\nstderr: ${stderr}`)),
        ms,
      );
      p.then(
        (v) => (clearTimeout(t), resolve(v)),
        (e: unknown) => (clearTimeout(t), reject(e as Error)),
      );
    });

  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    ready(timeoutMs = 10_000) {
      const line = new Promise<string>((resolve, reject) => {
        const check = () => {
          const nl = stdout.indexOf('\n');
          if (nl === -1) return;
          child.stdout!.off('data', check);
          resolve(stdout.slice(0, nl));
        };
        child.stdout!.on('data', check);
        check();
        void exit.then(({ code, signal }) =>
          reject(new Error(`serve exited (${code ?? signal}) before it was ready\nstderr: ${stderr}`)),
        );
      });
      return withDeadline(line, timeoutMs, 'serve did not print its listening line');
    },
    async exited(timeoutMs = 15_000) {
      const r = await withDeadline(exit, timeoutMs, 'serve did not exit');
      await closed;
      return r;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** Whether a new TCP connection to host:port is accepted. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
