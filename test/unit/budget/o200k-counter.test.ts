// The compact o200k counter: the token count tiktoken gives, checked against tiktoken's own test vectors
// (shipped with gpt-tokenizer) and against gpt-tokenizer's encoder on real and generated text; and a
// file that is not a rank file is refused with a clear error instead of counting wrong.
import { countTokens as gptTokenizerCount } from 'gpt-tokenizer/encoding/o200k_base';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { o200kCounter, type CountText } from '../../../main/gateway/budget/o200k-counter.ts';
import { o200kRanksPath, readO200kRanks } from '../../../main/gateway/budget/o200k-ranks.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const plain = { disallowedSpecial: new Set<string>() };
let count: CountText;
beforeAll(async () => {
  count = o200kCounter(await readO200kRanks());
});

/** tiktoken's o200k_base cases: `Sample: <text>` then `Encoded: [ids]`. */
function tiktokenCases(): { text: string; tokens: number }[] {
  const plans = readFileSync(join(dirname(o200kRanksPath()), 'TestPlans.txt'), 'utf8').split('\n\n');
  const cases = [];
  for (const plan of plans) {
    const m = /^EncodingName: o200k_base\nSample: (.*)\nEncoded: \[(.*)\]/s.exec(plan.trim());
    if (m) cases.push({ text: m[1]!, tokens: m[2]!.trim() === '' ? 0 : m[2]!.split(',').length });
  }
  return cases;
}

/** Seeded, so that a failure names a text that can be found again. */
function generatedTexts(n: number): string[] {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const pick = (s: string) => s[next() % s.length]!;
  const texts = [];
  for (let k = 0; k < n; k++) {
    let s = '';
    for (let i = next() % 80; i > 0; i--) {
      const kind = next() % 10;
      if (kind < 3)
        s += String.fromCodePoint(32 + (next() % 95)); // ASCII
      else if (kind < 4)
        s += String.fromCodePoint(0x400 + (next() % 0x300)); // Cyrillic and beyond
      else if (kind < 5)
        s += String.fromCodePoint(0x4e00 + (next() % 0x5000)); // CJK
      else if (kind < 6)
        s += String.fromCodePoint(0x1f300 + (next() % 0x300)); // emoji
      else if (kind < 7)
        s += pick(' \n\t\r\u00a0'); // whitespace
      else if (kind < 8)
        s += String.fromCharCode(0xd800 + (next() % 0x800)); // lone surrogates
      else if (kind < 9)
        s += pick("'sStTdDmMlLvVeErR"); // contractions, either case
      else s += pick('0123456789<|>/\u0301'); // digits, special-token text, a combining mark
    }
    texts.push(s);
  }
  return texts;
}

describe('the o200k counter', () => {
  it("gives tiktoken's own counts for its o200k_base test cases", () => {
    const cases = tiktokenCases();
    expect(cases.length).toBeGreaterThan(50);
    for (const { text, tokens } of cases) expect(count(text), text).toBe(tokens);
  });

  it("counts what gpt-tokenizer's encoder counts, on this repository's sources and on generated text", () => {
    const dir = join(ROOT, 'main', 'gateway', 'budget');
    const sources = [
      readFileSync(join(ROOT, 'README.md'), 'utf8'),
      ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')),
    ];
    const edges = [
      ' '.repeat(300),
      '\n\n\n   \n\t',
      'a'.repeat(500),
      'x\u0301\u0302Y',
      "I'LL we'Re",
      "I'llx we'REyou it'Dz THEY'LLX can'tbe",
      '<|endoftext|>',
    ];
    let tokens = 0;
    for (const text of [...sources, ...generatedTexts(1500), ...edges]) {
      const expected = gptTokenizerCount(text, plain);
      expect(count(text), JSON.stringify(text.slice(0, 60))).toBe(expected);
      tokens += expected;
    }
    expect(tokens).toBeGreaterThan(50_000);
  });

  it('counts long runs of one kind of character (merged from a heap) as the tokenizer does', () => {
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz',
      'etaoin',
      'ab',
      '-=_*#~!',
      'ABCDEFGHIJabcdefghij',
      '的一是不了人我在有他',
      'абвгдежзий',
      ' \t',
    ];
    const pieces = ['a'.repeat(4096), '-'.repeat(3000), ' '.repeat(2000) + 'x', 'A'.repeat(1000)];
    for (let k = 0; k < 60; k++) {
      const alphabet = alphabets[k % alphabets.length]!;
      let s = '';
      for (let i = 257 + (next() % 1500); i > 0; i--) s += alphabet[next() % alphabet.length];
      pieces.push(s);
    }
    for (const text of pieces)
      expect(count(text), `${text.slice(0, 20)}… (${text.length})`).toBe(gptTokenizerCount(text, plain));
  });

  it('counts the same text the same on every call (its cache changes nothing)', () => {
    const text = 'the cache holds words like these, and these words come back: '.repeat(2000);
    const first = count(text);
    expect(count(text)).toBe(first);
    expect(first).toBe(gptTokenizerCount(text, plain));
  });

  it('refuses a file that is not a rank file', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(() => o200kCounter(bytes('not a rank file\n'))).toThrow(/o200k ranks/);
    const lines = Array.from({ length: 300 }, (_, i) => `${Buffer.from(`t${i}`).toString('base64')} ${i}`);
    expect(() => o200kCounter(bytes(lines.join('\n')))).not.toThrow();
    const swapped = [...lines];
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    expect(() => o200kCounter(bytes(swapped.join('\n')))).toThrow(/line 6 is not token 5/);
    expect(() => o200kCounter(bytes(lines.slice(0, 100).join('\n')))).toThrow(/100 tokens/);
    expect(() => o200kCounter(bytes(lines.join('\n').replace('dDI=', 'd*I=')))).toThrow(/bad base64/);
  });
});
