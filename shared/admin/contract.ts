// The admin API, declared once: operation → input schema → output schema. Main implements it once
// (main/gateway/admin/), and it is served over HTTP (POST /admin/<operation>, plus LiteLLM's /key/*
// and /spend/* routes) and over Electron IPC. The renderer's client is typed from this table.
import type { z } from 'zod';
import { credentialOperations } from './credentials.ts';
import { discoveryOperations } from './discovery.ts';
import { gatewayOperations } from './gateway.ts';
import { keyOperations } from './keys.ts';
import { modelOperations } from './models.ts';
import { routerOperations } from './router.ts';
import { settingsOperations } from './settings.ts';
import { spendOperations } from './spend.ts';
import { usageOperations } from './usage.ts';

/** Each domain declares its operations beside its schemas; adding a domain is one file and one line here. */
export const adminContract = {
  ...keyOperations,
  ...spendOperations,
  ...routerOperations,
  ...credentialOperations,
  ...discoveryOperations,
  ...usageOperations,
  ...modelOperations,
  ...gatewayOperations,
  ...settingsOperations,
} as const satisfies OperationTable;

export type OperationTable = Record<string, { input: z.ZodType; output: z.ZodType }>;

export type AdminContract = typeof adminContract;
export type AdminOperation = keyof AdminContract;
/** What a caller sends (before defaults and coercion). */
export type AdminInput<K extends AdminOperation> = z.input<AdminContract[K]['input']>;
/** What a handler receives (validated). */
export type AdminParsedInput<K extends AdminOperation> = z.output<AdminContract[K]['input']>;
export type AdminOutput<K extends AdminOperation> = z.output<AdminContract[K]['output']>;

export const ADMIN_OPERATIONS = Object.keys(adminContract) as AdminOperation[];

export function isAdminOperation(name: string): name is AdminOperation {
  return Object.hasOwn(adminContract, name);
}
