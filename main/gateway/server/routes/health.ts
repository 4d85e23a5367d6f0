import type { FastifyInstance } from 'fastify';
import type { GatewayRuntime } from '../../runtime.ts';
import { VERSION } from '../../version.ts';

export function registerHealthRoutes(
  app: FastifyInstance,
  runtime: GatewayRuntime,
  dbOk: () => boolean,
): void {
  // LiteLLM's answer, word for word: some tools compare the string.
  const alive = JSON.stringify("I'm alive!");
  app.get('/health/liveliness', async (_req, reply) => reply.type('application/json').send(alive));
  app.get('/health/liveness', async (_req, reply) => reply.type('application/json').send(alive));
  app.get('/health/readiness', async (_req, reply) => {
    const db = dbOk();
    return reply.code(db ? 200 : 503).send({
      status: db ? 'healthy' : 'unhealthy',
      db: db ? 'connected' : 'disconnected',
      models: runtime.loaded.config.deployments.length,
      version: VERSION,
    });
  });
}
