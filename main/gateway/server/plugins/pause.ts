// While the gateway is paused (tray → Pause gateway) no request reaches a provider: every proxied endpoint
// answers 503 `gateway_paused`. Admin, health and the model list keep answering, so the app can resume it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors.ts';

/** Endpoints that call a provider (with or without /v1); any other POST under /v1 counts too. */
const PROXIED = new Set(['/chat/completions', '/completions', '/embeddings', '/messages']);
/** Answered locally (a token count), so harmless while paused. */
const LOCAL = new Set(['/messages/count_tokens']);

function isProxied(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  if (route === undefined || req.method !== 'POST') return false;
  const path = route.startsWith('/v1/') ? route.slice(3) : route;
  if (LOCAL.has(path)) return false;
  return PROXIED.has(path) || route.startsWith('/v1/');
}

export function installPause(app: FastifyInstance, paused: () => boolean): void {
  app.addHook('onRequest', (req, _reply, done) => {
    if (!paused() || !isProxied(req)) {
      done();
      return;
    }
    done(
      new GatewayError(
        503,
        'gateway_paused',
        'Switchyard is paused: no requests are sent to any model until you resume it in Switchyard ' +
          '(tray menu → Resume gateway)',
        // Retrying cannot help until the user resumes: SDKs honour this and give up at once.
        { headers: { 'x-should-retry': 'false' } },
      ),
    );
  });
}
