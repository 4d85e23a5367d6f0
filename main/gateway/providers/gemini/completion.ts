// Legacy /v1/completions on Gemini. Its OpenAI layer implements chat completions only, so a text prompt
// goes out as one user message and the answer comes back in text_completion shape, streamed or not.
import type { ChatCompletionRequest, CompletionRequest } from '../../../../shared/wire/openai-requests.ts';
import type { TextCompletion } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import type { ProviderStream, StreamPiece } from '../provider.ts';

/**
 * The chat request carrying a completion request's prompt. Completion-only fields a chat model cannot
 * honour (`suffix` for fill-in-the-middle, `echo`, `best_of`, `logprobs` as a count) are left out.
 */
export function completionAsChat(body: CompletionRequest): ChatCompletionRequest {
  const { prompt, suffix: _suffix, echo: _echo, best_of: _bestOf, logprobs: _logprobs, ...rest } = body;
  const text =
    typeof prompt === 'string'
      ? prompt
      : Array.isArray(prompt) && prompt.length === 1
        ? prompt[0]
        : undefined;
  if (typeof text !== 'string') {
    throw new GatewayError(
      400,
      'invalid_request',
      'Gemini answers completions through its chat API, one text prompt per request: send `prompt` as a string',
      { param: 'prompt' },
    );
  }
  return { ...rest, messages: [{ role: 'user', content: text }] } as ChatCompletionRequest;
}

interface ChatChoice {
  index?: number;
  message?: { content?: unknown };
  delta?: { content?: unknown };
  finish_reason?: string | null;
}

interface ChatLike {
  id?: string;
  created?: number;
  model?: string;
  choices?: ChatChoice[];
  usage?: TextCompletion['usage'];
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v : '');

function asCompletion(chat: ChatLike, fallbackModel: string, streamed: boolean): TextCompletion {
  const out: TextCompletion = {
    id: chat.id ?? '',
    object: 'text_completion',
    created: chat.created ?? Math.floor(Date.now() / 1000),
    model: chat.model ?? fallbackModel,
    choices: (chat.choices ?? []).map((c, i) => ({
      index: c.index ?? i,
      text: textOf(streamed ? c.delta?.content : c.message?.content),
      finish_reason: c.finish_reason ?? null,
      logprobs: null,
    })),
  };
  if (chat.usage !== undefined) out.usage = chat.usage;
  return out;
}

export function chatAsCompletion(chat: unknown, fallbackModel: string): TextCompletion {
  return asCompletion((chat ?? {}) as ChatLike, fallbackModel, false);
}

/** Re-shapes each streamed chat chunk into a text_completion chunk; usage and text pass through as is. */
export async function* chatStreamAsCompletion(chat: ProviderStream, fallbackModel: string): ProviderStream {
  // Delegating by hand so an early return() from the client reaches the upstream stream.
  try {
    for (;;) {
      const next = await chat.next();
      if (next.done) return;
      const piece = next.value;
      const chunk = asCompletion(JSON.parse(piece.data) as ChatLike, fallbackModel, true);
      // `text` may be a getter on the piece's prototype, which a spread would leave out.
      const out: StreamPiece = { ...piece, text: piece.text, data: JSON.stringify(chunk) };
      yield out;
    }
  } finally {
    await chat.return?.();
  }
}
