// The port through which `keychain/NAME` secrets are read and written. `npm run serve` passes the OS
// keychain (keytar-secret-store.ts) when one answers; the desktop shell passes its own; tests pass a
// MemorySecretStore. Whatever backs it, a secret never lands in a file Switchyard writes.

/** 'keychain': the OS keychain · 'memory': this process only · 'none': nothing can be stored. */
export type SecretBackend = 'keychain' | 'memory' | 'none';

export interface SecretEntry {
  name: string;
  value: string;
}

export interface SecretStore {
  /** Human-readable name of the backing store, for startup messages. */
  readonly kind: string;
  readonly backend: SecretBackend;
  /** Why nothing can be stored, when `backend` is 'none'. */
  readonly unavailableReason?: string | undefined;
  get(name: string): Promise<string | undefined>;
  /** Creates or replaces. Throws when the backend is 'none'. */
  set(name: string, value: string): Promise<void>;
  /** Whether there was one to delete. Throws when the backend is 'none'. */
  delete(name: string): Promise<boolean>;
  list(): Promise<SecretEntry[]>;
}

export class MemorySecretStore implements SecretStore {
  readonly kind: string = 'memory';
  readonly backend: SecretBackend = 'memory';
  readonly #values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(initial)) this.#values.set(k, v);
  }

  async get(name: string): Promise<string | undefined> {
    return this.#values.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.#values.set(name, value);
  }

  async delete(name: string): Promise<boolean> {
    return this.#values.delete(name);
  }

  async list(): Promise<SecretEntry[]> {
    return [...this.#values].map(([name, value]) => ({ name, value }));
  }
}

export const SECRET_ENV_PREFIX = 'SWITCHYARD_SECRET_';

/** Thrown by a store that cannot keep secrets: the caller says so instead of writing them anywhere else. */
export class SecretStoreUnavailable extends Error {
  override name = 'SecretStoreUnavailable';
}

/**
 * No keychain: `keychain/NAME` reads `SWITCHYARD_SECRET_NAME` from the environment, and nothing can be
 * stored. Keeping written secrets in memory instead would lose them silently at the next restart, and
 * a file would put them on disk in plain text: refusing is the honest answer.
 */
export class EnvSecretStore implements SecretStore {
  readonly kind = `environment (${SECRET_ENV_PREFIX}*)`;
  readonly backend: SecretBackend = 'none';
  readonly unavailableReason: string;
  readonly #values = new Map<string, string>();

  constructor(
    env: Record<string, string | undefined> = process.env,
    reason = 'none was given to this process',
  ) {
    this.unavailableReason = reason;
    for (const [k, v] of Object.entries(env)) {
      if (k.startsWith(SECRET_ENV_PREFIX) && v) this.#values.set(k.slice(SECRET_ENV_PREFIX.length), v);
    }
  }

  async get(name: string): Promise<string | undefined> {
    return this.#values.get(name);
  }

  async set(): Promise<void> {
    throw new SecretStoreUnavailable(this.#refusal());
  }

  async delete(): Promise<boolean> {
    throw new SecretStoreUnavailable(this.#refusal());
  }

  async list(): Promise<SecretEntry[]> {
    return [...this.#values].map(([name, value]) => ({ name, value }));
  }

  #refusal(): string {
    return `No OS keychain is available (${this.unavailableReason}), so secrets cannot be stored: use os.environ/NAME in the config, or set ${SECRET_ENV_PREFIX}NAME for keychain/NAME`;
  }
}

/** Headless default when nothing else is given: see EnvSecretStore. */
export function envSecretStore(env: Record<string, string | undefined> = process.env): SecretStore {
  return new EnvSecretStore(env);
}

/** One sentence for the startup log and the admin API's keychain.status. */
export function describeSecretStore(store: SecretStore): string {
  if (store.backend === 'keychain') return `credentials are stored in the OS keychain (${store.kind})`;
  if (store.backend === 'memory')
    return `credentials are kept in memory (${store.kind}) and are lost when Switchyard stops`;
  return (
    `no OS keychain is available (${store.unavailableReason ?? 'unknown reason'}): credentials cannot be ` +
    `stored. os.environ/NAME in the config still works, and keychain/NAME reads ${SECRET_ENV_PREFIX}NAME ` +
    `from the environment. Secrets are never written to disk.`
  );
}
