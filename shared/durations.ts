import { z } from 'zod';

export const BUDGET_DURATION = /^\d+(s|m|h|d|mo)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, mo: 31 * 86_400_000 } as const;
/** 1200mo: beyond any period or expiry a person means, and it keeps every date computed from one valid. */
const MAX_DURATION_MS = 1200 * UNIT_MS.mo;
/** `30s`, `1h`, `1d`, `7d`, `1mo`: a budget period or an expiry. */
export const durationSchema = z
  .string()
  .regex(BUDGET_DURATION, 'use a number and s, m, h, d or mo, e.g. 30s, 1h, 1d, 7d, 1mo')
  .refine((s) => {
    const m = /^(\d+)(s|m|h|d|mo)$/.exec(s);
    const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
    return ms > 0 && ms <= MAX_DURATION_MS;
  }, 'must be more than zero and at most 1200mo (100 years)');
