// The admin API, declared once: operation → input schema → output schema. Main implements it once
// (main/gateway/admin/), and it is served over HTTP (POST /admin/<operation>, plus LiteLLM's /key/*
// and /spend/* routes) and over Electron IPC. The renderer's client is typed from this table.
import { z } from 'zod';
import {
  keyDeleteInput,
  keyDeleteOutput,
  keyGenerateInput,
  keyGenerateOutput,
  keyInfoSchema,
  keyListInput,
  keyListOutput,
  keyRefInput,
  keyUpdateInput,
} from './keys.ts';
import { routerHealthOutput } from './router.ts';
import { spendLogsInput, spendLogsOutput, spendReportInput, spendReportOutput } from './spend.ts';

export const adminContract = {
  'key.generate': { input: keyGenerateInput, output: keyGenerateOutput },
  'key.update': { input: keyUpdateInput, output: keyInfoSchema },
  'key.delete': { input: keyDeleteInput, output: keyDeleteOutput },
  'key.info': { input: keyRefInput, output: keyInfoSchema },
  'key.list': { input: keyListInput, output: keyListOutput },
  'key.regenerate': {
    input: keyRefInput.extend({ new_key: z.string().min(8).max(256).optional() }),
    output: keyGenerateOutput,
  },
  'key.block': { input: keyRefInput, output: keyInfoSchema },
  'key.unblock': { input: keyRefInput, output: keyInfoSchema },
  'spend.logs': { input: spendLogsInput, output: spendLogsOutput },
  'spend.report': { input: spendReportInput, output: spendReportOutput },
  'router.health': { input: z.object({}), output: routerHealthOutput },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

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
