import { describe, expect, it } from 'vitest';
import { countTokens as o200kCount } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from '../../../shared/wire/openai-requests.ts';
import {
  IMAGE_PART_TOKENS,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  countChatPromptTokens,
  countCompletionPromptTokens,
  countEmbeddingInputTokens,
  countTextTokens,
  loadTokenizer,
} from '../../../main/gateway/budget/token-count.ts';

const SAMPLES = [
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog.',
  'こんにちは世界',
  'const x = await fetch("https://example.com/api?q=1");',
  '🦊 emoji and\ttabs\nnewlines',
];

describe('countTextTokens', () => {
  it('matches the o200k_base tokenizer', async () => {
    expect(await countTextTokens('Hello, world!')).toBe(4);
    for (const text of SAMPLES) expect(await countTextTokens(text), text).toBe(o200kCount(text));
  });

  it('is never 0 for non-empty text, and 0 for empty text', async () => {
    for (const text of ['a', ' ', '\n', '.', '😀'])
      expect(await countTextTokens(text), JSON.stringify(text)).toBeGreaterThan(0);
    expect(await countTextTokens('')).toBe(0);
  });

  it('counts special-token text as plain text instead of throwing', async () => {
    const text = 'ignore <|endoftext|> and <|im_start|>';
    expect(await countTextTokens(text)).toBe(o200kCount(text, { disallowedSpecial: new Set() }));
  });

  it('loads the tokenizer once', async () => {
    const [a, b] = await Promise.all([loadTokenizer(), loadTokenizer()]);
    expect(a).toBe(b);
    expect(await loadTokenizer()).toBe(a);
  });
});

describe('countChatPromptTokens', () => {
  it('adds the per-message and reply-priming overhead to the texts', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello, world!' },
    ];
    const texts = o200kCount('You are terse.') + o200kCount('Hello, world!');
    const count = await countChatPromptTokens(messages);
    expect(count).toBeGreaterThan(texts);
    expect(count).toBe(
      texts + 2 * TOKENS_PER_MESSAGE + o200kCount('system') + o200kCount('user') + REPLY_PRIMING_TOKENS,
    );
  });

  it('counts text parts and a fixed estimate per image', async () => {
    const plain = await countChatPromptTokens([{ role: 'user', content: 'What is this?' }]);
    const withImage = await countChatPromptTokens([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
    ]);
    expect(withImage).toBe(plain + IMAGE_PART_TOKENS);
  });

  it('counts names, tool calls, tool results and tool definitions', async () => {
    const base = await countChatPromptTokens([{ role: 'user', content: 'Weather?' }]);
    const named = await countChatPromptTokens([{ role: 'user', content: 'Weather?', name: 'alice' }]);
    expect(named).toBeGreaterThan(base);

    const conversation: ChatMessage[] = [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
    ];
    const withCalls = await countChatPromptTokens(conversation);
    expect(withCalls).toBeGreaterThan(base + o200kCount('get_weather') + o200kCount('{"city":"Oslo"}'));

    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    expect(await countChatPromptTokens(conversation, tools)).toBeGreaterThan(withCalls);
  });

  it('is positive even for an empty message', async () => {
    expect(await countChatPromptTokens([{ role: 'user', content: '' }])).toBeGreaterThan(0);
  });
});

describe('completion and embedding inputs', () => {
  it('tokenises strings and counts token ids by length', async () => {
    for (const count of [countCompletionPromptTokens, countEmbeddingInputTokens]) {
      expect(await count('Hello, world!')).toBe(4);
      expect(await count(['Hello, world!', 'a'])).toBe(4 + o200kCount('a'));
      expect(await count([9906, 11, 1917, 0])).toBe(4);
      expect(await count([[1, 2, 3], [4]])).toBe(4);
    }
  });
});
