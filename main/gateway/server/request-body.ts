// What the gateway reads from a request body for itself, and the body it sends upstream.

/** Tags for grouping spend: `metadata.tags` in the body and/or `x-switchyard-tags: a,b`. */
export function requestTags(body: unknown, header: string | string[] | undefined): string[] {
  const tags = new Set<string>();
  const fromBody = (body as { metadata?: { tags?: unknown } } | null)?.metadata?.tags;
  if (Array.isArray(fromBody))
    for (const t of fromBody) if (typeof t === 'string' && t.trim()) tags.add(t.trim());
  for (const h of Array.isArray(header) ? header : header ? [header] : []) {
    for (const t of h.split(',')) if (t.trim()) tags.add(t.trim());
  }
  return [...tags].slice(0, 20).map((t) => t.slice(0, 100));
}

/**
 * The body for the upstream: `metadata` is the gateway's (LiteLLM's convention), and a budget's bound on
 * completion tokens replaces the client's in whichever field the client used.
 */
export function upstreamBody<B extends { max_tokens?: number | null; max_completion_tokens?: number | null }>(
  body: B,
  maxTokens: number | undefined,
): B {
  if (!('metadata' in body) && maxTokens === undefined) return body;
  const { metadata: _m, ...rest } = body as B & { metadata?: unknown };
  const out = rest as B;
  if (maxTokens !== undefined) {
    if (out.max_completion_tokens != null) out.max_completion_tokens = maxTokens;
    else out.max_tokens = maxTokens;
  }
  return out;
}
