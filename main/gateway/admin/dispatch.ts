import { adminContract, isAdminOperation, type AdminOperation } from '../../../shared/admin/contract.ts';
import { formatPath } from '../config/validate-config.ts';
import { GatewayError } from '../errors.ts';
import type { AdminHandlers } from './handlers.ts';

/** Validates an operation's input against the contract and runs it: the one entry for both transports. */
export async function dispatchAdmin(handlers: AdminHandlers, op: string, input: unknown): Promise<unknown> {
  if (!isAdminOperation(op)) throw new GatewayError(404, 'not_found', `No admin operation '${op}'`);
  const parsed = adminContract[op].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = formatPath(issue.path);
    throw new GatewayError(400, 'invalid_request', `Invalid value for '${param}': ${issue.message}`, {
      param,
    });
  }
  const handler = handlers[op] as (i: unknown) => unknown;
  return handler(parsed.data);
}

export type { AdminOperation };
