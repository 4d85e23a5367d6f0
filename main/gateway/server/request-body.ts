// What the gateway reads from a request body for itself, and the body it sends upstream.

/** Tags for grouping spend: `metadata.tags` in the body and/or `x-switchyard-tags: a,b`. */
export function requestTags(body: unknown, header: string | string[] | undefined): string[] {
  const fromBody = (body as { metadata?: { tags?: unknown } } | null)?.metadata?.tags;
  if (fromBody === undefined && header === undefined) return [];
  const tags = new Set<string>();
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

/**
 * The same for Anthropic's Messages API, where `metadata.user_id` is the API's own field (Claude Code sends
 * it): that is kept, the gateway's `metadata.tags` removed, since Anthropic rejects unknown metadata keys.
 */
export function messagesUpstreamBody<B extends { max_tokens: number; metadata?: unknown }>(
  body: B,
  maxTokens: number | undefined,
): B {
  if (body.metadata === undefined && maxTokens === undefined) return body;
  const { metadata, ...rest } = body;
  const out = rest as B;
  const userId = (metadata as { user_id?: unknown } | null | undefined)?.user_id;
  if (typeof userId === 'string') out.metadata = { user_id: userId };
  if (maxTokens !== undefined) {
    out.max_tokens = maxTokens;
    // Anthropic refuses a thinking budget that is not below max_tokens (and one under 1,024): a reply
    // clamped by the money left thinks less, or not at all.
    const thinking = (out as { thinking?: { type?: unknown; budget_tokens?: unknown } }).thinking;
    if (
      thinking?.type === 'enabled' &&
      typeof thinking.budget_tokens === 'number' &&
      thinking.budget_tokens >= maxTokens
    ) {
      const o = out as { thinking?: unknown };
      if (maxTokens > 1024) o.thinking = { ...thinking, budget_tokens: maxTokens - 1 };
      else delete o.thinking;
    }
  }
  return out;
}
