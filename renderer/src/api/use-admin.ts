// React access to the admin client: useAdmin() loads an operation's answer (and reloads it on demand or on
// a timer), useAction() runs a change and keeps its busy and error state for the button that started it.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { AdminInput, AdminOperation, AdminOutput } from '../../../shared/admin/contract.ts';
import type { AdminClient } from './client.ts';

export const ClientContext = createContext<AdminClient | null>(null);

export function useClient(): AdminClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() outside <ClientContext.Provider>');
  return client;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (later reloads keep showing the old data). */
  loading: boolean;
  reload(): Promise<void>;
}

export interface LoadOptions {
  /** Reload every this many ms while the page is visible. */
  refreshMs?: number;
  /** Skip the call (e.g. until a choice is made). */
  skip?: boolean;
}

export function useAdmin<K extends AdminOperation>(
  op: K,
  input: AdminInput<K>,
  opts: LoadOptions = {},
): Loaded<AdminOutput<K>> {
  const client = useClient();
  const [data, setData] = useState<AdminOutput<K>>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(!opts.skip);
  const inputKey = JSON.stringify(input ?? {});
  // Answers to an older input or op must not overwrite a newer one's.
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const out = await (client.call as (o: K, i: unknown) => Promise<AdminOutput<K>>)(
        op,
        JSON.parse(inputKey),
      );
      if (mine !== generation.current) return;
      setData(out);
      setError(undefined);
    } catch (err) {
      if (mine === generation.current) setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [client, op, inputKey]);

  useEffect(() => {
    if (opts.skip) return;
    setLoading(true);
    void reload();
  }, [reload, opts.skip]);

  useEffect(() => {
    if (opts.skip || !opts.refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, opts.refreshMs);
    return () => clearInterval(timer);
  }, [reload, opts.refreshMs, opts.skip]);

  return { data, error, loading, reload };
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  clearError(): void;
}

/** Wraps a change: `run` resolves to its result, or undefined after an error (kept in `error`). */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      return await fnRef.current(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(undefined), []);
  return { run, busy, error, clearError };
}
