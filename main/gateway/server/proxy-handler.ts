// One flow for every proxied endpoint (OpenAI's and Anthropic's Messages): validate, admit (key, limits,
// budget), route (retries, fallbacks), answer, and record one ledger row whatever happened. Streams are
// relayed piece by piece with backpressure; a client that leaves aborts the upstream at once and the row
// records what was streamed until then. What differs per endpoint and dialect is data on its spec.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Usage } from '../../../shared/wire/openai-responses.ts';
import { priceRow } from '../budget/cost.ts';
import { estimatePromptTokens, estimateTextTokens } from '../budget/usage-estimate.ts';
import { GatewayError } from '../errors.ts';
import type { StreamPiece, ProviderStream } from '../providers/provider.ts';
import { applyConditionalRoutes } from '../routing/conditional-routes.ts';
import { route, RouteFailure, type AttemptInput, type RouteContext } from '../routing/router.ts';
import type { Deployment } from '../config/gateway-config.ts';
import type { GatewayRuntime } from '../runtime.ts';
import type { RequestLogRow } from '../store/request-log-repo.ts';
import { admit, type Admission } from './admission.ts';
import type { Attempt, EndpointSpec } from './endpoint-specs.ts';
import { parseBody } from './parse-body.ts';
import { requestTags, upstreamBody } from './request-body.ts';
import { SseWriter } from './sse-writer.ts';

type ProxyBody = {
  model: string;
  stream?: boolean | null;
  stream_options?: unknown;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
};

interface Job<B extends ProxyBody> {
  runtime: GatewayRuntime;
  spec: EndpointSpec<B>;
  ctx: RouteContext;
  /** What goes upstream (the budget's max_tokens applied, gateway-only fields removed). */
  body: B;
  /** The alias to route (the requested one, or the key's budget fallback). */
  model: string;
  reply: FastifyReply;
  row: RequestLogRow;
  started: number;
  admission: Admission | undefined;
  /** The deployment that answered, for pricing. */
  deployment: Deployment | undefined;
}

export async function proxy<B extends ProxyBody>(
  runtime: GatewayRuntime,
  spec: EndpointSpec<B>,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const parsed = parseBody(spec.schema, req.body);
  const loaded = runtime.loaded;
  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const row: RequestLogRow = {
    id: String(req.id),
    ts: runtime.clock(),
    key_id: req.caller.kind === 'key' ? req.caller.key.row.id : null,
    endpoint: spec.name,
    alias: parsed.model,
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
    streamed: parsed.stream === true && spec.stream !== undefined,
    attempts: [],
    tags: requestTags(parsed, req.headers['x-switchyard-tags']),
  };
  const job: Job<B> = {
    runtime,
    spec,
    ctx: {
      config: loaded.config,
      apiKeys: loaded.apiKeys,
      registry: runtime.registry,
      limiter: runtime.limiter,
      health: runtime.health,
      promptBytes: Number(req.headers['content-length']) || undefined,
      promptTokens: once(() => estimatePromptTokens(spec.name, parsed)),
      signal: abort.signal,
      dispatcher: runtime.dispatcher,
    },
    body: parsed,
    model: parsed.model,
    reply,
    row,
    started: performance.now(),
    admission: undefined,
    deployment: undefined,
  };
  await runtime.track(run(job, req));
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

async function run<B extends ProxyBody>(job: Job<B>, req: FastifyRequest): Promise<void> {
  try {
    job.admission = await admit(job.runtime, req.caller, job.spec.name, job.body);
  } catch (err) {
    // Refused before routing (model not allowed, over a limit or budget): recorded all the same.
    const e = failed(job.row, err);
    await finish(job);
    throw e;
  }
  job.model = job.admission.model;
  if (job.model === job.body.model && job.ctx.config.conditionalRoutes.size > 0) {
    const key = job.admission.key?.row;
    const chosen = await applyConditionalRoutes(job.ctx.config, job.model, {
      body: job.body as { messages?: unknown; tools?: unknown },
      promptBytes: job.ctx.promptBytes,
      promptTokens: job.ctx.promptTokens ?? (() => estimatePromptTokens(job.spec.name, job.body)),
      key: key ? { id: key.id, alias: key.key_alias } : undefined,
    });
    if (chosen.rule !== undefined) {
      job.model = chosen.model;
      job.admission.headers['x-switchyard-route'] =
        `conditional_routes.${job.body.model}[${chosen.rule}] -> ${chosen.model}`;
    }
  }
  job.body = (job.spec.upstreamBody ?? upstreamBody)(job.body, job.admission.maxTokens);
  return job.row.streamed ? streamed(job) : unary(job);
}

/**
 * Settles the request and records its row. Resolves once both are committed (group commit, see
 * BudgetBook): callers send the response's last bytes only then, so whatever a client saw complete is
 * on disk. Never rejects: a ledger failure is logged and the response goes out all the same.
 */
async function finish(job: Job<ProxyBody>): Promise<void> {
  const { row } = job;
  row.latency_ms = Math.round((performance.now() - job.started) * 100) / 100;
  // A unary response's first byte is its whole body.
  if (!row.streamed && row.status === 200) row.ttft_ms = row.latency_ms;
  try {
    await (job.admission
      ? job.admission.settle(row)
      : job.runtime.book.settleBatched(undefined, undefined, row));
  } catch (err) {
    job.runtime.log.error(`could not record request ${row.id}: ${String(err)}`);
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
  job: Job<ProxyBody>,
  reported: Usage | undefined,
  outputText: string,
): Promise<void> {
  const { row } = job;
  // Embedding usage has no completion_tokens; some servers send partial or zero counts. Whatever the
  // upstream left out is counted here, and the row says it was estimated.
  const prompt = reported?.prompt_tokens ?? 0;
  const completion = reported?.completion_tokens ?? 0;
  row.prompt_tokens = prompt > 0 ? prompt : await estimatePromptTokens(job.spec.name, job.body);
  row.completion_tokens =
    completion > 0 || outputText === '' ? completion : await estimateTextTokens(outputText);
  row.estimated = row.prompt_tokens !== prompt || row.completion_tokens !== completion;
  // Parts of prompt_tokens: prompt-cache reads and writes, priced apart from fresh input.
  row.cache_read_tokens = reported?.prompt_tokens_details?.cached_tokens ?? 0;
  row.cache_write_tokens = reported?.cache_creation_input_tokens ?? 0;
  priceRow(row, job.deployment, job.runtime.registry, reported?.cost);
}

function responseHeaders(job: Job<ProxyBody>): Record<string, string> {
  return {
    ...job.admission?.headers,
    'x-switchyard-deployment': job.row.deployment_id ?? '',
    'x-switchyard-attempts': String(job.row.attempts.length),
  };
}

const callCtx = (ctx: RouteContext) => ({ signal: ctx.signal, dispatcher: ctx.dispatcher });

function attempt(job: Job<ProxyBody>, input: AttemptInput): Attempt {
  const { adapter, target, candidate } = input;
  const promptTokens = job.ctx.promptTokens ?? (() => estimatePromptTokens(job.spec.name, job.body));
  return { adapter, target, deployment: candidate.deployment, promptTokens };
}

async function unary<B extends ProxyBody>(job: Job<B>): Promise<void> {
  const { spec, ctx, row } = job;
  let out;
  try {
    out = await route(ctx, job.model, false, (input) =>
      spec.call(attempt(job, input), job.body, callCtx(ctx)),
    );
    job.deployment = out.candidate.deployment;
    setDeployment(row, out.candidate.deployment.provider, out.candidate.deployment.id, out.candidate.model);
    row.attempts = out.attempts;
    await settleUsage(job, out.value.usage, spec.outputText(out.value.body));
  } catch (err) {
    const e = failed(row, err);
    if (err instanceof RouteFailure) job.deployment = err.last?.deployment;
    if (e.code === 'client_disconnected') await settleUsage(job, undefined, '');
    await finish(job);
    throw withHeaders(e, job.admission?.headers);
  }
  await finish(job);
  const reply = job.reply.headers(responseHeaders(job));
  const { raw } = out.value;
  if (raw === undefined) void reply.send(out.value.body);
  else void reply.type('application/json; charset=utf-8').send(raw);
}

function withHeaders(e: GatewayError, headers: Record<string, string> | undefined): GatewayError {
  if (headers) Object.assign(e.headers, headers, e.headers);
  return e;
}

async function streamed<B extends ProxyBody>(job: Job<B>): Promise<void> {
  const { spec, ctx, row } = job;
  const stream = spec.stream!;
  let it: ProviderStream;
  let first: IteratorResult<StreamPiece, void>;
  let release: () => void;
  try {
    const out = await route(ctx, job.model, true, async (input) => {
      const s = await stream(attempt(job, input), job.body, callCtx(ctx));
      // The stream counts as answered only once its first piece is here: until then, failures fall back.
      const head = await s.next();
      return { s, head };
    });
    it = out.value.s;
    first = out.value.head;
    release = out.release;
    job.deployment = out.candidate.deployment;
    setDeployment(row, out.candidate.deployment.provider, out.candidate.deployment.id, out.candidate.model);
    row.attempts = out.attempts;
  } catch (err) {
    const e = failed(row, err);
    await finish(job);
    throw withHeaders(e, job.admission?.headers);
  }

  row.ttft_ms = Math.round((performance.now() - job.started) * 100) / 100;
  const wantsUsage = spec.dialect.forwardsUsageOnly(job.body);
  job.reply.hijack();
  const res = job.reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': row.id,
    ...responseHeaders(job),
  });
  const out = new SseWriter(res);
  // Their text is read only if the upstream reports no completion tokens (see StreamPiece.text).
  const pieces: StreamPiece[] = [];
  let usage: Usage | undefined;
  let error: GatewayError | undefined;
  try {
    for (let step = first; !step.done; step = await it.next()) {
      const piece = step.value;
      pieces.push(piece);
      if (piece.usage) usage = piece.usage;
      if (piece.usageOnly && !wantsUsage) continue;
      // A promise only when the client is behind (backpressure): no microtask per piece otherwise.
      const written = out.write(piece.data, piece.event);
      if (written) await written;
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
  release();
  const counted = (usage?.completion_tokens ?? 0) > 0;
  await settleUsage(job, usage, counted ? '' : pieces.map((p) => p.text).join(''));
  // The row is written before the stream's last bytes: a response the client saw complete is on disk.
  await finish(job);
  if (res.destroyed) return;
  // Never a silently truncated success: a failure after the first byte ends the stream with an error event.
  const closing = error ? spec.dialect.failure(error) : spec.dialect.done;
  if (closing) await out.write(closing.data, closing.event);
  out.end();
}
