// What the per-request fast path must not change, end to end: reservations without the tokenizer,
// group-committed settlements that are on disk before a client sees its response end, reservations that
// come back to exactly 0 whatever happens to a request, the ledger switch, and stream events that leave
// as they arrive. The gateway runs in this process, so a read right after a response is a real "after".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenizerLoaded } from '../../main/gateway/budget/token-count.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { generateKey, keyInfo, rawChat } from '../support/key-admin.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const MASTER = 'sk-master-hot-path';
const PRICE = 'input_cost_per_token: 0.000001, output_cost_per_token: 0.00001';
// ~80 tokens, 400 bytes: far apart enough to tell the byte bound from the exact count.
const messages = [{ role: 'user' as const, content: 'word '.repeat(80) }];

/** An OpenAI-compatible upstream whose streams send one event, then wait for `open()`, then the rest at once. */
function startGatedUpstream() {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const chunk = (content: string, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
  const usage = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\n`;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('one ', null));
      void gate.then(() => {
        // The rest in one write: several events in one packet.
        res.end(chunk('two ', null) + chunk('three', 'stop') + usage + 'data: [DONE]\n\n');
      });
    });
  });
  return {
    server,
    open: () => release(),
    reset: () => (gate = new Promise<void>((r) => (release = r))),
    url: async () => {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

let cloud: FakeUpstream;
let gated: ReturnType<typeof startGatedUpstream>;
let gw: TestGateway;

beforeAll(async () => {
  cloud = await startFakeOpenAI({ reply: 'a b c d e f g h' });
  gated = startGatedUpstream();
  const gatedUrl = await gated.url();
  gw = await startTestGateway(`
model_list:
  - model_name: cloud
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}", ${PRICE} }
  - model_name: gated
    litellm_params: { model: openai/m, api_base: "${gatedUrl}", ${PRICE} }
  - model_name: free
    litellm_params: { model: openai/my-local-model, api_base: "${cloud.url}" }
general_settings: { master_key: ${MASTER} }
`);
});

afterAll(async () => {
  await gw?.close();
  await cloud?.close();
  await new Promise<void>((r) => (gated ? gated.server.close(() => r()) : r()));
});

const client = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
const rowIds = () => new Set(gw.rows().map((r) => r.id));

async function streamText(app: OpenAI, model: string): Promise<{ text: string; id: string | null }> {
  const { data, response } = await app.chat.completions
    .create({ model, messages, max_tokens: 16, stream: true })
    .withResponse();
  let text = '';
  for await (const c of data) text += c.choices[0]?.delta?.content ?? '';
  return { text, id: response.headers.get('x-request-id') };
}

describe('the tokenizer', () => {
  it('is not loaded by requests whose reservation fits without an exact count, and is when one does not', async () => {
    const roomy = await generateKey(gw.url, MASTER, { max_budget: 100 });
    const unlimited = await generateKey(gw.url, MASTER, {});
    for (const key of [roomy.key, unlimited.key, MASTER]) {
      const app = client(key);
      await app.chat.completions.create({ model: 'cloud', messages, max_tokens: 16 });
      await app.chat.completions.create({ model: 'free', messages, max_tokens: 16 });
      expect((await streamText(app, 'cloud')).text).toBe('a b c d e f g h');
      await app.completions.create({ model: 'cloud', prompt: 'def fib(n):', max_tokens: 16 });
    }
    expect(tokenizerLoaded()).toBe(false);

    // A budget the byte bound of the prompt does not fit in (~470 tokens, $0.00063 with 16 completion
    // tokens) but its exact count does (~110, $0.00027): counted, and admitted unclamped.
    const tight = await generateKey(gw.url, MASTER, { max_budget: 0.0004 });
    const res = await rawChat(gw.url, tight.key, { model: 'cloud', messages, max_tokens: 16 });
    expect(res.status).toBe(200);
    expect(cloud.requests.at(-1)?.body.max_tokens).toBe(16);
    expect(tokenizerLoaded()).toBe(true);
  });
});

describe('group commit', () => {
  it('has every row of a burst on disk by the time each client sees its response end', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 50 });
    const app = client(k.key);
    const missing: string[] = [];
    const one = async (i: number) => {
      let id: string | null;
      if (i % 3 === 0) id = (await streamText(app, 'cloud')).id;
      else {
        const { response } = await app.chat.completions
          .create({ model: 'cloud', messages, max_tokens: 16 })
          .withResponse();
        id = response.headers.get('x-request-id');
      }
      // Read at once, through another connection: the row must already be committed.
      if (!id || !rowIds().has(id)) missing.push(String(id));
      return id;
    };
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => one(i)));
    expect(missing).toEqual([]);
    expect(new Set(ids).size).toBe(60);
    const rows = gw.rows().filter((r) => r.key_id === k.id);
    expect(rows).toHaveLength(60);
    const info = await keyInfo(gw.url, MASTER, k.id);
    expect(info.reserved).toBe(0);
    expect(info.spend).toBeCloseTo(
      rows.reduce((s, r) => s + r.cost_usd, 0),
      12,
    );
  });

  it("holds a response's last bytes until its settlement is committed", async () => {
    const book = gw.runtime.book;
    const settle = book.settleBatched.bind(book);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    book.settleBatched = (...args) => settle(...args).then(() => held);
    cloud.reset();
    try {
      const order: string[] = [];
      const unary = rawChat(gw.url, MASTER, { model: 'cloud', messages }).then(() => order.push('unary'));
      const stream = streamText(client(MASTER), 'cloud').then(() => order.push('stream'));
      while (cloud.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
      // Ample time for both responses to reach the client, were they not waiting for the commit.
      await new Promise((r) => setTimeout(r, 100));
      order.push('committed');
      release();
      await Promise.all([unary, stream]);
      expect(order[0]).toBe('committed');
    } finally {
      book.settleBatched = settle;
    }
  });

  it('gives request ids in time order, so the ledger appends instead of inserting at random', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await rawChat(gw.url, MASTER, { model: 'free', messages });
      ids.push(res.headers.get('x-request-id')!);
    }
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('reservations', () => {
  it('come back to exactly 0 after failures, refusals and clients that leave, and spend matches the ledger', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 0.05 });
    const app = client(k.key);
    cloud.setBehavior({ error: { status: 500, message: 'upstream exploded' } });
    expect((await rawChat(gw.url, k.key, { model: 'cloud', messages, max_tokens: 16 })).status).toBe(502);
    await expect(streamText(app, 'cloud')).rejects.toThrow();
    cloud.reset();

    // An upstream that fails after the first byte: the stream ends in an error event.
    cloud.setBehavior({ dropAfterChunks: 2 });
    await expect(streamText(app, 'cloud')).rejects.toThrow();
    cloud.reset();

    // A client that leaves mid-stream.
    cloud.setBehavior({ chunkDelayMs: 30, reply: 'w '.repeat(40) });
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${k.key}` },
      body: JSON.stringify({ model: 'cloud', messages, max_tokens: 64, stream: true }),
      signal: ac.signal,
    });
    await res.body!.getReader().read();
    ac.abort();
    await cloud.waitForAborts(1, 5_000);
    cloud.reset();

    // And ones that succeed, in parallel.
    await Promise.all(
      Array.from({ length: 8 }, () =>
        app.chat.completions.create({ model: 'cloud', messages, max_tokens: 16 }),
      ),
    );
    let info = await keyInfo(gw.url, MASTER, k.id);
    // The client that left is recorded once the gateway has noticed: wait for its row.
    for (let i = 0; i < 50 && gw.rows().filter((r) => r.key_id === k.id).length < 12; i++) {
      await new Promise((r) => setTimeout(r, 20));
      info = await keyInfo(gw.url, MASTER, k.id);
    }
    const rows = gw.rows().filter((r) => r.key_id === k.id);
    expect(rows.map((r) => r.status).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 499, 502, 502, 502,
    ]);
    expect(info.reserved).toBe(0);
    expect(info.spend).toBeCloseTo(
      rows.reduce((s, r) => s + r.cost_usd, 0),
      12,
    );
  });
});

describe('a non-streamed request whose client leaves', () => {
  it('cancels the upstream call at once, records 499 and releases its reservation', async () => {
    const k = await generateKey(gw.url, MASTER, { max_budget: 0.05 });
    cloud.setBehavior({ latencyMs: 2_000 });
    try {
      const before = cloud.aborts;
      const ac = new AbortController();
      const pending = fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${k.key}` },
        body: JSON.stringify({ model: 'cloud', messages, max_tokens: 16 }),
        signal: ac.signal,
      }).catch((err: unknown) => err);
      await new Promise((r) => setTimeout(r, 150));
      ac.abort();
      expect(await pending).toBeInstanceOf(Error);
      // Well before the upstream's 2 s: the gateway hung up on it as soon as the client left.
      await cloud.waitForAborts(before + 1, 1_000);
      for (let i = 0; i < 50 && !gw.rows().some((r) => r.key_id === k.id); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(gw.rows().filter((r) => r.key_id === k.id)).toMatchObject([
        { status: 499, error_code: 'client_disconnected', streamed: false },
      ]);
      expect((await keyInfo(gw.url, MASTER, k.id)).reserved).toBe(0);
    } finally {
      cloud.reset();
    }
  });
});

describe('stream events', () => {
  it('leave as they arrive: the first reaches the client while the upstream still holds the rest', async () => {
    gated.reset();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
      body: JSON.stringify({ model: 'gated', messages, stream: true }),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('one ')) text += decoder.decode((await reader.read()).value, { stream: true });
    // Only now does the upstream send the rest (in one packet); a gateway holding events back never gets here.
    gated.open();
    for (let r = await reader.read(); !r.done; r = await reader.read())
      text += decoder.decode(r.value, { stream: true });
    const events = text.split('\n\n').filter(Boolean);
    const contents = events
      .filter((e) => e !== 'data: [DONE]')
      .map((e) => JSON.parse(e.slice('data: '.length)) as { choices: { delta: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta.content ?? '');
    expect(contents.join('')).toBe('one two three');
    expect(events.at(-1)).toBe('data: [DONE]');
  });
});

describe('the ledger switch', () => {
  it('off: requests are served and keys still settle, but no ledger row is written', async () => {
    const off = await startTestGateway(
      `
model_list:
  - model_name: cloud
    litellm_params: { model: openai/fake-model, api_base: "${cloud.url}", ${PRICE} }
general_settings: { master_key: ${MASTER} }
`,
      { ledger: false },
    );
    try {
      const k = await generateKey(off.url, MASTER, { max_budget: 1 });
      const app = new OpenAI({ baseURL: `${off.url}/v1`, apiKey: k.key, maxRetries: 0 });
      await app.chat.completions.create({ model: 'cloud', messages, max_tokens: 16 });
      expect((await streamText(app, 'cloud')).text).toBe('a b c d e f g h');
      const info = await keyInfo(off.url, MASTER, k.id);
      expect(info.spend).toBeGreaterThan(0);
      expect(info.reserved).toBe(0);
      expect(off.rows()).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
