// How each client dialect frames a stream around its content events, as data for proxy-handler.ts:
// OpenAI ends with `data: [DONE]`, reports a late failure as an error object and sends usage only when
// asked; Anthropic names every event, ends with its own message_stop (nothing after it), reports a late
// failure as `event: error`, and always carries usage.
import type { GatewayError } from '../errors.ts';

export interface SseEvent {
  data: string;
  /** The SSE `event:` name; OpenAI's dialect has none. */
  event?: string;
}

export interface StreamDialect {
  /** Whether a piece carrying only usage (OpenAI's include_usage chunk) goes to the client. */
  forwardsUsageOnly(body: { stream_options?: unknown }): boolean;
  /** Written after the last piece of a stream that ended well, when the dialect has a terminator. */
  done: SseEvent | undefined;
  /** Ends a stream that failed after its first byte: never a silently truncated success. */
  failure(e: GatewayError): SseEvent;
}

export const openaiDialect: StreamDialect = {
  forwardsUsageOnly: (body) =>
    (body.stream_options as { include_usage?: boolean } | null | undefined)?.include_usage === true,
  done: { data: '[DONE]' },
  failure: (e) => ({ data: JSON.stringify(e.toOpenAIBody()) }),
};

export const anthropicDialect: StreamDialect = {
  forwardsUsageOnly: () => true,
  done: undefined,
  failure: (e) => ({ event: 'error', data: JSON.stringify(e.toAnthropicBody()) }),
};
