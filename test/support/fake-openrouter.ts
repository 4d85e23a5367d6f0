// A stand-in for OpenRouter: OpenAI's wire format under /api/v1, with the request's own price in
// `usage.cost` (USD), as OpenRouter reports it on every response and on a stream's last chunk.
import { startFakeServer, type FakeBehavior, type FakeUpstream } from './fake-upstream-core.ts';
import { openaiWireFormat } from './fake-openai.ts';

/** What the fake bills: $1 per million prompt tokens, $2 per million completion tokens. */
export function fakeOpenRouterCost(usage: { prompt_tokens: number; completion_tokens: number }): number {
  return usage.prompt_tokens * 1e-6 + usage.completion_tokens * 2e-6;
}

/** Starts a fake OpenRouter; its `url` ends in `/api/v1`, the api_base. */
export function startFakeOpenRouter(opts: Partial<FakeBehavior> = {}): Promise<FakeUpstream> {
  const wire = openaiWireFormat({
    usageExtra: (usage) => ({ cost: fakeOpenRouterCost(usage), is_byok: false }),
  });
  return startFakeServer(wire, '/api/v1', opts);
}
