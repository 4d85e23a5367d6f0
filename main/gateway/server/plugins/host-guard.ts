// Refuses requests whose Host names anything but this machine: a web page on evil.example whose DNS
// later points at 127.0.0.1 (DNS rebinding) must not be able to spend the user's keys.
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end === -1 ? hostHeader : hostHeader.slice(0, end + 1);
  }
  const colon = hostHeader.indexOf(':');
  return (colon === -1 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

export function hostAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!hostHeader) return false;
  const name = hostnameOf(hostHeader);
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return true;
  const bound = boundHost.toLowerCase();
  if (name === bound || name === `[${bound}]`) return true;
  // Bound to every interface on purpose: any address literal may reach it, still no foreign names.
  if (bound === '0.0.0.0' || bound === '::') return isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  return false;
}

/**
 * A browser sends Origin with every POST. Another page on this machine (a dev server on localhost:3000)
 * cannot read admin answers without CORS, and its JSON bodies need a preflight that fails, but a body-less
 * POST needs none: without this check it could pause the gateway or rotate the master key in open mode.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === (hostHeader ?? '').toLowerCase();
  } catch {
    return false;
  }
}

const ADMIN_PATH = /^\/(admin|key|spend|global)\//;

export function installHostGuard(app: FastifyInstance, boundHost: string): void {
  app.addHook('onRequest', (req, _reply, done) => {
    if (!hostAllowed(req.headers.host, boundHost)) {
      done(new GatewayError(403, 'forbidden_host', `Host '${req.headers.host ?? ''}' is not allowed`));
      return;
    }
    if (ADMIN_PATH.test(req.url) && !originAllowed(req.headers.origin, req.headers.host)) {
      done(
        new GatewayError(
          403,
          'forbidden_host',
          `Cross-origin admin request from '${req.headers.origin ?? ''}' refused: use the window at /ui`,
        ),
      );
      return;
    }
    done();
  });
}
