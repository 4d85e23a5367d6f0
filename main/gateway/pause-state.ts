// "Pause gateway" from the tray: while paused every proxied request is refused (plugins/pause.ts). The
// state is kept in the data dir so a paused gateway stays paused across a restart or a reboot.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './config/atomic-write.ts';

export const PAUSE_FILE = 'gateway-state.json';

export class PauseSwitch {
  readonly #file: string;
  #paused: boolean;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(file: string, paused: boolean) {
    this.#file = file;
    this.#paused = paused;
  }

  static async open(dataDir: string): Promise<PauseSwitch> {
    const file = join(dataDir, PAUSE_FILE);
    let saved: { paused?: unknown } | null = null;
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as { paused?: unknown } | null;
    } catch {
      // Missing or unreadable: not paused.
    }
    return new PauseSwitch(file, saved?.paused === true);
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Saved first, so what the user sees is what a restart keeps; toggles are written in the order made. */
  set(paused: boolean): Promise<void> {
    const write = this.#writes.then(async () => {
      await writeFileAtomic(this.#file, `${JSON.stringify({ paused }, null, 2)}\n`);
      this.#paused = paused;
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
