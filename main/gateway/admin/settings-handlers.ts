// The Settings page: listen address (next start), start at login (desktop only), the master key, and
// config.yaml as a whole.
import { networkInterfaces } from 'node:os';
import type { Settings, settingsOperations } from '../../../shared/admin/settings.ts';
import { checkImport, maskForExport } from '../config/config-transfer.ts';
import { mapAt, setKey } from '../config/yaml-nodes.ts';
import { GatewayError } from '../errors.ts';
import { newSecret } from '../keys/key-secrets.ts';
import { SecretStoreUnavailable } from '../secrets/secret-store.ts';
import { checkListenHost, readListenSettings, writeListenSettings } from '../settings-file.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';

function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [i.address] : []));
}

const SOURCES = { literal: 'config', env: 'env', keychain: 'keychain' } as const;

export function settingsHandlers(deps: AdminDeps): HandlersFor<typeof settingsOperations> {
  const { runtime } = deps;

  const settings = async (): Promise<Settings> => {
    const c = deps.control;
    const saved = await readListenSettings(c.dataDir);
    return {
      host: saved.host ?? c.listening.host,
      port: saved.port ?? c.listening.port,
      start_at_login: c.desktop ? c.desktop.getStartAtLogin() : null,
      master_key_set: runtime.loaded.masterKey !== undefined,
    };
  };

  return {
    'settings.get': settings,

    'settings.update': async (input) => {
      const c = deps.control;
      // Everything is checked before anything changes.
      if (input.start_at_login !== undefined && !c.desktop) {
        throw new GatewayError(
          409,
          'invalid_request',
          'Start at login is a setting of the Switchyard desktop app; this gateway runs headless ' +
            '(npm run serve), so start it from your system’s service manager instead',
          { param: 'start_at_login' },
        );
      }
      const host =
        input.host === undefined
          ? undefined
          : checkListenHost(input.host, {
              masterKeySet: runtime.loaded.masterKey !== undefined,
              addresses: localAddresses(),
            });
      if (host !== undefined || input.port !== undefined) {
        await writeListenSettings(c.dataDir, {
          ...(host !== undefined ? { host } : {}),
          ...(input.port !== undefined ? { port: input.port } : {}),
        });
      }
      if (input.start_at_login !== undefined) c.desktop!.setStartAtLogin(input.start_at_login);
      const now = await settings();
      return { ...now, restart_required: now.host !== c.listening.host || now.port !== c.listening.port };
    },

    'master_key.reveal': () => {
      const ref = runtime.loaded.config.masterKeyRef;
      return { master_key: runtime.loaded.masterKey ?? null, source: ref ? SOURCES[ref.kind] : 'none' };
    },

    'master_key.rotate': async () => {
      const editor = deps.control.editor;
      const key = newSecret();
      const ref = runtime.loaded.config.masterKeyRef;
      // Kept where the current one lives when that can be written; an environment variable cannot, so the
      // new key goes into config.yaml (general_settings.master_key) and replaces the reference.
      if (ref?.kind === 'keychain' && deps.secrets.backend !== 'none') {
        try {
          await deps.secrets.set(ref.name, key);
        } catch (err) {
          if (err instanceof SecretStoreUnavailable)
            throw new GatewayError(409, 'invalid_request', err.message);
          throw err;
        }
        await editor.refresh();
        deps.control.log.info(`master key rotated (kept in the keychain as ${ref.name})`);
        return { master_key: key, source: 'keychain' as const };
      }
      await editor.edit(({ doc }) => setKey(doc, mapAt(doc, ['general_settings'], true), 'master_key', key));
      deps.control.log.info('master key rotated (kept in config.yaml as general_settings.master_key)');
      return { master_key: key, source: 'config' as const };
    },

    'config.export': async () => {
      const editor = deps.control.editor;
      const { yaml, warnings } = maskForExport(await editor.read());
      return { yaml, path: editor.path, warnings };
    },

    'config.import': async ({ yaml }) => {
      const keyWarnings = checkImport(yaml);
      const { loaded, backup } = await deps.control.editor.replace(yaml);
      return { warnings: [...loaded.warnings, ...keyWarnings], backup_path: backup };
    },
  };
}
