// Facts about the running gateway that several pages need: the aliases it serves and the base URL tools
// should use.
import { useMemo } from 'react';
import { useAdmin, useClient } from './use-admin.ts';

/** The aliases in the config, in config order (wildcard groups included, marked by `*`). */
export function useAliases(): {
  aliases: string[];
  loading: boolean;
  error: unknown;
  reload(): Promise<void>;
} {
  const { data, loading, error, reload } = useAdmin('router.health', {});
  const aliases = useMemo(() => [...new Set((data ?? []).map((d) => d.alias))], [data]);
  return { aliases, loading, error, reload };
}

const DEFAULT_URL = 'http://127.0.0.1:4141';

/**
 * The URL tools should be given (without /v1): this page's origin at /ui; in the desktop app (loaded from
 * a file) the address the gateway reports.
 */
export function useGatewayUrl(): string {
  const client = useClient();
  const served = client.kind === 'http' && /^https?:$/.test(location.protocol);
  const status = useAdmin('gateway.status', {}, { skip: served });
  if (served) return location.origin;
  return status.data?.url ?? DEFAULT_URL;
}
