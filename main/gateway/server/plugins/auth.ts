// Who is calling: the master key, a per-app key, or (with no master key configured) anyone on this
// machine. A presented key's SHA-256 is both what the master key's (computed once per config) is compared
// with in constant time, and what per-app keys are looked up by, from an in-memory cache; both are
// remembered per presented key.
import { hash, timingSafeEqual } from 'node:crypto';
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

/**
 * A key's SHA-256 as hex: what per-app keys are stored and looked up by (hashSecret's), and what the
 * master key is compared by. crypto.hash() is the one-shot form, several times cheaper than createHash().
 */
const sha256Hex = (s: string): string => hash('sha256', s);

/** The master key's hex digest (as bytes, for timingSafeEqual), kept until a config brings another key. */
let masterCache: { key: string; hex: Buffer } | undefined;
function masterHex(key: string): Buffer {
  if (masterCache?.key !== key) masterCache = { key, hex: Buffer.from(sha256Hex(key), 'latin1') };
  return masterCache.hex;
}

interface Presented {
  token: string;
  /** The master key this was compared with, and whether it matched. */
  master: string | undefined;
  isMaster: boolean;
}

/**
 * What a presented key hashes to, and whether it is the master key. A client sends the same key with
 * every request: a Map lookup costs a fraction of a SHA-256 plus a constant-time compare, and it holds
 * only this gateway's own keys as clients sent them (vendor keys never come in on a request). Bounded,
 * so a client trying keys at random cannot grow it.
 */
const presented = new Map<string, Presented>();
function identifyKey(key: string, master: string | undefined): Presented {
  let p = presented.get(key);
  if (p === undefined) {
    if (presented.size >= 256) presented.clear();
    p = { token: sha256Hex(key), master: undefined, isMaster: false };
    presented.set(key, p);
  }
  if (p.master !== master) {
    p.master = master;
    p.isMaster = master !== undefined && timingSafeEqual(Buffer.from(p.token, 'latin1'), masterHex(master));
  }
  return p;
}

const ISSUED_SHAPE = /^sk-[A-Za-z0-9_-]{32}$/;
const OPEN: Caller = { kind: 'open' };
const MASTER: Caller = { kind: 'master' };

export function installAuth(app: FastifyInstance, runtime: GatewayRuntime): void {
  app.decorateRequest('caller', null as never);
  // A callback hook, not an async one: no promise per request for what is synchronous work.
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      identify(req, runtime);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}

function identify(req: FastifyRequest, runtime: GatewayRuntime): void {
  const path = req.url.split('?', 1)[0] ?? '';
  // The window's static files hold no secrets; the app asks for the master key before any /admin call.
  if (PUBLIC_PATHS.has(path) || path === '/' || path === '/ui' || path.startsWith('/ui/')) return;
  const master = runtime.loaded.masterKey;
  const key = presentedKey(req);
  const known = key === undefined ? undefined : identifyKey(key, master);
  if (known?.isMaster) {
    req.caller = MASTER;
    return;
  }
  const token = known?.token;
  const admin = ADMIN_PREFIXES.some((p) => path.startsWith(p));
  if (admin) {
    if (master === undefined) req.caller = OPEN;
    else throw new GatewayError(401, 'invalid_api_key', 'This endpoint needs the master key');
    return;
  }
  const app = token === undefined ? undefined : runtime.keys.authenticateToken(token);
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
}
