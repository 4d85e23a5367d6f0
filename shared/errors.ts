// Error codes the gateway answers with. `type` is OpenAI's error type field for that code;
// ANTHROPIC_ERROR_TYPES is the same code in Anthropic's words, for /v1/messages clients.
export const ERROR_TYPES = {
  invalid_request: 'invalid_request_error',
  invalid_json: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  context_length_exceeded: 'invalid_request_error',
  invalid_api_key: 'authentication_error',
  model_not_found: 'invalid_request_error',
  not_found: 'invalid_request_error',
  forbidden_host: 'invalid_request_error',
  rate_limit_exceeded: 'rate_limit_error',
  budget_exceeded: 'budget_exceeded',
  model_not_allowed: 'permission_error',
  key_blocked: 'authentication_error',
  key_expired: 'authentication_error',
  upstream_error: 'api_error',
  upstream_auth_failed: 'api_error',
  upstream_unavailable: 'api_error',
  upstream_timeout: 'timeout_error',
  client_disconnected: 'api_error',
  internal_error: 'api_error',
  gateway_paused: 'api_error',
} as const;

export type ErrorCode = keyof typeof ERROR_TYPES;

/** The `error.type` values of Anthropic's API (its errors page), one per HTTP status family. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

// Budget refusals are 429s: Claude Code and the SDK treat rate_limit_error as "wait", and the
// x-should-retry: false header the gateway adds stops their automatic retries.
export const ANTHROPIC_ERROR_TYPES = {
  invalid_request: 'invalid_request_error',
  invalid_json: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  request_too_large: 'request_too_large',
  context_length_exceeded: 'invalid_request_error',
  invalid_api_key: 'authentication_error',
  model_not_found: 'not_found_error',
  not_found: 'not_found_error',
  forbidden_host: 'permission_error',
  rate_limit_exceeded: 'rate_limit_error',
  budget_exceeded: 'rate_limit_error',
  model_not_allowed: 'permission_error',
  key_blocked: 'authentication_error',
  key_expired: 'authentication_error',
  upstream_error: 'api_error',
  upstream_auth_failed: 'api_error',
  upstream_unavailable: 'overloaded_error',
  upstream_timeout: 'api_error',
  client_disconnected: 'api_error',
  internal_error: 'api_error',
  gateway_paused: 'api_error',
} as const satisfies Record<ErrorCode, AnthropicErrorType>;
