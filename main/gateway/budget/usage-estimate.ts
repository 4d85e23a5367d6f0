// Token counts for when an upstream reports no usage: the ledger never records 0 tokens for a request
// that produced output. Rows filled from here are marked estimated. Also a cheap upper bound of a
// prompt's tokens, for reservations that fit the budget without an exact count.
import type { EndpointName } from '../../../shared/wire/openai-requests.ts';
import {
  chatPromptTokens,
  countChatPromptTokens,
  countCompletionPromptTokens,
  countEmbeddingInputTokens,
  countMessagesPromptTokens,
  countTextTokens,
  messagesPromptTokens,
  tokenInputCount,
  UTF8_BYTES,
} from './token-count.ts';

type PromptBody = { messages?: unknown; tools?: unknown; prompt?: unknown; input?: unknown };

export async function estimatePromptTokens(endpoint: EndpointName, body: unknown): Promise<number> {
  const b = body as PromptBody;
  if (endpoint === 'chat.completions') return countChatPromptTokens(b.messages as never, b.tools as never);
  if (endpoint === 'completions') return countCompletionPromptTokens(b.prompt as never);
  if (endpoint === 'messages') return countMessagesPromptTokens(body as never);
  return countEmbeddingInputTokens(b.input as never);
}

/**
 * At least estimatePromptTokens() of the same body, counted without the tokenizer: every text as its
 * UTF-8 bytes (see UTF8_BYTES), every framing and image constant the same. Microseconds, where an
 * exact count needs the tokenizer's worker and a time that grows with the prompt.
 */
export function promptTokensUpperBound(endpoint: EndpointName, body: unknown): number {
  const b = body as PromptBody;
  if (endpoint === 'chat.completions')
    return chatPromptTokens(UTF8_BYTES, b.messages as never, b.tools as never);
  if (endpoint === 'completions') return tokenInputCount(UTF8_BYTES, b.prompt as never);
  if (endpoint === 'messages') return messagesPromptTokens(UTF8_BYTES, body as never);
  return tokenInputCount(UTF8_BYTES, b.input as never);
}

export async function estimateTextTokens(text: string): Promise<number> {
  return text === '' ? 0 : countTextTokens(text);
}
