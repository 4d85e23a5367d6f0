// Google Gemini through its OpenAI-compatible layer (bearer GEMINI_API_KEY). Mostly OpenAI's wire format;
// the differences live in quirks.ts (parameters it refuses), completion.ts (no /completions) and below.
import { providerKind } from '../../../../shared/provider-catalog.ts';
import type { EmbeddingList } from '../../../../shared/wire/openai-responses.ts';
import { createOpenAICompatibleAdapter } from '../openai-compatible/index.ts';
import type { ProviderAdapter } from '../provider.ts';
import { chatAsCompletion, chatStreamAsCompletion, completionAsChat } from './completion.ts';
import { bareModelName, geminiChatBody } from './quirks.ts';

const base = createOpenAICompatibleAdapter({
  name: 'gemini',
  prefixes: ['gemini'],
  local: false,
  defaultApiBase: () => providerKind('gemini')?.defaultApiBase,
  prepare: (endpoint, body) => (endpoint === 'chat' ? geminiChatBody(body) : body),
});

/** Little-endian float32, base64: what the official openai clients ask for by default and decode. */
function float32Base64(vector: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((v, i) => bytes.setFloat32(i * 4, v, true));
  return Buffer.from(bytes.buffer).toString('base64');
}

export const geminiAdapter: ProviderAdapter = {
  ...base,

  async completion(target, body, ctx) {
    const { body: chat, usage } = await base.chat(target, completionAsChat(body), ctx);
    return { body: chatAsCompletion(chat, target.model), usage };
  },

  async completionStream(target, body, ctx) {
    return chatStreamAsCompletion(await base.chatStream(target, completionAsChat(body), ctx), target.model);
  },

  // Vectors are always fetched as floats and encoded here when base64 was asked for, so the openai
  // clients' default works whether or not Gemini honours `encoding_format`.
  async embeddings(target, body, ctx) {
    const { encoding_format: format, ...rest } = body;
    const result = await base.embeddings(target, rest, ctx);
    if (format === 'base64') {
      const list = result.body as Partial<EmbeddingList>;
      for (const item of list.data ?? []) {
        if (Array.isArray(item.embedding)) item.embedding = float32Base64(item.embedding);
      }
    }
    return result;
  },

  async listModels(target, ctx) {
    return (await base.listModels(target, ctx)).map(bareModelName);
  },
};
