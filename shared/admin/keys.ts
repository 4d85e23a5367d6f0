// Per-app keys in LiteLLM's field names (/key/generate, /key/info, …), for the HTTP API and the UI alike.
import { z } from 'zod';

import { durationSchema as budgetDuration } from '../durations.ts';

export { BUDGET_DURATION } from '../durations.ts';
const money = z.number().nonnegative();
const limit = z.number().int().positive();

/** Settings a key can carry; null clears a setting on update. */
export const keySettingsSchema = z.object({
  key_alias: z.string().min(1).max(200).nullable().optional(),
  models: z.array(z.string().min(1)).optional(),
  max_budget: money.nullable().optional(),
  soft_budget: money.nullable().optional(),
  budget_duration: budgetDuration.nullable().optional(),
  tpm_limit: limit.nullable().optional(),
  rpm_limit: limit.nullable().optional(),
  max_parallel_requests: limit.nullable().optional(),
  /** Expiry, as a duration from now (LiteLLM's `duration`); null = never. */
  duration: budgetDuration.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** A plan from the config; its settings apply unless the key overrides them. */
  plan: z.string().min(1).nullable().optional(),
  /** An alias to use instead of refusing when the money budget is exhausted. */
  budget_fallback: z.string().min(1).nullable().optional(),
});

export const keyGenerateInput = keySettingsSchema.extend({
  /** A caller-chosen secret (LiteLLM's `key`); one is generated otherwise. */
  key: z.string().min(8).max(256).optional(),
});

/** A key, as the API shows it: never the secret, only its hash (`token`) and a masked hint. */
export const keyInfoSchema = z.object({
  /** Stable across /key/regenerate: the ledger's key_id. */
  id: z.string(),
  /** The hash of the current secret (LiteLLM's `token`). */
  token: z.string(),
  key_name: z.string(),
  key_alias: z.string().nullable(),
  models: z.array(z.string()),
  plan: z.string().nullable(),
  max_budget: z.number().nullable(),
  soft_budget: z.number().nullable(),
  budget_duration: z.string().nullable(),
  budget_reset_at: z.string().nullable(),
  /** Spend in the current budget period. */
  spend: z.number(),
  /** Money reserved by requests still running. */
  reserved: z.number(),
  total_spend: z.number(),
  tpm_limit: z.number().nullable(),
  rpm_limit: z.number().nullable(),
  max_parallel_requests: z.number().nullable(),
  budget_fallback: z.string().nullable(),
  expires: z.string().nullable(),
  blocked: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
  last_used_at: z.string().nullable(),
});

export const keyGenerateOutput = keyInfoSchema.extend({
  /** The secret: shown once, never again. */
  key: z.string(),
});

export const keyRefInput = z.object({ key: z.string().min(1) });

export const keyUpdateInput = keySettingsSchema.extend({ key: z.string().min(1) });

export const keyDeleteInput = z
  .object({ keys: z.array(z.string().min(1)).optional(), key_aliases: z.array(z.string().min(1)).optional() })
  .refine(
    (v) => (v.keys?.length ?? 0) + (v.key_aliases?.length ?? 0) > 0,
    'name keys or key_aliases to delete',
  );

export const keyDeleteOutput = z.object({ deleted_keys: z.array(z.string()) });

export const keyListInput = z.object({
  key_alias: z.string().optional(),
  plan: z.string().optional(),
  page: z.number().int().positive().optional(),
  size: z.number().int().positive().max(1000).optional(),
});

export const keyListOutput = z.object({
  keys: z.array(keyInfoSchema),
  total_count: z.number(),
  current_page: z.number(),
  total_pages: z.number(),
});

export type KeySettings = z.infer<typeof keySettingsSchema>;
export type KeyGenerateInput = z.infer<typeof keyGenerateInput>;
export type KeyInfo = z.infer<typeof keyInfoSchema>;

export const keyOperations = {
  'key.generate': { input: keyGenerateInput, output: keyGenerateOutput },
  'key.update': { input: keyUpdateInput, output: keyInfoSchema },
  'key.delete': { input: keyDeleteInput, output: keyDeleteOutput },
  'key.info': { input: keyRefInput, output: keyInfoSchema },
  'key.list': { input: keyListInput, output: keyListOutput },
  'key.regenerate': {
    input: keyRefInput.extend({ new_key: z.string().min(8).max(256).optional() }),
    output: keyGenerateOutput,
  },
  'key.block': { input: keyRefInput, output: keyInfoSchema },
  'key.unblock': { input: keyRefInput, output: keyInfoSchema },
} as const;
