// The port through which `keychain/NAME` secrets are read. The desktop shell passes a keytar-backed
// implementation; headless runs get the in-memory one (filled from the environment).

export interface SecretStore {
  /** Human-readable name of the backing store, for startup messages. */
  readonly kind: string;
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
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
}

/**
 * Headless default: `keychain/NAME` reads `SWITCHYARD_SECRET_NAME` from the environment, so a server
 * without a desktop keychain can still be handed secrets without writing them to disk.
 */
export function envSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const store = new MemorySecretStore();
  const prefix = 'SWITCHYARD_SECRET_';
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(prefix) && v) void store.set(k.slice(prefix.length), v);
  }
  return Object.assign(store, { kind: 'environment (SWITCHYARD_SECRET_*)' });
}
