// Deliberately partial schemas of OpenAI's request bodies: they check what the gateway relies on and let
// every other field through untouched, so a new upstream field never breaks a client.
import { z } from 'zod';

const contentPart = z.looseObject({ type: z.string() });
const messageContent = z.union([z.string(), z.array(contentPart), z.null()]);

export const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: messageContent.optional(),
  name: z.string().optional(),
  tool_calls: z.array(z.looseObject({})).optional(),
  tool_call_id: z.string().optional(),
});

const maxTokens = z.number().int().positive();
const streamOptions = z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional();
const stop = z
  .union([z.string(), z.array(z.string()).max(16)])
  .nullable()
  .optional();

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions,
  max_tokens: maxTokens.nullable().optional(),
  max_completion_tokens: maxTokens.nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  stop,
  seed: z.number().int().nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
});

export const completionRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  suffix: z.string().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions,
  max_tokens: maxTokens.nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  stop,
  seed: z.number().int().nullable().optional(),
});

export const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
});

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type CompletionRequest = z.infer<typeof completionRequestSchema>;
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

/** The proxied endpoints, as the ledger names them (`messages`: Anthropic's /v1/messages). */
export type EndpointName = 'chat.completions' | 'completions' | 'embeddings' | 'messages';
