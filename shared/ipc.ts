// The one IPC channel between the window and the main process. The preload exposes a method per admin
// operation (and nothing else) as `window.switchyard`; each sends `[operation, input]` on this channel and
// gets back an envelope, because Electron flattens thrown errors to a message string and the renderer
// needs the status and code to show the error in words.
import type { AdminOperation } from './admin/contract.ts';

export const ADMIN_IPC_CHANNEL = 'switchyard:admin';

/** The name under which the preload exposes the operations in the renderer (`window.switchyard`). */
export const PRELOAD_GLOBAL = 'switchyard';

export interface AdminErrorInfo {
  status: number;
  code: string;
  message: string;
  param?: string | null;
}

export type AdminEnvelope = { ok: true; value: unknown } | { ok: false; error: AdminErrorInfo };

/** What the preload exposes: one method per admin operation. */
export type PreloadApi = Record<AdminOperation, (input?: unknown) => Promise<AdminEnvelope>>;
