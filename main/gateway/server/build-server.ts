// The fastify app without listen(), so tests can inject() and the CLI, the desktop shell and the
// benchmark all serve the very same thing.
import Fastify, { type FastifyInstance } from 'fastify';
import type { GatewayRuntime } from '../runtime.ts';
import { newRequestId } from './request-id.ts';
import { installAuth } from './plugins/auth.ts';
import { installBodyLimit, MAX_BODY_LIMIT } from './plugins/body-limit.ts';
import { installErrorHandler } from './plugins/error-handler.ts';
import { installHostGuard } from './plugins/host-guard.ts';
import { installPause } from './plugins/pause.ts';
import { createAdminHandlers, type AdminHandlers } from '../admin/handlers.ts';
import type { SecretDeps } from '../admin/handler-types.ts';
import type { SpendRepo } from '../store/spend-repo.ts';
import type { GatewayControl } from '../gateway-control.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerProbeRoute } from './routes/deployment-probe.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerProxyRoutes } from './routes/openai-proxy.ts';
import { registerAnthropicRoutes } from './routes/anthropic-messages.ts';
import { registerUiRoutes } from './routes/ui.ts';

export interface BuildOptions {
  /** The built window served at /ui (default: out/renderer beside the sources). */
  rendererDir?: string | undefined;
  runtime: GatewayRuntime;
  /** The host the server binds, which the Host guard also accepts. */
  host: string;
  dbOk: () => boolean;
  spend: SpendRepo;
  /** The credential store and what the credential and discovery admin operations need with it. */
  secretDeps: SecretDeps;
  /** The config editor, pause switch and listen address the admin API works with. */
  control: GatewayControl;
  /** The admin handlers, when the caller also calls them in-process (the desktop shell's IPC and tray). */
  adminHandlers?: AdminHandlers;
}

export function buildServer(opts: BuildOptions): FastifyInstance {
  const { runtime, host, dbOk, spend, secretDeps, control } = opts;
  const app = Fastify({
    logger: false,
    // The configured limit is enforced per request by installBodyLimit, so a reload can change it.
    bodyLimit: MAX_BODY_LIMIT,
    genReqId: newRequestId,
    requestIdHeader: false,
    // Idle keep-alive sockets are closed on shutdown; busy ones (streams) are left to finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  // Hooks on every request take fastify's callback form: an async hook costs a promise per request.
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  installErrorHandler(app, runtime.log);
  installHostGuard(app, host);
  installAuth(app, runtime);
  installPause(app, () => control.pause.paused);
  installBodyLimit(app, runtime);
  // Every endpoint takes JSON: a text/plain body gets 415 and a hint, not a confusing "must be an object".
  app.removeContentTypeParser('text/plain');
  registerHealthRoutes(app, runtime, dbOk);
  registerModelRoutes(app, runtime);
  registerProbeRoute(app, runtime);
  registerProxyRoutes(app, runtime);
  registerAnthropicRoutes(app, runtime);
  registerAdminRoutes(
    app,
    opts.adminHandlers ?? createAdminHandlers({ runtime, spend, ...secretDeps, control }),
  );
  registerUiRoutes(app, opts.rendererDir);
  return app;
}
