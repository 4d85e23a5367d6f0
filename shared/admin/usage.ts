// The Overview page's numbers in one call: spend so far, spend per day by app and by model, requests per
// minute over the last hour, and the latest errors and fallbacks. Times are epoch milliseconds; days are
// the gateway machine's local days (YYYY-MM-DD), as "what did I spend on Tuesday" means.
import { z } from 'zod';

export const usageSummaryInput = z.object({
  /** How many local days (today included) the per-day series cover. */
  days: z.number().int().positive().max(366).default(30),
});

const ledgerEvent = z.object({
  ts: z.number(),
  request_id: z.string(),
  alias: z.string(),
  status: z.number(),
  error_code: z.string().nullable(),
  key_alias: z.string().nullable(),
});

export const usageSummaryOutput = z.object({
  /** When the summary was taken: the right end of the charts. */
  now: z.number(),
  /** The local days the per-day series cover, oldest first (days without traffic included). */
  days: z.array(z.string()),
  spend: z.object({
    today: z.number(),
    /** The last 7 local days, today included. */
    d7: z.number(),
    d30: z.number(),
    /** Since the 1st of this month. */
    month: z.number(),
  }),
  requests: z.object({ today: z.number(), errors_today: z.number() }),
  /** Per day and app (key); requests too, as local models cost nothing. */
  by_key: z.array(
    z.object({
      day: z.string(),
      key_id: z.string().nullable(),
      key_alias: z.string().nullable(),
      spend: z.number(),
      requests: z.number(),
    }),
  ),
  by_model: z.array(
    z.object({ day: z.string(), alias: z.string(), spend: z.number(), requests: z.number() }),
  ),
  /** Minutes with traffic in the last 60; `minute` is the minute's start. */
  rpm: z.array(z.object({ minute: z.number(), requests: z.number() })),
  recent_errors: z.array(ledgerEvent),
  /** Requests another deployment answered after the first one failed. */
  recent_fallbacks: z.array(
    ledgerEvent.extend({
      /** The deployment that answered (or was tried last). */
      deployment_id: z.string().nullable(),
      /** The deployments tried, in order. */
      tried: z.array(z.string()),
    }),
  ),
});

export type UsageSummary = z.infer<typeof usageSummaryOutput>;

export const usageOperations = {
  'usage.summary': { input: usageSummaryInput, output: usageSummaryOutput },
} as const;
