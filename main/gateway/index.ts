// The headless core's front door: the CLI, the desktop shell, the tests and the benchmark all start
// Switchyard through startGateway(). Nothing here (or below) imports electron.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Plan } from '../../shared/config/litellm-config-schema.ts';
import { ConfigError, loadConfigFile, loadConfigText, type LoadedConfig } from './config/load-config.ts';
import { ollamaUrlFromEnv, writeStarterConfig } from './config/starter-config.ts';
import { watchConfig, type ConfigWatcher } from './config/watch-config.ts';
import { stderrLogger, type Logger } from './logger.ts';
import { ProviderRegistry } from './providers/registry.ts';
import { GatewayRuntime } from './runtime.ts';
import { envSecretStore, type SecretStore } from './secret-store.ts';
import { buildServer } from './server/build-server.ts';
import { openDatabase } from './store/db.ts';
import { RequestLogRepo } from './store/request-log-repo.ts';
import { KeysRepo } from './store/keys-repo.ts';
import { SpendRepo } from './store/spend-repo.ts';
import { BudgetBook } from './budget/budget-book.ts';
import { RateLimiter } from './budget/rate-limiter.ts';
import { EventBus } from './events.ts';
import { startBackgroundProbes } from './routing/background-probes.ts';
import { DeploymentHealth } from './routing/deployment-health.ts';
import { KeyService } from './keys/key-service.ts';
import { forwardEventsToWebhook } from './alerts-webhook.ts';

export { ConfigError } from './config/load-config.ts';

export interface GatewayOptions {
  dataDir: string;
  /** Defaults to `<dataDir>/config.yaml`, written as a starter config when missing. */
  configPath?: string | undefined;
  host?: string;
  port?: number;
  secretStore?: SecretStore;
  logger?: Logger;
  env?: Record<string, string | undefined>;
  /** Where to look for Ollama when writing a starter config (OLLAMA_HOST's convention). */
  ollamaUrl?: string;
  /** Reload the config when its file changes (default true). */
  watch?: boolean;
  dispatcher?: Dispatcher;
  /** The time, injectable so tests can cross budget periods (default Date.now). */
  clock?: () => number;
  /** How long shutdown lets in-flight requests and streams finish (default 10 s). */
  drainTimeoutMs?: number;
}

export interface Gateway {
  url: string;
  host: string;
  port: number;
  configPath: string;
  runtime: GatewayRuntime;
  /** Reloads the config file now; resolves after the attempt (errors keep the old config and are logged). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const log = opts.logger ?? stderrLogger;
  const env = opts.env ?? process.env;
  const host = opts.host ?? '127.0.0.1';
  const secretStore = opts.secretStore ?? envSecretStore(process.env);
  const registry = new ProviderRegistry();
  const loadOpts = { providers: registry, secretStore, env };

  const configPath = opts.configPath ?? join(opts.dataDir, 'config.yaml');
  if (opts.configPath === undefined && !existsSync(configPath)) {
    const ollamaUrl = opts.ollamaUrl ?? ollamaUrlFromEnv(env.OLLAMA_HOST);
    const { models } = await writeStarterConfig(configPath, ollamaUrl);
    log.info(
      models === undefined
        ? `wrote a starter config to ${configPath} (no Ollama answered at ${ollamaUrl})`
        : `wrote a starter config to ${configPath} with ${models.length} Ollama model(s) from ${ollamaUrl}`,
    );
  }
  const loaded = await loadConfigFile(configPath, loadOpts);
  for (const w of loaded.warnings) log.warn(w);

  const db = openDatabase(join(opts.dataDir, 'switchyard.db'));
  const clock = opts.clock ?? Date.now;
  const keysRepo = new KeysRepo(db);
  // Whatever was reserved when the last process died is not in flight any more.
  const released = keysRepo.releaseAllReservations();
  if (released > 0) log.info(`released the reservations of ${released} key(s) left by an earlier run`);
  const requestLog = new RequestLogRepo(db);
  const events = new EventBus();
  const health = new DeploymentHealth(clock);
  health.onCooldown((id, cooling, reason) => {
    events.emit({ type: 'deployment.cooldown', deployment_id: id, cooling, reason });
    log.warn(
      cooling ? `deployment ${id} is cooling down (${reason})` : `deployment ${id} is back in rotation`,
    );
  });
  const book = new BudgetBook(keysRepo, requestLog, events, clock);
  const runtime: GatewayRuntime = new GatewayRuntime({
    loaded,
    registry,
    requestLog,
    log,
    dispatcher: opts.dispatcher,
    keys: new KeyService(keysRepo, book, clock, (): Map<string, Plan> => runtime.loaded.config.plans),
    book,
    limiter: new RateLimiter(clock),
    events,
    clock,
    health,
  });
  const stopProbes = startBackgroundProbes(runtime);
  const stopWebhook = forwardEventsToWebhook(events, () => runtime.loaded.config.alertWebhookUrl, log);

  const onText = async (text: string) => {
    let next: LoadedConfig;
    try {
      next = await loadConfigText(configPath, text, loadOpts);
    } catch (err) {
      const why = err instanceof ConfigError ? err.problems.join('; ') : String(err);
      // Name the file: with several configs about, "which one?" is the first thing the user asks.
      log.error(`config reload of ${configPath} failed, keeping the previous config: ${why}`);
      return;
    }
    for (const w of next.warnings) log.warn(w);
    runtime.swap(next);
    log.info(`config reloaded: ${next.config.deployments.length} deployment(s)`);
  };
  const watcher: ConfigWatcher | undefined =
    opts.watch === false ? undefined : watchConfig(configPath, onText, loaded.text);

  const app = buildServer({ runtime, host, dbOk: () => db.open, spend: new SpendRepo(db) });
  let stopping = false;
  // A keep-alive socket whose stream ends during shutdown turns idle after close() swept the idle ones,
  // and would hold the exit until the client hangs up (minutes for some IDEs): close it once it is idle.
  app.server.on('request', (_req, res) => {
    res.once('finish', () => {
      if (stopping) setImmediate(() => app.server.closeIdleConnections());
    });
  });
  let address: string;
  try {
    address = await app.listen({ host, port: opts.port ?? 4141 });
  } catch (err) {
    watcher?.close();
    db.close();
    throw err;
  }
  const port = Number(new URL(address).port);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      watcher?.close();
      stopWebhook();
      stopProbes();
      const drainMs = opts.drainTimeoutMs ?? 10_000;
      // Stop accepting; let in-flight requests and streams finish, up to the drain timeout.
      const closed = app.close();
      const drained = await runtime.drain(drainMs);
      if (!drained) {
        log.warn(
          `shutdown: ${runtime.inflightCount} request(s) still running after ${drainMs} ms; closing them`,
        );
        app.server.closeAllConnections();
        await runtime.drain(1_000);
      }
      await closed;
      db.close();
    })());

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    configPath,
    runtime,
    reload: async () => {
      if (watcher) return watcher.reloadNow();
      const { readFile } = await import('node:fs/promises');
      await onText(await readFile(configPath, 'utf8'));
    },
    close,
  };
}
