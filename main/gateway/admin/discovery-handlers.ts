// What a provider offers (so the UI can add its models with one click) and whether one deployment answers
// (with the exact upstream error when it does not).
import type { discoveryOperations } from '../../../shared/admin/discovery.ts';
import type { Deployment } from '../config/gateway-config.ts';
import { describeSecretRef, parseSecretRef, resolveSecret } from '../config/secret-refs.ts';
import { GatewayError } from '../errors.ts';
import { probeDeployment } from '../routing/probe.ts';
import type { GatewayRuntime } from '../runtime.ts';
import { redactSecrets } from '../secrets/credential-hint.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';
import { knownSecrets, listModelsAt, providerEndpoint, testError } from './upstream-check.ts';

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function findDeployment(runtime: GatewayRuntime, id?: string, alias?: string): Deployment {
  const { config } = runtime.loaded;
  if (id !== undefined) {
    const d = config.deployments.find((x) => x.id === id);
    if (d) return d;
    throw new GatewayError(404, 'not_found', `No deployment with id '${id}'`, { param: 'id' });
  }
  const name = alias!;
  const target = config.aliasNames.get(name) ?? name;
  const group =
    config.groups.get(target) ?? config.wildcards.find((w) => w.modelName === target)?.deployments ?? [];
  if (group[0]) return group[0];
  throw new GatewayError(404, 'model_not_found', `No model alias '${name}'`, { param: 'alias' });
}

export function discoveryHandlers(deps: AdminDeps): HandlersFor<typeof discoveryOperations> {
  const { runtime, secrets } = deps;
  return {
    'provider.models': async ({ provider, api_base, api_key }) => {
      const { adapter, apiBase } = providerEndpoint(runtime, provider, api_base);
      let key: string | undefined;
      if (api_key !== undefined) {
        const ref = parseSecretRef(api_key);
        const env = { ...runtime.loaded.config.env, ...deps.env };
        key = await resolveSecret(ref, { env, store: secrets }).catch(() => undefined);
        if (key === undefined) {
          throw new GatewayError(400, 'invalid_request', `${describeSecretRef(ref)} is not set`, {
            param: 'api_key',
          });
        }
      }
      let models: string[];
      try {
        models = await listModelsAt(runtime, adapter, apiBase, key);
      } catch (err) {
        const e = err as GatewayError;
        throw new GatewayError(e.status, e.code, redactSecrets(e.message, knownSecrets(runtime, key)), {
          retryable: e.retryable,
          ...(e.upstreamStatus !== undefined ? { upstreamStatus: e.upstreamStatus } : {}),
        });
      }
      // What the config already serves from this adapter at this address. Ollama lists `name:latest`
      // for a model a config usually names without its default tag.
      const served = new Set(
        runtime.loaded.config.deployments
          .filter(
            (d) =>
              runtime.registry.has(d.provider) &&
              runtime.registry.get(d.provider) === adapter &&
              trimSlash(d.apiBase ?? adapter.defaultApiBase(d.provider) ?? '') === trimSlash(apiBase),
          )
          .map((d) => d.model),
      );
      const configured = models.filter((m) => served.has(m) || served.has(m.replace(/:latest$/, '')));
      return { models, configured };
    },

    'deployment.test': async ({ id, alias }) => {
      const d = findDeployment(runtime, id, alias);
      const { config, apiKeys } = runtime.loaded;
      const r = await probeDeployment(d, {
        config,
        apiKeys,
        registry: runtime.registry,
        dispatcher: runtime.dispatcher,
      });
      return {
        ok: r.error === undefined,
        latency_ms: r.latencyMs,
        deployment_id: d.id,
        model: `${d.provider}/${d.model}`,
        ...(r.error ? { error: testError(r.error, knownSecrets(runtime)) } : {}),
      };
    },
  };
}
