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
  /** The model's output-token limit (model_info, else the price table), for providers that require max_tokens. */
  maxOutputTokens?: number | undefined;
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
  /**
   * `body`'s JSON text exactly as the upstream sent it, only when `body` is that JSON unchanged: the
   * client gets these bytes, not a re-serialisation (the same bytes, field order and number forms).
   */
  raw?: string;
}

/**
 * One server-sent event for the client: `data` is the JSON text of an OpenAI-shaped chunk, or, on a
 * native Messages stream, of an Anthropic event whose name is `event`.
 */
export interface StreamPiece {
  data: string;
  /** The SSE `event:` line (Anthropic's dialect names every event); absent in OpenAI's dialect. */
  event?: string;
  /**
   * Text this piece adds to the completion (for token estimates when the upstream reports no usage).
   * It may be a getter that parses `data` on first read: read it only when the estimate is needed, and
   * name it when copying a piece (a spread leaves out a getter that lives on the prototype).
   */
  readonly text: string;
  usage?: Usage;
  /** A chunk carrying only usage: forwarded only to clients that asked for usage. */
  usageOnly?: boolean;
}

export type ProviderStream = AsyncIterator<StreamPiece, void>;

/** The Anthropic headers a client's /v1/messages request carries, forwarded untouched on a native pass-through. */
export interface AnthropicPassHeaders {
  'anthropic-version'?: string;
  'anthropic-beta'?: string;
}

/**
 * Optional capability: the provider speaks Anthropic's Messages API natively, so `/v1/messages` passes
 * the client's request through untranslated (bodies are Anthropic-shaped; `model` is already the
 * upstream's). Usage is still reported OpenAI-shaped for the ledger: prompt_tokens counts every input
 * token, cached ones included, with `prompt_tokens_details.cached_tokens` (cache reads) and
 * `cache_creation_input_tokens` (cache writes) saying which.
 */
export interface NativeMessages {
  messages(
    target: ProviderTarget,
    body: Record<string, unknown>,
    headers: AnthropicPassHeaders,
    ctx: CallContext,
  ): Promise<ProviderResult<unknown>>;
  /** Pieces carry the upstream's events verbatim: `event` is its name, `data` its JSON text. */
  messagesStream(
    target: ProviderTarget,
    body: Record<string, unknown>,
    headers: AnthropicPassHeaders,
    ctx: CallContext,
  ): Promise<ProviderStream>;
  /** The upstream's own count (`/v1/messages/count_tokens`) of a Messages request's input tokens. */
  countTokens(
    target: ProviderTarget,
    body: Record<string, unknown>,
    headers: AnthropicPassHeaders,
    ctx: CallContext,
  ): Promise<number>;
}

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
  /** Present only on adapters that speak Anthropic's Messages API natively. */
  readonly nativeMessages?: NativeMessages;
}
