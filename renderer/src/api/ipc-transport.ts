// The desktop window's transport: the preload exposes one method per admin operation as
// window.switchyard, each answering with an envelope (Electron would flatten a thrown error to a string).
import type { AdminEnvelope, PreloadApi } from '../../../shared/ipc.ts';
import { PRELOAD_GLOBAL } from '../../../shared/ipc.ts';
import type { Transport } from './transport.ts';

/** The preload's API when running inside the desktop app, else undefined (a browser at /ui). */
export function preloadApi(): PreloadApi | undefined {
  const api = (globalThis as Record<string, unknown>)[PRELOAD_GLOBAL];
  return api && typeof api === 'object' ? (api as PreloadApi) : undefined;
}

export function ipcTransport(api: PreloadApi): Transport {
  return {
    kind: 'ipc',
    async send(op, input): Promise<AdminEnvelope> {
      const method = (api as Record<string, PreloadApi[keyof PreloadApi] | undefined>)[op];
      if (typeof method !== 'function') {
        return {
          ok: false,
          error: { status: 404, code: 'not_found', message: `This version of Switchyard has no '${op}'` },
        };
      }
      try {
        return await method(input);
      } catch (err) {
        return {
          ok: false,
          error: {
            status: 0,
            code: 'network_error',
            message: `The desktop app did not answer: ${err instanceof Error ? err.message : String(err)}`,
          },
        };
      }
    },
  };
}
