// The admin operations, implemented once: HTTP (server/routes/admin.ts) and Electron IPC both call
// these through dispatchAdmin(). Each domain's handlers live in their own file; this joins them.
import type { AdminDeps, AdminHandlers } from './handler-types.ts';
import { credentialHandlers } from './credential-handlers.ts';
import { discoveryHandlers } from './discovery-handlers.ts';
import { gatewayHandlers } from './gateway-handlers.ts';
import { keyHandlers } from './key-handlers.ts';
import { modelHandlers } from './model-handlers.ts';
import { routerHandlers } from './router-handlers.ts';
import { settingsHandlers } from './settings-handlers.ts';
import { spendHandlers } from './spend-handlers.ts';
import { usageHandlers } from './usage-handlers.ts';

export type { AdminDeps, AdminHandlers };

export function createAdminHandlers(deps: AdminDeps): AdminHandlers {
  const handlers: AdminHandlers = {
    ...keyHandlers(deps),
    ...spendHandlers(deps),
    ...routerHandlers(deps),
    ...credentialHandlers(deps),
    ...discoveryHandlers(deps),
    ...usageHandlers(deps),
    ...modelHandlers(deps),
    ...gatewayHandlers(deps),
    ...settingsHandlers(deps),
  };
  // Settled requests reach SQLite in batches (budget/settlement-writer.ts): every operation sees them
  // all, and writes after them, as if each had been written when it settled.
  const wrapped: Record<string, (input: never) => unknown> = {};
  for (const [op, handler] of Object.entries(handlers) as [string, (input: never) => unknown][]) {
    wrapped[op] = (input) => {
      try {
        deps.runtime.book.flush();
      } catch (err) {
        deps.runtime.log.warn(`settled requests could not be written before '${op}': ${String(err)}`);
      }
      return handler(input);
    };
  }
  return wrapped as AdminHandlers;
}
