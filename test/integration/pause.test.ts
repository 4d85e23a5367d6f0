// Pause gateway (the tray's switch): while paused no request reaches a provider, on any proxied endpoint,
// with a 503 that says why; admin, health and the model list keep answering; the state survives a restart.
import Anthropic from '@anthropic-ai/sdk';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../main/gateway/index.ts';
import { AdminApi, apiError, openaiAs } from '../support/admin-api.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { memoryLogger, tempDir } from '../support/temp-gateway.ts';

let upstream: FakeUpstream;
let dir: string;
let gw: Gateway | undefined;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ reply: 'served' });
});

afterEach(async () => {
  await gw?.close();
  gw = undefined;
  upstream.reset();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterAll(() => upstream?.close());

async function start(existingDir?: string): Promise<{ g: Gateway; api: AdminApi }> {
  dir = existingDir ?? tempDir();
  const configPath = join(dir, 'config.yaml');
  writeFileSync(
    configPath,
    `model_list:\n  - model_name: m\n    litellm_params: { model: openai/fake-model, api_base: "${upstream.url}" }\n`,
  );
  gw = await startGateway({
    dataDir: dir,
    configPath,
    port: 0,
    logger: memoryLogger(),
    watch: false,
    env: {},
  });
  return { g: gw, api: new AdminApi(gw.url, undefined) };
}

const chat = (g: Gateway) =>
  openaiAs(g.url, 'any').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

async function status(api: AdminApi, op = 'gateway.status') {
  const res = await api.post(`/admin/${op}`, {});
  expect(res.status).toBe(200);
  return res.body as { paused: boolean; url: string };
}

describe('a paused gateway', () => {
  it('refuses every proxied request with 503 gateway_paused, and sends nothing upstream', async () => {
    const { g, api } = await start();
    expect((await chat(g)).choices[0]!.message.content).toBe('served');
    upstream.reset();
    expect((await status(api, 'gateway.pause')).paused).toBe(true);

    const err = await apiError(chat(g));
    expect(err.status).toBe(503);
    expect(err.code).toBe('gateway_paused');
    expect(err.message).toContain('Switchyard is paused');
    const client = openaiAs(g.url, 'any');
    expect((await apiError(client.completions.create({ model: 'm', prompt: 'hi' }))).code).toBe(
      'gateway_paused',
    );
    expect((await apiError(client.embeddings.create({ model: 'm', input: 'hi' }))).code).toBe(
      'gateway_paused',
    );
    const noPrefix = await fetch(`${g.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(noPrefix.status).toBe(503);
    expect(noPrefix.headers.get('x-should-retry')).toBe('false');

    // Claude Code's endpoint answers in Anthropic's shape.
    const anthropic = new Anthropic({ baseURL: g.url, apiKey: 'any', maxRetries: 0 });
    const refused = await anthropic.messages
      .create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(Anthropic.APIError);
    expect((refused as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect(JSON.stringify((refused as InstanceType<typeof Anthropic.APIError>).error)).toContain('paused');

    expect(upstream.requests).toHaveLength(0);
  });

  it('keeps admin, health and the model list answering, and serves again once resumed', async () => {
    const { g, api } = await start();
    await status(api, 'gateway.pause');
    expect((await fetch(`${g.url}/health/readiness`)).status).toBe(200);
    expect((await fetch(`${g.url}/health/liveliness`)).status).toBe(200);
    const models = (await (await fetch(`${g.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['m']);
    expect((await fetch(`${g.url}/v1/model/info`)).status).toBe(200);
    expect((await api.post('/admin/models.list', {})).status).toBe(200);
    expect((await api.get('/key/list')).status).toBe(200);

    expect((await status(api, 'gateway.resume')).paused).toBe(false);
    expect((await chat(g)).choices[0]!.message.content).toBe('served');
  });

  it('stays paused across a restart', async () => {
    const first = await start();
    await status(first.api, 'gateway.pause');
    await first.g.close();
    gw = undefined;

    const { g, api } = await start(dir);
    expect((await status(api)).paused).toBe(true);
    expect((await apiError(chat(g))).status).toBe(503);
    await status(api, 'gateway.resume');
    await g.close();
    gw = undefined;

    const again = await start(dir);
    expect((await status(again.api)).paused).toBe(false);
    expect((await chat(again.g)).choices[0]!.message.content).toBe('served');
  });

  it('reports where it listens and what needs attention', async () => {
    const { g, api } = await start();
    const s = (await status(api)) as Record<string, unknown>;
    expect(s).toMatchObject({
      paused: false,
      url: g.url,
      host: '127.0.0.1',
      port: g.port,
      config_path: join(dir, 'config.yaml'),
      data_dir: dir,
      keys_over_budget: 0,
      deployments_cooling: 0,
    });
    expect(typeof s.version).toBe('string');
    expect(s.started_at as number).toBeLessThanOrEqual(Date.now());
  });
});
