// The Models page and the tray's "use this model first": aliases and their deployments as the config
// declares them, edited in LiteLLM's own dialect (config.yaml stays the one source of truth).
import { z } from 'zod';
import { DEFAULT_PARAM_KEYS } from '../config/litellm-config-schema.ts';

const DEFAULT_PARAMS = new Set<string>(DEFAULT_PARAM_KEYS);

/** Default request params (sent unless the client sets them): only the keys the config knows. */
export const defaultParamsSchema = z.record(z.string(), z.unknown()).superRefine((params, ctx) => {
  for (const key of Object.keys(params)) {
    if (!DEFAULT_PARAMS.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `not a default request parameter (use one of: ${DEFAULT_PARAM_KEYS.join(', ')})`,
      });
    }
  }
});

/**
 * Where a deployment's API key comes from: a name, never the key itself, so no secret lands in
 * config.yaml (or in the UI's memory).
 */
export const credentialRefSchema = z
  .string()
  .regex(
    /^(keychain\/[A-Za-z0-9_.-]{1,64}|os\.environ\/[A-Za-z_][A-Za-z0-9_]*)$/,
    'must name where the key lives, as keychain/NAME or os.environ/NAME, not be the key itself: ' +
      'store the key in the keychain (Providers page) and use keychain/<its name> here',
  );

const httpUrl = z.url({ protocol: /^https?$/, error: 'invalid URL (http:// or https://)' });
const positiveInt = z.number().int().positive();
const perMillion = z.number().nonnegative().max(1_000_000);
const aliasName = z.string().trim().min(1).max(200);

export const deploymentViewSchema = z.object({
  /** Stable across reloads (model_info.id, else derived from alias, model, api_base and api_key). */
  id: z.string(),
  /** `provider/name`, e.g. `openai/gpt-4o-mini`; a wildcard entry keeps its `*`. */
  model: z.string(),
  provider: z.string(),
  api_base: z.string().nullable(),
  /** `keychain/NAME`, `os.environ/NAME`, `literal` for a key written into the config, or null. */
  credential: z.string().nullable(),
  /** litellm_params.order: lower is tried first. */
  order: z.number().nullable(),
  weight: z.number().nullable(),
  rpm: z.number().nullable(),
  tpm: z.number().nullable(),
  input_cost_per_million: z.number().nullable(),
  output_cost_per_million: z.number().nullable(),
  price_source: z.enum(['config', 'table', 'local', 'unknown']),
  context_window: z.number().nullable(),
  cooling: z.boolean(),
  /** Epoch ms the cooldown ends, while cooling. */
  cooldown_until: z.number().nullable(),
  last_error: z.string().nullable(),
  /** This deployment's own default request params. */
  params: z.record(z.string(), z.unknown()),
});

export const aliasViewSchema = z.object({
  alias: z.string(),
  /** A `*` pattern (e.g. `ollama/*`): serves any name it matches. */
  wildcard: z.boolean(),
  /** The deployment every request tries first, or null when they share the traffic. */
  primary: z.string().nullable(),
  /** How the deployments are chosen: the config's routing_strategy, or `order` when orders are set. */
  strategy: z.string(),
  fallbacks: z.array(z.string()),
  system_prompt: z.string().nullable(),
  /** Default request params every deployment of the alias carries. */
  params: z.record(z.string(), z.unknown()),
  /** In routing order. */
  deployments: z.array(deploymentViewSchema),
});

export const modelsListOutput = z.object({ aliases: z.array(aliasViewSchema) });

/** The settings of a deployment that model.add and model.update write. */
const deploymentFields = {
  api_base: httpUrl,
  api_key: credentialRefSchema,
  params: defaultParamsSchema,
  rpm: positiveInt,
  tpm: positiveInt,
  weight: z.number().positive(),
  input_cost_per_million: perMillion,
  output_cost_per_million: perMillion,
  /** Tokens the model accepts (model_info.max_input_tokens). */
  context_window: positiveInt,
};

export const modelAddInput = z.object({
  alias: aliasName,
  model: z
    .string()
    .trim()
    .regex(/^[^/\s]+\/\S+$/, 'use provider/name, e.g. openai/gpt-4o-mini or ollama_chat/llama3.2'),
  api_base: deploymentFields.api_base.optional(),
  api_key: deploymentFields.api_key.optional(),
  params: deploymentFields.params.optional(),
  rpm: deploymentFields.rpm.optional(),
  tpm: deploymentFields.tpm.optional(),
  weight: deploymentFields.weight.optional(),
  input_cost_per_million: deploymentFields.input_cost_per_million.optional(),
  output_cost_per_million: deploymentFields.output_cost_per_million.optional(),
  context_window: deploymentFields.context_window.optional(),
});

/** Absent = unchanged; null = removed from the config. */
export const modelUpdateInput = z.object({
  id: z.string().min(1),
  /** Moves the deployment to another alias (created when new). */
  alias: aliasName.optional(),
  model: modelAddInput.shape.model.optional(),
  api_base: deploymentFields.api_base.nullable().optional(),
  api_key: deploymentFields.api_key.nullable().optional(),
  /** Replaces the deployment's default params. */
  params: deploymentFields.params.nullable().optional(),
  rpm: deploymentFields.rpm.nullable().optional(),
  tpm: deploymentFields.tpm.nullable().optional(),
  weight: deploymentFields.weight.nullable().optional(),
  input_cost_per_million: deploymentFields.input_cost_per_million.nullable().optional(),
  output_cost_per_million: deploymentFields.output_cost_per_million.nullable().optional(),
  context_window: deploymentFields.context_window.nullable().optional(),
});

export const aliasUpdateInput = z.object({
  alias: z.string().min(1),
  /** Sent as the first system message of every request to the alias; null removes it. */
  system_prompt: z.string().max(100_000).nullable().optional(),
  /** The alias's default params (on every deployment); null removes them. */
  params: defaultParamsSchema.nullable().optional(),
  /** Aliases tried, in order, when every deployment of this one failed; [] removes them. */
  fallbacks: z.array(z.string().min(1)).optional(),
});

export type DeploymentView = z.infer<typeof deploymentViewSchema>;
export type AliasView = z.infer<typeof aliasViewSchema>;
export type ModelAddInput = z.infer<typeof modelAddInput>;
export type ModelUpdateInput = z.infer<typeof modelUpdateInput>;
export type AliasUpdateInput = z.infer<typeof aliasUpdateInput>;

export const modelOperations = {
  'models.list': { input: z.object({}), output: modelsListOutput },
  'model.setPrimary': {
    input: z.object({ alias: z.string().min(1), deployment_id: z.string().min(1) }),
    output: aliasViewSchema,
  },
  'model.reorder': {
    input: z.object({ alias: z.string().min(1), deployment_ids: z.array(z.string().min(1)).min(1) }),
    output: aliasViewSchema,
  },
  'model.add': { input: modelAddInput, output: z.object({ id: z.string(), alias: z.string() }) },
  'model.update': { input: modelUpdateInput, output: aliasViewSchema },
  'model.remove': {
    input: z.object({ id: z.string().min(1) }),
    output: z.object({ removed: z.literal(true), warnings: z.array(z.string()) }),
  },
  'alias.update': { input: aliasUpdateInput, output: aliasViewSchema },
} as const;
