import { createHash } from 'node:crypto';
import {
  DEFAULT_PARAM_KEYS,
  ROUTING_STRATEGIES,
  type LitellmConfig,
} from '../../../shared/config/litellm-config-schema.ts';
import type { Deployment, GatewayConfig, RoutingStrategy, WildcardGroup } from './gateway-config.ts';
import { parseSecretRef } from './secret-refs.ts';

export interface ProviderLookup {
  /** Whether an adapter serves this `litellm_params.model` prefix. */
  has(prefix: string): boolean;
  /** Whether that adapter is a local runtime (longer first-token default: models load on first use). */
  isLocal(prefix: string): boolean;
  names(): string[];
}

const DEFAULT_TIMEOUT_S = 600;
const DEFAULT_STREAM_TIMEOUT_S = 60;
const DEFAULT_LOCAL_STREAM_TIMEOUT_S = 300;
const DEFAULT_MAX_REQUEST_MB = 32;

function splitModel(model: string): { prefix: string; name: string } {
  const slash = model.indexOf('/');
  if (slash <= 0) return { prefix: 'openai', name: model };
  return { prefix: model.slice(0, slash), name: model.slice(slash + 1) };
}

function wildcardPattern(modelName: string): RegExp {
  const escaped = modelName.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '(.+)');
  return new RegExp(`^${escaped}$`);
}

export function normalizeConfig(
  cfg: LitellmConfig,
  providers: ProviderLookup,
): { config: GatewayConfig; warnings: string[] } {
  const warnings: string[] = [];
  const rs = cfg.router_settings ?? {};
  const ls = cfg.litellm_settings ?? {};
  const gs = cfg.general_settings ?? {};
  const globalTimeout = rs.timeout ?? ls.request_timeout ?? DEFAULT_TIMEOUT_S;

  const deployments: Deployment[] = [];
  const seenIds = new Set<string>();
  cfg.model_list.forEach((entry, index) => {
    const p = entry.litellm_params;
    const info = entry.model_info ?? {};
    let { prefix, name } = splitModel(p.model);
    // `Qwen/Qwen3-8B` on a vLLM server: a Hugging Face name, not a provider prefix.
    if (!providers.has(prefix) && p.api_base !== undefined)
      ({ prefix, name } = { prefix: 'openai', name: p.model });
    if (!providers.has(prefix)) {
      warnings.push(
        `model_list[${index}].litellm_params.model: provider '${prefix}' is not supported yet ` +
          `(supported: ${providers.names().join(', ')}); entry skipped`,
      );
      return;
    }
    const local = providers.isLocal(prefix);
    const params: Record<string, unknown> = {};
    for (const key of DEFAULT_PARAM_KEYS) if (p[key] !== undefined) params[key] = p[key];
    const hash = createHash('sha1')
      .update(JSON.stringify([entry.model_name, p.model, p.api_base ?? '', p.api_key ?? '']))
      .digest('hex')
      .slice(0, 8);
    let id = info.id ?? `${entry.model_name}#${hash}`;
    if (seenIds.has(id)) {
      warnings.push(`model_list[${index}].model_info.id: '${id}' is used twice; made unique`);
      id = `${id}#${index}`;
    }
    seenIds.add(id);
    deployments.push({
      id,
      alias: entry.model_name,
      index,
      provider: prefix,
      model: name,
      pricingModel: info.base_model,
      apiBase: p.api_base,
      apiKeyRef: p.api_key === undefined ? undefined : parseSecretRef(p.api_key),
      apiVersion: p.api_version,
      rpm: p.rpm ?? info.rpm,
      tpm: p.tpm ?? info.tpm,
      timeoutMs: (p.timeout ?? globalTimeout) * 1000,
      streamTimeoutMs:
        (p.stream_timeout ??
          rs.stream_timeout ??
          (local ? DEFAULT_LOCAL_STREAM_TIMEOUT_S : DEFAULT_STREAM_TIMEOUT_S)) * 1000,
      inputCostPerToken: p.input_cost_per_token ?? info.input_cost_per_token,
      outputCostPerToken: p.output_cost_per_token ?? info.output_cost_per_token,
      params,
      maxInputTokens: info.max_input_tokens,
      maxOutputTokens: info.max_output_tokens ?? info.max_tokens,
      systemPrompt: info.system_prompt,
      mode: info.mode,
      weight: p.weight,
      order: p.order,
    });
  });

  const groups = new Map<string, Deployment[]>();
  const wildcards: WildcardGroup[] = [];
  for (const d of deployments) {
    if (d.alias.includes('*')) {
      let group = wildcards.find((w) => w.modelName === d.alias);
      if (!group)
        wildcards.push((group = { pattern: wildcardPattern(d.alias), modelName: d.alias, deployments: [] }));
      group.deployments.push(d);
      continue;
    }
    const list = groups.get(d.alias) ?? [];
    list.push(d);
    groups.set(d.alias, list);
  }
  // The most specific pattern first, so `openai/gpt-4*` wins over `openai/*` and `*`.
  wildcards.sort((a, b) => b.modelName.replace(/\*/g, '').length - a.modelName.replace(/\*/g, '').length);

  const aliasNames = new Map<string, string>();
  const hiddenAliases = new Set<string>();
  for (const [name, target] of Object.entries(ls.model_alias_map ?? {})) aliasNames.set(name, target);
  for (const [name, target] of Object.entries(rs.model_group_alias ?? {})) {
    const to = typeof target === 'string' ? target : target.model;
    aliasNames.set(name, to);
    if (typeof target !== 'string' && target.hidden) hiddenAliases.add(name);
  }
  for (const [name, to] of aliasNames) {
    if (!groups.has(to) && !wildcards.some((w) => w.pattern.test(to))) {
      warnings.push(`model_group_alias.${name}: points at '${to}', which no model_list entry serves`);
    }
  }

  const fallbackMap = (rules: Record<string, string[]>[]) => {
    const map = new Map<string, string[]>();
    for (const rule of rules) for (const [from, to] of Object.entries(rule)) map.set(from, to);
    return map;
  };
  const fallbacks = fallbackMap([...(ls.fallbacks ?? []), ...(rs.fallbacks ?? [])]);
  const contextWindowFallbacks = fallbackMap([
    ...(ls.context_window_fallbacks ?? []),
    ...(rs.context_window_fallbacks ?? []),
  ]);
  for (const [from, to] of fallbacks) {
    for (const target of to) {
      if (!groups.has(target) && !aliasNames.has(target)) {
        warnings.push(
          `router_settings.fallbacks.${from}: fallback '${target}' is not a model_name in model_list`,
        );
      }
    }
  }

  let strategy: RoutingStrategy = 'simple-shuffle';
  if (rs.routing_strategy !== undefined) {
    if ((ROUTING_STRATEGIES as readonly string[]).includes(rs.routing_strategy)) {
      strategy = rs.routing_strategy as RoutingStrategy;
    } else {
      warnings.push(
        `router_settings.routing_strategy: '${rs.routing_strategy}' is not supported ` +
          `(${ROUTING_STRATEGIES.join(', ')}); using simple-shuffle`,
      );
    }
  }
  for (const [from, rules] of Object.entries(cfg.conditional_routes ?? {})) {
    rules.forEach((rule, i) => {
      if (
        !groups.has(rule.to) &&
        !aliasNames.has(rule.to) &&
        !wildcards.some((w) => w.pattern.test(rule.to))
      ) {
        warnings.push(`conditional_routes.${from}[${i}].to: '${rule.to}' is not a model_name in model_list`);
      }
    });
  }
  for (const [from, to] of contextWindowFallbacks) {
    for (const target of to) {
      if (!groups.has(target) && !aliasNames.has(target)) {
        warnings.push(
          `router_settings.context_window_fallbacks.${from}: '${target}' is not a model_name in model_list`,
        );
      }
    }
  }

  return {
    config: {
      deployments,
      groups,
      wildcards,
      aliasNames,
      hiddenAliases,
      numRetries: rs.num_retries ?? ls.num_retries ?? 2,
      fallbacks,
      defaultFallbacks: rs.default_fallbacks ?? ls.default_fallbacks ?? [],
      contextWindowFallbacks,
      routingStrategy: strategy,
      // LiteLLM's defaults.
      allowedFails: rs.allowed_fails ?? 3,
      cooldownMs: (rs.cooldown_time ?? 5) * 1000,
      maxRetryAfterMs: (rs.max_retry_after ?? 10) * 1000,
      masterKeyRef: gs.master_key === undefined ? undefined : parseSecretRef(gs.master_key),
      maxRequestBytes: Math.round((gs.max_request_size_mb ?? DEFAULT_MAX_REQUEST_MB) * 1024 * 1024),
      env: cfg.environment_variables ?? {},
      plans: new Map(Object.entries(cfg.plans ?? {})),
      conditionalRoutes: new Map(Object.entries(cfg.conditional_routes ?? {})),
      alertWebhookUrl: gs.alert_webhook_url,
      healthCheckIntervalMs: gs.background_health_checks
        ? (gs.health_check_interval ?? 300) * 1000
        : undefined,
    },
    warnings,
  };
}
