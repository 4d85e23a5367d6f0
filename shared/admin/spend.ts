// Spend reporting: LiteLLM's /spend/logs rows, and a grouped report for the UI's charts.
import { z } from 'zod';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'use YYYY-MM-DD or an ISO date-time')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');

export const spendLogsInput = z.object({
  /** A key's secret, hash (token) or id. */
  api_key: z.string().min(1).optional(),
  key_alias: z.string().min(1).optional(),
  /** The alias requested. */
  model: z.string().min(1).optional(),
  /** The provider that answered (the `litellm_params.model` prefix: `openai`, `ollama_chat`, …). */
  provider: z.string().min(1).optional(),
  /** `error`: the request failed (status 400 and above). */
  status: z.enum(['ok', 'error']).optional(),
  /** Only requests another deployment answered after the first failed (or, false, the others). */
  fallback: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  start_date: date.optional(),
  end_date: date.optional(),
  limit: z.coerce.number().int().positive().max(10_000).optional(),
});

export const spendLogRowSchema = z.object({
  request_id: z.string(),
  call_type: z.string(),
  api_key: z.string().nullable(),
  key_alias: z.string().nullable(),
  spend: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  startTime: z.string(),
  endTime: z.string(),
  model: z.string().nullable(),
  model_group: z.string(),
  custom_llm_provider: z.string().nullable(),
  model_id: z.string().nullable(),
  status: z.number(),
  error_code: z.string().nullable(),
  estimated: z.boolean(),
  stream: z.boolean(),
  ttft_ms: z.number().nullable(),
  latency_ms: z.number(),
  attempts: z.array(
    z.object({
      deployment: z.string(),
      provider: z.string(),
      status: z.number(),
      code: z.string().nullable(),
      latency_ms: z.number(),
    }),
  ),
  request_tags: z.array(z.string()),
});

export const spendLogsOutput = z.array(spendLogRowSchema);

export const SPEND_GROUPS = ['key', 'alias', 'model', 'provider', 'day', 'tag'] as const;

export const spendReportInput = z.object({
  start_date: date.optional(),
  end_date: date.optional(),
  group_by: z.array(z.enum(SPEND_GROUPS)).min(1).max(SPEND_GROUPS.length),
});

export const spendReportRowSchema = z.object({
  key_id: z.string().nullable().optional(),
  key_alias: z.string().nullable().optional(),
  alias: z.string().optional(),
  model: z.string().nullable().optional(),
  provider: z.string().nullable().optional(),
  day: z.string().optional(),
  tag: z.string().nullable().optional(),
  requests: z.number(),
  errors: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  spend: z.number(),
});

export const spendReportOutput = z.object({
  start_date: z.string(),
  end_date: z.string(),
  rows: z.array(spendReportRowSchema),
  total_spend: z.number(),
});

export type SpendLogsInput = z.infer<typeof spendLogsInput>;
export type SpendLogRow = z.infer<typeof spendLogRowSchema>;
export type SpendReportInput = z.infer<typeof spendReportInput>;
export type SpendReportOutput = z.infer<typeof spendReportOutput>;

export const spendOperations = {
  'spend.logs': { input: spendLogsInput, output: spendLogsOutput },
  'spend.report': { input: spendReportInput, output: spendReportOutput },
} as const;
