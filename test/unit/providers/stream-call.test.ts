// The pulling reader Anthropic's and Ollama's parsers read a stream call through: chunks in order, the
// upstream paused while the reader is behind and resumed once it catches up, a failure after the chunks
// that came before it, and the call left for its reader to stop. And a stream call with no reader yet
// holds a real upstream back instead of buffering it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../main/gateway/errors.ts';
import {
  bodyOf,
  openUpstreamStream,
  type StreamSink,
  type UpstreamStream,
} from '../../../main/gateway/providers/stream-call.ts';

function fakeStream() {
  const log: string[] = [];
  let sink: StreamSink | undefined;
  const stream: UpstreamStream = {
    statusCode: 200,
    headers: {},
    firstByte: () => {},
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
    attach: (s) => (sink = s),
    stop: (drain) => log.push(`stop ${drain}`),
  };
  return { stream, log, sink: () => sink! };
}

const chunk = (i: number) => Buffer.from(`chunk ${i}\n`);

describe('bodyOf', () => {
  it('pauses the upstream while 16 chunks wait, resumes at 4, and delivers every chunk in order', async () => {
    const { stream, log, sink } = fakeStream();
    const it = bodyOf(stream)[Symbol.asyncIterator]();
    for (let i = 0; i < 20; i++) sink().data(chunk(i));
    expect(log).toEqual(['pause']);
    const got: string[] = [];
    for (let i = 0; i < 15; i++) got.push(String((await it.next()).value));
    expect(log).toEqual(['pause']);
    got.push(String((await it.next()).value));
    expect(log).toEqual(['pause', 'resume']);
    sink().data(chunk(20));
    sink().end();
    for (let r = await it.next(); !r.done; r = await it.next()) got.push(String(r.value));
    expect(got).toEqual(Array.from({ length: 21 }, (_, i) => `chunk ${i}\n`));
    expect(log).toEqual(['pause', 'resume']);
  });

  it('hands a waiting reader the next chunk as it arrives, and a failure after the chunks before it', async () => {
    const { stream, sink } = fakeStream();
    const it = bodyOf(stream)[Symbol.asyncIterator]();
    const waiting = it.next();
    sink().data(chunk(1));
    expect(String((await waiting).value)).toBe('chunk 1\n');
    sink().data(chunk(2));
    sink().error(new GatewayError(502, 'upstream_error', 'connection reset'));
    expect(String((await it.next()).value)).toBe('chunk 2\n');
    await expect(it.next()).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('leaves stopping the call to its reader when the iteration ends early', async () => {
    const { stream, log, sink } = fakeStream();
    const body = bodyOf(stream)[Symbol.asyncIterator]();
    sink().data(chunk(0));
    for await (const c of { [Symbol.asyncIterator]: () => body }) {
      expect(String(c)).toBe('chunk 0\n');
      break;
    }
    // Nothing was asked of the call: the reader knows whether the answer was whole and calls stop().
    expect(log).toEqual([]);
  });
});

describe('a stream call with no reader attached yet', () => {
  const LINES = 200_000;
  let server: Server;
  let written = 0;
  let finished = false;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (let i = 0; i < LINES; i++) {
        const line = `{"n":${i},"pad":"${'x'.repeat(300)}"}\n`;
        written += line.length;
        if (!res.write(line)) await new Promise((r) => res.once('drain', r));
      }
      res.end();
      finished = true;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('holds the upstream back until a reader comes, then hands over every chunk in order', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
    const stream = await openUpstreamStream({
      url,
      body: {},
      target: { apiKey: undefined, firstByteTimeoutMs: 10_000, totalTimeoutMs: 60_000 },
      signal: new AbortController().signal,
      label: 'test upstream',
    });
    await new Promise((r) => setTimeout(r, 500));
    // ~60 MB would follow; without a reader, the call stops reading after a few chunks.
    expect(finished).toBe(false);
    expect(written).toBeLessThan(LINES * 300);

    let next = 0;
    let tail = '';
    for await (const chunk of bodyOf(stream)) {
      const lines = (tail + chunk.toString()).split('\n');
      tail = lines.pop()!;
      for (const line of lines) expect((JSON.parse(line) as { n: number }).n).toBe(next++);
    }
    stream.stop(true);
    expect(next).toBe(LINES);
    expect(tail).toBe('');
  });
});
