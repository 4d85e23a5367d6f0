// "Test this deployment": one tiny real request (a five-token chat, or a one-word embedding), so the user
// sees the latency and the exact error the model itself gives — a model list can answer while the model
// name is wrong or the key lacks access to it. Wildcard entries name no model, so they get the list probe.
import type { Usage } from '../../../shared/wire/openai-responses.ts';
import type { Deployment } from '../config/gateway-config.ts';
import type { GatewayError } from '../errors.ts';
import { PROBE_TIMEOUT_MS, probeDeployment, timedCall, type ProbeContext } from './probe.ts';

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

export async function sendTestRequest(d: Deployment, ctx: ProbeContext): Promise<TestRequestResult> {
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
  const timeout = ctx.registry.isLocal(d.provider) ? LOCAL_TEST_TIMEOUT_MS : PROBE_TIMEOUT_MS * 4;
  const { latencyMs, out, error } = await timedCall(d, ctx, timeout, async (adapter, target, call) => {
    if (d.mode === 'embedding') {
      const { usage } = await adapter.embeddings(target, { model: d.model, input: 'ping' }, call);
      return { usage, reply: undefined };
    }
    const res = await adapter.chat(
      target,
      { model: d.model, messages: [{ role: 'user', content: 'Reply with the word OK.' }], max_tokens: 5 },
      call,
    );
    const content = (res.body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
      ?.content;
    return { usage: res.usage, reply: typeof content === 'string' ? content : undefined };
  });
  return { latencyMs, error, reply: out?.reply, usage: out?.usage, sentRequest: true };
}
