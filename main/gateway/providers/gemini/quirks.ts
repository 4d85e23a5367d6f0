// What Gemini's OpenAI-compatible layer (generativelanguage.googleapis.com/v1beta/openai) does not take
// as OpenAI sends it. It validates bodies strictly: a field it does not know fails the whole request with
// 400 "Invalid JSON payload received. Unknown name \"<field>\": Cannot find field." instead of being
// ignored, so fields other OpenAI-compatible servers accept are dropped or renamed here.

/**
 * Top-level fields reported refused with that error: `seed`, `frequency_penalty`, `presence_penalty`,
 * `store`, `prompt_cache_key`, `top_k`, `thinking` (Anthropic's) in public bug reports and client
 * workarounds; `repeat_penalty`, `num_ctx`, `keep_alive` are Ollama options a deployment may carry as
 * defaults and no OpenAI field at all.
 */
export const GEMINI_DROPPED_FIELDS = [
  'seed',
  'frequency_penalty',
  'presence_penalty',
  'store',
  'prompt_cache_key',
  'top_k',
  'thinking',
  'repeat_penalty',
  'num_ctx',
  'keep_alive',
] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A chat body in the shape Gemini's OpenAI layer accepts. */
export function geminiChatBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const field of GEMINI_DROPPED_FIELDS) delete out[field];

  // Refused as an unknown name; `max_tokens` (Gemini's maxOutputTokens, thinking included) is the
  // same limit.
  if ('max_completion_tokens' in out) {
    if (out.max_tokens === undefined || out.max_tokens === null) out.max_tokens = out.max_completion_tokens;
    delete out.max_completion_tokens;
  }

  // OpenRouter-style `reasoning: {effort}` is refused; Gemini takes OpenAI's `reasoning_effort`.
  if ('reasoning' in out) {
    const effort = isObject(out.reasoning) ? out.reasoning.effort : undefined;
    if (out.reasoning_effort === undefined && typeof effort === 'string') out.reasoning_effort = effort;
    delete out.reasoning;
  }

  // Gemini-only settings (thinking_config, cached_content) must sit in a literal `extra_body.google`
  // object; the OpenAI SDKs flatten a client's extra_body into the top level, where `google` is refused.
  if ('google' in out) {
    const extra = isObject(out.extra_body) ? out.extra_body : {};
    const google = {
      ...(isObject(extra.google) ? extra.google : {}),
      ...(isObject(out.google) ? out.google : {}),
    };
    out.extra_body = { ...extra, google };
    delete out.google;
  }
  return out;
}

/** Gemini lists models as `models/gemini-2.5-flash`; requests and configs use the bare name. */
export function bareModelName(id: string): string {
  return id.startsWith('models/') ? id.slice('models/'.length) : id;
}
