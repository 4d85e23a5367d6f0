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
  return {
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
}
