// Where Azure OpenAI lives and how it is asked: per-deployment URLs with an `api-version` query, and
// the resource key in an `api-key` header rather than a bearer token.
import { AZURE_DEFAULT_API_VERSION } from '../../../../shared/provider-catalog.ts';
import { GatewayError } from '../../errors.ts';
import type { UpstreamRequest } from '../http-client.ts';
import type { CallContext, ProviderTarget } from '../provider.ts';
import { missingApiBase } from '../openai-compatible/index.ts';

type Target = Omit<ProviderTarget, 'model'> & { model?: string };

/**
 * `api_version: v1` (or `preview`) selects Azure's newer `/openai/v1/…` surface, which takes the
 * deployment as `model` in the body like OpenAI does; any dated version uses the classic
 * `/openai/deployments/{deployment}/…?api-version=…` URLs.
 */
const V1_SURFACE = new Set(['v1', 'preview']);

/**
 * The resource endpoint without what people often paste along with it (a trailing slash, `/openai`,
 * `/openai/v1`), so both `https://x.openai.azure.com` and `https://x.openai.azure.com/openai/` work.
 */
export function resourceBase(apiBase: string): string {
  return apiBase.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '');
}

export function azureUrl(apiBase: string, deployment: string | undefined, path: string, version: string) {
  const base = resourceBase(apiBase);
  if (V1_SURFACE.has(version)) {
    return `${base}/openai/v1${path}${version === 'preview' ? '?api-version=preview' : ''}`;
  }
  const query = `?api-version=${encodeURIComponent(version)}`;
  // The model list belongs to the resource (base models and fine-tunes), not to one deployment.
  if (path === '/models' || deployment === undefined) return `${base}/openai${path}${query}`;
  return `${base}/openai/deployments/${encodeURIComponent(deployment)}${path}${query}`;
}

export function azureRequest(
  target: Target,
  ctx: CallContext,
  path: string,
  body?: unknown,
): UpstreamRequest {
  if (!target.apiBase) throw missingApiBase('azure (set api_base or AZURE_API_BASE)');
  const version = target.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  const url = azureUrl(target.apiBase, target.model, path, version);
  return {
    url,
    method: body === undefined ? 'GET' : 'POST',
    headers: target.apiKey ? { 'api-key': target.apiKey } : {},
    body,
    target,
    signal: ctx.signal,
    dispatcher: ctx.dispatcher,
    label: `azure at ${new URL(url).host}`,
  };
}

// Azure answers a prompt its content filter blocks with 400 and code `content_filter` ("…triggering
// Azure OpenAI's content management policy…"); only the message survives into the GatewayError.
const CONTENT_FILTER = /content management policy|content_filter|ResponsibleAIPolicyViolation/i;

/** Says plainly that Azure's content filter, not the request's shape, refused it. */
export function contentFilterError(err: unknown): unknown {
  if (!(err instanceof GatewayError) || err.upstreamStatus !== 400 || !CONTENT_FILTER.test(err.message))
    return err;
  return new GatewayError(
    400,
    'invalid_request',
    `Azure's content filter blocked this request (content_filter); rephrase it or use another deployment. ${err.message}`,
    { param: err.param, upstreamStatus: 400, cause: err },
  );
}

/** Azure's first streamed chunk carries only `prompt_filter_results` (no choices, `object: ""`). */
export function isPromptFilterChunk(chunk: Record<string, unknown>): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.length === 0 && !chunk.usage;
}
