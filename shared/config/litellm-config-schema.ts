// LiteLLM's config.yaml shape, for the parts Switchyard supports. Objects are strict so that an unknown
// key surfaces as an `unrecognized_keys` issue, which the loader reports as a warning (not an error).
import { z } from 'zod';
import { durationSchema } from '../durations.ts';

const positiveInt = z.number().int().positive();
const seconds = z.number().positive();
const perToken = z.number().nonnegative();
const httpUrl = z.url({ protocol: /^https?$/, error: 'invalid URL' });

/** `sk-literal`, `os.environ/NAME` or `keychain/NAME`. */
export const secretRefSchema = z.string().min(1);

/** Request parameters a deployment may carry as defaults (sent unless the client sets them). */
export const DEFAULT_PARAM_KEYS = [
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'repeat_penalty',
  'logit_bias',
  'response_format',
  'reasoning_effort',
  'num_ctx',
  'keep_alive',
  'user',
  'extra_body',
] as const;

export const litellmParamsSchema = z
  .looseObject({
    model: z.string().min(1, 'must name a model, e.g. openai/gpt-4o-mini or ollama/llama3.2'),
    api_base: httpUrl.optional(),
    api_key: secretRefSchema.optional(),
    api_version: z.string().optional(),
    organization: z.string().optional(),
    rpm: positiveInt.optional(),
    tpm: positiveInt.optional(),
    timeout: seconds.optional(),
    stream_timeout: seconds.optional(),
    input_cost_per_token: perToken.optional(),
    output_cost_per_token: perToken.optional(),
    max_tokens: positiveInt.optional(),
    max_completion_tokens: positiveInt.optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    stop: z.union([z.string(), z.array(z.string())]).optional(),
    /** simple-shuffle: relative share of traffic. */
    weight: z.number().positive().optional(),
    /** order: lower runs first (1 = primary). */
    order: z.number().int().min(0).optional(),
  })
  .describe('litellm_params');

export const modelInfoSchema = z.strictObject({
  id: z.string().min(1).optional(),
  mode: z.enum(['chat', 'completion', 'embedding']).optional(),
  base_model: z.string().optional(),
  max_tokens: positiveInt.optional(),
  max_input_tokens: positiveInt.optional(),
  max_output_tokens: positiveInt.optional(),
  input_cost_per_token: perToken.optional(),
  output_cost_per_token: perToken.optional(),
  rpm: positiveInt.optional(),
  tpm: positiveInt.optional(),
  system_prompt: z.string().optional(),
  description: z.string().optional(),
});

export const modelListEntrySchema = z.strictObject({
  model_name: z.string().min(1),
  litellm_params: litellmParamsSchema,
  model_info: modelInfoSchema.optional(),
});

const aliasTarget = z.union([
  z.string().min(1),
  z.strictObject({ model: z.string().min(1), hidden: z.boolean().optional() }),
]);
const fallbackList = z.array(z.record(z.string(), z.array(z.string().min(1))));

export const ROUTING_STRATEGIES = ['simple-shuffle', 'least-busy', 'latency-based-routing', 'order'] as const;

export const routerSettingsSchema = z.strictObject({
  /** One of ROUTING_STRATEGIES; LiteLLM's others are accepted with a warning (see normalize-config.ts). */
  routing_strategy: z.string().min(1).optional(),
  num_retries: z.number().int().min(0).max(10).optional(),
  timeout: seconds.optional(),
  stream_timeout: seconds.optional(),
  fallbacks: fallbackList.optional(),
  default_fallbacks: z.array(z.string().min(1)).optional(),
  context_window_fallbacks: fallbackList.optional(),
  model_group_alias: z.record(z.string(), aliasTarget).optional(),
  /** Failures within a minute before a deployment cools down. */
  allowed_fails: z.number().int().min(1).max(1000).optional(),
  /** Seconds a failing deployment is left out of rotation. */
  cooldown_time: z.number().nonnegative().max(3600).optional(),
  /** The longest Retry-After (seconds) a retry waits for. */
  max_retry_after: z.number().nonnegative().max(600).optional(),
});

export const litellmSettingsSchema = z.strictObject({
  num_retries: z.number().int().min(0).max(10).optional(),
  request_timeout: seconds.optional(),
  fallbacks: fallbackList.optional(),
  default_fallbacks: z.array(z.string().min(1)).optional(),
  context_window_fallbacks: fallbackList.optional(),
  model_alias_map: z.record(z.string(), z.string().min(1)).optional(),
});

export const generalSettingsSchema = z.strictObject({
  master_key: secretRefSchema.optional(),
  max_request_size_mb: z.number().positive().max(1024).optional(),
  /** LiteLLM's: probe every deployment in the background, every health_check_interval seconds. */
  background_health_checks: z.boolean().optional(),
  health_check_interval: z.number().min(1).max(86_400).optional(),
  /** Budget alerts are also POSTed here as JSON. */
  alert_webhook_url: httpUrl.optional(),
});

/** A named key template (Switchyard's own section): keys on a plan follow its settings unless they override them. */
export const planSchema = z.strictObject({
  models: z.array(z.string().min(1)).optional(),
  max_budget: z.number().nonnegative().optional(),
  soft_budget: z.number().nonnegative().optional(),
  budget_duration: durationSchema.optional(),
  tpm_limit: positiveInt.optional(),
  rpm_limit: positiveInt.optional(),
  max_parallel_requests: positiveInt.optional(),
  budget_fallback: z.string().min(1).optional(),
});

/** Switchyard's own: send a request for an alias elsewhere when it matches (first matching rule wins). */
export const conditionalRouteSchema = z.strictObject({
  if: z
    .strictObject({
      /** The prompt has at least this many tokens. */
      min_prompt_tokens: positiveInt.optional(),
      /** The request carries images (or, with false, none). */
      has_images: z.boolean().optional(),
      /** The request offers tools (or, with false, none). */
      has_tools: z.boolean().optional(),
      /** The calling key's alias or id is one of these. */
      keys: z.array(z.string().min(1)).min(1).optional(),
    })
    .refine((c) => Object.keys(c).length > 0, 'name at least one condition'),
  to: z.string().min(1),
});

export const litellmConfigSchema = z.strictObject({
  model_list: z.array(modelListEntrySchema).default([]),
  router_settings: routerSettingsSchema.optional(),
  litellm_settings: litellmSettingsSchema.optional(),
  general_settings: generalSettingsSchema.optional(),
  environment_variables: z.record(z.string(), z.string()).optional(),
  plans: z.record(z.string().min(1), planSchema).optional(),
  /** alias → ordered rules. */
  conditional_routes: z.record(z.string().min(1), z.array(conditionalRouteSchema).min(1)).optional(),
});

export type LitellmConfig = z.infer<typeof litellmConfigSchema>;
export type ModelListEntry = z.infer<typeof modelListEntrySchema>;
export type LitellmParams = z.infer<typeof litellmParamsSchema>;
export type ModelInfo = z.infer<typeof modelInfoSchema>;
export type Plan = z.infer<typeof planSchema>;
export type ConditionalRoute = z.infer<typeof conditionalRouteSchema>;
