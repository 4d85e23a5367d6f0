// The tray's view of the gateway, gathered in-process through the admin contract (the same operations the
// window uses). Each part is fetched on its own: one failing operation blanks its section, not the menu.
import type { AdminInput, AdminOperation, AdminOutput } from '../../shared/admin/contract.ts';
import type { AdminDispatch } from './ipc.ts';

export interface TrayKey {
  id: string;
  key_alias: string | null;
  key_name: string;
  spend: number;
  max_budget: number | null;
  budget_duration: string | null;
}

export interface TrayDeployment {
  id: string;
  /** `provider/name`, e.g. `openai/gpt-4o-mini`. */
  model: string;
  api_base: string | null;
  cooling: boolean;
}

export interface TrayAlias {
  alias: string;
  /** The deployment tried first; null when the alias has none marked. */
  primary: string | null;
  deployments: TrayDeployment[];
}

export interface TrayState {
  /** Why the gateway is not running (bad config, port taken…); null while it runs. */
  error: string | null;
  configPath: string;
  paused: boolean;
  /** `http://127.0.0.1:4141`, without `/v1`. */
  url: string | null;
  spend: { today: number; month: number } | null;
  keys: TrayKey[];
  aliases: TrayAlias[];
  keysOverBudget: number;
  deploymentsCooling: number;
  /** null when it cannot be read (the item is then left out). */
  startAtLogin: boolean | null;
}

/** Spent its whole cap. A $0 cap (local models only) is over only once something was charged. */
export function isOverBudget(k: TrayKey): boolean {
  if (k.max_budget === null) return false;
  return k.max_budget > 0 ? k.spend >= k.max_budget : k.spend > 0;
}

export function stoppedState(configPath: string, error: string): TrayState {
  return {
    error,
    configPath,
    paused: false,
    url: null,
    spend: null,
    keys: [],
    aliases: [],
    keysOverBudget: 0,
    deploymentsCooling: 0,
    startAtLogin: null,
  };
}

async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch {
    return undefined;
  }
}

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The dispatch, typed by the contract (it validates the input; the output is the handler's). */
function typed(dispatch: AdminDispatch) {
  return <K extends AdminOperation>(op: K, input: AdminInput<K>) =>
    attempt(() => dispatch(op, input) as Promise<AdminOutput<K>>);
}

/** Today's and this month's spend: usage.summary, or a day-grouped spend.report where it is missing. */
async function readSpend(call: ReturnType<typeof typed>, now: number): Promise<TrayState['spend']> {
  const summary = await call('usage.summary', { days: 1 });
  if (summary) return { today: summary.spend.today, month: summary.spend.month };
  const today = localDay(now);
  const report = await call('spend.report', { group_by: ['day'], start_date: `${today.slice(0, 8)}01` });
  if (!report) return null;
  return {
    today: report.rows.filter((r) => r.day === today).reduce((sum, r) => sum + r.spend, 0),
    month: report.total_spend,
  };
}

export interface GatherOptions {
  configPath: string;
  /** The gateway's URL, used when gateway.status is unavailable. */
  url: string;
  now?: number;
}

export async function gatherTrayState(dispatch: AdminDispatch, opts: GatherOptions): Promise<TrayState> {
  const now = opts.now ?? Date.now();
  const call = typed(dispatch);
  const [status, spend, keyList, models, settings] = await Promise.all([
    call('gateway.status', {}),
    readSpend(call, now),
    call('key.list', { size: 1000 }),
    call('models.list', {}),
    call('settings.get', {}),
  ]);
  const keys: TrayKey[] = (keyList?.keys ?? []).map((k) => ({
    id: k.id,
    key_alias: k.key_alias,
    key_name: k.key_name,
    spend: k.spend,
    max_budget: k.max_budget,
    budget_duration: k.budget_duration,
  }));
  const aliases: TrayAlias[] = (models?.aliases ?? []).map((a) => ({
    alias: a.alias,
    primary: a.primary,
    deployments: a.deployments.map((d) => ({
      id: d.id,
      model: d.model,
      api_base: d.api_base,
      cooling: d.cooling,
    })),
  }));
  const overBudget = keys.filter(isOverBudget);
  const cooling = aliases.flatMap((a) => a.deployments).filter((d) => d.cooling);
  return {
    error: null,
    configPath: opts.configPath,
    paused: status?.paused ?? false,
    url: status?.url ?? opts.url,
    spend,
    keys,
    aliases,
    keysOverBudget: status?.keys_over_budget ?? overBudget.length,
    deploymentsCooling: status?.deployments_cooling ?? new Set(cooling.map((d) => d.id)).size,
    startAtLogin: typeof settings?.start_at_login === 'boolean' ? settings.start_at_login : null,
  };
}
