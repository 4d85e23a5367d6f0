// The normalised, ready-to-route form of a LiteLLM config: what the rest of the core reads.
import type { ConditionalRoute, Plan } from '../../../shared/config/litellm-config-schema.ts';
import type { SecretRef } from './secret-refs.ts';

export interface Deployment {
  /** Stable across reloads: model_info.id, else derived from what the entry points at. */
  id: string;
  alias: string;
  /** Position in model_list, for messages. */
  index: number;
  /** The `litellm_params.model` prefix, naming the adapter (`openai`, `ollama_chat`, …). */
  provider: string;
  /** Upstream model name; for a wildcard entry it holds `*` where the requested name goes. */
  model: string;
  /**
   * The name prices are looked up under when it is not `provider/model`: `model_info.base_model`, e.g.
   * `azure/gpt-4o` for an Azure deployment the user named `prod-chat`.
   */
  pricingModel?: string | undefined;
  apiBase: string | undefined;
  apiKeyRef: SecretRef | undefined;
  apiVersion: string | undefined;
  rpm: number | undefined;
  tpm: number | undefined;
  timeoutMs: number;
  streamTimeoutMs: number;
  inputCostPerToken: number | undefined;
  outputCostPerToken: number | undefined;
  /** Request parameters sent unless the client sets them. */
  params: Record<string, unknown>;
  maxInputTokens: number | undefined;
  maxOutputTokens: number | undefined;
  systemPrompt: string | undefined;
  mode: 'chat' | 'completion' | 'embedding' | undefined;
  weight: number | undefined;
  order: number | undefined;
}

export type RoutingStrategy = 'simple-shuffle' | 'least-busy' | 'latency-based-routing' | 'order';

export interface WildcardGroup {
  pattern: RegExp;
  modelName: string;
  deployments: Deployment[];
}

export interface GatewayConfig {
  deployments: Deployment[];
  /** Alias → its deployments, in config order. */
  groups: Map<string, Deployment[]>;
  wildcards: WildcardGroup[];
  /** Other names for aliases (model_group_alias, model_alias_map). */
  aliasNames: Map<string, string>;
  hiddenAliases: Set<string>;
  numRetries: number;
  fallbacks: Map<string, string[]>;
  defaultFallbacks: string[];
  contextWindowFallbacks: Map<string, string[]>;
  routingStrategy: RoutingStrategy;
  allowedFails: number;
  cooldownMs: number;
  maxRetryAfterMs: number;
  masterKeyRef: SecretRef | undefined;
  maxRequestBytes: number;
  plans: Map<string, Plan>;
  conditionalRoutes: Map<string, ConditionalRoute[]>;
  alertWebhookUrl: string | undefined;
  /** Background probe period, when background_health_checks is on. */
  healthCheckIntervalMs: number | undefined;
  /** environment_variables from the file: read by os.environ/NAME after the real environment. */
  env: Record<string, string>;
}
