// The floor: the thinnest authenticated pass-through this stack (fastify + undici) allows, so Switchyard's
// cost can be read against what any gateway on the same stack pays. It checks the bearer against a Map,
// re-sends the body bytes as they came (no JSON parse), and streams the upstream's response back as it
// arrives. Whatever Switchyard spends beyond this is the price of its features.
//
// Usage: node bench/floor.ts --upstream http://127.0.0.1:<port> --key <bearer> [--port 0]
// prints `listening on http://127.0.0.1:<port>`.
import Fastify from 'fastify';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      key: { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  if (!values.upstream || !values.key) throw new Error('--upstream and --key are required');
  const upstream = new Pool(values.upstream, { keepAliveTimeout: 120_000 });
  const keys = new Map([[values.key, { app: 'bench' }]]);
  const upstreamAuth = 'Bearer sk-floor-upstream';

  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/v1/chat/completions', async (req, reply) => {
    const auth = req.headers.authorization;
    const key = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (key === undefined || !keys.has(key)) {
      return reply.code(401).send({ error: { message: 'Invalid API key', type: 'invalid_request_error' } });
    }
    const res = await upstream.request({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: upstreamAuth },
      body: req.body as Buffer,
    });
    void reply.code(res.statusCode);
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) void reply.header(name, value);
    }
    return reply.send(res.body);
  });

  const address = await app.listen({ host: '127.0.0.1', port: Number(values.port) });
  process.stdout.write(`listening on ${address}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`floor: ${String(err)}\n`);
  process.exit(1);
});
