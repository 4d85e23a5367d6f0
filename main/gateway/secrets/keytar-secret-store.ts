// The OS keychain through keytar (macOS Keychain, Windows Credential Manager, the Secret Service on Linux):
// service `Switchyard`, one account per credential name. keytar is loaded lazily so that a missing native
// module or a machine without a keychain gives a sentence at startup instead of a crash.
import { EnvSecretStore, type SecretBackend, type SecretEntry, type SecretStore } from './secret-store.ts';

export const KEYCHAIN_SERVICE = 'Switchyard';
/** How long startup waits for the keychain to answer before going on without one. */
export const KEYCHAIN_PROBE_TIMEOUT_MS = 3_000;
/** How long one keychain call may take once the keychain is known to work (a locked one can prompt forever). */
export const KEYCHAIN_CALL_TIMEOUT_MS = 10_000;

/** The part of keytar's API this store uses (its own typings, minus what we never call). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

class KeychainTimeout extends Error {
  override name = 'KeychainTimeout';
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  // On Linux, libsecret waits on D-Bus (and on an unlock prompt nobody can see when headless): the call
  // may never return, so stop waiting for it; the native call is left to finish or not on its own thread.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new KeychainTimeout(`the OS keychain did not answer ${what} within ${ms} ms`)),
      ms,
    );
    timer.unref();
    work.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

function platformKeychain(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

export interface KeytarStoreOptions {
  /** The keychain service the accounts live under (tests use their own, never the user's). */
  service?: string;
  callTimeoutMs?: number;
}

export class KeytarSecretStore implements SecretStore {
  readonly kind: string;
  readonly backend: SecretBackend = 'keychain';
  readonly service: string;
  readonly #api: KeytarApi;
  readonly #timeoutMs: number;

  constructor(api: KeytarApi, opts: KeytarStoreOptions = {}) {
    this.#api = api;
    this.service = opts.service ?? KEYCHAIN_SERVICE;
    this.#timeoutMs = opts.callTimeoutMs ?? KEYCHAIN_CALL_TIMEOUT_MS;
    this.kind = `${platformKeychain(process.platform)}, service "${this.service}"`;
  }

  async get(name: string): Promise<string | undefined> {
    const v = await withTimeout(this.#api.getPassword(this.service, name), this.#timeoutMs, 'a read');
    return v ?? undefined;
  }

  async set(name: string, value: string): Promise<void> {
    await withTimeout(this.#api.setPassword(this.service, name, value), this.#timeoutMs, 'a write');
  }

  async delete(name: string): Promise<boolean> {
    return withTimeout(this.#api.deletePassword(this.service, name), this.#timeoutMs, 'a delete');
  }

  async list(): Promise<SecretEntry[]> {
    return this.listWithin(this.#timeoutMs);
  }

  async listWithin(timeoutMs: number): Promise<SecretEntry[]> {
    const found = await withTimeout(this.#api.findCredentials(this.service), timeoutMs, 'a listing');
    return found.map((c) => ({ name: c.account, value: c.password }));
  }
}

/** Loads keytar's native module; throws a readable Error when it cannot be loaded. */
export async function loadKeytar(): Promise<KeytarApi> {
  let mod: Partial<KeytarApi> & { default?: Partial<KeytarApi> };
  try {
    mod = (await import('keytar')) as typeof mod;
  } catch (err) {
    throw new Error(`the keytar module could not be loaded (${(err as Error).message.split('\n')[0]})`, {
      cause: err,
    });
  }
  // keytar is CommonJS: Node's named-export detection finds only its first function, so take the
  // default export (module.exports) when it has them all.
  const api = (typeof mod.default?.findCredentials === 'function' ? mod.default : mod) as KeytarApi;
  if (typeof api.findCredentials !== 'function')
    throw new Error('the keytar module has no findCredentials()');
  return api;
}

export interface OpenKeychainOptions extends KeytarStoreOptions {
  probeTimeoutMs?: number;
  /** Where SWITCHYARD_SECRET_NAME is read from when there is no keychain. */
  env?: Record<string, string | undefined>;
  /** Injectable for tests: how keytar is loaded. */
  load?: () => Promise<KeytarApi>;
}

/**
 * The OS keychain when it answers, else the environment-only store (which refuses to store anything and
 * says why). Never throws and never hangs longer than the probe timeout.
 */
export async function openKeychain(opts: OpenKeychainOptions = {}): Promise<SecretStore> {
  const env = opts.env ?? process.env;
  let api: KeytarApi;
  try {
    api = await (opts.load ?? loadKeytar)();
  } catch (err) {
    return new EnvSecretStore(env, (err as Error).message);
  }
  const store = new KeytarSecretStore(api, opts);
  try {
    await store.listWithin(opts.probeTimeoutMs ?? KEYCHAIN_PROBE_TIMEOUT_MS);
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    const hint =
      process.platform === 'linux'
        ? '; a desktop session with gnome-keyring or KeePassXC provides one on the D-Bus session bus'
        : '';
    return new EnvSecretStore(env, `${store.kind}: ${why}${hint}`);
  }
  return store;
}
