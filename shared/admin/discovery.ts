// Finding what a provider offers and whether a deployment answers, so the UI can add models with one click
// and show the exact reason one fails.
import { z } from 'zod';
import { testErrorSchema } from './credentials.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'invalid URL' });

/** Only a reference: a raw key sent here would travel through the UI and its logs. */
export const secretReferenceSchema = z
  .string()
  .regex(
    /^(keychain\/[A-Za-z0-9_.-]{1,64}|os\.environ\/[A-Za-z_][A-Za-z0-9_]{0,127})$/,
    'must be a reference, keychain/NAME or os.environ/NAME, not a key: store the key with credential.set first',
  );

export const providerModelsInput = z.object({
  /** A provider prefix as in `litellm_params.model`: `ollama`, `openai`, `hosted_vllm`, … */
  provider: z.string().min(1),
  api_base: httpUrl.optional(),
  api_key: secretReferenceSchema.optional(),
});

export const providerModelsOutput = z.object({
  models: z.array(z.string()),
  /** Those of `models` a deployment in the config already serves from this provider and address. */
  configured: z.array(z.string()),
});

export const deploymentTestInput = z
  .object({ id: z.string().min(1).optional(), alias: z.string().min(1).optional() })
  .refine((v) => (v.id === undefined) !== (v.alias === undefined), 'name either id or alias');

export const deploymentTestOutput = z.object({
  ok: z.boolean(),
  latency_ms: z.number(),
  deployment_id: z.string(),
  /** `provider/model`, as in the config. */
  model: z.string(),
  /** `request`: a tiny real request was sent (and recorded in the ledger); `models`: only the model list was asked (wildcards). */
  method: z.enum(['request', 'models']),
  /** The model's answer to the test prompt, when it answered in text. */
  reply: z.string().optional(),
  cost_usd: z.number(),
  error: testErrorSchema.optional(),
});

export const discoveryOperations = {
  'provider.models': { input: providerModelsInput, output: providerModelsOutput },
  'deployment.test': { input: deploymentTestInput, output: deploymentTestOutput },
} as const;
