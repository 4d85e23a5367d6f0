// OpenRouter: OpenAI's wire format in front of many vendors. Two additions over the plain preset:
// app-attribution headers, and its own bill per request (`usage.cost`, USD), which the ledger can take
// as the true cost instead of estimating from a price table.
import { providerKind } from '../../../../shared/provider-catalog.ts';
import type { UpstreamRequest } from '../http-client.ts';
import { bearerAt, createOpenAICompatibleAdapter, type Endpoint } from '../openai-compatible/index.ts';
import type { CallContext, ProviderAdapter, ProviderTarget } from '../provider.ts';

type Env = Record<string, string | undefined>;

/**
 * OpenRouter attributes usage to the app named by `HTTP-Referer` (its identifier) and `X-Title` (its
 * display name); a localhost referer is tracked only with a title. OR_SITE_URL and OR_APP_NAME override
 * them, as they do in LiteLLM.
 */
export function attributionHeaders(env: Env): Record<string, string> {
  return {
    'http-referer': env.OR_SITE_URL || 'http://localhost',
    'x-title': env.OR_APP_NAME || 'Switchyard',
  };
}

/**
 * Asks for usage accounting. OpenRouter now reports usage and cost on every response and documents
 * `usage: {include: true}` as deprecated and without effect; it is still sent so that older
 * deployments of its API (and OpenRouter-compatible proxies) include the cost too.
 */
export function withUsageAccounting(endpoint: Endpoint, body: Record<string, unknown>) {
  if (endpoint === 'embeddings') return body;
  const usage = body.usage && typeof body.usage === 'object' ? body.usage : {};
  return { ...body, usage: { ...usage, include: true } };
}

/** `env` is read on every request, so the process environment can be passed as is. */
export function createOpenRouterAdapter(env: Env): ProviderAdapter {
  const request = (
    target: Omit<ProviderTarget, 'model'>,
    ctx: CallContext,
    path: string,
    body?: unknown,
  ): UpstreamRequest => {
    const req = bearerAt('openrouter', target, ctx, path, body);
    req.headers = { ...attributionHeaders(env), ...req.headers };
    return req;
  };
  return createOpenAICompatibleAdapter({
    name: 'openrouter',
    prefixes: ['openrouter'],
    local: false,
    defaultApiBase: () => providerKind('openrouter')?.defaultApiBase,
    request,
    prepare: withUsageAccounting,
    reportsCost: true,
  });
}

export const openrouterAdapter: ProviderAdapter = createOpenRouterAdapter(process.env);
