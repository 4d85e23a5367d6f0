// One flow for every proxied endpoint: validate, route (retries, fallbacks), answer, record one ledger
// row whatever happened. Streams are relayed piece by piece with backpressure; a client that leaves
// aborts the upstream at once and the row records what was streamed until then.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Usage } from '../../../shared/wire/openai-responses.ts';
import { costOf } from '../budget/cost.ts';
import { estimatePromptTokens, estimateTextTokens } from '../budget/usage-estimate.ts';
import { GatewayError } from '../errors.ts';
import type { StreamPiece, ProviderStream } from '../providers/provider.ts';
import { route, RouteFailure, type RouteContext } from '../routing/router.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { RequestLogRow } from '../store/request-log-repo.ts';
import { withDeploymentDefaults, type EndpointSpec } from './endpoint-specs.ts';
import { parseBody } from './parse-body.ts';
import { writeSse } from './sse-writer.ts';

export async function proxy<B extends { model: string; stream?: boolean | null }>(
  runtime: GatewayRuntime,
  spec: EndpointSpec<B>,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const body = parseBody(spec.schema, req.body);
  const loaded = runtime.loaded;
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
  const row: RequestLogRow = {
    id: String(req.id),
    ts: Date.now(),
    key_id: null,
    endpoint: spec.name,
    alias: body.model,
    provider: null,
    deployment_id: null,
    model: null,
    status: 200,
    error_code: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    estimated: false,
    cost_usd: 0,
    latency_ms: 0,
    ttft_ms: null,
    streamed: body.stream === true && spec.stream !== undefined,
    attempts: [],
    tags: [],
  };
  const started = performance.now();
  const work = row.streamed
    ? streamed(runtime, spec, ctx, body, reply, row, started)
    : unary(runtime, spec, ctx, body, reply, row, started);
  await runtime.track(work);
}

function finish(runtime: GatewayRuntime, row: RequestLogRow, started: number): void {
  row.latency_ms = Math.round((performance.now() - started) * 100) / 100;
  // A unary response's first byte is its whole body.
  if (!row.streamed && row.status === 200) row.ttft_ms = row.latency_ms;
  try {
    runtime.requestLog.insert(row);
  } catch (err) {
    runtime.log.error(`could not record request ${row.id}: ${String(err)}`);
  }
}

function failed(row: RequestLogRow, err: unknown): GatewayError {
  const failure = err instanceof RouteFailure ? err : undefined;
  const e =
    failure?.error ??
    (err instanceof GatewayError ? err : new GatewayError(500, 'internal_error', String(err)));
  if (failure) {
    row.attempts = failure.attempts;
    if (failure.last)
      setDeployment(row, failure.last.deployment.provider, failure.last.deployment.id, failure.last.model);
  }
  row.status = e.status;
  row.error_code = e.code;
  return e;
}

function setDeployment(row: RequestLogRow, provider: string, id: string, model: string): void {
  row.provider = provider;
  row.deployment_id = id;
  row.model = model;
}

async function settleUsage(
  spec: EndpointSpec<{ model: string }>,
  body: unknown,
  reported: Usage | undefined,
  outputText: string,
  row: RequestLogRow,
): Promise<void> {
  // Embedding usage has no completion_tokens; some servers send partial or zero counts. Whatever the
  // upstream left out is counted here, and the row says it was estimated.
  const prompt = reported?.prompt_tokens ?? 0;
  const completion = reported?.completion_tokens ?? 0;
  row.prompt_tokens = prompt > 0 ? prompt : await estimatePromptTokens(spec.name, body);
  row.completion_tokens =
    completion > 0 || outputText === '' ? completion : await estimateTextTokens(outputText);
  row.estimated = row.prompt_tokens !== prompt || row.completion_tokens !== completion;
}

async function unary<B extends { model: string }>(
  runtime: GatewayRuntime,
  spec: EndpointSpec<B>,
  ctx: RouteContext,
  body: B,
  reply: FastifyReply,
  row: RequestLogRow,
  started: number,
): Promise<void> {
  try {
    const out = await route(ctx, body.model, false, ({ adapter, target, candidate }) =>
      spec.call(
        adapter,
        target,
        withDeploymentDefaults(body, candidate.deployment, spec.name === 'chat.completions'),
        {
          signal: ctx.signal,
          dispatcher: ctx.dispatcher,
        },
      ),
    );
    const d = out.candidate.deployment;
    setDeployment(row, d.provider, d.id, out.candidate.model);
    row.attempts = out.attempts;
    await settleUsage(spec, body, out.value.usage, spec.outputText(out.value.body), row);
    row.cost_usd = costOf(d, runtime.registry, row);
    finish(runtime, row, started);
    void reply.headers(routeHeaders(row)).send(out.value.body);
  } catch (err) {
    const e = failed(row, err);
    if (e.code === 'client_disconnected' && row.prompt_tokens === 0) {
      row.prompt_tokens = await estimatePromptTokens(spec.name, body);
      row.estimated = true;
    }
    finish(runtime, row, started);
    throw e;
  }
}

function routeHeaders(row: RequestLogRow): Record<string, string> {
  return {
    'x-switchyard-deployment': row.deployment_id ?? '',
    'x-switchyard-attempts': String(row.attempts.length),
  };
}

async function streamed<B extends { model: string; stream_options?: unknown }>(
  runtime: GatewayRuntime,
  spec: EndpointSpec<B>,
  ctx: RouteContext,
  body: B,
  reply: FastifyReply,
  row: RequestLogRow,
  started: number,
): Promise<void> {
  const stream = spec.stream!;
  let it: ProviderStream;
  let first: IteratorResult<StreamPiece, void>;
  try {
    const out = await route(ctx, body.model, true, async ({ adapter, target, candidate }) => {
      const s = await stream(
        adapter,
        target,
        withDeploymentDefaults(body, candidate.deployment, spec.name === 'chat.completions'),
        {
          signal: ctx.signal,
          dispatcher: ctx.dispatcher,
        },
      );
      // The stream counts as answered only once its first piece is here: until then, failures fall back.
      const head = await s.next();
      return { s, head };
    });
    it = out.value.s;
    first = out.value.head;
    const d = out.candidate.deployment;
    setDeployment(row, d.provider, d.id, out.candidate.model);
    row.attempts = out.attempts;
  } catch (err) {
    const e = failed(row, err);
    finish(runtime, row, started);
    throw e;
  }

  row.ttft_ms = Math.round((performance.now() - started) * 100) / 100;
  const wantsUsage =
    (body.stream_options as { include_usage?: boolean } | null | undefined)?.include_usage === true;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': row.id,
    ...routeHeaders(row),
  });
  let text = '';
  let usage: Usage | undefined;
  let error: GatewayError | undefined;
  try {
    for (let step = first; !step.done; step = await it.next()) {
      const piece = step.value;
      text += piece.text;
      if (piece.usage) usage = piece.usage;
      if (piece.usageOnly && !wantsUsage) continue;
      await writeSse(res, piece.data);
    }
  } catch (err) {
    error =
      err instanceof GatewayError
        ? err
        : new GatewayError(502, 'upstream_error', String(err), { cause: err });
  }
  if (ctx.signal.aborted && (!error || error.code === 'client_disconnected')) {
    error = new GatewayError(499, 'client_disconnected', 'the client closed the connection');
    await it.return?.();
  }
  if (error) {
    row.status = error.status;
    row.error_code = error.code;
    const last = row.attempts.at(-1);
    if (last) Object.assign(last, { status: error.status, code: error.code });
  }
  await settleUsage(spec, body, usage, text, row);
  row.cost_usd = costOf(
    ctx.config.deployments.find((d) => d.id === row.deployment_id),
    runtime.registry,
    row,
  );
  finish(runtime, row, started);
  if (res.destroyed) return;
  // Never a silently truncated success: a failure after the first byte ends the stream with an error event.
  if (error) await writeSse(res, JSON.stringify(error.toOpenAIBody()));
  else await writeSse(res, '[DONE]');
  res.end();
}
