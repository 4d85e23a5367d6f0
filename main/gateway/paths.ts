import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where a headless Switchyard keeps its database and starter config when not told otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Switchyard');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Switchyard');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'switchyard');
}
