import { hash, randomBytes } from 'node:crypto';

/** A new app key: `sk-` and 32 url-safe characters (192 bits). */
export function newSecret(): string {
  return `sk-${randomBytes(24).toString('base64url')}`;
}

/** SHA-256, hex: how a key is stored and looked up (crypto.hash: the one-shot, cheaper form). */
export function hashSecret(secret: string): string {
  return hash('sha256', secret);
}

/** What the UI shows instead of a secret: `sk-…abcd`. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}

export function newKeyId(): string {
  return `key_${randomBytes(8).toString('hex')}`;
}
