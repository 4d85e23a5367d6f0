// The object the window sees as `window.switchyard`: one method per admin operation. Built from the
// contract's list so a new operation appears without touching this file, and nothing else (no raw
// ipcRenderer, no generic "send anything") is ever handed to the page.
import { ADMIN_OPERATIONS } from '../../shared/admin/contract.ts';
import type { AdminEnvelope, PreloadApi } from '../../shared/ipc.ts';

/** Sends one operation on the admin channel and resolves to the main process's envelope. */
export type AdminInvoke = (op: string, input: unknown) => Promise<unknown>;

export function buildPreloadApi(invoke: AdminInvoke): PreloadApi {
  const api = {} as PreloadApi;
  for (const op of ADMIN_OPERATIONS) {
    api[op] = (input?: unknown) => invoke(op, input) as Promise<AdminEnvelope>;
  }
  return Object.freeze(api);
}
