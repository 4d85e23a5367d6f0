// Token counts for when an upstream reports no usage: the ledger never records 0 tokens for a request
// that produced output. Rows filled from here are marked estimated.
import type { EndpointName } from '../../../shared/wire/openai-requests.ts';
import {
  countChatPromptTokens,
  countCompletionPromptTokens,
  countEmbeddingInputTokens,
  countMessagesPromptTokens,
  countTextTokens,
} from './token-count.ts';

export async function estimatePromptTokens(endpoint: EndpointName, body: unknown): Promise<number> {
  const b = body as { messages?: unknown; tools?: unknown; prompt?: unknown; input?: unknown };
  if (endpoint === 'chat.completions') return countChatPromptTokens(b.messages as never, b.tools as never);
  if (endpoint === 'completions') return countCompletionPromptTokens(b.prompt as never);
  if (endpoint === 'messages') return countMessagesPromptTokens(body as never);
  return countEmbeddingInputTokens(b.input as never);
}

export async function estimateTextTokens(text: string): Promise<number> {
  return text === '' ? 0 : countTextTokens(text);
}
