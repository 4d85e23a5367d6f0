// `npm run serve`: the gateway core, headless, in plain Node.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, startGateway } from './gateway/index.ts';
import { defaultDataDir } from './gateway/paths.ts';
import { readListenSettingsSync } from './gateway/settings-file.ts';
import { openKeychain } from './gateway/secrets/keytar-secret-store.ts';

// `npm run serve` runs the bundle out/serve/cli.js (scripts/build-serve.ts); tests run this file as it is.
// Either way the window's files are the vite build in out/renderer.
const RENDERER_DIR = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../out/renderer/' : '../renderer/', import.meta.url),
);

const USAGE = `Usage: npm run serve -- [--config <file>] [--data-dir <dir>] [--port <n>] [--host <addr>]

  --config    LiteLLM-style config.yaml (default: <data-dir>/config.yaml, created on first run)
  --data-dir  where the database lives (default: ${defaultDataDir()})
  --port      port to listen on, 0 for any free port (default: 4141)
  --host      address to bind (default: 127.0.0.1)`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        // Not in USAGE: the benchmark's ledger on/off comparison. Keys still settle.
        'no-ledger': { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  // The host and port chosen in the app's Settings (<data-dir>/settings.json), unless given here.
  const saved = readListenSettingsSync(dataDir);
  // Digits only: Number() would also take '', '1e3' and '0x10', and an empty value would mean "any port".
  const port =
    values.port === undefined
      ? (saved.port ?? 4141)
      : /^\d{1,5}$/.test(values.port)
        ? Number(values.port)
        : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a whole number from 0 to 65535, not '${values.port}'\n\n${USAGE}\n`);
    return 2;
  }

  // The OS keychain when one answers within a few seconds; otherwise keychain/NAME reads
  // SWITCHYARD_SECRET_NAME and credentials cannot be stored (startGateway says so in its log).
  const secretStore = await openKeychain();
  let gateway;
  try {
    gateway = await startGateway({
      secretStore,
      dataDir,
      configPath: values.config === undefined ? undefined : resolve(values.config),
      host: values.host ?? saved.host ?? '127.0.0.1',
      port,
      rendererDir: RENDERER_DIR,
      ...(values['no-ledger'] ? { ledger: false } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`could not start: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`listening on ${gateway.url}\n`);

  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.stderr.write(`[switchyard] ${signal}: finishing in-flight requests, then stopping\n`);
      void gateway.close().then(done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`fatal: ${String(err)}\n`);
    process.exit(1);
  },
);
