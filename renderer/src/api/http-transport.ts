// POST /admin/<op> with the master key, for the window served at /ui by the headless server. Every answer
// becomes an envelope: the gateway's OpenAI-shaped error body, a refused connection and a reply that is
// not JSON all end up as { ok: false, error } with a status, a code and a message.
import type { AdminEnvelope, AdminErrorInfo } from '../../../shared/ipc.ts';
import type { Transport } from './transport.ts';

export interface HttpTransportOptions {
  /** The gateway's origin; '' (the default) is the page's own. */
  baseUrl?: string;
  /** The master key, or undefined in open mode (no master key configured). */
  getKey(): string | undefined;
  fetch?: typeof fetch;
}

const failure = (error: AdminErrorInfo): AdminEnvelope => ({ ok: false, error });

function errorFrom(status: number, body: unknown): AdminErrorInfo {
  const err = (body as { error?: Record<string, unknown> } | undefined)?.error;
  const message =
    typeof err?.message === 'string' && err.message
      ? err.message
      : `Switchyard answered HTTP ${status} without an explanation`;
  return {
    status,
    code: typeof err?.code === 'string' && err.code ? err.code : `http_${status}`,
    message,
    param: typeof err?.param === 'string' ? err.param : null,
  };
}

export function httpTransport(opts: HttpTransportOptions): Transport {
  const base = (opts.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch = opts.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  return {
    kind: 'http',
    async send(op, input) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const key = opts.getKey();
      if (key) headers.authorization = `Bearer ${key}`;
      let res: Response;
      try {
        res = await doFetch(`${base}/admin/${encodeURIComponent(op)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch {
        return failure({ status: 0, code: 'network_error', message: 'Could not reach Switchyard' });
      }
      const text = await res.text().catch(() => '');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        if (res.ok)
          return failure({
            status: 502,
            code: 'bad_response',
            message: `Switchyard's answer to '${op}' was not JSON`,
          });
      }
      return res.ok ? { ok: true, value: body } : failure(errorFrom(res.status, body));
    },
  };
}
