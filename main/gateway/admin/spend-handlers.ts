// /spend/logs and /spend/report, in LiteLLM's field names.
import type { AdminOutput } from '../../../shared/admin/contract.ts';
import type { SpendLogRow, spendOperations } from '../../../shared/admin/spend.ts';
import { GatewayError } from '../errors.ts';
import type { SpendRowWithKey } from '../store/spend-repo.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';

const DAY_MS = 86_400_000;

/** `2026-11-24` is that local day from midnight; an end date includes its whole day. */
function parseDate(s: string | undefined, end: boolean): number | undefined {
  if (s === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + (end ? 1 : 0)).getTime();
  }
  return Date.parse(s);
}

function toSpendLog(r: SpendRowWithKey): SpendLogRow {
  return {
    request_id: r.id,
    call_type: r.endpoint,
    api_key: r.key_id,
    key_alias: r.key_alias,
    spend: r.cost_usd,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    total_tokens: r.prompt_tokens + r.completion_tokens,
    startTime: new Date(r.ts).toISOString(),
    endTime: new Date(r.ts + r.latency_ms).toISOString(),
    model: r.model,
    model_group: r.alias,
    custom_llm_provider: r.provider,
    model_id: r.deployment_id,
    status: r.status,
    error_code: r.error_code,
    estimated: r.estimated,
    stream: r.streamed,
    ttft_ms: r.ttft_ms,
    latency_ms: r.latency_ms,
    attempts: r.attempts,
    request_tags: r.tags,
  };
}

export function spendHandlers({ runtime, spend }: AdminDeps): HandlersFor<typeof spendOperations> {
  const keys = runtime.keys;
  return {
    'spend.logs': (input) => {
      const keyId = input.api_key === undefined ? undefined : keys.ledgerKeyId(input.api_key);
      const since = parseDate(input.start_date, false);
      const until = parseDate(input.end_date, true);
      return spend
        .logs({
          ...(keyId !== undefined ? { keyId } : {}),
          ...(input.key_alias !== undefined ? { keyAlias: input.key_alias } : {}),
          ...(input.model !== undefined ? { alias: input.model } : {}),
          ...(input.provider !== undefined ? { provider: input.provider } : {}),
          ...(input.status !== undefined ? { outcome: input.status } : {}),
          ...(input.fallback !== undefined ? { fellBack: input.fallback } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          ...(input.limit !== undefined ? { limit: input.limit } : {}),
        })
        .map(toSpendLog);
    },
    'spend.report': (input) => {
      const now = runtime.clock();
      const until = parseDate(input.end_date, true) ?? now + 1;
      const since = parseDate(input.start_date, false) ?? until - 30 * DAY_MS;
      if (since >= until)
        throw new GatewayError(400, 'invalid_request', 'start_date must be before end_date');
      const rows = spend.report(input.group_by, { since, until }) as AdminOutput<'spend.report'>['rows'];
      return {
        start_date: new Date(since).toISOString(),
        end_date: new Date(until).toISOString(),
        rows,
        total_spend: spend.total({ since, until }),
      };
    },
  };
}
