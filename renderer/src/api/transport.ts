// How an admin call travels: Electron IPC (the preload's window.switchyard) or HTTP (POST /admin/<op>).
// Both answer with the same envelope, so the client above them is one piece of code.
import type { AdminEnvelope } from '../../../shared/ipc.ts';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  send(op: string, input: unknown): Promise<AdminEnvelope>;
}
