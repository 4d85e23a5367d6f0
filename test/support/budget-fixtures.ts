// A key in a real keys table and a ledger row for it: what the budget book's and the settlement
// journal's tests settle.
import { effectiveKey, type EffectiveKey } from '../../main/gateway/keys/effective-key.ts';
import type { KeyRow, KeysRepo } from '../../main/gateway/store/keys-repo.ts';
import type { RequestLogRow } from '../../main/gateway/store/request-log-repo.ts';

export function insertKey(keys: KeysRepo, start: number, settings: Partial<KeyRow> = {}): EffectiveKey {
  const row: KeyRow = {
    id: `key_${Math.random().toString(16).slice(2)}`,
    token: `t_${Math.random()}`,
    key_name: 'sk-…test',
    key_alias: null,
    models: [],
    plan: null,
    max_budget: null,
    soft_budget: null,
    budget_duration: null,
    period_duration: null,
    period_start: start,
    budget_reset_at: null,
    spend: 0,
    reserved: 0,
    total_spend: 0,
    tpm_limit: null,
    rpm_limit: null,
    max_parallel_requests: null,
    budget_fallback: null,
    expires: null,
    blocked: false,
    metadata: {},
    created_at: start,
    updated_at: start,
    last_used_at: null,
    deleted_at: null,
    ...settings,
  };
  keys.insert(row);
  return effectiveKey(row, new Map());
}

let n = 0;
export function ledgerRow(keyId: string | null, cost: number, ts: number): RequestLogRow {
  return {
    id: `req_test_${process.pid}_${n++}`,
    ts,
    key_id: keyId,
    endpoint: 'chat.completions',
    alias: 'cloud',
    provider: 'openai',
    deployment_id: 'cloud',
    model: 'gpt-4o-mini',
    status: 200,
    error_code: null,
    prompt_tokens: 10,
    completion_tokens: 20,
    estimated: false,
    cost_usd: cost,
    latency_ms: 1,
    ttft_ms: 1,
    streamed: false,
    attempts: [],
    tags: [],
  };
}
