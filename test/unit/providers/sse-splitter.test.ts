// The SSE splitter the OpenAI relay runs on: the same events whatever the TCP chunking, with either line
// ending, multi-line data joined, comments and events without data skipped, and a last event that
// arrived without its blank line kept.
import { describe, expect, it } from 'vitest';
import { SseSplitter } from '../../../main/gateway/providers/stream-parsers.ts';

const enc = new TextEncoder();

function split(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const s = new SseSplitter();
  for (const c of chunks) s.feed(c, (d) => out.push(d));
  s.end((d) => out.push(d));
  return out;
}

/** The same bytes cut at every position into two chunks, and into single bytes. */
function everyCut(text: string): Uint8Array[][] {
  const bytes = enc.encode(text);
  const cuts = [[bytes], Array.from(bytes, (b) => Uint8Array.of(b))];
  for (let i = 1; i < bytes.length; i++) cuts.push([bytes.slice(0, i), bytes.slice(i)]);
  return cuts;
}

describe('SseSplitter', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('yields each event once, whatever the chunking (%s)', (_name, nl) => {
    const text =
      `data: {"a":1}${nl}${nl}` +
      `: keep-alive comment${nl}${nl}` +
      `event: ping${nl}${nl}` +
      `data: first line${nl}data: second line${nl}${nl}` +
      `data:no space, ünïcödé 🦊${nl}${nl}` +
      `data: [DONE]${nl}${nl}`;
    const want = ['{"a":1}', 'first line\nsecond line', 'no space, ünïcödé 🦊', '[DONE]'];
    for (const chunks of everyCut(text)) expect(split(chunks)).toEqual(want);
  });

  it('keeps a last event that ended without its blank line', () => {
    for (const chunks of everyCut('data: one\n\ndata: two')) expect(split(chunks)).toEqual(['one', 'two']);
  });

  it('reads many events of one chunk in order', () => {
    const events = Array.from({ length: 500 }, (_, i) => `{"n":${i}}`);
    const text = events.map((e) => `data: ${e}\n\n`).join('');
    expect(split([enc.encode(text)])).toEqual(events);
  });
});
