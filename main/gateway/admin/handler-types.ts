// What every domain's admin handlers are typed against, and what they may use.
import type { AdminOperation, AdminOutput, AdminParsedInput } from '../../../shared/admin/contract.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { SpendRepo } from '../store/spend-repo.ts';

export type AdminHandlers = {
  [K in AdminOperation]: (input: AdminParsedInput<K>) => AdminOutput<K> | Promise<AdminOutput<K>>;
};

/** The handlers for the operations of one domain's table (e.g. `keyOperations`). */
export type HandlersFor<T> = Pick<AdminHandlers, Extract<keyof T, AdminOperation>>;

/** What the admin handlers work on; the gateway builds it once per server. */
export interface AdminDeps {
  runtime: GatewayRuntime;
  spend: SpendRepo;
}
