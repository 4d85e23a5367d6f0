// Ollama's native wire shapes (only the fields the adapter reads) and the small pieces of the
// OpenAI translation that chat, generate and embed share.
import { randomUUID } from 'node:crypto';
import type { Usage } from '../../../../shared/wire/openai-responses.ts';

export interface OllamaToolCall {
  function: { name: string; arguments: Record<string, unknown> | string; index?: number };
}

/** The fields every /api/chat and /api/generate line may carry (the last one has `done: true`). */
export interface OllamaDoneFields {
  model?: string;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: unknown;
}

export interface OllamaChatLine extends OllamaDoneFields {
  message?: { role?: string; content?: string; tool_calls?: OllamaToolCall[] };
}

export interface OllamaGenerateLine extends OllamaDoneFields {
  response?: string;
}

export interface OllamaEmbedResponse {
  model?: string;
  embeddings?: number[][];
  prompt_eval_count?: number;
}

/** Ollama leaves both counts out when it reports none (e.g. a fully cached prompt); the gateway then estimates. */
export function ollamaUsage(line: OllamaDoneFields): Usage | undefined {
  const prompt = typeof line.prompt_eval_count === 'number' ? line.prompt_eval_count : undefined;
  const completion = typeof line.eval_count === 'number' ? line.eval_count : undefined;
  if (prompt === undefined && completion === undefined) return undefined;
  return {
    prompt_tokens: prompt ?? 0,
    completion_tokens: completion ?? 0,
    total_tokens: (prompt ?? 0) + (completion ?? 0),
  };
}

export function finishReason(doneReason: string | undefined, hadToolCalls: boolean): string {
  if (hadToolCalls) return 'tool_calls';
  return doneReason === 'length' ? 'length' : 'stop';
}

/** `prefix` includes its separator: `chatcmpl-`, `cmpl-`, `call_`. */
export function newId(prefix: string): string {
  return prefix + randomUUID().replaceAll('-', '');
}

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** OpenAI sends tool arguments as a JSON string; Ollama as an object (some builds already as a string). */
export function argumentsText(args: Record<string, unknown> | string | undefined): string {
  if (typeof args === 'string') return args;
  return JSON.stringify(args ?? {});
}
