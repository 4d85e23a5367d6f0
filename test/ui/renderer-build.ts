// Builds the React window once (vite build → out/renderer) for the chromium tests. Test files run in
// separate processes, so a lock directory keeps two of them from building over each other, and a build
// newer than every source file is reused instead of rebuilt.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_OUT = join(ROOT, 'out', 'renderer');
const LOCK = join(ROOT, 'out', '.renderer-build.lock');
const STALE_LOCK_MS = 180_000;

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

function upToDate(): boolean {
  try {
    const built = statSync(join(RENDERER_OUT, 'index.html')).mtimeMs;
    const sources = Math.max(
      newest(join(ROOT, 'renderer')),
      newest(join(ROOT, 'shared')),
      newest(join(ROOT, 'vite.config.ts')),
    );
    return built > sources;
  } catch {
    return false;
  }
}

async function lock(): Promise<() => void> {
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // Another test process is building; a lock older than any build is left over from a killed run.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS)
          rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone already
      }
      if (Date.now() > deadline) throw new Error(`could not take ${LOCK}`);
      await sleep(200);
    }
  }
}

export async function ensureRendererBuilt(): Promise<void> {
  if (upToDate()) return;
  const release = await lock();
  try {
    if (upToDate()) return;
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'renderer'), logLevel: 'warn' });
  } finally {
    release();
  }
}
