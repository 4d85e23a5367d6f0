// How an OpenAI-compatible stream is relayed when most of its chunks are passed on without being parsed:
// the client gets the upstream's bytes as sent (a non-streamed answer's too), usage and finish_reason are still caught, a stream whose
// first event is not JSON still falls back, and a mid-stream error still ends the stream as an error.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-relay';

/** The events (data payloads) the raw upstream sends next, each written as its own SSE event. */
let script: { events: string[]; separator: string } = { events: [], separator: '\n\n' };
/** When set, the raw upstream goes on writing this many 64 KB chunks after the scripted events. */
let trailing: { chunks: number; closedEarly: boolean } | undefined;
/** When set, the raw upstream floods this many 1 KB content events instead, waiting for 'drain' as it should. */
let flood: { events: number; written: number; finished: boolean } | undefined;

const chunk = (content: string, extra = '') =>
  `{"id":"c1", "object":"chat.completion.chunk","created":1,"model":"raw-model","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null${extra}}`;
const finish = `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"raw-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}`;
const usage = `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"raw-model","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}`;

/** A non-streamed answer as the upstream writes it: its own spacing, escapes and number forms. */
const unaryText = `{
  "id": "u1", "object": "chat.completion", "created": 1, "model": "raw-model",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": "caf\\u00e9 \\ud83d\\ude00"}, "logprobs": null, "finish_reason": "stop"}],
  "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10, "score": 1.0e0}
}
`;

let raw: Server;
let backup: FakeUpstream;
let gw: TestGateway;

beforeAll(async () => {
  raw = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      if ((JSON.parse(body) as { stream?: boolean }).stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(unaryText);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (flood) {
        const f = flood;
        const event = `data: ${chunk('x'.repeat(1000))}\n\n`;
        for (let i = 0; i < f.events; i++) {
          f.written += event.length;
          if (!res.write(event)) await new Promise((r) => res.once('drain', r));
        }
        // With its usage: no 64 MB of text to count for the ledger.
        res.end(`data: ${finish}\n\ndata: ${usage}\n\ndata: [DONE]\n\n`);
        f.finished = true;
        return;
      }
      for (const data of script.events) res.write(`data: ${data}${script.separator}`);
      if (trailing) {
        // After [DONE], a server that keeps writing: SSE comments, 64 KB at a time.
        const t = trailing;
        const pad = `: ${'x'.repeat(64 * 1024 - 5)}\n\n`;
        res.once('close', () => (t.closedEarly = !res.writableFinished));
        for (let i = 0; i < t.chunks && !res.destroyed; i++) {
          if (!res.write(pad)) await new Promise((r) => res.once('drain', r).once('close', r));
          await new Promise((r) => setImmediate(r));
        }
      }
      res.end();
    });
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  backup = await startFakeOpenAI({ reply: 'from the backup' });
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`;
  gw = await startTestGateway(`
model_list:
  - model_name: raw
    litellm_params: { model: openai/raw-model, api_base: "${rawUrl}", api_key: sk-up, input_cost_per_token: 0.001, output_cost_per_token: 0.002 }
    model_info: { id: raw }
  - model_name: backup
    litellm_params: { model: openai/fake-model, api_base: "${backup.url}", api_key: sk-up }
    model_info: { id: backup }
router_settings:
  num_retries: 0
  fallbacks: [{ raw: [backup] }]
general_settings: { master_key: ${MASTER} }
`);
});

afterAll(async () => {
  await gw?.close();
  await backup?.close();
  await new Promise((r) => raw?.close(r));
});

async function stream(): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
    body: JSON.stringify({
      model: 'raw',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'count to three' }],
    }),
  });
  return { status: res.status, text: await res.text() };
}

const dataOf = (sse: string) =>
  sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));

describe('relaying an OpenAI-compatible stream', () => {
  it('holds the upstream back while the client is not reading, and then relays every event', async () => {
    // 64 MB: more than loopback socket buffers and the client's own buffering can absorb.
    flood = { events: 64 * 1024, written: 0, finished: false };
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
        body: JSON.stringify({ model: 'raw', stream: true, messages: [{ role: 'user', content: 'flood' }] }),
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_000));
      const f = flood;
      expect(f.finished).toBe(false);
      expect(f.written).toBeLessThan(f.events * 1000);

      let events = 0;
      let tail = '';
      const decoder = new TextDecoder();
      for await (const part of res.body!) {
        const text = tail + decoder.decode(part as Uint8Array, { stream: true });
        const parts = text.split('\n\n');
        tail = parts.pop()!;
        events += parts.filter((e) => e.startsWith('data: {')).length;
      }
      expect(events).toBe(f.events + 1);
      expect(tail).toBe('');
      expect(f.finished).toBe(true);
    } finally {
      flood = undefined;
    }
  });

  it('passes a non-streamed answer on byte for byte, and records the usage it reported', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
      body: JSON.stringify({ model: 'raw', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-switchyard-deployment')).toBe('raw');
    const text = await res.text();
    expect(text).toBe(unaryText);
    expect(
      (JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0]!.message.content,
    ).toBe('café 😀');
    expect(gw.rows()[0]).toMatchObject({ alias: 'raw', status: 200, prompt_tokens: 7, completion_tokens: 3 });
  });

  it("passes the upstream's events on byte for byte, and records the usage it reported", async () => {
    script = {
      events: [chunk('one'), chunk(' two'), chunk(' three'), finish, usage, '[DONE]'],
      separator: '\n\n',
    };
    const { status, text } = await stream();
    expect(status).toBe(200);
    expect(dataOf(text)).toEqual(script.events);
    expect(gw.rows()[0]).toMatchObject({
      alias: 'raw',
      status: 200,
      prompt_tokens: 7,
      completion_tokens: 3,
      estimated: false,
    });
    expect(gw.rows()[0]!.cost_usd).toBeCloseTo(7 * 0.001 + 3 * 0.002, 12);
  });

  it('ends the client stream at [DONE], and hangs up on an upstream that keeps writing after it', async () => {
    script = { events: [chunk('done'), finish, usage, '[DONE]'], separator: '\n\n' };
    trailing = { chunks: 64, closedEarly: false };
    try {
      const { status, text } = await stream();
      expect(status).toBe(200);
      expect(dataOf(text)).toEqual(script.events);
      expect(gw.rows()[0]).toMatchObject({ status: 200, prompt_tokens: 7, completion_tokens: 3 });
      // 4 MB would follow; the gateway reads up to 1 MB of it (to keep the connection) and then hangs up.
      const t = trailing;
      for (let i = 0; i < 100 && !t.closedEarly; i++) await new Promise((r) => setTimeout(r, 20));
      expect(t.closedEarly).toBe(true);
    } finally {
      trailing = undefined;
    }
  });

  it('reads events separated by CRLF, and counts the text itself when no usage comes', async () => {
    script = { events: [chunk('alpha'), chunk(' beta'), finish, '[DONE]'], separator: '\r\n\r\n' };
    const { status, text } = await stream();
    expect(status).toBe(200);
    expect(dataOf(text)).toEqual(script.events);
    const row = gw.rows()[0]!;
    expect(row).toMatchObject({ status: 200, estimated: true, completion_tokens: 2 });
  });

  it('does not take content that merely mentions usage or an error for the real thing', async () => {
    const sneaky = chunk('"usage":{"prompt_tokens":999} and "error": {"message":"no"}');
    script = { events: [sneaky, finish, usage, '[DONE]'], separator: '\n\n' };
    const { status, text } = await stream();
    expect(status).toBe(200);
    expect(dataOf(text)).toEqual(script.events);
    expect(gw.rows()[0]).toMatchObject({ status: 200, prompt_tokens: 7, completion_tokens: 3 });
  });

  it('falls back when the first event is not JSON, without relaying it', async () => {
    script = { events: ['<html>502 Bad Gateway</html>', '[DONE]'], separator: '\n\n' };
    const { status, text } = await stream();
    expect(status).toBe(200);
    expect(text).not.toContain('<html>');
    expect(text).toContain('backup');
    expect(gw.rows()[0]!.attempts.map((a) => [a.deployment, a.status])).toEqual([
      ['raw', 502],
      ['backup', 200],
    ]);
  });

  it('ends the stream with an error event when the upstream reports one mid-stream', async () => {
    script = {
      events: [chunk('partial'), '{"error":{"message":"overloaded","type":"server_error"}}'],
      separator: '\n\n',
    };
    const { status, text } = await stream();
    expect(status).toBe(200);
    expect(dataOf(text)[0]).toBe(chunk('partial'));
    expect(text).toContain('overloaded');
    expect(text).not.toContain('[DONE]');
    expect(gw.rows()[0]).toMatchObject({ status: 502, error_code: 'upstream_error', estimated: true });
  });
});
