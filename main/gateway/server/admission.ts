// What a per-app key allows before a request is routed: its model list, its rate limits and its money
// budget (reserving the worst case, clamping max_tokens to what is left, or switching to the key's
// budget fallback). Returns what settlement needs once the request ends.
import type { EndpointName } from '../../../shared/wire/openai-requests.ts';
import type { Reservation } from '../budget/budget-book.ts';
import { priceOf } from '../budget/cost.ts';
import { rateLimitHeaders } from '../budget/rate-limiter.ts';
import { estimatePromptTokens, promptTokensUpperBound } from '../budget/usage-estimate.ts';
import { GatewayError } from '../errors.ts';
import { modelAllowed, type EffectiveKey } from '../keys/effective-key.ts';
import { planRoute } from '../routing/route-plan.ts';
import { resolveAlias } from '../routing/resolve-alias.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { RequestLogRow } from '../store/request-log-repo.ts';
import type { Caller } from './plugins/auth.ts';

/** Completion tokens assumed when neither the client, the deployment nor the price table bounds them. */
const DEFAULT_MAX_TOKENS = 4096;
/** Our tokenizer may count a little differently from the upstream's: reserve with a margin. */
const PROMPT_MARGIN = 1.1;
const PROMPT_SLACK_TOKENS = 16;

export interface Admission {
  key: EffectiveKey | undefined;
  /** The alias to route: the requested one, or the key's budget fallback. */
  model: string;
  /** max_tokens to impose on the upstream (the budget's bound), if any. */
  maxTokens: number | undefined;
  headers: Record<string, string>;
  /** Charges the key and queues the ledger row; settles once both are on disk (see BudgetBook). */
  settle(row: RequestLogRow): Promise<void>;
}

export async function admit(
  runtime: GatewayRuntime,
  caller: Caller,
  endpoint: EndpointName,
  body: { model: string; max_tokens?: number | null; max_completion_tokens?: number | null },
): Promise<Admission> {
  if (caller.kind !== 'key') {
    return {
      key: undefined,
      model: body.model,
      maxTokens: undefined,
      headers: {},
      settle(row) {
        countDeploymentTokens(runtime, row);
        return runtime.book.settleBatched(undefined, undefined, row);
      },
    };
  }
  const key = caller.key;
  const config = runtime.loaded.config;
  const resolved = resolveAlias(config, body.model);
  if (!modelAllowed(key.models, body.model, ...(resolved ? [resolved.alias] : []))) {
    throw new GatewayError(
      403,
      'model_not_allowed',
      `This key may not use the model '${body.model}'. Allowed: ${key.models.join(', ')}`,
      { param: 'model' },
    );
  }

  const limits = { rpm: key.rpmLimit, tpm: key.tpmLimit, parallel: key.maxParallel };
  const verdict = runtime.limiter.admit(key.row.id, limits);
  const headers = rateLimitHeaders(verdict.state);
  if (!verdict.ok) {
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    throw new GatewayError(
      429,
      'rate_limit_exceeded',
      `Rate limit reached for this key: ${verdict.which}. Try again in ${seconds}s`,
      {
        headers: { ...headers, 'retry-after': String(seconds) },
      },
    );
  }
  const free = () => runtime.limiter.finish(key.row.id, 0);

  let model = body.model;
  let reservation: Reservation | undefined;
  let maxTokens: number | undefined;
  try {
    if (key.maxBudget !== null) {
      const first = await reserveFor(runtime, key, endpoint, body, model);
      if (first.ok) ({ reservation, maxTokens } = first);
      else if (key.budgetFallback && key.budgetFallback !== model) {
        // The key's own choice: when the money runs out, go on with (typically) a free local model.
        model = key.budgetFallback;
        const second = await reserveFor(runtime, key, endpoint, body, model);
        if (!second.ok) throw second.error;
        ({ reservation, maxTokens } = second);
        headers['x-switchyard-budget-fallback'] = model;
      } else {
        throw first.error;
      }
    }
  } catch (err) {
    free();
    throw err;
  }

  return {
    key,
    model,
    maxTokens,
    headers,
    settle(row) {
      row.key_id = key.row.id;
      runtime.limiter.finish(key.row.id, row.prompt_tokens + row.completion_tokens);
      countDeploymentTokens(runtime, row);
      return runtime.book.settleBatched(key, reservation, row);
    },
  };
}

/** The router counts a deployment's requests; its tokens are known only here, once the request ended. */
function countDeploymentTokens(runtime: GatewayRuntime, row: RequestLogRow): void {
  if (row.deployment_id === null) return;
  const d = runtime.loaded.config.deployments.find((x) => x.id === row.deployment_id);
  if (d?.tpm) runtime.limiter.finish(d.id, row.prompt_tokens + row.completion_tokens, false);
}

/** The dearest prices, and the largest output bound, of the deployments a route may reach. */
interface RoutePrice {
  inPrice: number;
  outPrice: number;
  bound: number | undefined;
}

// Per config object: a reload brings a new one, so an edited price or route applies from the next request.
const routePrices = new WeakMap<GatewayRuntime['loaded']['config'], Map<string, RoutePrice>>();

function routePrice(runtime: GatewayRuntime, model: string): RoutePrice {
  const config = runtime.loaded.config;
  let byModel = routePrices.get(config);
  if (!byModel) routePrices.set(config, (byModel = new Map()));
  let price = byModel.get(model);
  if (price) return price;
  // Any deployment the route may reach (fallbacks included) might answer: price at the dearest.
  const { groups } = planRoute(config, model);
  price = { inPrice: 0, outPrice: 0, bound: undefined };
  for (const c of groups.flat()) {
    const p = priceOf(c.deployment, runtime.registry);
    price.inPrice = Math.max(price.inPrice, p.inputCostPerToken);
    price.outPrice = Math.max(price.outPrice, p.outputCostPerToken);
    const fromParams = c.deployment.params.max_tokens as number | undefined;
    const cap = fromParams ?? c.deployment.maxOutputTokens ?? p.maxOutputTokens;
    if (cap !== undefined) price.bound = Math.max(price.bound ?? 0, cap);
  }
  // Wildcard aliases take any name: keep the map from growing without end.
  if (byModel.size > 1_000) byModel.clear();
  byModel.set(model, price);
  return price;
}

type ReserveOutcome =
  | { ok: true; reservation: Reservation | undefined; maxTokens: number | undefined }
  | { ok: false; error: GatewayError };

async function reserveFor(
  runtime: GatewayRuntime,
  key: EffectiveKey,
  endpoint: EndpointName,
  body: { max_tokens?: number | null; max_completion_tokens?: number | null },
  model: string,
): Promise<ReserveOutcome> {
  const { inPrice, outPrice, bound } = routePrice(runtime, model);
  if (inPrice === 0 && outPrice === 0) return { ok: true, reservation: undefined, maxTokens: undefined };
  const asked = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const maxTokens = endpoint === 'embeddings' ? undefined : (asked ?? bound ?? DEFAULT_MAX_TOKENS);
  const worst = (promptTokens: number) => ({
    promptCost: (Math.ceil(promptTokens * PROMPT_MARGIN) + PROMPT_SLACK_TOKENS) * inPrice,
    outputCostPerToken: outPrice,
    maxTokens,
  });
  // Far from the cap, an upper bound of the prompt fits as well as its exact count would, and costs no
  // tokenizer. Only a reservation that would need clamping or refusing counts tokens, so those
  // decisions are exactly what the exact count makes them.
  const r =
    runtime.book.tryReserve(key, worst(promptTokensUpperBound(endpoint, body))) ??
    runtime.book.reserve(key, worst(await estimatePromptTokens(endpoint, body)));
  if (!r.ok) return r;
  return { ok: true, reservation: r.reservation, maxTokens: r.reservation ? r.maxTokens : undefined };
}
