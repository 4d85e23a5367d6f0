// The vendors that speak OpenAI's wire format closely enough to need nothing but a base URL and a key:
// naming one as a prefix (`groq/llama-3.3-70b-versatile`) is all a config has to say. Bases, key env
// vars and "local" come from the shared provider catalogue; this file only picks which kinds are plain.
import { providerKind, type ProviderKind } from '../../../../shared/provider-catalog.ts';

/** Catalogue ids served by the plain OpenAI-compatible adapters, in the catalogue's spelling. */
const PRESET_IDS = [
  'openai',
  'groq',
  'deepseek',
  'mistral',
  'together_ai',
  'openai_like',
  'lm_studio',
  'hosted_vllm',
] as const;

function kindOf(id: string): ProviderKind {
  const kind = providerKind(id);
  if (!kind) throw new Error(`provider catalogue has no '${id}'`);
  return kind;
}

const PRESETS: readonly ProviderKind[] = PRESET_IDS.map(kindOf);

const prefixesOf = (kinds: readonly ProviderKind[]): string[] =>
  kinds.flatMap((k) => [k.id, ...(k.aliases ?? [])]);

/** Prefixes of cloud presets: billed, so priced from the table (or flagged unknown). */
export const CLOUD_PRESET_PREFIXES: readonly string[] = prefixesOf(PRESETS.filter((k) => !k.local));

/** Prefixes of local runtimes (LM Studio, vLLM): free unless the config sets a price. */
export const LOCAL_PRESET_PREFIXES: readonly string[] = prefixesOf(PRESETS.filter((k) => k.local));

/** The catalogue's default base for a preset prefix; undefined where the user must give one. */
export function presetApiBase(prefix: string): string | undefined {
  return providerKind(prefix)?.defaultApiBase;
}
