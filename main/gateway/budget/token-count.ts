// Token counts for requests whose upstream reported no usage, with the o200k_base tokenizer (GPT-4o,
// GPT-4.1, GPT-5, o-series). For other vendors' models the count is an estimate: their tokenizers differ.
import type { ChatMessage } from '../../../shared/wire/openai-requests.ts';
import { o200kCounter } from './o200k-counter.ts';
import { readO200kRanks } from './o200k-ranks.ts';
import { workerTextCounter } from './tokenizer-worker.ts';

// OpenAI's chat framing, from its cookbook "How to count tokens with tiktoken": every message costs
// 3 tokens on top of its fields, a `name` 1 more, and the reply is primed with 3.
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;
/**
 * What one image part is counted as: OpenAI's flat cost of a `detail: "low"` image on GPT-4o. High
 * detail costs 85 + 170 per 512px tile, which would need the image's size; we never fetch or decode
 * images, so high-detail images are under-counted.
 */
export const IMAGE_PART_TOKENS = 85;

export interface Tokenizer {
  /** o200k_base token count; special-token text such as `<|endoftext|>` counts as plain text. */
  countText(text: string): number;
}

type TokenInput = string | readonly string[] | readonly number[] | readonly (readonly number[])[];

let loading: Promise<Tokenizer> | undefined;

/**
 * The tokenizer on this thread, loaded on first use (~20 ms and ~5 MB here, kept for the life of the
 * process). Short texts are counted with it; long ones in a worker (tokenizer-worker.ts), which keeps
 * long counts off the event loop, and it is the fallback when no worker runs. Concurrent first calls
 * share one load.
 */
export function loadTokenizer(): Promise<Tokenizer> {
  loading ??= readO200kRanks().then(
    (file): Tokenizer => {
      const count = o200kCounter(file);
      return { countText: (text) => (text === '' ? 0 : count(text)) };
    },
    (err: unknown) => {
      loading = undefined; // let a later call retry rather than cache the failure
      throw err;
    },
  );
  return loading;
}

const counter = workerTextCounter(async (texts) => {
  const tk = await loadTokenizer();
  let total = 0;
  for (const text of texts) total += tk.countText(text);
  return total;
});
let counted = false;

/** Whether any count has needed the tokenizer (tests check that a request did not). */
export function tokenizerLoaded(): boolean {
  return counted || loading !== undefined;
}

/**
 * A count whose texts are collected first (every framing and image constant added on the spot) and
 * then counted together by the worker: one message per request, not one per text.
 */
async function countCollected(walk: (tk: Tokenizer) => number): Promise<number> {
  const texts: string[] = [];
  const fixed = walk({
    countText: (text) => {
      if (text !== '') texts.push(text);
      return 0;
    },
  });
  if (texts.length === 0) return fixed;
  counted = true;
  return fixed + (await counter.count(texts));
}

export async function countTextTokens(text: string): Promise<number> {
  return countCollected((tk) => tk.countText(text));
}

/**
 * UTF-8 bytes as tokens: an upper bound of every count here, with no tokenizer to load. o200k is a
 * byte-level BPE, so each token stands for at least one byte of the text (special-token text is
 * counted as plain text, see o200kCounter); the framing and image constants are the same in both.
 */
export const UTF8_BYTES: Tokenizer = { countText: (text) => Buffer.byteLength(text, 'utf8') };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function contentTokens(tk: Tokenizer, content: unknown): number {
  if (typeof content === 'string') return tk.countText(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') total += tk.countText(part.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') total += tk.countText(part.refusal);
    else if (part.type === 'image_url' || part.type === 'image') total += IMAGE_PART_TOKENS;
    // Audio and file parts are not counted: their cost depends on duration / content we do not decode.
  }
  return total;
}

function toolCallTokens(tk: Tokenizer, calls: unknown): number {
  if (!Array.isArray(calls)) return 0;
  let total = 0;
  for (const call of calls) {
    const fn = isRecord(call) ? call.function : undefined;
    if (!isRecord(fn)) continue;
    if (typeof fn.name === 'string') total += tk.countText(fn.name);
    if (typeof fn.arguments === 'string') total += tk.countText(fn.arguments);
  }
  return total;
}

/**
 * Prompt tokens of a chat request. Tool definitions are counted as their JSON text: OpenAI does not
 * document how it renders them, so that part is an estimate.
 */
export async function countChatPromptTokens(
  messages: readonly ChatMessage[],
  tools?: readonly unknown[],
): Promise<number> {
  return countCollected((tk) => chatPromptTokens(tk, messages, tools));
}

export function chatPromptTokens(
  tk: Tokenizer,
  messages: readonly ChatMessage[],
  tools?: readonly unknown[],
): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + tk.countText(message.role) + contentTokens(tk, message.content);
    if (message.name) total += TOKENS_PER_NAME + tk.countText(message.name);
    if (message.tool_call_id) total += tk.countText(message.tool_call_id);
    total += toolCallTokens(tk, message.tool_calls);
    const legacyCall: unknown = message.function_call;
    if (isRecord(legacyCall)) total += toolCallTokens(tk, [{ function: legacyCall }]);
  }
  if (tools && tools.length > 0) total += tk.countText(JSON.stringify(tools));
  return total;
}

// Token-id arrays are already tokens: counted by length, without loading the tokenizer for them.
function countTokenInput(input: TokenInput): Promise<number> {
  return countCollected((tk) => tokenInputCount(tk, input));
}

/** Tokens of a completion prompt or an embeddings input (a string, strings, token ids, lists of ids). */
export function tokenInputCount(tk: Tokenizer, input: TokenInput): number {
  if (typeof input === 'string') return tk.countText(input);
  let total = 0;
  for (const item of input) {
    if (typeof item === 'number') total += 1;
    else if (typeof item === 'string') total += tk.countText(item);
    else total += item.length;
  }
  return total;
}

/** Prompt tokens of a legacy completions request: a string, strings, token ids, or lists of token ids. */
export function countCompletionPromptTokens(prompt: TokenInput): Promise<number> {
  return countTokenInput(prompt);
}

/** Input tokens of an embeddings request (the same four shapes as a completion prompt). */
export function countEmbeddingInputTokens(input: TokenInput): Promise<number> {
  return countTokenInput(input);
}

/**
 * The hidden system prompt Anthropic adds when a request offers tools (its tool-use docs: 346 tokens with
 * tool_choice auto/none on Claude 4-era models, 313 with any/tool; the larger is used).
 */
export const ANTHROPIC_TOOL_SYSTEM_TOKENS = 346;
/**
 * One image or PDF document whose size we do not decode: Anthropic scales images to about 1.15 megapixels,
 * about 1,600 tokens (its vision docs: tokens ≈ width × height / 750). PDF pages cost more, so documents of
 * several pages are under-counted.
 */
export const ANTHROPIC_IMAGE_TOKENS = 1600;

function anthropicBlockTokens(tk: Tokenizer, block: unknown): number {
  if (typeof block === 'string') return tk.countText(block);
  if (!isRecord(block)) return 0;
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? tk.countText(block.text) : 0;
    case 'thinking':
      return typeof block.thinking === 'string' ? tk.countText(block.thinking) : 0;
    case 'image':
      return ANTHROPIC_IMAGE_TOKENS;
    case 'document': {
      const source = isRecord(block.source) ? block.source : {};
      if (source.type === 'text' && typeof source.data === 'string') return tk.countText(source.data);
      if (source.type === 'content') return anthropicContentTokens(tk, source.content);
      return ANTHROPIC_IMAGE_TOKENS;
    }
    case 'tool_use':
      return (
        (typeof block.name === 'string' ? tk.countText(block.name) : 0) +
        tk.countText(JSON.stringify(block.input ?? {}))
      );
    case 'tool_result':
      return anthropicContentTokens(tk, block.content) + TOKENS_PER_MESSAGE;
    default:
      // Unknown blocks (search results, server tool results…): their JSON text is a fair upper estimate.
      return tk.countText(JSON.stringify(block));
  }
}

function anthropicContentTokens(tk: Tokenizer, content: unknown): number {
  if (typeof content === 'string') return tk.countText(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const block of content) total += anthropicBlockTokens(tk, block);
  return total;
}

/**
 * Input tokens of an Anthropic Messages request (for budgets, and /v1/messages/count_tokens when no
 * upstream can count): system, messages with a per-message overhead, tool schemas as JSON text plus
 * Anthropic's hidden tool prompt. Claude's tokenizer differs from o200k, so this is an estimate.
 */
export async function countMessagesPromptTokens(body: MessagesPromptBody): Promise<number> {
  return countCollected((tk) => messagesPromptTokens(tk, body));
}

export interface MessagesPromptBody {
  system?: unknown;
  messages?: readonly { role?: unknown; content?: unknown }[];
  tools?: readonly unknown[];
}

export function messagesPromptTokens(tk: Tokenizer, body: MessagesPromptBody): number {
  let total = REPLY_PRIMING_TOKENS + anthropicContentTokens(tk, body.system);
  for (const m of body.messages ?? []) {
    total += TOKENS_PER_MESSAGE + anthropicContentTokens(tk, m.content);
    if (typeof m.role === 'string') total += tk.countText(m.role);
  }
  if (body.tools && body.tools.length > 0)
    total += tk.countText(JSON.stringify(body.tools)) + ANTHROPIC_TOOL_SYSTEM_TOKENS;
  return total;
}
