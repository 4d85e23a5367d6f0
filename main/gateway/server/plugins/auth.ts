// Who is calling: the master key, a per-app key, or (with no master key configured) anyone on this
// machine. Per-app keys are looked up by hash from an in-memory cache.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.ts';
import type { EffectiveKey } from '../../keys/effective-key.ts';
import type { GatewayRuntime } from '../../runtime.ts';

export type Caller = { kind: 'master' } | { kind: 'open' } | { kind: 'key'; key: EffectiveKey };

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

const PUBLIC_PATHS = new Set(['/health/liveliness', '/health/liveness', '/health/readiness']);
const ADMIN_PREFIXES = ['/key/', '/spend/', '/admin/', '/global/'];

/**
 * The caller's key from `Authorization: Bearer`, `x-api-key` (Anthropic's SDK and Claude Code with
 * ANTHROPIC_API_KEY) or `api-key` (Azure-style clients). Bearer wins when both are sent; an Authorization
 * header of another scheme does not hide an x-api-key.
 */
export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim())?.[1]?.trim() : undefined;
  if (bearer) return bearer;
  const x = req.headers['x-api-key'] ?? req.headers['api-key'];
  return typeof x === 'string' && x.trim() ? x.trim() : undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function keysEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const ISSUED_SHAPE = /^sk-[A-Za-z0-9_-]{32}$/;
const OPEN: Caller = { kind: 'open' };
const MASTER: Caller = { kind: 'master' };

export function installAuth(app: FastifyInstance, runtime: GatewayRuntime): void {
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?', 1)[0] ?? '';
    // The window's static files hold no secrets; the app asks for the master key before any /admin call.
    if (PUBLIC_PATHS.has(path) || path === '/' || path === '/ui' || path.startsWith('/ui/')) return;
    const master = runtime.loaded.masterKey;
    const key = presentedKey(req);
    if (key !== undefined && master !== undefined && keysEqual(key, master)) {
      req.caller = MASTER;
      return;
    }
    const admin = ADMIN_PREFIXES.some((p) => path.startsWith(p));
    if (admin) {
      if (master === undefined) req.caller = OPEN;
      else throw new GatewayError(401, 'invalid_api_key', 'This endpoint needs the master key');
      return;
    }
    const app = key === undefined ? undefined : runtime.keys.authenticate(key);
    if (app) {
      req.caller = { kind: 'key', key: app };
      return;
    }
    // Without a master key the gateway is open to this machine: IDE plugins often send a dummy key. A key
    // shaped like one Switchyard issued, but unknown (deleted, regenerated), is refused all the same.
    if (master === undefined && (key === undefined || !ISSUED_SHAPE.test(key))) {
      req.caller = OPEN;
      return;
    }
    if (key === undefined) {
      throw new GatewayError(
        401,
        'invalid_api_key',
        'Missing API key: send it as Authorization: Bearer <key> or x-api-key: <key>',
      );
    }
    throw new GatewayError(401, 'invalid_api_key', 'Invalid API key');
  });
}
