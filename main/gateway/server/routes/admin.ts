// The admin contract over HTTP: POST /admin/<operation> for the UI's client, and LiteLLM's routes
// (/key/*, /spend/logs) with LiteLLM's request and response shapes, for LiteLLM's tools and docs.
import type { FastifyInstance } from 'fastify';
import { dispatchAdmin } from '../../admin/dispatch.ts';
import type { AdminHandlers } from '../../admin/handlers.ts';
import type { KeyInfo } from '../../../../shared/admin/keys.ts';

export function registerAdminRoutes(app: FastifyInstance, handlers: AdminHandlers): void {
  const call = (op: string, input: unknown) => dispatchAdmin(handlers, op, input);

  app.post('/admin/:op', async (req) => call((req.params as { op: string }).op, req.body));

  app.post('/key/generate', async (req) => call('key.generate', req.body));
  app.post('/key/update', async (req) => call('key.update', req.body));
  app.post('/key/delete', async (req) => call('key.delete', req.body));
  app.post('/key/regenerate', async (req) => call('key.regenerate', req.body));
  app.post('/key/:key/regenerate', async (req) =>
    call('key.regenerate', { ...(req.body as object | undefined), key: (req.params as { key: string }).key }),
  );
  app.post('/key/block', async (req) => call('key.block', req.body));
  app.post('/key/unblock', async (req) => call('key.unblock', req.body));
  app.get('/key/info', async (req) => {
    const info = (await call('key.info', req.query)) as KeyInfo;
    return { key: info.token, info };
  });
  app.get('/key/list', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const input = {
      ...(q.key_alias ? { key_alias: q.key_alias } : {}),
      ...(q.plan ? { plan: q.plan } : {}),
      ...(q.page ? { page: Number(q.page) } : {}),
      ...(q.size ? { size: Number(q.size) } : {}),
    };
    const out = (await call('key.list', input)) as { keys: KeyInfo[] };
    // LiteLLM lists hashed tokens unless asked for whole objects.
    return q.return_full_object === 'true' ? out : { ...out, keys: out.keys.map((k) => k.token) };
  });
  app.get('/spend/logs', async (req) => call('spend.logs', req.query));
  app.get('/spend/report', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return call('spend.report', { ...q, group_by: (q.group_by ?? 'day').split(',').filter(Boolean) });
  });
}
