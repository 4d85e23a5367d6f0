// Where and how to reach Anthropic: the base URL, the x-api-key and anthropic-version headers, and its
// error dialect. Every Anthropic call is built here.
import type { UpstreamRequest } from '../http-client.ts';
import { callUpstreamJson } from '../unary-call.ts';
import type { CallContext, ProviderTarget } from '../provider.ts';
import { anthropicHttpError } from './errors.ts';
import { ANTHROPIC_BASE, ANTHROPIC_VERSION } from './wire.ts';

/**
 * LiteLLM's anthropic api_base is the host (`https://api.anthropic.com`); configs copied from SDK setups
 * often end in `/v1` or `/v1/messages`, which are taken off rather than doubled.
 */
export function anthropicBase(apiBase: string | undefined): string {
  return (apiBase ?? ANTHROPIC_BASE).replace(/\/+$/, '').replace(/\/v1(\/messages)?$/, '');
}

export function anthropicRequest(
  target: Omit<ProviderTarget, 'model'>,
  ctx: CallContext,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): UpstreamRequest {
  const base = anthropicBase(target.apiBase);
  return {
    url: base + path,
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'anthropic-version': ANTHROPIC_VERSION,
      ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}),
      ...headers,
    },
    body,
    target,
    signal: ctx.signal,
    dispatcher: ctx.dispatcher,
    label: `Anthropic at ${new URL(base).host}`,
    httpError: anthropicHttpError,
  };
}

export async function postJson<T>(req: UpstreamRequest): Promise<T> {
  return (await callUpstreamJson<T>(req)).json;
}
