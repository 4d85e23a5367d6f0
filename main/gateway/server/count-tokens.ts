// POST /v1/messages/count_tokens (Claude Code sizes its context with it). The deployment routing would
// pick answers when it speaks Messages natively (its own tokenizer, exact); otherwise, or when that call
// fails, the local o200k tokenizer estimates system + messages + tool schemas. Counting is free, so it
// writes no ledger row and takes nothing from the key's rate limits or budget; the key's model list still
// applies. An alias that does not exist is counted locally rather than refused: the count is a property
// of the text, and /v1/messages itself answers 404 for such a model.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { countTokensRequestSchema } from '../../../shared/wire/anthropic-requests.ts';
import type { CountTokensResponse } from '../../../shared/wire/anthropic-responses.ts';
import { estimatePromptTokens } from '../budget/usage-estimate.ts';
import { GatewayError } from '../errors.ts';
import { modelAllowed } from '../keys/effective-key.ts';
import { resolveAlias, type Candidate } from '../routing/resolve-alias.ts';
import { targetFor, type RouteContext } from '../routing/router.ts';
import { orderCandidates } from '../routing/strategies.ts';
import type { GatewayRuntime } from '../runtime.ts';
import { passHeaders } from './messages-spec.ts';
import { parseBody } from './parse-body.ts';

/** The deployment a request for this alias would go to first (strategy order, cooling ones last). */
function firstChoice(runtime: GatewayRuntime, candidates: Candidate[]): Candidate | undefined {
  const ordered = orderCandidates(runtime.loaded.config.routingStrategy, candidates, runtime.health);
  return ordered.find((c) => !runtime.health.isCooling(c.deployment.id)) ?? ordered[0];
}

export async function countTokens(
  runtime: GatewayRuntime,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const body = parseBody(countTokensRequestSchema, req.body);
  const loaded = runtime.loaded;
  const resolved = resolveAlias(loaded.config, body.model);
  const caller = req.caller;
  if (
    caller.kind === 'key' &&
    !modelAllowed(caller.key.models, body.model, ...(resolved ? [resolved.alias] : []))
  ) {
    throw new GatewayError(
      403,
      'model_not_allowed',
      `This key may not use the model '${body.model}'. Allowed: ${caller.key.models.join(', ')}`,
      { param: 'model' },
    );
  }

  const chosen = resolved ? firstChoice(runtime, resolved.candidates) : undefined;
  const adapter = chosen ? runtime.registry.get(chosen.deployment.provider) : undefined;
  if (chosen && adapter?.nativeMessages) {
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    const ctx: RouteContext = {
      config: loaded.config,
      apiKeys: loaded.apiKeys,
      registry: runtime.registry,
      signal: abort.signal,
      dispatcher: runtime.dispatcher,
    };
    const target = targetFor(ctx, chosen, adapter, false);
    const system = chosen.deployment.systemPrompt;
    const upstreamBody: Record<string, unknown> = { ...body, model: target.model };
    if (system) upstreamBody.system = body.system === undefined ? system : withPrompt(system, body.system);
    try {
      const n = await adapter.nativeMessages.countTokens(target, upstreamBody, passHeaders(req.headers), {
        signal: abort.signal,
        dispatcher: runtime.dispatcher,
      });
      return send(reply, n, 'upstream', chosen.deployment.id);
    } catch (err) {
      // An upstream that cannot count (an Anthropic-compatible server without the endpoint, a network
      // error) should not leave the client without a number: fall through to the local estimate.
      runtime.log.warn(`count_tokens on ${chosen.deployment.id} failed, counted locally: ${String(err)}`);
    }
  }
  const n = await estimatePromptTokens('messages', body);
  return send(reply, n, 'estimate', undefined);
}

function withPrompt(prompt: string, system: string | { type: 'text'; text: string }[]): unknown {
  return typeof system === 'string' ? `${prompt}\n\n${system}` : [{ type: 'text', text: prompt }, ...system];
}

function send(reply: FastifyReply, n: number, source: 'upstream' | 'estimate', deployment?: string): void {
  const body: CountTokensResponse = { input_tokens: n };
  void reply.header('x-switchyard-token-count', source);
  if (deployment) void reply.header('x-switchyard-deployment', deployment);
  void reply.send(body);
}
