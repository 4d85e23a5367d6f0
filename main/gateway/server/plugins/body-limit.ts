// general_settings.max_request_size_mb, read per request: fastify's own bodyLimit is fixed when the server
// is built, so a config reload could never raise or lower it.
import { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors.ts';
import type { GatewayRuntime } from '../../runtime.ts';

/** The ceiling the config schema allows (1024 MB); fastify's bodyLimit is set to it, this hook does the rest. */
export const MAX_BODY_LIMIT = 1024 * 1024 * 1024;

const tooLarge = () =>
  new GatewayError(
    413,
    'request_too_large',
    'Request body is too large (general_settings.max_request_size_mb)',
  );

export function installBodyLimit(app: FastifyInstance, runtime: GatewayRuntime): void {
  app.addHook('preParsing', (req, _reply, payload, done) => {
    const limit = runtime.loaded.config.maxRequestBytes;
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      // Node's parser holds the body to its Content-Length, so checking the header is enough.
      if (Number(declared) > limit) done(tooLarge());
      else done(null, payload);
      return;
    }
    if (req.headers['transfer-encoding'] === undefined) {
      done(null, payload);
      return;
    }
    let received = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > limit) done(tooLarge());
        else done(null, chunk);
      },
    });
    payload.on('error', (err) => counted.destroy(err));
    done(null, payload.pipe(counted));
  });
}
