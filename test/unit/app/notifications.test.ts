// The core's events as desktop notifications: what they say, where a click leads, and that the same
// event never notifies twice (and a flapping deployment does not flood the desktop).
import { describe, expect, it } from 'vitest';
import type { BudgetThresholdEvent, DeploymentCooldownEvent } from '../../../main/gateway/events.ts';
import { COOLDOWN_NOTICE_INTERVAL_MS, createNotifier } from '../../../main/app/notifications.ts';
import type { NotificationSpec } from '../../../main/app/electron-surface.ts';

function setup() {
  const shown: NotificationSpec[] = [];
  const opened: string[] = [];
  let now = 1_700_000_000_000;
  const notify = createNotifier({
    show: (n) => shown.push(n),
    openWindow: (route) => opened.push(route),
    describeDeployment: (id) => (id === 'smart#a' ? 'smart: gpt-4o-mini (openai)' : undefined),
    clock: () => now,
  });
  return { shown, opened, notify, advance: (ms: number) => (now += ms) };
}

const budget = (over: Partial<BudgetThresholdEvent> = {}): BudgetThresholdEvent => ({
  type: 'budget.threshold',
  key_id: 'k1',
  key_alias: 'cline',
  threshold: '80%',
  spend: 4.1,
  max_budget: 5,
  soft_budget: 2,
  period_start: '2025-01-01T00:00:00.000Z',
  budget_reset_at: null,
  ...over,
});

const cooldown = (cooling: boolean, id = 'smart#a'): DeploymentCooldownEvent => ({
  type: 'deployment.cooldown',
  deployment_id: id,
  cooling,
  reason: cooling ? 'upstream answered 429' : 'cooldown over',
});

describe('budget notifications', () => {
  it('say which app crossed which threshold, with the money', () => {
    const t = setup();
    t.notify(budget({ threshold: 'soft', spend: 2.05 }));
    t.notify(budget({ threshold: '80%' }));
    t.notify(budget({ threshold: '100%', spend: 5 }));
    expect(t.shown.map(({ title, body }) => ({ title, body }))).toEqual([
      { title: 'cline passed its soft budget', body: '$2.05 spent (soft budget $2.00).' },
      { title: 'cline has used 80% of its budget', body: '$4.10 of $5.00 spent.' },
      {
        title: 'cline is out of budget',
        body: '$5.00 of $5.00 spent; its requests are refused (or go to its budget fallback) until the budget resets.',
      },
    ]);
  });

  it('name the reset time when the key has one', () => {
    const t = setup();
    const reset = '2025-01-02T00:00:00.000Z';
    t.notify(budget({ budget_reset_at: reset }));
    expect(t.shown[0]!.body).toBe(`$4.10 of $5.00 spent. It resets ${new Date(reset).toLocaleString()}.`);
  });

  it('open the window at the key when clicked', () => {
    const t = setup();
    t.notify(budget({ key_id: 'key/with space' }));
    t.shown[0]!.onClick!();
    expect(t.opened).toEqual(['#/keys?key=key%2Fwith%20space']);
  });

  it('notify once per key, threshold and period', () => {
    const t = setup();
    t.notify(budget());
    t.notify(budget());
    t.notify(budget({ threshold: '100%' }));
    t.notify(budget({ key_id: 'k2', key_alias: 'aider' }));
    t.notify(budget({ period_start: '2025-01-02T00:00:00.000Z' }));
    expect(t.shown.map((n) => n.title)).toEqual([
      'cline has used 80% of its budget',
      'cline is out of budget',
      'aider has used 80% of its budget',
      'cline has used 80% of its budget',
    ]);
  });
});

describe('cooldown notifications', () => {
  it('say a deployment is down and back, by its alias and model, and open the Models page', () => {
    const t = setup();
    t.notify(cooldown(true));
    t.notify(cooldown(false));
    expect(t.shown.map((n) => n.title)).toEqual([
      'smart: gpt-4o-mini (openai) is down',
      'smart: gpt-4o-mini (openai) is back',
    ]);
    expect(t.shown[0]!.body).toContain('upstream answered 429');
    t.shown[0]!.onClick!();
    expect(t.opened).toEqual(['#/models']);
  });

  it('fall back to the deployment id for one the config no longer has', () => {
    const t = setup();
    t.notify(cooldown(true, 'gone#1'));
    expect(t.shown[0]!.title).toBe('gone#1 is down');
  });

  it('do not repeat "down" while it stays down, nor say "back" for one never reported down', () => {
    const t = setup();
    t.notify(cooldown(false));
    t.notify(cooldown(true));
    t.notify(cooldown(true));
    expect(t.shown.map((n) => n.title)).toEqual(['smart: gpt-4o-mini (openai) is down']);
  });

  it('damp a flapping deployment: one down/back pair per interval', () => {
    const t = setup();
    for (let i = 0; i < 5; i++) {
      t.notify(cooldown(true));
      t.advance(6_000);
      t.notify(cooldown(false));
    }
    expect(t.shown).toHaveLength(2);
    t.advance(COOLDOWN_NOTICE_INTERVAL_MS);
    t.notify(cooldown(true));
    expect(t.shown).toHaveLength(3);
    expect(t.shown[2]!.title).toBe('smart: gpt-4o-mini (openai) is down');
  });
});
