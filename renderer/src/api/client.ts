// The one admin client, typed from the contract: `client.call('key.list', {})` resolves to exactly
// AdminOutput<'key.list'> and rejects with an AdminError. Which transport carries it is decided once.
import type { AdminInput, AdminOperation, AdminOutput } from '../../../shared/admin/contract.ts';
import { AdminError } from './admin-error.ts';
import type { Transport } from './transport.ts';

/** Operations whose input has no required field may be called without one. */
type InputArgs<K extends AdminOperation> =
  Record<string, never> extends AdminInput<K> ? [input?: AdminInput<K>] : [input: AdminInput<K>];

export interface AdminClient {
  readonly kind: Transport['kind'];
  call<K extends AdminOperation>(op: K, ...input: InputArgs<K>): Promise<AdminOutput<K>>;
}

export interface ClientOptions {
  /** Told about every 401, so the window can ask for the master key again. */
  onUnauthorized?: (error: AdminError) => void;
}

export function createAdminClient(transport: Transport, opts: ClientOptions = {}): AdminClient {
  return {
    kind: transport.kind,
    async call(op, ...[input]) {
      const envelope = await transport.send(op, input ?? {});
      if (envelope.ok) return envelope.value as AdminOutput<typeof op>;
      const error = new AdminError(envelope.error);
      if (error.needsLogin) opts.onUnauthorized?.(error);
      throw error;
    },
  };
}
