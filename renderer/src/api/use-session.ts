// Which transport the window uses and whether it may use it yet. Inside the desktop app the preload's IPC
// needs no key. In a browser at /ui the master key is asked for once per session; a gateway without one
// (open mode) lets the window straight in.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminError } from './admin-error.ts';
import { createAdminClient, type AdminClient } from './client.ts';
import { httpTransport } from './http-transport.ts';
import { ipcTransport, preloadApi } from './ipc-transport.ts';
import { sessionKey } from './session-key.ts';

export type SessionState =
  | { phase: 'checking' }
  | { phase: 'login'; problem?: string }
  | { phase: 'unreachable'; error: unknown }
  | { phase: 'ready'; openMode: boolean };

export interface Session {
  state: SessionState;
  client: AdminClient;
  /** Tries a master key; resolves to an error message in words, or undefined when it was accepted. */
  login(key: string): Promise<string | undefined>;
  logout(): void;
  retry(): void;
}

/** The cheapest call that needs the master key: whether it succeeds says whether we are in. */
const probe = (client: AdminClient) => client.call('key.list', { size: 1 });

export function useSession(): Session {
  const [state, setState] = useState<SessionState>({ phase: 'checking' });
  const [attempt, setAttempt] = useState(0);
  // Only a 401 while in the window means the key went stale; the login's own probes answer for themselves.
  const ready = useRef(false);
  ready.current = state.phase === 'ready';
  const client = useMemo(() => {
    const ipc = preloadApi();
    if (ipc) return createAdminClient(ipcTransport(ipc));
    return createAdminClient(httpTransport({ getKey: () => sessionKey.get() }), {
      onUnauthorized: () => {
        if (!ready.current) return;
        sessionKey.clear();
        setState({
          phase: 'login',
          problem: 'The master key is no longer accepted (it may have been rotated). Enter the current one.',
        });
      },
    });
  }, []);

  useEffect(() => {
    let live = true;
    probe(client).then(
      () => live && setState({ phase: 'ready', openMode: client.kind === 'http' && !sessionKey.get() }),
      (err: unknown) => {
        if (!live) return;
        if (err instanceof AdminError && err.status === 401) setState({ phase: 'login' });
        else setState({ phase: 'unreachable', error: err });
      },
    );
    return () => {
      live = false;
    };
  }, [client, attempt]);

  const login = useCallback(
    async (key: string) => {
      const trimmed = key.trim();
      if (!trimmed) return 'Enter the master key.';
      sessionKey.set(trimmed);
      try {
        await probe(client);
        setState({ phase: 'ready', openMode: false });
        return undefined;
      } catch (err) {
        sessionKey.clear();
        if (err instanceof AdminError && err.status === 401) {
          setState({ phase: 'login' });
          return 'That is not the master key. Use the value of general_settings.master_key in your config.yaml (or the environment variable it names).';
        }
        return err instanceof AdminError ? err.message : String(err);
      }
    },
    [client],
  );

  const logout = useCallback(() => {
    sessionKey.clear();
    setState({ phase: 'login' });
  }, []);
  const retry = useCallback(() => {
    setState({ phase: 'checking' });
    setAttempt((n) => n + 1);
  }, []);
  return { state, client, login, logout, retry };
}
