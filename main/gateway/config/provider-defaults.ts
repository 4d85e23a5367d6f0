// What a deployment may leave out and still work, as in LiteLLM: the key, base URL and Azure api-version
// come from the environment variables the provider catalogue names (`openai/gpt-4o` with OPENAI_API_KEY
// exported needs no `api_key`). The environment is the one the gateway was started with, never read
// from anywhere else.
import { apiKeyEnvNames, providerKind, type ProviderKind } from '../../../shared/provider-catalog.ts';
import type { Deployment } from './gateway-config.ts';

type Env = Record<string, string | undefined>;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Fills each deployment's missing `api_base` and `api_version` from the catalogue's env vars (Azure's
 * AZURE_API_BASE / AZURE_API_VERSION, HOSTED_VLLM_API_BASE, …) in place, and warns about deployments
 * that still have no base where the provider has no default.
 */
export function applyEnvDefaults(deployments: readonly Deployment[], env: Env): string[] {
  const warnings: string[] = [];
  for (const d of deployments) {
    const kind = providerKind(d.provider);
    if (!kind) continue;
    const where = `model_list[${d.index}].litellm_params`;
    if (d.apiBase === undefined && kind.apiBaseEnv) {
      const fromEnv = env[kind.apiBaseEnv];
      if (fromEnv && isHttpUrl(fromEnv)) d.apiBase = fromEnv;
      else if (fromEnv) warnings.push(`${kind.apiBaseEnv}: invalid URL; ignored for '${d.alias}'`);
    }
    if (d.apiVersion === undefined && kind.apiVersionEnv && env[kind.apiVersionEnv])
      d.apiVersion = env[kind.apiVersionEnv];
    if (d.apiBase === undefined && kind.defaultApiBase === undefined) {
      const orEnv = kind.apiBaseEnv ? ` (or ${kind.apiBaseEnv} in the environment)` : '';
      warnings.push(`${where}.api_base: ${kind.label} needs one${orEnv}; '${d.alias}' cannot be reached`);
    }
  }
  return warnings;
}

/** Whether the kind's env key may go to this deployment (see `ProviderKind.keyOnlyAtDefaultBase`). */
function keyMayGo(kind: ProviderKind, d: Deployment): boolean {
  if (!kind.keyOnlyAtDefaultBase || d.apiBase === undefined) return true;
  return kind.defaultApiBase !== undefined && trimSlash(d.apiBase) === trimSlash(kind.defaultApiBase);
}

/**
 * The key for a deployment whose config sets no `api_key`: the first of the provider's env vars that is
 * set, or a warning when the provider needs a key and none is.
 */
export function defaultApiKey(d: Deployment, env: Env): { key?: string; warning?: string } {
  const kind = providerKind(d.provider);
  if (!kind || !keyMayGo(kind, d)) return {};
  const names = apiKeyEnvNames(kind);
  for (const name of names) {
    const value = env[name];
    if (value) return { key: value };
  }
  if (!kind.requiresApiKey || names.length === 0) return {};
  return {
    warning:
      `model_list[${d.index}].litellm_params.api_key: not set and neither is ${names.join(' or ')}; ` +
      `'${d.alias}' will be sent without a key`,
  };
}
