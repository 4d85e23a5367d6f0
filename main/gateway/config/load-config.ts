import { readFile } from 'node:fs/promises';
import type { SecretStore } from '../secret-store.ts';
import type { GatewayConfig } from './gateway-config.ts';
import { normalizeConfig, type ProviderLookup } from './normalize-config.ts';
import { applyEnvDefaults, defaultApiKey } from './provider-defaults.ts';
import { describeSecretRef, resolveSecret } from './secret-refs.ts';
import { validateConfigText } from './validate-config.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(file: string, problems: string[], headline = `${file} is not a valid config`) {
    super(`${headline}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A config with its secrets resolved. Secrets live only here, in memory. */
export interface LoadedConfig {
  config: GatewayConfig;
  /** Deployment id → its API key. */
  apiKeys: Map<string, string>;
  masterKey: string | undefined;
  warnings: string[];
  /** The file's text, to tell a real edit from a touch. */
  text: string;
}

export interface LoadOptions {
  providers: ProviderLookup;
  secretStore: SecretStore;
  env?: Record<string, string | undefined>;
}

export async function loadConfigText(file: string, text: string, opts: LoadOptions): Promise<LoadedConfig> {
  const validated = validateConfigText(text);
  if (!validated.config) throw new ConfigError(file, validated.errors);
  const { config, warnings } = normalizeConfig(validated.config, opts.providers);
  const sources = { env: { ...config.env, ...(opts.env ?? process.env) }, store: opts.secretStore };

  warnings.push(...applyEnvDefaults(config.deployments, sources.env));

  const apiKeys = new Map<string, string>();
  for (const d of config.deployments) {
    if (!d.apiKeyRef) {
      const fromEnv = defaultApiKey(d, sources.env);
      if (fromEnv.key !== undefined) apiKeys.set(d.id, fromEnv.key);
      if (fromEnv.warning !== undefined) warnings.push(fromEnv.warning);
      continue;
    }
    const value = await resolveSecret(d.apiKeyRef, sources).catch(() => undefined);
    if (value === undefined) {
      warnings.push(
        `model_list[${d.index}].litellm_params.api_key: ${describeSecretRef(d.apiKeyRef)} is not set; ` +
          `'${d.alias}' will be sent without a key`,
      );
    } else {
      apiKeys.set(d.id, value);
    }
  }

  let masterKey: string | undefined;
  if (config.masterKeyRef) {
    masterKey = await resolveSecret(config.masterKeyRef, sources).catch(() => undefined);
    // Failing open would expose every provider key to anything on this machine: refuse to start instead.
    if (!masterKey) {
      throw new ConfigError(file, [
        `general_settings.master_key: ${describeSecretRef(config.masterKeyRef)} is not set`,
      ]);
    }
  }
  return { config, apiKeys, masterKey, warnings: [...validated.warnings, ...warnings], text };
}

export async function loadConfigFile(file: string, opts: LoadOptions): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    // A missing or unreadable file is not an invalid one: say what is wrong in words, not errno codes.
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found (check --config, or leave it out to get a starter config in the data dir)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : String((err as Error).message ?? err);
    throw new ConfigError(file, [why], `cannot read the config file ${file}`);
  }
  return loadConfigText(file, text, opts);
}
