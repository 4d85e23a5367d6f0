// The headless core's front door: the CLI, the desktop shell, the tests and the benchmark all start
// Switchyard through startGateway(). Nothing here (or below) imports electron.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Plan } from '../../shared/config/litellm-config-schema.ts';
import { ConfigError, loadConfigFile, loadConfigText } from './config/load-config.ts';
import { ollamaUrlFromEnv, writeStarterConfig } from './config/starter-config.ts';
import { watchConfig, type ConfigWatcher } from './config/watch-config.ts';
import { ConfigEditor } from './config/config-editor.ts';
import type { DesktopHooks, GatewayControl } from './gateway-control.ts';
import { PauseSwitch } from './pause-state.ts';
import { stderrLogger, type Logger } from './logger.ts';
import { ProviderRegistry } from './providers/registry.ts';
import { GatewayRuntime } from './runtime.ts';
import { describeSecretStore, envSecretStore, type SecretStore } from './secrets/secret-store.ts';
import { buildServer } from './server/build-server.ts';
import { createAdminHandlers } from './admin/handlers.ts';
import { dispatchAdmin } from './admin/dispatch.ts';
import { openDatabase } from './store/db.ts';
import { startCheckpointer } from './store/wal-checkpointer.ts';
import { releaseFreedMemory } from './store/release-memory.ts';
import { startMemoryReclaim } from './memory-reclaim.ts';
import { RequestLogRepo } from './store/request-log-repo.ts';
import { KeysRepo } from './store/keys-repo.ts';
import { SpendRepo } from './store/spend-repo.ts';
import { CredentialsRepo } from './store/credentials-repo.ts';
import { BudgetBook } from './budget/budget-book.ts';
import { replayJournals } from './budget/journal-replay.ts';
import { SettlementJournal } from './budget/settlement-journal.ts';
import { JournalStateRepo } from './store/journal-state-repo.ts';
import { RateLimiter } from './budget/rate-limiter.ts';
import { EventBus } from './events.ts';
import { startBackgroundProbes } from './routing/background-probes.ts';
import { DeploymentHealth } from './routing/deployment-health.ts';
import { KeyService } from './keys/key-service.ts';
import { forwardEventsToWebhook } from './alerts-webhook.ts';
import { isLoopbackHost } from './settings-file.ts';

export { ConfigError } from './config/load-config.ts';

export interface GatewayOptions {
  dataDir: string;
  /** Defaults to `<dataDir>/config.yaml`, written as a starter config when missing. */
  configPath?: string | undefined;
  host?: string;
  port?: number;
  /**
   * Where `keychain/NAME` credentials live: the CLI passes the OS keychain when one answers (openKeychain),
   * the desktop shell its own. Default: read-only SWITCHYARD_SECRET_NAME from the environment.
   */
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
  /** What the desktop shell offers the admin API (start at login); absent when headless. */
  desktop?: DesktopHooks;
  /** The built window served at /ui; default out/renderer beside the sources (a bundle passes its own). */
  rendererDir?: string;
  /**
   * Write a request_log row per request (default true). Off, keys still settle their spend: for the
   * benchmark's ledger on/off comparison (`--no-ledger`), not for users.
   */
  ledger?: boolean;
}

export interface Gateway {
  url: string;
  host: string;
  port: number;
  configPath: string;
  runtime: GatewayRuntime;
  /** Runs an admin operation in-process, validated like POST /admin/<op> (the desktop shell's IPC and tray). */
  admin(op: string, input: unknown): Promise<unknown>;
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
  const storeNote = describeSecretStore(secretStore);
  if (secretStore.backend === 'none') log.warn(storeNote);
  else log.info(storeNote);

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
  // Beyond this machine, anyone on the network could spend the user's vendor keys: never without a key.
  if (!isLoopbackHost(host) && loaded.masterKey === undefined) {
    throw new Error(
      `refusing to listen on ${host} without a master key: set general_settings.master_key in ${configPath}, ` +
        'or listen on 127.0.0.1',
    );
  }

  const dbFile = join(opts.dataDir, 'switchyard.db');
  const db = openDatabase(dbFile);
  const checkpointer = startCheckpointer(db, dbFile, log);
  const clock = opts.clock ?? Date.now;
  const keysRepo = new KeysRepo(db);
  // Whatever was reserved when the last process died is not in flight any more.
  const released = keysRepo.releaseAllReservations();
  if (released > 0) log.info(`released the reservations of ${released} key(s) left by an earlier run`);
  const requestLog = new RequestLogRepo(db);
  const journalState = new JournalStateRepo(db);
  const journalDir = join(opts.dataDir, 'journal');
  replayJournals(journalDir, { keys: keysRepo, log: requestLog, state: journalState }, log);
  let journal: SettlementJournal | undefined;
  try {
    journal = new SettlementJournal(journalDir);
  } catch (err) {
    log.warn(
      `no settlement journal (each request's settlement goes to the database directly): ${String(err)}`,
    );
  }
  const events = new EventBus();
  const health = new DeploymentHealth(clock);
  health.onCooldown((id, cooling, reason) => {
    events.emit({ type: 'deployment.cooldown', deployment_id: id, cooling, reason });
    log.warn(
      cooling ? `deployment ${id} is cooling down (${reason})` : `deployment ${id} is back in rotation`,
    );
  });
  const book = new BudgetBook(keysRepo, requestLog, events, clock, {
    ledger: opts.ledger ?? true,
    afterCommit: (rows) => checkpointer.committed(rows),
    journal: journal && { file: journal, state: journalState },
    warn: (m) => log.warn(m),
  });
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
  const reclaim = startMemoryReclaim({
    activity: () => ({ started: runtime.startedCount, inflight: runtime.inflightCount }),
    // A last checkpoint of what the burst wrote first (its worker's memory is freed when it exits), then
    // release, if still quiet.
    reclaim: () =>
      void checkpointer.rest().then(() => {
        if (runtime.inflightCount === 0) releaseFreedMemory();
      }),
  });
  const stopWebhook = forwardEventsToWebhook(events, () => runtime.loaded.config.alertWebhookUrl, log);

  // The app's edits and the watcher's reloads share one queue (config-editor.ts): a reload re-reads the file
  // itself, and skips a text the gateway already runs on (an edit the app just wrote).
  const editor = new ConfigEditor({
    path: configPath,
    load: (text) => loadConfigText(configPath, text, loadOpts),
    current: () => runtime.loaded,
    apply: (next) => runtime.swap(next),
    providers: registry,
    log,
  });
  const onText = (_text: string) => editor.reloadFromDisk();
  const watcher: ConfigWatcher | undefined =
    opts.watch === false ? undefined : watchConfig(configPath, onText, loaded.text);

  // A credential set or deleted through the admin API: resolve the config's secrets again, so the next
  // request uses it without a restart (in-flight ones keep theirs). Queued with the app's edits and the
  // watcher's reloads, so none of them swaps in secrets resolved before the change. When the file on disk
  // cannot be loaded (an invalid edit in progress), the running config's own text is resolved again.
  const reloadSecrets = async () => {
    try {
      await editor.refresh();
      return;
    } catch (err) {
      log.warn(
        `a credential changed; ${configPath} cannot be loaded, so only the running config's secrets are refreshed: ${(err as Error).message}`,
      );
    }
    const text = runtime.loaded.text;
    try {
      const next = await loadConfigText(configPath, text, loadOpts);
      if (runtime.loaded.text === text) runtime.swap(next);
    } catch (err) {
      const why = err instanceof ConfigError ? err.problems.join('; ') : String(err);
      log.error(`a credential changed but the config's secrets could not be resolved again: ${why}`);
    }
  };
  const secretDeps = { secrets: secretStore, credentialTimes: new CredentialsRepo(db), env, reloadSecrets };
  const control: GatewayControl = {
    editor,
    pause: await PauseSwitch.open(opts.dataDir),
    dataDir: opts.dataDir,
    configPath,
    startedAt: Date.now(),
    listening: { host, port: opts.port ?? 4141, url: '' },
    desktop: opts.desktop,
    log,
  };
  const spend = new SpendRepo(db);
  // One set of handlers serves HTTP and in-process callers (the desktop shell's IPC and tray) alike.
  const adminHandlers = createAdminHandlers({ runtime, spend, ...secretDeps, control });
  const app = buildServer({
    runtime,
    host,
    dbOk: () => db.open,
    spend,
    secretDeps,
    control,
    adminHandlers,
    rendererDir: opts.rendererDir,
  });
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
    reclaim.stop();
    book.close();
    await checkpointer.stop();
    db.close();
    throw err;
  }
  const port = Number(new URL(address).port);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  control.listening = { host, port, url: `http://${urlHost}:${port}` };
  if (control.pause.paused)
    log.warn('the gateway is paused (since before this start): resume it to serve requests');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      watcher?.close();
      stopWebhook();
      stopProbes();
      reclaim.stop();
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
      // Requests wait for their own commit; this is whatever a request cut off by the drain left queued.
      try {
        book.close();
      } catch (err) {
        log.error(`shutdown: the last settlements could not be written: ${String(err)}`);
      }
      await checkpointer.stop();
      db.close();
    })());

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    configPath,
    runtime,
    admin: (op, input) => dispatchAdmin(adminHandlers, op, input),
    reload: async () => {
      if (watcher) return watcher.reloadNow();
      const { readFile } = await import('node:fs/promises');
      await onText(await readFile(configPath, 'utf8'));
    },
    close,
  };
}
