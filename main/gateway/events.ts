// The core's event bus: the desktop shell turns these into notifications; a webhook may receive them too.
export interface BudgetThresholdEvent {
  type: 'budget.threshold';
  key_id: string;
  key_alias: string | null;
  /** `soft` = soft_budget; `80%` and `100%` of max_budget. */
  threshold: 'soft' | '80%' | '100%';
  spend: number;
  max_budget: number | null;
  soft_budget: number | null;
  period_start: string;
  budget_reset_at: string | null;
}

/** A deployment left rotation after failing, or came back. */
export interface DeploymentCooldownEvent {
  type: 'deployment.cooldown';
  deployment_id: string;
  cooling: boolean;
  reason: string;
}

export type GatewayEvent = BudgetThresholdEvent | DeploymentCooldownEvent;

export class EventBus {
  readonly #listeners = new Set<(e: GatewayEvent) => void>();

  on(fn: (e: GatewayEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  emit(e: GatewayEvent): void {
    for (const fn of this.#listeners) {
      try {
        fn(e);
      } catch {
        // a listener's failure must not break the request that raised the event
      }
    }
  }
}
