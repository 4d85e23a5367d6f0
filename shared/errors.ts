// Error codes the gateway answers with. `type` is OpenAI's error type field for that code.
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
} as const;

export type ErrorCode = keyof typeof ERROR_TYPES;
