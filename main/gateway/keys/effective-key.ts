// A key's settings in force: its own, else its plan's (read from the current config, so editing a plan
// changes every key on it at once).
import type { Plan } from '../../../shared/config/litellm-config-schema.ts';
import type { KeyRow } from '../store/keys-repo.ts';

export interface EffectiveKey {
  row: KeyRow;
  models: string[];
  maxBudget: number | null;
  softBudget: number | null;
  budgetDuration: string | null;
  tpmLimit: number | null;
  rpmLimit: number | null;
  maxParallel: number | null;
  budgetFallback: string | null;
}

export function effectiveKey(row: KeyRow, plans: Map<string, Plan>): EffectiveKey {
  const plan: Plan = (row.plan ? plans.get(row.plan) : undefined) ?? {};
  return {
    row,
    models: row.models.length > 0 ? row.models : (plan.models ?? []),
    maxBudget: row.max_budget ?? plan.max_budget ?? null,
    softBudget: row.soft_budget ?? plan.soft_budget ?? null,
    budgetDuration: row.budget_duration ?? plan.budget_duration ?? null,
    tpmLimit: row.tpm_limit ?? plan.tpm_limit ?? null,
    rpmLimit: row.rpm_limit ?? plan.rpm_limit ?? null,
    maxParallel: row.max_parallel_requests ?? plan.max_parallel_requests ?? null,
    budgetFallback: row.budget_fallback ?? plan.budget_fallback ?? null,
  };
}

/** Whether a key's model list allows a name (`*` globs allowed; empty list = everything). */
export function modelAllowed(models: string[], ...names: string[]): boolean {
  if (models.length === 0) return true;
  return models.some((m) => {
    if (!m.includes('*')) return names.includes(m);
    const re = new RegExp(`^${m.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return names.some((n) => re.test(n));
  });
}
