// The admin contract over Electron IPC: one handler on one channel. Anything that can reach ipcMain is
// checked first: the message must come from our window's own top frame showing our own renderer (a page
// that somehow got navigated elsewhere, or an iframe, gets nothing), and name an operation of the
// contract. Errors travel as an envelope because Electron flattens thrown errors to a string.
import { isAdminOperation } from '../../shared/admin/contract.ts';
import { ADMIN_IPC_CHANNEL, type AdminEnvelope, type AdminErrorInfo } from '../../shared/ipc.ts';
import { isGatewayError } from '../gateway/errors.ts';
import type { ElectronSurface, IpcSenderEvent } from './electron-surface.ts';

export type AdminDispatch = (op: string, input: unknown) => Promise<unknown>;

export interface AdminIpcOptions {
  dispatch: AdminDispatch;
  /** Whether this is the webContents of our window (whichever window is current). */
  isOurWebContents(sender: unknown): boolean;
  /** URLs the renderer may be served from: the packaged `file://…/index.html`, or the dev server's. */
  isRendererUrl(url: string): boolean;
  onError?: (op: string, err: unknown) => void;
}

function fail(status: number, code: string, message: string, param?: string | null): AdminEnvelope {
  const error: AdminErrorInfo = { status, code, message };
  if (param !== undefined) error.param = param;
  return { ok: false, error };
}

/** Why a sender is refused, or null when it is our renderer. */
export function senderProblem(event: IpcSenderEvent, opts: AdminIpcOptions): string | null {
  if (!opts.isOurWebContents(event.sender)) return 'the message did not come from the Switchyard window';
  const frame = event.senderFrame;
  // A null frame navigated away or was destroyed while the message was in flight: nobody to trust.
  if (frame === null) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the message came from an embedded frame';
  if (!opts.isRendererUrl(frame.url)) return 'the sending page is not the Switchyard window';
  return null;
}

/** Runs one IPC call to completion; never throws (the renderer gets an envelope either way). */
export async function handleAdminCall(
  event: IpcSenderEvent,
  op: unknown,
  input: unknown,
  opts: AdminIpcOptions,
): Promise<AdminEnvelope> {
  const refused = senderProblem(event, opts);
  if (refused !== null) return fail(403, 'forbidden', `Refused: ${refused}`);
  if (typeof op !== 'string' || !isAdminOperation(op))
    return fail(404, 'not_found', `No admin operation '${String(op)}'`);
  try {
    return { ok: true, value: await opts.dispatch(op, input) };
  } catch (err) {
    if (isGatewayError(err)) return fail(err.status, err.code, err.message, err.param);
    opts.onError?.(op, err);
    // Unexpected failures stay in the log: their messages may carry paths or upstream text.
    return fail(500, 'internal_error', `The operation '${op}' failed unexpectedly; see the log`);
  }
}

/** Registers the one handler; returns a function that removes it. */
export function registerAdminIpc(ipcMain: ElectronSurface['ipcMain'], opts: AdminIpcOptions): () => void {
  ipcMain.handle(ADMIN_IPC_CHANNEL, (event, op, input) => handleAdminCall(event, op, input, opts));
  return () => ipcMain.removeHandler(ADMIN_IPC_CHANNEL);
}
