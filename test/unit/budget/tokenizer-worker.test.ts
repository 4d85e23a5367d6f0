// The tokenizer's worker: short texts are counted on this thread and start no worker; the worker counts
// like the tokenizer on this thread, answers concurrent requests each with its own count, goes away when
// idle (taking the tokenizer's memory with it), comes back on demand, and falls back to this thread when
// it cannot run.
import { countTokens as o200kCount } from 'gpt-tokenizer/encoding/o200k_base';
import { afterEach, describe, expect, it } from 'vitest';
import {
  INLINE_CHARS,
  workerTextCounter,
  type TextCounter,
} from '../../../main/gateway/budget/tokenizer-worker.ts';
import { waitFor } from '../../support/wait-for.ts';

const plain = { disallowedSpecial: new Set<string>() };
const exact = (texts: readonly string[]) => texts.reduce((n, t) => n + o200kCount(t, plain), 0);

const counters: TextCounter[] = [];
afterEach(async () => {
  await Promise.all(counters.splice(0).map((c) => c.stop()));
});

/** Every count goes to the worker unless the test says otherwise (inlineChars). */
function counter(opts: Parameters<typeof workerTextCounter>[1] = {}) {
  const inProcess: string[][] = [];
  const c = workerTextCounter(
    async (texts) => {
      inProcess.push([...texts]);
      return exact(texts);
    },
    { inlineChars: 0, ...opts },
  );
  counters.push(c);
  return { c, inProcess };
}

describe('the tokenizer worker', () => {
  it('counts what the tokenizer counts, concurrent requests each getting their own sum', async () => {
    const { c, inProcess } = counter();
    const batches = Array.from({ length: 40 }, (_, i) => [
      `request ${i}: ${'def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)\n'.repeat(i % 7)}`,
      'こんにちは世界 🦊',
      '<|endoftext|> as plain text',
    ]);
    const counts = await Promise.all(batches.map((b) => c.count(b)));
    expect(counts).toEqual(batches.map(exact));
    expect(await c.count([])).toBe(0);
    expect(inProcess).toEqual([]);
    expect(c.running()).toBe(true);
  });

  it('counts short texts on this thread without starting a worker, and sends a long one to the worker', async () => {
    const { c, inProcess } = counter({ inlineChars: INLINE_CHARS });
    const short = ['def fib(n):\n', '    return n if n < 2 else fib(n - 1) + fib(n - 2)\n'.repeat(100)];
    expect(await c.count(short)).toBe(exact(short));
    expect(inProcess).toEqual([short]);
    expect(c.running()).toBe(false);
    const long = ['x = 1\n'.repeat(INLINE_CHARS / 4)];
    expect(await c.count(long)).toBe(exact(long));
    expect(inProcess).toEqual([short]);
    expect(c.running()).toBe(true);
  });

  it('exits when idle and starts again for the next count', async () => {
    const { c, inProcess } = counter({ idleMs: 50 });
    expect(c.running()).toBe(false);
    expect(await c.count(['hello world'])).toBe(exact(['hello world']));
    expect(c.running()).toBe(true);
    await waitFor(() => !c.running(), 'the idle worker to exit');
    expect(await c.count(['hello again, world'])).toBe(exact(['hello again, world']));
    expect(inProcess).toEqual([]);
  });

  it('counts on this thread when the worker cannot load the tokenizer', async () => {
    const { c, inProcess } = counter({ ranks: async () => new TextEncoder().encode('not a rank file\n') });
    const texts = ['one two three', 'four'];
    expect(await Promise.all([c.count(texts), c.count(['five'])])).toEqual([exact(texts), exact(['five'])]);
    // Once it has failed, it is not tried again for every count.
    expect(await c.count(['six'])).toBe(exact(['six']));
    expect(inProcess).toEqual([texts, ['five'], ['six']]);
    expect(c.running()).toBe(false);
  });

  it('counts on this thread when the rank file cannot be read', async () => {
    const readers = [
      () => Promise.reject(new Error('ENOENT')),
      () => {
        throw new Error('gpt-tokenizer is not installed');
      },
    ];
    for (const ranks of readers) {
      const { c, inProcess } = counter({ ranks });
      expect(await c.count(['seven eight'])).toBe(exact(['seven eight']));
      expect(inProcess).toEqual([['seven eight']]);
      expect(c.running()).toBe(false);
    }
  });
});
