// Azure OpenAI: OpenAI's wire format behind per-deployment URLs. `azure/<deployment>` names the
// deployment (any name the user chose), so pricing reads `model_info.base_model` when it is set.
import { providerKind } from '../../../../shared/provider-catalog.ts';
import { createOpenAICompatibleAdapter } from '../openai-compatible/index.ts';
import type { ProviderAdapter } from '../provider.ts';
import { azureRequest, contentFilterError, isPromptFilterChunk } from './api.ts';

const base = createOpenAICompatibleAdapter({
  name: 'azure',
  prefixes: ['azure'],
  local: false,
  // None: every Azure resource has its own endpoint (api_base, or AZURE_API_BASE via the config loader).
  defaultApiBase: () => providerKind('azure')?.defaultApiBase,
  request: azureRequest,
  skipChunk: isPromptFilterChunk,
});

const mapped =
  <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
  (...args: A): Promise<R> =>
    call(...args).catch((err: unknown) => {
      throw contentFilterError(err);
    });

export const azureAdapter: ProviderAdapter = {
  ...base,
  chat: mapped(base.chat),
  chatStream: mapped(base.chatStream),
  completion: mapped(base.completion),
  completionStream: mapped(base.completionStream),
  embeddings: mapped(base.embeddings),
};
