// Vendor keys kept in the OS keychain and referenced from the config as `keychain/NAME`. The API shows a
// masked hint and where each is used; a secret goes in through credential.set and never comes back out.
import { z } from 'zod';

export const CREDENTIAL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const credentialNameSchema = z
  .string()
  .regex(CREDENTIAL_NAME, 'use 1 to 64 letters, digits, dots, dashes or underscores');

/** A pasted key often brings a trailing newline: trimmed. One left inside would break the HTTP header. */
const secretSchema = z
  .string()
  .trim()
  .min(1, 'the secret is empty')
  .max(8192, 'the secret is longer than 8192 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'the secret contains a line break or control character');

const httpUrl = z.url({ protocol: /^https?$/, error: 'invalid URL' });

export const keychainStatusOutput = z.object({
  /** Whether credential.set can store secrets (the OS keychain, or an in-memory store handed in). */
  available: z.boolean(),
  backend: z.enum(['keychain', 'memory', 'none']),
  message: z.string(),
});

export const credentialSchema = z.object({
  name: z.string(),
  /** e.g. `sk-…abcd`: never the secret. */
  hint: z.string(),
  /** ISO time of the last credential.set; null when set outside Switchyard. */
  set_at: z.string().nullable(),
  /** Deployment ids (and `general_settings.master_key`) whose config references `keychain/<name>`. */
  used_by: z.array(z.string()),
});

export const credentialSetInput = z.object({ name: credentialNameSchema, secret: secretSchema });
export const credentialSetOutput = z.object({ name: z.string(), hint: z.string(), set_at: z.string() });

export const credentialNameInput = z.object({ name: credentialNameSchema });

/** What a test call found wrong: the upstream's HTTP status when it answered, and its words (redacted). */
export const testErrorSchema = z.object({ status: z.number(), code: z.string(), message: z.string() });

export const credentialTestInput = z.object({
  name: credentialNameSchema,
  /** A provider prefix as in `litellm_params.model`: `openai`, `ollama`, `hosted_vllm`, … */
  provider: z.string().min(1),
  api_base: httpUrl.optional(),
});

export const credentialTestOutput = z.object({
  ok: z.boolean(),
  latency_ms: z.number(),
  /** How many models the key can see. */
  models: z.number().optional(),
  error: testErrorSchema.optional(),
});

export type CredentialInfo = z.infer<typeof credentialSchema>;

export const credentialOperations = {
  'keychain.status': { input: z.object({}), output: keychainStatusOutput },
  'credential.list': { input: z.object({}), output: z.array(credentialSchema) },
  'credential.set': { input: credentialSetInput, output: credentialSetOutput },
  'credential.delete': { input: credentialNameInput, output: z.object({ deleted: z.boolean() }) },
  'credential.test': { input: credentialTestInput, output: credentialTestOutput },
} as const;
