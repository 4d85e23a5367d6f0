import type { SecretStore } from '../secret-store.ts';

export type SecretRef =
  { kind: 'literal'; value: string } | { kind: 'env'; name: string } | { kind: 'keychain'; name: string };

export function parseSecretRef(raw: string): SecretRef {
  if (raw.startsWith('os.environ/')) return { kind: 'env', name: raw.slice('os.environ/'.length) };
  if (raw.startsWith('keychain/')) return { kind: 'keychain', name: raw.slice('keychain/'.length) };
  return { kind: 'literal', value: raw };
}

export function describeSecretRef(ref: SecretRef): string {
  if (ref.kind === 'env') return `os.environ/${ref.name}`;
  if (ref.kind === 'keychain') return `keychain/${ref.name}`;
  return 'a literal key';
}

export interface SecretSources {
  env: Record<string, string | undefined>;
  store: SecretStore;
}

export async function resolveSecret(ref: SecretRef, sources: SecretSources): Promise<string | undefined> {
  if (ref.kind === 'literal') return ref.value;
  if (ref.kind === 'env') return sources.env[ref.name] || undefined;
  return (await sources.store.get(ref.name)) || undefined;
}
