// What every domain's admin handlers are typed against, and what they may use.
import type { AdminOperation, AdminOutput, AdminParsedInput } from '../../../shared/admin/contract.ts';
import type { GatewayControl } from '../gateway-control.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { CredentialsRepo } from '../store/credentials-repo.ts';
import type { SpendRepo } from '../store/spend-repo.ts';

export type AdminHandlers = {
  [K in AdminOperation]: (input: AdminParsedInput<K>) => AdminOutput<K> | Promise<AdminOutput<K>>;
};

/** The handlers for the operations of one domain's table (e.g. `keyOperations`). */
export type HandlersFor<T> = Pick<AdminHandlers, Extract<keyof T, AdminOperation>>;

/** What the admin handlers work on; the gateway builds it once per server. */
export interface AdminDeps extends SecretDeps {
  runtime: GatewayRuntime;
  spend: SpendRepo;
  /** The config editor, pause switch and listen address (models, gateway and settings operations). */
  control: GatewayControl;
}

/** What the credential and discovery handlers use beyond the runtime. */
export interface SecretDeps {
  /** Where `keychain/NAME` credentials live. */
  secrets: SecretStore;
  /** When each credential was set (never the secret). */
  credentialTimes: CredentialsRepo;
  /** The environment `os.environ/NAME` reads (before the config's environment_variables). */
  env: Record<string, string | undefined>;
  /** Resolves the running config's secrets again, so the next request uses a changed credential. */
  reloadSecrets(): Promise<void>;
}
