// The gateway core, in the Electron main process: same startGateway() as `npm run serve`, with the OS
// keychain for `keychain/NAME` secrets, `<data dir>/config.yaml` as the config (the file a user may edit
// by hand; it is watched and reloaded) and `<data dir>/switchyard.db` as the ledger. Admin operations
// are called in-process, never over HTTP.
import { join } from 'node:path';
import type { GatewayEvent } from '../gateway/events.ts';
import type { DesktopHooks } from '../gateway/gateway-control.ts';
import { GatewayError } from '../gateway/errors.ts';
import { startGateway, type Gateway } from '../gateway/index.ts';
import type { Logger } from '../gateway/logger.ts';
import { openKeychain } from '../gateway/secrets/keytar-secret-store.ts';
import type { SecretStore } from '../gateway/secrets/secret-store.ts';
import { readListenSettings } from '../gateway/settings-file.ts';
import type { AdminDispatch } from './ipc.ts';

export interface GatewayHostOptions {
  dataDir: string;
  /** Default: `<dataDir>/settings.json` (the window's Settings), else 127.0.0.1:4141. */
  host?: string;
  port?: number;
  /** What settings.get / settings.update ask the shell (start at login). */
  desktop: DesktopHooks;
  logger: Logger;
  onEvent(e: GatewayEvent): void;
  /** Default: the OS keychain when it answers, else the read-only environment store. */
  openSecretStore?: () => Promise<SecretStore>;
  /** Tests: a fixed starter config location for Ollama, and no file watching. */
  ollamaUrl?: string;
  watch?: boolean;
  /** The built window, also served at /ui for a browser (the bundle's out/renderer). */
  rendererDir?: string;
}

export interface GatewayHost {
  readonly configPath: string;
  /** Starts the core; on failure keeps the reason (see error()) instead of throwing. */
  start(): Promise<boolean>;
  running(): Gateway | undefined;
  /** Why the last start failed, or undefined. */
  error(): string | undefined;
  /** Runs an admin operation in-process; 503 while the gateway is not running. */
  dispatch: AdminDispatch;
  /** "smart: gpt-4o-mini (openai)" for a deployment id of the running config. */
  describeDeployment(id: string): string | undefined;
  stop(): Promise<void>;
}

export function startErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { problems?: string[] };
  if (e.code === 'EADDRINUSE') return 'the port is taken (is `npm run serve` or another Switchyard running?)';
  if (Array.isArray(e.problems)) return `config.yaml: ${e.problems.join('; ')}`;
  return e.message ?? String(err);
}

export function createGatewayHost(opts: GatewayHostOptions): GatewayHost {
  const configPath = join(opts.dataDir, 'config.yaml');
  let gateway: Gateway | undefined;
  let failure: string | undefined;
  let secrets: SecretStore | undefined;
  let unsubscribe: (() => void) | undefined;
  let starting: Promise<boolean> | undefined;

  const run = async (): Promise<boolean> => {
    if (gateway) return true;
    try {
      secrets ??= await (opts.openSecretStore ?? (() => openKeychain()))();
      // Host and port chosen in the window's Settings apply from the next start (as for the CLI).
      const saved = await readListenSettings(opts.dataDir);
      gateway = await startGateway({
        dataDir: opts.dataDir,
        // Left to the default (<dataDir>/config.yaml) so a first run writes the starter config there.
        configPath: undefined,
        host: opts.host ?? saved.host ?? '127.0.0.1',
        port: opts.port ?? saved.port ?? 4141,
        secretStore: secrets,
        logger: opts.logger,
        desktop: opts.desktop,
        ...(opts.rendererDir !== undefined ? { rendererDir: opts.rendererDir } : {}),
        ...(opts.ollamaUrl !== undefined ? { ollamaUrl: opts.ollamaUrl } : {}),
        ...(opts.watch !== undefined ? { watch: opts.watch } : {}),
      });
      failure = undefined;
      unsubscribe = gateway.runtime.events.on(opts.onEvent);
      opts.logger.info(`listening on ${gateway.url} (data in ${opts.dataDir})`);
      return true;
    } catch (err) {
      failure = startErrorText(err);
      opts.logger.error(`could not start the gateway: ${failure}`);
      return false;
    }
  };
  // Deferred a tick so `starting` is set before any of the start runs: a stop() called from inside it
  // (a quit while the keychain is probed) then waits for this start instead of missing it.
  const start = (): Promise<boolean> =>
    (starting ??= Promise.resolve()
      .then(run)
      .finally(() => (starting = undefined)));

  return {
    configPath,
    start,
    running: () => gateway,
    error: () => failure,
    async dispatch(op, input) {
      if (!gateway) throw new GatewayError(503, 'upstream_unavailable', 'The gateway is not running');
      return gateway.admin(op, input);
    },
    describeDeployment(id) {
      const d = gateway?.runtime.loaded.config.deployments.find((x) => x.id === id);
      return d ? `${d.alias}: ${d.model} (${d.provider})` : undefined;
    },
    async stop() {
      // A start still under way finishes first, so the gateway it opens is the one closed here.
      await starting;
      unsubscribe?.();
      const g = gateway;
      gateway = undefined;
      await g?.close();
    },
  };
}
