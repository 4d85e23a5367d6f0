// What the admin API shows of a stored secret: enough to tell two keys apart, never enough to use one.

/** A vendor prefix such as `sk-`, `gsk_`, `xai-`, `hf_`: letters, then a dash or an underscore. */
const PREFIX = /^[A-Za-z]{1,4}[-_]/;

/**
 * `sk-proj-…` → `sk-…abcd`; a secret under 20 characters shows only `…` and its last 2, one under 10
 * nothing but `…`, so a hint never gives away a meaningful share of a short secret.
 */
export function secretHint(secret: string): string {
  if (secret.length < 10) return '…';
  if (secret.length < 20) return `…${secret.slice(-2)}`;
  const prefix = PREFIX.exec(secret)?.[0].slice(0, 3) ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}

/** Replaces every occurrence of any of `secrets` in `text` (longest first, so no fragment survives). */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const list = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  for (const s of list) out = out.split(s).join('[redacted]');
  return out;
}
