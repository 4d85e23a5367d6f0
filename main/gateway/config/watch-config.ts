// Reloads the config when its file changes. Editors save by writing a temp file and renaming it, so the
// folder is watched, not the file. A valid edit swaps the whole config; an invalid one keeps the old.
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface ConfigWatcher {
  close(): void;
  /** Resolves after the next reload attempt (for tests and the admin "reload now"). */
  reloadNow(): Promise<void>;
}

/**
 * `loadedText` is the text the running config was loaded from: an edit is anything else. Reading it
 * again here would race with an edit made right after startup and take the edit for the baseline.
 */
export function watchConfig(
  file: string,
  onText: (text: string) => Promise<void>,
  loadedText?: string,
  debounceMs = 100,
): ConfigWatcher {
  const name = basename(file);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let last: string | undefined = loadedText;

  const reload = (): Promise<void> => {
    running = running.then(async () => {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined || text === last) return;
      last = text;
      await onText(text);
    });
    return running;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== name) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  if (last === undefined) {
    void readFile(file, 'utf8').then(
      (t) => (last ??= t),
      () => undefined,
    );
  } else if (watcher) {
    // An edit saved between loading the config and starting to watch sent no event: look once now.
    void reload();
  }

  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
    reloadNow: reload,
  };
}
