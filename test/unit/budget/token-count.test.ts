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
  UTF8_BYTES,
} from '../../../main/gateway/budget/token-count.ts';
import { estimatePromptTokens, promptTokensUpperBound } from '../../../main/gateway/budget/usage-estimate.ts';
import type { EndpointName } from '../../../shared/wire/openai-requests.ts';

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

describe('the upper bound without the tokenizer (UTF-8 bytes as tokens)', () => {
  // Texts where o200k is at its densest: single bytes, rare scripts, emoji, byte soup, special-token text.
  const texts = [
    ...SAMPLES,
    'a',
    ' ',
    '\n\n\n',
    'x'.repeat(5000),
    '0123456789'.repeat(50),
    'ᚠᛇᚻ᛫ᛒᛦᚦ ꧁꧂ 𓀀𓁐 ₿',
    '👩‍👩‍👧‍👦🏳️‍🌈🇺🇳',
    String.fromCharCode(...Array.from({ length: 200 }, (_, i) => (i * 7919) % 0xd7ff || 1)),
    '<|endoftext|><|im_start|>user<|im_end|>',
    '\u0000\u0001\u0002\ufffd\uffff',
  ];

  it('never counts fewer tokens than the tokenizer, text by text', async () => {
    const tk = await loadTokenizer();
    for (const text of texts)
      expect(UTF8_BYTES.countText(text), JSON.stringify(text)).toBeGreaterThanOrEqual(tk.countText(text));
  });

  it('never counts fewer tokens than the estimate for whole requests of every endpoint', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: texts[8]! },
      {
        role: 'user',
        content: [
          { type: 'text', text: texts[7]! },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        name: 'a',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"q":"🦊"}' } }],
      },
      { role: 'tool', content: '42', tool_call_id: 'c' },
    ];
    const bodies: [EndpointName, unknown][] = [
      ['chat.completions', { messages, tools: [{ type: 'function', function: { name: 'f' } }] }],
      ['completions', { prompt: ['x', texts[9]!, 'y'] }],
      ['completions', { prompt: [[1, 2, 3], [4]] }],
      ['embeddings', { input: texts[10]! }],
      [
        'messages',
        {
          system: [{ type: 'text', text: texts[6]! }],
          messages: [
            { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'x' } }, 'hi'] },
            { role: 'assistant', content: [{ type: 'tool_use', name: 't', input: { a: 1 } }] },
          ],
          tools: [{ name: 't', input_schema: {} }],
        },
      ],
    ];
    for (const [endpoint, body] of bodies) {
      const exact = await estimatePromptTokens(endpoint, body);
      expect(promptTokensUpperBound(endpoint, body), endpoint).toBeGreaterThanOrEqual(exact);
    }
  });
});
