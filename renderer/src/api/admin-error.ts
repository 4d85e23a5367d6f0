// One error type for every failed admin call, whatever the transport: the status and code to decide on,
// and words a person can act on.
import type { AdminErrorInfo } from '../../../shared/ipc.ts';

export class AdminError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;

  constructor(info: AdminErrorInfo) {
    super(info.message);
    this.name = 'AdminError';
    this.status = info.status;
    this.code = info.code;
    this.param = info.param ?? null;
  }

  /** The master key is missing or wrong: the window should ask for it again. */
  get needsLogin(): boolean {
    return this.status === 401;
  }
}

export const isAdminError = (e: unknown): e is AdminError => e instanceof AdminError;

/** A heading for an error, in words (the server's message gives the detail). */
export function errorTitle(e: unknown): string {
  if (!isAdminError(e)) return 'Something went wrong in this window';
  if (e.code === 'network_error') return 'Switchyard cannot be reached';
  if (e.status === 401) return 'The master key was not accepted';
  if (e.code === 'forbidden_host' || e.status === 403) return 'Switchyard refused this request';
  if (e.status === 404 && e.code === 'not_found') return 'Not found';
  if (e.status === 400 || e.status === 422) return 'Please check what you entered';
  if (e.status === 409) return 'That clashes with something that already exists';
  if (e.status === 429) return 'Too many requests or over budget';
  if (e.status === 502 || e.status === 503 || e.status === 504) return 'The provider did not answer properly';
  if (e.status >= 500) return 'Switchyard hit an internal error';
  return 'The request failed';
}

/** One sentence for an error: what happened, and what to do. */
export function describeError(e: unknown): string {
  if (!isAdminError(e)) return e instanceof Error ? e.message : String(e);
  if (e.code === 'network_error')
    return 'No answer from the gateway. Check that Switchyard is still running, then try again.';
  if (e.status === 401) return 'Enter the master key again (it may have been rotated).';
  if (e.status >= 500 && e.code === 'internal_error')
    return `${e.message}. The details are in Switchyard's log.`;
  return e.message;
}
