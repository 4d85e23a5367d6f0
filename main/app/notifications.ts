// The core's events as desktop notifications. The core already raises one budget event per threshold per
// period; the shell still de-duplicates (a reload or a replayed event must not notify twice), and it
// damps cooldowns: a flapping deployment (cooldown_time is 5 s by default) would otherwise notify every
// few seconds.
import type { BudgetThresholdEvent, DeploymentCooldownEvent, GatewayEvent } from '../gateway/events.ts';
import type { NotificationSpec } from './electron-surface.ts';
import { formatUsd } from './tray-menu.ts';

/** At most one "down" notification per deployment in this window (and its "back" only if it was shown). */
export const COOLDOWN_NOTICE_INTERVAL_MS = 10 * 60_000;

export interface NotifierOptions {
  show(spec: NotificationSpec): void;
  /** Opens the window at a route (`#/keys?key=<id>`, `#/models`). */
  openWindow(route: string): void;
  /** "smart: gpt-4o-mini (openai)" for a deployment id, when the config still has it. */
  describeDeployment?: (id: string) => string | undefined;
  clock?: () => number;
}

function resetText(e: BudgetThresholdEvent): string {
  if (e.budget_reset_at === null) return '';
  const at = new Date(e.budget_reset_at);
  return Number.isNaN(at.getTime()) ? '' : ` It resets ${at.toLocaleString()}.`;
}

export function budgetNotification(e: BudgetThresholdEvent): { title: string; body: string } {
  const name = e.key_alias ?? 'A key';
  const of = e.max_budget !== null ? ` of ${formatUsd(e.max_budget)}` : '';
  if (e.threshold === 'soft')
    return {
      title: `${name} passed its soft budget`,
      body: `${formatUsd(e.spend)} spent (soft budget ${formatUsd(e.soft_budget ?? 0)}).${resetText(e)}`,
    };
  if (e.threshold === '80%')
    return {
      title: `${name} has used 80% of its budget`,
      body: `${formatUsd(e.spend)}${of} spent.${resetText(e)}`,
    };
  return {
    title: `${name} is out of budget`,
    body: `${formatUsd(e.spend)}${of} spent; its requests are refused (or go to its budget fallback) until the budget resets.${resetText(e)}`,
  };
}

export function cooldownNotification(
  e: DeploymentCooldownEvent,
  name: string,
): { title: string; body: string } {
  return e.cooling
    ? {
        title: `${name} is down`,
        body: `Left out of rotation for now (${e.reason}); the other deployments of its alias answer meanwhile.`,
      }
    : { title: `${name} is back`, body: 'It is taking requests again.' };
}

/** Subscribes to the core's events; returns the function handling one event (what the bus calls). */
export function createNotifier(opts: NotifierOptions): (e: GatewayEvent) => void {
  const clock = opts.clock ?? Date.now;
  const budgetSeen = new Set<string>();
  const downShown = new Set<string>();
  const lastDownNotice = new Map<string, number>();

  const onBudget = (e: BudgetThresholdEvent) => {
    const id = `${e.key_id}|${e.threshold}|${e.period_start}`;
    if (budgetSeen.has(id)) return;
    budgetSeen.add(id);
    opts.show({
      ...budgetNotification(e),
      onClick: () => opts.openWindow(`#/keys?key=${encodeURIComponent(e.key_id)}`),
    });
  };

  const onCooldown = (e: DeploymentCooldownEvent) => {
    const id = e.deployment_id;
    const name = opts.describeDeployment?.(id) ?? id;
    const onClick = () => opts.openWindow('#/models');
    if (e.cooling) {
      if (downShown.has(id)) return;
      const last = lastDownNotice.get(id);
      if (last !== undefined && clock() - last < COOLDOWN_NOTICE_INTERVAL_MS) return;
      lastDownNotice.set(id, clock());
      downShown.add(id);
      opts.show({ ...cooldownNotification(e, name), onClick });
    } else if (downShown.delete(id)) {
      opts.show({ ...cooldownNotification(e, name), onClick });
    }
  };

  return (e) => {
    if (e.type === 'budget.threshold') onBudget(e);
    else if (e.type === 'deployment.cooldown') onCooldown(e);
  };
}
