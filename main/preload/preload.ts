// Runs in the window's sandboxed preload (bundled to out/preload/preload.cjs: a sandboxed preload may
// require only `electron`). It exposes the admin operations as `window.switchyard`, nothing more.
import { contextBridge, ipcRenderer } from 'electron';
import { ADMIN_IPC_CHANNEL, PRELOAD_GLOBAL } from '../../shared/ipc.ts';
import { buildPreloadApi } from './admin-api.ts';

// The channel is fixed here: the page can name an operation, never a channel, and never gets
// ipcRenderer itself.
contextBridge.exposeInMainWorld(
  PRELOAD_GLOBAL,
  buildPreloadApi((op, input) => ipcRenderer.invoke(ADMIN_IPC_CHANNEL, op, input)),
);
