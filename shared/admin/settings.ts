// The Settings page: where the gateway listens (used at the next start), start at login, the master key,
// and the config file as a whole (export, import).
import { z } from 'zod';

export const settingsSchema = z.object({
  host: z.string(),
  port: z.number(),
  /** null when not running as the desktop app. */
  start_at_login: z.boolean().nullable(),
  master_key_set: z.boolean(),
});

export const settingsUpdateInput = z.object({
  /** 127.0.0.1, localhost, ::1, or one of this machine's LAN addresses (needs a master key). */
  host: z.string().trim().min(1).max(255).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  start_at_login: z.boolean().optional(),
});

export const settingsUpdateOutput = settingsSchema.extend({
  /** Host and port apply at the next start. */
  restart_required: z.boolean(),
});

export const masterKeyRevealOutput = z.object({
  master_key: z.string().nullable(),
  /** Where it is kept: a literal in config.yaml, an environment variable, the keychain, or nowhere. */
  source: z.enum(['config', 'env', 'keychain', 'none']),
});

export const masterKeyRotateOutput = z.object({
  master_key: z.string(),
  /** Where the new key was stored. */
  source: z.enum(['config', 'keychain']),
});

export const configExportOutput = z.object({
  yaml: z.string(),
  path: z.string(),
  /** E.g. that a key written into the file was masked in this copy. */
  warnings: z.array(z.string()),
});

export const configImportInput = z.object({ yaml: z.string().min(1).max(5_000_000) });

export const configImportOutput = z.object({
  warnings: z.array(z.string()),
  /** Where the replaced file was kept, or null when there was none. */
  backup_path: z.string().nullable(),
});

export type Settings = z.infer<typeof settingsSchema>;

export const settingsOperations = {
  'settings.get': { input: z.object({}), output: settingsSchema },
  'settings.update': { input: settingsUpdateInput, output: settingsUpdateOutput },
  'master_key.reveal': { input: z.object({}), output: masterKeyRevealOutput },
  'master_key.rotate': { input: z.object({}), output: masterKeyRotateOutput },
  'config.export': { input: z.object({}), output: configExportOutput },
  'config.import': { input: configImportInput, output: configImportOutput },
} as const;
