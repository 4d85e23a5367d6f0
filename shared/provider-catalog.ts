// The kinds of provider Switchyard can route to, as data: what the UI offers when adding a model and
// what the gateway assumes when a config leaves something out. `id` is the LiteLLM prefix of
// `litellm_params.model`, and the env var names are the ones LiteLLM reads, so a LiteLLM setup (say
// `openai/gpt-4o` with OPENAI_API_KEY exported) works here unchanged.

export interface ProviderKind {
  /** The `litellm_params.model` prefix: `groq` in `groq/llama-3.3-70b-versatile`. */
  id: string;
  /** Other prefixes meaning the same kind (`ollama_chat` for `ollama`). */
  aliases?: readonly string[];
  label: string;
  /** Where requests go when the config names no `api_base`; absent: the user must give one. */
  defaultApiBase?: string;
  /** Read for the base when the config names none (checked before `defaultApiBase`). */
  apiBaseEnv?: string;
  /** Whether the upstream refuses calls without a key (local runtimes usually do not). */
  requiresApiKey: boolean;
  /** Read for the key when the config sets no `api_key`. */
  apiKeyEnv?: string;
  /** Further names LiteLLM also reads for the key, tried after `apiKeyEnv`. */
  apiKeyEnvAliases?: readonly string[];
  /**
   * The prefix also names arbitrary servers (`openai/` with an `api_base` is any OpenAI-compatible
   * endpoint), so the vendor's key from the environment is sent only to the vendor's own base.
   */
  keyOnlyAtDefaultBase?: boolean;
  /** Azure's `api-version` query parameter: env var and the default when neither config nor env set one. */
  apiVersionEnv?: string;
  defaultApiVersion?: string;
  /** Runs on the user's machine or network: free unless a price is configured, slow first tokens. */
  local: boolean;
  /** Where to find model names and keys. */
  docsUrl: string;
  /** A working `litellm_params.model` value, for placeholders and examples. */
  exampleModel: string;
}

/**
 * Azure OpenAI's newest GA data-plane inference version when this was written (Microsoft's REST
 * reference lists 2024-10-21 as the latest GA release; previews move monthly).
 */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export const PROVIDER_CATALOG: readonly ProviderKind[] = [
  {
    id: 'openai',
    aliases: ['text-completion-openai'],
    label: 'OpenAI',
    defaultApiBase: 'https://api.openai.com/v1',
    // No apiBaseEnv: OPENAI_BASE_URL is what users export to point their tools at Switchyard itself, so
    // honouring it here would send the gateway's OpenAI traffic back into the gateway.
    requiresApiKey: true,
    apiKeyEnv: 'OPENAI_API_KEY',
    keyOnlyAtDefaultBase: true,
    local: false,
    docsUrl: 'https://platform.openai.com/docs/models',
    exampleModel: 'openai/gpt-4o-mini',
  },
  {
    id: 'anthropic',
    label: 'Anthropic',
    defaultApiBase: 'https://api.anthropic.com',
    requiresApiKey: true,
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    local: false,
    docsUrl: 'https://docs.anthropic.com/en/docs/about-claude/models',
    exampleModel: 'anthropic/claude-sonnet-4-5',
  },
  {
    id: 'azure',
    label: 'Azure OpenAI',
    apiBaseEnv: 'AZURE_API_BASE',
    requiresApiKey: true,
    apiKeyEnv: 'AZURE_API_KEY',
    apiKeyEnvAliases: ['AZURE_OPENAI_API_KEY'],
    apiVersionEnv: 'AZURE_API_VERSION',
    defaultApiVersion: AZURE_DEFAULT_API_VERSION,
    local: false,
    docsUrl: 'https://learn.microsoft.com/azure/ai-services/openai/reference',
    exampleModel: 'azure/<your-deployment-name>',
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    defaultApiBase: 'https://openrouter.ai/api/v1',
    apiBaseEnv: 'OPENROUTER_API_BASE',
    requiresApiKey: true,
    apiKeyEnv: 'OPENROUTER_API_KEY',
    apiKeyEnvAliases: ['OR_API_KEY'],
    local: false,
    docsUrl: 'https://openrouter.ai/models',
    exampleModel: 'openrouter/anthropic/claude-sonnet-4.5',
  },
  {
    id: 'gemini',
    label: 'Google Gemini (AI Studio)',
    defaultApiBase: 'https://generativelanguage.googleapis.com/v1beta/openai',
    requiresApiKey: true,
    apiKeyEnv: 'GEMINI_API_KEY',
    apiKeyEnvAliases: ['GOOGLE_API_KEY'],
    local: false,
    docsUrl: 'https://ai.google.dev/gemini-api/docs/openai',
    exampleModel: 'gemini/gemini-2.5-flash',
  },
  {
    id: 'groq',
    label: 'Groq',
    defaultApiBase: 'https://api.groq.com/openai/v1',
    apiBaseEnv: 'GROQ_API_BASE',
    requiresApiKey: true,
    apiKeyEnv: 'GROQ_API_KEY',
    local: false,
    docsUrl: 'https://console.groq.com/docs/models',
    exampleModel: 'groq/llama-3.3-70b-versatile',
  },
  {
    id: 'deepseek',
    label: 'DeepSeek',
    defaultApiBase: 'https://api.deepseek.com',
    apiBaseEnv: 'DEEPSEEK_API_BASE',
    requiresApiKey: true,
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    local: false,
    docsUrl: 'https://api-docs.deepseek.com/quick_start/pricing',
    exampleModel: 'deepseek/deepseek-chat',
  },
  {
    id: 'mistral',
    label: 'Mistral AI',
    defaultApiBase: 'https://api.mistral.ai/v1',
    apiBaseEnv: 'MISTRAL_API_BASE',
    requiresApiKey: true,
    apiKeyEnv: 'MISTRAL_API_KEY',
    local: false,
    docsUrl: 'https://docs.mistral.ai/getting-started/models/',
    exampleModel: 'mistral/mistral-large-latest',
  },
  {
    id: 'together_ai',
    label: 'Together AI',
    defaultApiBase: 'https://api.together.xyz/v1',
    apiBaseEnv: 'TOGETHER_AI_API_BASE',
    requiresApiKey: true,
    apiKeyEnv: 'TOGETHERAI_API_KEY',
    apiKeyEnvAliases: ['TOGETHER_API_KEY', 'TOGETHER_AI_API_KEY', 'TOGETHER_AI_TOKEN'],
    local: false,
    docsUrl: 'https://docs.together.ai/docs/serverless-models',
    exampleModel: 'together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo',
  },
  {
    id: 'lm_studio',
    label: 'LM Studio',
    // LM Studio's local server listens on port 1234 unless changed in its Developer tab.
    defaultApiBase: 'http://127.0.0.1:1234/v1',
    apiBaseEnv: 'LM_STUDIO_API_BASE',
    requiresApiKey: false,
    apiKeyEnv: 'LM_STUDIO_API_KEY',
    local: true,
    docsUrl: 'https://lmstudio.ai/docs/app/api/endpoints/openai',
    exampleModel: 'lm_studio/qwen2.5-7b-instruct',
  },
  {
    id: 'hosted_vllm',
    label: 'vLLM server',
    apiBaseEnv: 'HOSTED_VLLM_API_BASE',
    requiresApiKey: false,
    apiKeyEnv: 'HOSTED_VLLM_API_KEY',
    local: true,
    docsUrl: 'https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html',
    exampleModel: 'hosted_vllm/Qwen/Qwen3-8B',
  },
  {
    id: 'openai_like',
    label: 'Any OpenAI-compatible server',
    requiresApiKey: false,
    local: false,
    docsUrl: 'https://docs.litellm.ai/docs/providers/openai_compatible',
    exampleModel: 'openai_like/<model-name>',
  },
  {
    id: 'ollama',
    aliases: ['ollama_chat'],
    label: 'Ollama',
    defaultApiBase: 'http://127.0.0.1:11434',
    requiresApiKey: false,
    local: true,
    docsUrl: 'https://ollama.com/library',
    exampleModel: 'ollama_chat/llama3.2',
  },
];

const BY_PREFIX: ReadonlyMap<string, ProviderKind> = new Map(
  PROVIDER_CATALOG.flatMap((kind) => [kind.id, ...(kind.aliases ?? [])].map((p) => [p, kind] as const)),
);

/** The kind a `litellm_params.model` prefix names (aliases included), or undefined for an unknown one. */
export function providerKind(prefix: string): ProviderKind | undefined {
  return BY_PREFIX.get(prefix);
}

/** The env var names read for a kind's key, in order. */
export function apiKeyEnvNames(kind: ProviderKind): string[] {
  return kind.apiKeyEnv ? [kind.apiKeyEnv, ...(kind.apiKeyEnvAliases ?? [])] : [];
}
