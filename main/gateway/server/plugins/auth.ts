import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.ts';
import type { GatewayRuntime } from '../../runtime.ts';

const PUBLIC_PATHS = new Set(['/health/liveliness', '/health/liveness', '/health/readiness']);

/** The caller's key from `Authorization: Bearer`, `x-api-key` or `api-key` (Azure-style clients). */
export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m?.[1]?.trim() || undefined;
  }
  const x = req.headers['x-api-key'] ?? req.headers['api-key'];
  return typeof x === 'string' && x ? x.trim() : undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function keysEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function installAuth(app: FastifyInstance, runtime: GatewayRuntime): void {
  app.addHook('onRequest', async (req) => {
    const master = runtime.loaded.masterKey;
    if (master === undefined) return;
    const path = req.url.split('?', 1)[0] ?? '';
    if (PUBLIC_PATHS.has(path)) return;
    const key = presentedKey(req);
    if (key === undefined) {
      throw new GatewayError(401, 'invalid_api_key', 'Missing API key: send it as Authorization: Bearer <key>');
    }
    if (!keysEqual(key, master)) throw new GatewayError(401, 'invalid_api_key', 'Invalid API key');
  });
}
