// The response shapes the gateway produces itself (when it translates from a non-OpenAI provider).
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cached_tokens`: the part of prompt_tokens read from the provider's prompt cache. */
  prompt_tokens_details?: { cached_tokens?: number };
  /** The part of prompt_tokens written to the prompt cache (Anthropic bills it above the input price; LiteLLM's name). */
  cache_creation_input_tokens?: number;
  /** USD the upstream billed for this request, when it reports its bill (OpenRouter's `usage.cost`). */
  cost?: number;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] };
    finish_reason: string | null;
    logprobs: null;
  }[];
  usage?: Usage;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string; tool_calls?: (Partial<ToolCall> & { index: number })[] };
    finish_reason: string | null;
    logprobs?: null;
  }[];
  usage?: Usage | null;
}

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: string | null; logprobs: null }[];
  usage?: Usage | null;
}

export interface EmbeddingList {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface ModelList {
  object: 'list';
  data: { id: string; object: 'model'; created: number; owned_by: string }[];
}
