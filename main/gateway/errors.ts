import { ANTHROPIC_ERROR_TYPES, ERROR_TYPES, type ErrorCode } from '../../shared/errors.ts';
import type { AnthropicErrorBody } from '../../shared/wire/anthropic-responses.ts';

export interface GatewayErrorOptions {
  retryable?: boolean;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
  /** The upstream's HTTP status, when the error came from a provider. */
  upstreamStatus?: number;
  /**
   * The upstream's own error body, kept so a client speaking the same dialect (Anthropic on a native
   * /v1/messages pass-through) gets it verbatim. Must already be free of secrets.
   */
  upstreamBody?: unknown;
}

/**
 * The one error type crossing the core; it becomes an OpenAI- or Anthropic-shaped body in
 * server/plugins/error-handler.ts (and in a stream's closing error event).
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly upstreamStatus: number | undefined;
  readonly upstreamBody: unknown;

  constructor(status: number, code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamBody = options.upstreamBody;
  }

  get type(): string {
    return ERROR_TYPES[this.code];
  }

  toOpenAIBody(): { error: { message: string; type: string; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  /** The upstream's own Anthropic error body when it sent one (a native pass-through), else ours in its shape. */
  toAnthropicBody(): AnthropicErrorBody {
    if (isAnthropicErrorBody(this.upstreamBody)) return this.upstreamBody;
    return { type: 'error', error: { type: ANTHROPIC_ERROR_TYPES[this.code], message: this.message } };
  }

  /** The status an Anthropic client sees: the upstream's own when its body is relayed verbatim. */
  get anthropicStatus(): number {
    return isAnthropicErrorBody(this.upstreamBody) && this.upstreamStatus !== undefined
      ? this.upstreamStatus
      : this.status;
  }
}

/** Whether a body is Anthropic's error shape, `{type: 'error', error: {type, message}}`. */
export function isAnthropicErrorBody(b: unknown): b is AnthropicErrorBody {
  const o = b as { type?: unknown; error?: { type?: unknown; message?: unknown } } | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    o.type === 'error' &&
    typeof o.error?.type === 'string' &&
    typeof o.error.message === 'string'
  );
}

export const isGatewayError = (e: unknown): e is GatewayError => e instanceof GatewayError;
