// The one interface every provider adapter implements. The router talks only to this; it never branches
// on a provider's name. Request bodies are OpenAI-shaped; each adapter translates to its wire format.
import type {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
} from '../../../shared/wire/openai-requests.ts';
import type { Dispatcher } from 'undici';
import type { Usage } from '../../../shared/wire/openai-responses.ts';

export const PROVIDER_SPEC_VERSION = 1;

/** Where and how to reach one deployment, with its secret already resolved (never logged). */
export interface ProviderTarget {
  /** Upstream model name, provider prefix stripped. */
  model: string;
  apiBase: string | undefined;
  apiKey: string | undefined;
  apiVersion: string | undefined;
  /** Milliseconds until the response (or, when streaming, its first chunk) must have started. */
  firstByteTimeoutMs: number;
  /** Milliseconds for the whole call. */
  totalTimeoutMs: number;
}

export interface CallContext {
  signal: AbortSignal;
  /** undici dispatcher to use; the default keep-alive agent when absent. */
  dispatcher?: Dispatcher | undefined;
}

export interface ProviderResult<T> {
  body: T;
  /** Usage as the upstream reported it, or undefined when it reported none. */
  usage: Usage | undefined;
}

/** One server-sent event for the client: `data` is the JSON text of an OpenAI-shaped chunk. */
export interface StreamPiece {
  data: string;
  /** Text this piece adds to the completion (for token estimates when the upstream reports no usage). */
  text: string;
  usage?: Usage;
  /** A chunk carrying only usage: forwarded only to clients that asked for usage. */
  usageOnly?: boolean;
}

export type ProviderStream = AsyncIterator<StreamPiece, void>;

export interface ProviderAdapter {
  readonly specificationVersion: typeof PROVIDER_SPEC_VERSION;
  /** The `litellm_params.model` prefixes this adapter serves, e.g. `ollama`, `ollama_chat`. */
  readonly prefixes: readonly string[];
  /** Whether requests to this provider cost nothing unless a price is configured (local runtimes). */
  readonly local: boolean;
  defaultApiBase(prefix: string): string | undefined;

  chat(
    target: ProviderTarget,
    body: ChatCompletionRequest,
    ctx: CallContext,
  ): Promise<ProviderResult<unknown>>;
  chatStream(target: ProviderTarget, body: ChatCompletionRequest, ctx: CallContext): Promise<ProviderStream>;
  completion(
    target: ProviderTarget,
    body: CompletionRequest,
    ctx: CallContext,
  ): Promise<ProviderResult<unknown>>;
  completionStream(
    target: ProviderTarget,
    body: CompletionRequest,
    ctx: CallContext,
  ): Promise<ProviderStream>;
  embeddings(
    target: ProviderTarget,
    body: EmbeddingRequest,
    ctx: CallContext,
  ): Promise<ProviderResult<unknown>>;
  listModels(target: Omit<ProviderTarget, 'model'>, ctx: CallContext): Promise<string[]>;
}
