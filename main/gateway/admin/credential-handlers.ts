// Vendor keys in the OS keychain: list (masked), set, delete, test. A set or delete is picked up by the
// running config at once: its `keychain/NAME` references are resolved again.
import type { credentialOperations } from '../../../shared/admin/credentials.ts';
import type { SecretRef } from '../config/secret-refs.ts';
import { GatewayError } from '../errors.ts';
import { secretHint } from '../secrets/credential-hint.ts';
import { describeSecretStore, SecretStoreUnavailable, type SecretStore } from '../secrets/secret-store.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';
import { elapsed, knownSecrets, listModelsAt, providerEndpoint, testError } from './upstream-check.ts';

const refersTo = (ref: SecretRef | undefined, name: string) => ref?.kind === 'keychain' && ref.name === name;

/** A keychain that fails or refuses becomes a clear API error, with no secret in it. */
async function keychain<T>(store: SecretStore, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (err instanceof SecretStoreUnavailable) throw new GatewayError(409, 'invalid_request', err.message);
    throw new GatewayError(503, 'upstream_unavailable', `The OS keychain failed: ${(err as Error).message}`, {
      retryable: true,
      cause: err,
    });
  }
}

function refuseWithoutStore(store: SecretStore): void {
  if (store.backend === 'none') {
    throw new GatewayError(409, 'invalid_request', `Cannot store credentials: ${describeSecretStore(store)}`);
  }
}

export function credentialHandlers(deps: AdminDeps): HandlersFor<typeof credentialOperations> {
  const { runtime, secrets, credentialTimes } = deps;

  const usedBy = (name: string): string[] => {
    const { config } = runtime.loaded;
    const ids = config.deployments.filter((d) => refersTo(d.apiKeyRef, name)).map((d) => d.id);
    return refersTo(config.masterKeyRef, name) ? [...ids, 'general_settings.master_key'] : ids;
  };

  return {
    'keychain.status': () => ({
      available: secrets.backend !== 'none',
      backend: secrets.backend,
      message: describeSecretStore(secrets),
    }),

    'credential.list': async () => {
      const entries = await keychain(secrets, () => secrets.list());
      const times = credentialTimes.all();
      return entries
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(({ name, value }) => {
          const at = times.get(name);
          return {
            name,
            hint: secretHint(value),
            set_at: at === undefined ? null : new Date(at).toISOString(),
            used_by: usedBy(name),
          };
        });
    },

    'credential.set': async ({ name, secret }) => {
      refuseWithoutStore(secrets);
      await keychain(secrets, () => secrets.set(name, secret));
      const at = runtime.clock();
      credentialTimes.markSet(name, at);
      await deps.reloadSecrets();
      return { name, hint: secretHint(secret), set_at: new Date(at).toISOString() };
    },

    'credential.delete': async ({ name }) => {
      refuseWithoutStore(secrets);
      const deleted = await keychain(secrets, () => secrets.delete(name));
      credentialTimes.forget(name);
      if (deleted) await deps.reloadSecrets();
      return { deleted };
    },

    'credential.test': async ({ name, provider, api_base }) => {
      const { adapter, apiBase } = providerEndpoint(runtime, provider, api_base);
      const secret = await keychain(secrets, () => secrets.get(name));
      if (secret === undefined) {
        throw new GatewayError(404, 'not_found', `No credential named '${name}'`, { param: 'name' });
      }
      const started = performance.now();
      try {
        const models = await listModelsAt(runtime, adapter, apiBase, secret);
        return { ok: true, latency_ms: elapsed(started), models: models.length };
      } catch (err) {
        const error = testError(err, knownSecrets(runtime, secret));
        return { ok: false, latency_ms: elapsed(started), error };
      }
    },
  };
}
