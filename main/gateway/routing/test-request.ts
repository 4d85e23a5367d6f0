// "Test this deployment": one tiny real request (a five-token chat, or a one-word embedding), so the user
// sees the latency and the exact error the model itself gives — a model list can answer while the model
// name is wrong or the key lacks access to it. Wildcard entries name no model, so they get the list probe.
import type { Usage } from '../../../shared/wire/openai-responses.ts';
import type { Deployment, GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Dispatcher } from 'undici';
import { PROBE_TIMEOUT_MS, probeDeployment } from './probe.ts';
import { targetFor } from './router.ts';

/** Local runtimes may need to load the model from disk first. */
const LOCAL_TEST_TIMEOUT_MS = 60_000;

export interface TestRequestResult {
  latencyMs: number;
  error: GatewayError | undefined;
  /** What the model answered, when it answered in text. */
  reply: string | undefined;
  usage: Usage | undefined;
  /** Whether a real request was sent (else only the model list was asked for). */
  sentRequest: boolean;
}

export async function sendTestRequest(
  d: Deployment,
  ctx: {
    config: GatewayConfig;
    apiKeys: Map<string, string>;
    registry: ProviderRegistry;
    dispatcher?: Dispatcher | undefined;
  },
): Promise<TestRequestResult> {
  if (d.model.includes('*')) {
    const probe = await probeDeployment(d, ctx);
    return {
      latencyMs: probe.latencyMs,
      error: probe.error,
      reply: undefined,
      usage: undefined,
      sentRequest: false,
    };
  }
  const adapter = ctx.registry.get(d.provider);
  const timeout = ctx.registry.isLocal(d.provider) ? LOCAL_TEST_TIMEOUT_MS : PROBE_TIMEOUT_MS * 4;
  const signal = AbortSignal.timeout(timeout);
  const target = {
    ...targetFor({ ...ctx, signal }, { deployment: d, model: d.model }, adapter, false),
    firstByteTimeoutMs: timeout,
    totalTimeoutMs: timeout,
  };
  const call = { signal, dispatcher: ctx.dispatcher };
  const started = performance.now();
  let error: GatewayError | undefined;
  let reply: string | undefined;
  let usage: Usage | undefined;
  try {
    if (d.mode === 'embedding') {
      ({ usage } = await adapter.embeddings(target, { model: d.model, input: 'ping' }, call));
    } else {
      const out = await adapter.chat(
        target,
        { model: d.model, messages: [{ role: 'user', content: 'Reply with the word OK.' }], max_tokens: 5 },
        call,
      );
      usage = out.usage;
      const content = (out.body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
        ?.content;
      if (typeof content === 'string') reply = content;
    }
  } catch (err) {
    error = err instanceof GatewayError ? err : new GatewayError(503, 'upstream_unavailable', String(err));
  }
  return {
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
    error,
    reply,
    usage,
    sentRequest: true,
  };
}
