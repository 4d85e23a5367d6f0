// What the admin API needs about the gateway as a whole, beyond the runtime: the config editor, the pause
// switch, where it listens and what the desktop shell offers. Built once by startGateway().
import type { ConfigEditor } from './config/config-editor.ts';
import type { Logger } from './logger.ts';
import type { PauseSwitch } from './pause-state.ts';

/** What the Electron shell lets the admin handlers do (absent when headless). */
export interface DesktopHooks {
  getStartAtLogin(): boolean;
  setStartAtLogin(on: boolean): void;
}

export interface GatewayControl {
  editor: ConfigEditor;
  pause: PauseSwitch;
  dataDir: string;
  configPath: string;
  /** Epoch ms. */
  startedAt: number;
  /** Where the server listens, once it does. */
  listening: { host: string; port: number; url: string };
  desktop?: DesktopHooks | undefined;
  log: Logger;
}
