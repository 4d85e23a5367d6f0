// The only importer of adapters. Adding a provider: a folder beside this file and one line below.
import type { ProviderLookup } from '../config/normalize-config.ts';
import { anthropicAdapter } from './anthropic/index.ts';
import { azureAdapter } from './azure/index.ts';
import { geminiAdapter } from './gemini/index.ts';
import { ollamaAdapter } from './ollama/index.ts';
import { localOpenAICompatibleAdapter, openaiCompatibleAdapter } from './openai-compatible/index.ts';
import { openrouterAdapter } from './openrouter/index.ts';
import type { ProviderAdapter } from './provider.ts';

const ADAPTERS: readonly ProviderAdapter[] = [
  openaiCompatibleAdapter,
  localOpenAICompatibleAdapter,
  ollamaAdapter,
  anthropicAdapter,
  azureAdapter,
  openrouterAdapter,
  geminiAdapter,
];

export class ProviderRegistry implements ProviderLookup {
  readonly #byPrefix = new Map<string, ProviderAdapter>();

  constructor(adapters: readonly ProviderAdapter[] = ADAPTERS) {
    for (const a of adapters) for (const p of a.prefixes) this.#byPrefix.set(p, a);
  }

  get(prefix: string): ProviderAdapter {
    const adapter = this.#byPrefix.get(prefix);
    if (!adapter) throw new Error(`no adapter for provider '${prefix}'`);
    return adapter;
  }

  has(prefix: string): boolean {
    return this.#byPrefix.has(prefix);
  }

  isLocal(prefix: string): boolean {
    return this.#byPrefix.get(prefix)?.local ?? false;
  }

  names(): string[] {
    return [...this.#byPrefix.keys()];
  }
}
