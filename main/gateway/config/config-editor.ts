// Every change the app makes to config.yaml goes through here, one at a time:
//   read the file as it is now (the user may have edited it by hand a second ago) → apply the change to
//   its parsed Document (comments, key order and os.environ/ and keychain/ references survive) → validate
//   the result with the loader's own validator → write it atomically → swap the running config at once.
// A change that would make the config invalid is refused with the path and reason, and nothing is
// written. File-watcher reloads run in the same queue, so a reload never swaps in a stale text over an edit.
import { copyFile, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { GatewayConfig } from './gateway-config.ts';
import { ConfigError, type LoadedConfig } from './load-config.ts';
import { normalizeConfig, type ProviderLookup } from './normalize-config.ts';
import { validateConfigText } from './validate-config.ts';
import { stringifyLike } from './yaml-style.ts';

/** How many `config.yaml.bak-*` files an import keeps. */
const BACKUPS_KEPT = 10;

export interface ConfigEditorOptions {
  path: string;
  /** Validates, normalises and resolves the secrets of a config text (loadConfigText). */
  load(text: string): Promise<LoadedConfig>;
  /** The config the gateway runs on now. */
  current(): LoadedConfig;
  /** Makes `next` the running config (runtime.swap). */
  apply(next: LoadedConfig): void;
  providers: ProviderLookup;
  log: Logger;
  clock?: () => number;
}

export interface EditContext {
  /** The file as it is now, parsed: change it in place. */
  doc: Document;
  /** The same file, normalised: deployments by id with their model_list index. */
  current: GatewayConfig;
}

export interface EditOutcome<T> {
  result: T;
  loaded: LoadedConfig;
}

/** `model_list[2].litellm_params.api_base: invalid URL` → `model_list[2].litellm_params.api_base`. */
function pathOf(problem: string | undefined): string | null {
  const at = problem?.indexOf(': ') ?? -1;
  return at > 0 ? problem!.slice(0, at) : null;
}

function refused(headline: string, problems: string[]): GatewayError {
  return new GatewayError(400, 'invalid_request', `${headline}: ${problems.join('; ')}`, {
    param: pathOf(problems[0]),
  });
}

export class ConfigEditor {
  readonly path: string;
  readonly #opts: ConfigEditorOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: ConfigEditorOptions) {
    this.path = opts.path;
    this.#opts = opts;
  }

  /** Runs `work` after everything queued before it, alone. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #readFile(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      // A deleted config is an empty one: the edit recreates it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }

  /** The config file's text as it is now. */
  read(): Promise<string> {
    return this.#readFile();
  }

  /** Validates a whole config text as the gateway would load it: 400 naming the path when it is not valid. */
  async #check(text: string, headline: string): Promise<LoadedConfig> {
    const validated = validateConfigText(text);
    if (!validated.config) throw refused(headline, validated.errors);
    try {
      return await this.#opts.load(text);
    } catch (err) {
      if (err instanceof ConfigError) throw refused(headline, err.problems);
      throw err;
    }
  }

  #swap(next: LoadedConfig, what: string): void {
    const before = new Set(this.#opts.current().warnings);
    this.#opts.apply(next);
    // Only what this change made worse: the rest was logged when it was loaded.
    for (const w of next.warnings) if (!before.has(w)) this.#opts.log.warn(w);
    this.#opts.log.info(`${what}: ${next.config.deployments.length} deployment(s)`);
  }

  /**
   * Applies `change` to the config file as it is now, validates the result, writes it and reloads.
   * `check` may refuse the loaded result (throw) before anything is written.
   */
  edit<T>(
    change: (ctx: EditContext) => T,
    check?: (next: LoadedConfig, result: T) => void,
  ): Promise<EditOutcome<T>> {
    return this.#exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        const out = await this.#editOnce(change, check);
        if (out !== 'changed-meanwhile') return out;
        // Saved by hand while this edit was being checked: redo it on the new text rather than overwrite it.
        if (attempt === 3) {
          throw new GatewayError(
            409,
            'invalid_request',
            `${this.path} keeps changing; try again in a moment`,
          );
        }
      }
    });
  }

  async #editOnce<T>(
    change: (ctx: EditContext) => T,
    check: ((next: LoadedConfig, result: T) => void) | undefined,
  ): Promise<EditOutcome<T> | 'changed-meanwhile'> {
    const text = await this.#readFile();
    const validated = validateConfigText(text);
    if (!validated.config) {
      throw new GatewayError(
        409,
        'invalid_request',
        `${this.path} has errors, so the app cannot change it until they are fixed (by hand, or by ` +
          `importing a config): ${validated.errors.join('; ')}`,
        { param: pathOf(validated.errors[0]) },
      );
    }
    const current = normalizeConfig(validated.config, this.#opts.providers).config;
    const doc = parseDocument(text);
    const result = change({ doc, current });
    const next = stringifyLike(doc, text);
    const loaded = await this.#check(next, 'That change would make the config invalid');
    check?.(loaded, result);
    // Nothing to change (a primary that already was): no write, no reload.
    if (next === this.#opts.current().text) return { result, loaded: this.#opts.current() };
    if (next !== text) {
      if ((await this.#readFile()) !== text) return 'changed-meanwhile';
      await writeFileAtomic(this.path, next);
    }
    this.#swap(loaded, 'config edited');
    return { result, loaded };
  }

  /**
   * Replaces the whole file (config.import): validated first, the old file kept as
   * `config.yaml.bak-<time>` beside it.
   */
  replace(text: string): Promise<{ loaded: LoadedConfig; backup: string | null }> {
    return this.#exclusive(async () => {
      const loaded = await this.#check(text, 'That config is not valid');
      const old = await readFile(this.path, 'utf8').catch(() => undefined);
      let backup: string | null = null;
      if (old !== undefined && old !== text) {
        const stamp = new Date((this.#opts.clock ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
        backup = `${this.path}.bak-${stamp}`;
        await copyFile(this.path, backup);
        await this.#pruneBackups();
      }
      await writeFileAtomic(this.path, text);
      this.#swap(loaded, 'config imported');
      return { loaded, backup };
    });
  }

  async #pruneBackups(): Promise<void> {
    const prefix = `${basename(this.path)}.bak-`;
    const dir = dirname(this.path);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(prefix)).sort();
    for (const old of names.slice(0, Math.max(0, names.length - BACKUPS_KEPT))) {
      await rm(join(dir, old), { force: true });
    }
  }

  /**
   * The file watcher's reload (and Gateway.reload): the file as it is now, unless the gateway already runs
   * on exactly that text (an edit made here, seen again by the watcher). An invalid file keeps the old config.
   */
  reloadFromDisk(): Promise<void> {
    return this.#exclusive(async () => {
      const text = await readFile(this.path, 'utf8').catch(() => undefined);
      if (text === undefined || text === this.#opts.current().text) return;
      let next: LoadedConfig;
      try {
        next = await this.#opts.load(text);
      } catch (err) {
        const why = err instanceof ConfigError ? err.problems.join('; ') : String(err);
        // Name the file: with several configs about, "which one?" is the first thing the user asks.
        this.#opts.log.error(`config reload of ${this.path} failed, keeping the previous config: ${why}`);
        return;
      }
      for (const w of next.warnings) this.#opts.log.warn(w);
      this.#opts.apply(next);
      this.#opts.log.info(`config reloaded: ${next.config.deployments.length} deployment(s)`);
    });
  }

  /** Loads the file again even when its text is unchanged: a secret it references changed. Throws on failure. */
  refresh(): Promise<LoadedConfig> {
    return this.#exclusive(async () => {
      const loaded = await this.#check(await this.#readFile(), 'The config cannot be loaded');
      this.#swap(loaded, 'config reloaded');
      return loaded;
    });
  }
}
