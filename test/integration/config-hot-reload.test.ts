// Editing config.yaml while Switchyard runs, through the real file watcher: new requests see the edit,
// an invalid edit is logged and the old config kept, and a stream in flight finishes on the old config.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { waitFor } from '../support/wait-for.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const OLD_REPLY = 'old upstream says one two three four five six seven eight';
const NEW_REPLY = 'new upstream answering';

let oldUp: FakeUpstream;
let newUp: FakeUpstream;
let gw: TestGateway | undefined;

beforeAll(async () => {
  oldUp = await startFakeOpenAI({ reply: OLD_REPLY });
  newUp = await startFakeOpenAI({ reply: NEW_REPLY });
});

afterEach(async () => {
  await gw?.close();
  gw = undefined;
  oldUp.reset();
  newUp.reset();
});

afterAll(async () => {
  await oldUp?.close();
  await newUp?.close();
});

const config = (upstream: FakeUpstream, general = '') => `
model_list:
  - model_name: main
    litellm_params: { model: openai/fake-model, api_base: "${upstream.url}" }
${general}`;

async function start(upstream: FakeUpstream): Promise<TestGateway> {
  gw = await startTestGateway(config(upstream), { watch: true });
  return gw;
}

async function ask(g: TestGateway, content = 'hello'): Promise<{ status: number; text: string }> {
  const res = await fetch(`${g.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'main', messages: [{ role: 'user', content }] }),
  });
  const body = (await res.json()) as { choices?: { message: { content: string } }[] };
  return { status: res.status, text: body.choices?.[0]?.message.content ?? JSON.stringify(body) };
}

/** Polls with fresh requests until one is answered with `reply`: the reload has taken effect. */
async function untilAnsweredBy(g: TestGateway, reply: string) {
  await waitFor(async () => (await ask(g)).text === reply, `requests to be answered with '${reply}'`, 3_000);
}

describe('config hot reload (real file watcher)', () => {
  it('sends new requests to the upstream an edit points the alias at', async () => {
    const g = await start(oldUp);
    expect(await ask(g)).toEqual({ status: 200, text: OLD_REPLY });

    g.writeConfig(config(newUp));
    await untilAnsweredBy(g, NEW_REPLY);
    const before = oldUp.requests.length;
    for (let i = 0; i < 3; i++) expect(await ask(g)).toEqual({ status: 200, text: NEW_REPLY });
    expect(oldUp.requests.length).toBe(before);
    expect(g.logs.some((l) => l.level === 'info' && l.message.startsWith('config reloaded'))).toBe(true);
  });

  it('picks up an editor-style save (write a temp file, rename it over the config)', async () => {
    const g = await start(oldUp);
    const tmp = join(g.dataDir, '.config.yaml.swp');
    writeFileSync(tmp, config(newUp));
    renameSync(tmp, g.configPath);
    await untilAnsweredBy(g, NEW_REPLY);
  });

  it('keeps the old config on an invalid edit, logs the file and the problem, and recovers', async () => {
    const g = await start(oldUp);
    g.writeConfig(
      'model_list:\n  - model_name: main\n    litellm_params: { model: openai/fake-model, api_base: "not a url" }\n',
    );
    await waitFor(() => g.logs.some((l) => l.level === 'error'), 'the reload error to be logged', 3_000);
    const error = g.logs.find((l) => l.level === 'error')!.message;
    expect(error).toContain(g.configPath);
    expect(error).toContain('model_list[0].litellm_params.api_base: invalid URL');
    expect(error).toMatch(/keeping the previous config/);
    expect(await ask(g)).toEqual({ status: 200, text: OLD_REPLY });

    g.writeConfig('model_list: [ this is : not yaml');
    await waitFor(
      () => g.logs.filter((l) => l.level === 'error').length >= 2,
      'a YAML error to be logged',
      3_000,
    );
    expect(await ask(g)).toEqual({ status: 200, text: OLD_REPLY });

    g.writeConfig(config(newUp));
    await untilAnsweredBy(g, NEW_REPLY);
  });

  it('applies a changed max_request_size_mb to new requests', async () => {
    const g = await start(oldUp);
    const big = 'word '.repeat(1_000); // ~5 KB
    expect((await ask(g, big)).status).toBe(200);
    g.writeConfig(config(oldUp, 'general_settings: { max_request_size_mb: 0.001 }'));
    await waitFor(async () => (await ask(g, big)).status === 413, 'the lower size limit to apply', 3_000);
    expect((await ask(g, 'small')).status).toBe(200);
  });

  it('lets a stream in flight finish on the old upstream, with all its chunks', async () => {
    oldUp.setBehavior({ chunkDelayMs: 60 });
    const g = await start(oldUp);
    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'main', stream: true, messages: [{ role: 'user', content: 'go' }] }),
    });
    expect(res.status).toBe(200);
    const streamId = res.headers.get('x-request-id');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let sse = '';
    while (!sse.includes('"content":"old ')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${sse}`);
      sse += value;
    }

    g.writeConfig(config(newUp));
    await untilAnsweredBy(g, NEW_REPLY); // the edit has landed while the stream is still going

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      sse += value;
    }
    let text = '';
    for (const event of sse.split('\n\n')) {
      const data = event.replace(/^data: /, '');
      if (!data || data === '[DONE]') continue;
      text +=
        (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(OLD_REPLY);
    expect(sse.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(newUp.requests.every((r) => r.body.stream !== true)).toBe(true);

    const row = g.rows().find((r) => r.id === streamId);
    expect(row).toMatchObject({ status: 200, streamed: true, error_code: null });
  });
});
