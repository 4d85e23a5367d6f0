// The master key for the window served over HTTP: asked for once per browser session and kept in
// sessionStorage (gone when the tab closes; never in localStorage, cookies or the URL).
const STORAGE_KEY = 'switchyard.masterKey';

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    // Storage can be disabled (privacy settings): the key then lives only as long as the page.
    return undefined;
  }
}

let memory: string | undefined;

export const sessionKey = {
  get(): string | undefined {
    return storage()?.getItem(STORAGE_KEY) ?? memory;
  },
  set(key: string): void {
    memory = key;
    storage()?.setItem(STORAGE_KEY, key);
  },
  clear(): void {
    memory = undefined;
    storage()?.removeItem(STORAGE_KEY);
  },
};
