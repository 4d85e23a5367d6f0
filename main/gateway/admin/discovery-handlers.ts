// What a provider offers (so the UI can add its models with one click) and whether one deployment answers
// (with the exact upstream error when it does not).
import { randomUUID } from 'node:crypto';
import type { discoveryOperations } from '../../../shared/admin/discovery.ts';
import type { Deployment } from '../config/gateway-config.ts';
import { describeSecretRef, parseSecretRef, resolveSecret } from '../config/secret-refs.ts';
import { GatewayError } from '../errors.ts';
import { priceRow } from '../budget/cost.ts';
import { sendTestRequest, type TestRequestResult } from '../routing/test-request.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { RequestLogRow } from '../store/request-log-repo.ts';
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
      const r = await sendTestRequest(d, {
        config,
        apiKeys,
        registry: runtime.registry,
        dispatcher: runtime.dispatcher,
      });
      const cost = r.sentRequest ? recordTest(runtime, d, r) : 0;
      return {
        ok: r.error === undefined,
        latency_ms: r.latencyMs,
        deployment_id: d.id,
        model: `${d.provider}/${d.model}`,
        method: r.sentRequest ? ('request' as const) : ('models' as const),
        ...(r.reply !== undefined ? { reply: r.reply } : {}),
        cost_usd: cost,
        ...(r.error ? { error: testError(r.error, knownSecrets(runtime)) } : {}),
      };
    },
  };
}

/** A test request is real traffic that may cost money: it gets its ledger row like any other. */
function recordTest(runtime: GatewayRuntime, d: Deployment, r: TestRequestResult): number {
  const row: RequestLogRow = {
    id: `test_${randomUUID().replace(/-/g, '')}`,
    ts: runtime.clock(),
    key_id: null,
    endpoint: 'deployment.test',
    alias: d.alias,
    provider: d.provider,
    deployment_id: d.id,
    model: d.model,
    status: r.error?.status ?? 200,
    error_code: r.error?.code ?? null,
    prompt_tokens: r.usage?.prompt_tokens ?? 0,
    completion_tokens: r.usage?.completion_tokens ?? 0,
    estimated: false,
    cost_usd: 0,
    latency_ms: r.latencyMs,
    ttft_ms: r.error ? null : r.latencyMs,
    streamed: false,
    attempts: [
      {
        deployment: d.id,
        provider: d.provider,
        status: r.error?.status ?? 200,
        code: r.error?.code ?? null,
        latency_ms: r.latencyMs,
      },
    ],
    tags: ['deployment.test'],
    cache_read_tokens: r.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    cache_write_tokens: r.usage?.cache_creation_input_tokens ?? 0,
  };
  priceRow(row, d, runtime.registry, r.usage?.cost);
  runtime.book.settle(undefined, undefined, row);
  return row.cost_usd;
}
