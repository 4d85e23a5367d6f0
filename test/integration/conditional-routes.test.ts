// Conditional routes: an alias's requests go elsewhere by prompt size, images, tools or calling key.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

let main: FakeUpstream;
let long: FakeUpstream;
let vision: FakeUpstream;
let cheap: FakeUpstream;
let gw: TestGateway;
let master: OpenAI;

beforeAll(async () => {
  [main, long, vision, cheap] = await Promise.all([
    startFakeOpenAI({ reply: 'main' }),
    startFakeOpenAI({ reply: 'long' }),
    startFakeOpenAI({ reply: 'vision' }),
    startFakeOpenAI({ reply: 'cheap' }),
  ]);
  gw = await startTestGateway(`
model_list:
  - { model_name: smart, litellm_params: { model: openai/m, api_base: "${main.url}" } }
  - { model_name: long-context, litellm_params: { model: openai/l, api_base: "${long.url}" } }
  - { model_name: vision, litellm_params: { model: openai/v, api_base: "${vision.url}" } }
  - { model_name: cheap, litellm_params: { model: openai/c, api_base: "${cheap.url}" } }
router_settings: { model_group_alias: { gpt-4: smart } }
conditional_routes:
  smart:
    - { if: { min_prompt_tokens: 200 }, to: long-context }
    - { if: { has_images: true }, to: vision }
    - { if: { keys: [cron] }, to: cheap }
general_settings: { master_key: sk-master }
`);
  master = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'sk-master', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([main, long, vision, cheap].map((f) => f?.close()));
});

beforeEach(() => [main, long, vision, cheap].forEach((f) => f.reset()));

const answer = async (client: OpenAI, messages: OpenAI.ChatCompletionMessageParam[], model = 'smart') =>
  (await client.chat.completions.create({ model, messages })).choices[0]?.message.content;

describe('conditional routes', () => {
  it('leaves an ordinary request on its alias', async () => {
    expect(await answer(master, [{ role: 'user', content: 'hello' }])).toBe('main');
  });

  it('sends a long prompt to the long-context alias, also when asked by another name', async () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(100);
    expect(await answer(master, [{ role: 'user', content: text }], 'gpt-4')).toBe('long');
    expect(main.requests).toHaveLength(0);
    expect(gw.rows()[0]).toMatchObject({
      alias: 'gpt-4',
      deployment_id: expect.stringContaining('long-context'),
    });
  });

  it('sends a request with an image to the vision alias', async () => {
    const content: OpenAI.ChatCompletionContentPart[] = [
      { type: 'text', text: 'what is this' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ];
    expect(await answer(master, [{ role: 'user', content }])).toBe('vision');
  });

  it('routes by the calling key', async () => {
    const res = await fetch(`${gw.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-master', 'content-type': 'application/json' },
      body: JSON.stringify({ key_alias: 'cron' }),
    });
    const { key } = (await res.json()) as { key: string };
    const cron = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
    const raw = await cron.chat.completions
      .create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(raw.data.choices[0]?.message.content).toBe('cheap');
    expect(raw.response.headers.get('x-switchyard-route')).toBe('conditional_routes.smart[2] -> cheap');
    expect(await answer(master, [{ role: 'user', content: 'hi' }])).toBe('main');
  });
});
