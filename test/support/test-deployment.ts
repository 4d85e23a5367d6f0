// A Deployment as the config loader makes it, for tests that build routing or endpoint state by hand:
// every optional setting unset, and what the test is about in `patch`.
import type { Deployment } from '../../main/gateway/config/gateway-config.ts';

export function testDeployment(patch: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd1',
    alias: 'a',
    index: 0,
    provider: 'openai',
    model: 'm',
    apiBase: undefined,
    apiKeyRef: undefined,
    apiVersion: undefined,
    rpm: undefined,
    tpm: undefined,
    timeoutMs: 1000,
    streamTimeoutMs: 1000,
    inputCostPerToken: undefined,
    outputCostPerToken: undefined,
    params: {},
    maxInputTokens: undefined,
    maxOutputTokens: undefined,
    systemPrompt: undefined,
    mode: undefined,
    weight: undefined,
    order: undefined,
    ...patch,
  };
}
