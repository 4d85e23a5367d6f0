// Shared by credential.test, provider.models and deployment.test: ask a provider for its model list through
// its adapter (no branching on the provider's name) and report a failure in words, with no secret in them.
import { GatewayError } from '../errors.ts';
import type { ProviderAdapter } from '../providers/provider.ts';
import { PROBE_TIMEOUT_MS } from '../routing/probe.ts';
import type { GatewayRuntime } from '../runtime.ts';
import { redactSecrets } from '../secrets/credential-hint.ts';

export interface TestError {
  status: number;
  code: string;
  message: string;
}

/** The adapter for a provider prefix and the address to ask, or a 400 that says what is missing. */
export function providerEndpoint(
  runtime: GatewayRuntime,
  provider: string,
  apiBase: string | undefined,
): { adapter: ProviderAdapter; apiBase: string } {
  if (!runtime.registry.has(provider)) {
    throw new GatewayError(
      400,
      'invalid_request',
      `Unknown provider '${provider}' (supported: ${runtime.registry.names().join(', ')})`,
      { param: 'provider' },
    );
  }
  const adapter = runtime.registry.get(provider);
  const base = apiBase ?? adapter.defaultApiBase(provider);
  if (!base) {
    throw new GatewayError(
      400,
      'invalid_request',
      `Provider '${provider}' has no default address: give api_base`,
      {
        param: 'api_base',
      },
    );
  }
  return { adapter, apiBase: base };
}

export async function listModelsAt(
  runtime: GatewayRuntime,
  adapter: ProviderAdapter,
  apiBase: string,
  apiKey: string | undefined,
): Promise<string[]> {
  const target = {
    apiBase,
    apiKey,
    apiVersion: undefined,
    firstByteTimeoutMs: PROBE_TIMEOUT_MS,
    totalTimeoutMs: PROBE_TIMEOUT_MS,
  };
  try {
    return await adapter.listModels(target, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      dispatcher: runtime.dispatcher,
    });
  } catch (err) {
    throw err instanceof GatewayError ? err : new GatewayError(503, 'upstream_unavailable', String(err));
  }
}

/** Every secret the running config resolved, plus `extra`: what must never appear in a message. */
export function knownSecrets(runtime: GatewayRuntime, ...extra: (string | undefined)[]): string[] {
  const { apiKeys, masterKey } = runtime.loaded;
  return [...apiKeys.values(), masterKey, ...extra].filter((s): s is string => !!s);
}

/** The upstream's own status when it answered (401 for a bad key), else the gateway's. */
export function testError(err: unknown, secrets: string[]): TestError {
  const e = err instanceof GatewayError ? err : new GatewayError(503, 'upstream_unavailable', String(err));
  return { status: e.upstreamStatus ?? e.status, code: e.code, message: redactSecrets(e.message, secrets) };
}

/** Milliseconds since `started` (performance.now()), to 0.01 ms. */
export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
