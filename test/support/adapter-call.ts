// Calling a provider adapter directly, as the router would: a target (the upstream model at a fake's URL)
// and a call context. Timeouts are generous: a test that wants one to fire sets its own.
import type { CallContext, ProviderTarget } from '../../main/gateway/providers/provider.ts';

export function testTarget(
  t: Pick<ProviderTarget, 'model' | 'apiBase'> & Partial<ProviderTarget>,
): ProviderTarget {
  return {
    apiKey: undefined,
    apiVersion: undefined,
    firstByteTimeoutMs: 2000,
    totalTimeoutMs: 5000,
    ...t,
  };
}

/** A fresh call context: its own never-aborted signal, the default dispatcher. */
export function callContext(): CallContext {
  return { signal: new AbortController().signal };
}
