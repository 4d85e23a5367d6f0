// A GatewayControl for tests that build the admin handlers without startGateway(): the config editor over
// a real config.yaml written from `config`, swapping `runtime.loaded` the way the gateway does.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigEditor } from '../../main/gateway/config/config-editor.ts';
import { loadConfigText, type LoadedConfig } from '../../main/gateway/config/load-config.ts';
import type { GatewayControl } from '../../main/gateway/gateway-control.ts';
import { PauseSwitch, PAUSE_FILE } from '../../main/gateway/pause-state.ts';
import { ProviderRegistry } from '../../main/gateway/providers/registry.ts';
import type { GatewayRuntime } from '../../main/gateway/runtime.ts';
import type { SecretStore } from '../../main/gateway/secrets/secret-store.ts';
import { memoryLogger } from './temp-gateway.ts';

export function testControl(
  dir: string,
  runtime: GatewayRuntime,
  config: object,
  secretStore: SecretStore,
): GatewayControl {
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(config));
  const providers = new ProviderRegistry();
  const log = memoryLogger();
  return {
    editor: new ConfigEditor({
      path: configPath,
      load: (text) => loadConfigText(configPath, text, { providers, secretStore, env: {} }),
      current: () => runtime.loaded,
      apply: (next) => void ((runtime as unknown as { loaded: LoadedConfig }).loaded = next),
      providers,
      log,
    }),
    pause: new PauseSwitch(join(dir, PAUSE_FILE), false),
    dataDir: dir,
    configPath,
    startedAt: Date.now(),
    listening: { host: '127.0.0.1', port: 4141, url: 'http://127.0.0.1:4141' },
    log,
  };
}
