// A deliberately partial schema of Anthropic's Messages request: it checks what the gateway relies on
// (and what a translation to another dialect needs) and lets every other field through untouched, so a
// native pass-through keeps fields this file has never heard of (cache_control, context_management…).
import { z } from 'zod';

const contentBlock = z.looseObject({ type: z.string() });
const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

export const anthropicToolSchema = z.looseObject({
  /** Absent on some beta tool kinds (an MCP toolset names its server instead). */
  name: z.string().optional(),
  description: z.string().optional(),
  /** Absent on server tools (web search, code execution…), which only Anthropic can run. */
  input_schema: z.looseObject({}).optional(),
  type: z.string().optional(),
});

export const anthropicToolChoiceSchema = z.looseObject({
  type: z.enum(['auto', 'any', 'tool', 'none']),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

const countFields = {
  model: z.string().min(1),
  messages: z.array(anthropicMessageSchema).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(anthropicToolSchema).optional(),
  tool_choice: anthropicToolChoiceSchema.optional(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.number().int().optional() }).optional(),
};

export const messagesRequestSchema = z.looseObject({
  ...countFields,
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
});

/** `/v1/messages/count_tokens`: the same input, no max_tokens. */
export const countTokensRequestSchema = z.looseObject(countFields);

export type AnthropicMessageParam = z.infer<typeof anthropicMessageSchema>;
export type AnthropicTool = z.infer<typeof anthropicToolSchema>;
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
