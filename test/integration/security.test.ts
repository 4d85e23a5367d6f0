// What protects the user's keys on a shared machine: foreign Host headers are refused (DNS rebinding), no
// CORS headers let a web page read answers, and the upstream key never leaves memory: not in responses,
// not in the ledger file, not in the log.
import { readFileSync, existsSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const UPSTREAM_KEY = 'sk-upstream-VERY-secret-7f3a9c';
const MASTER = 'sk-master-security';

let good: FakeUpstream;
let echo: FakeUpstream;
let gw: TestGateway;

const configText = (extra = '') => `
model_list:
  - model_name: good
    litellm_params:
      model: openai/fake-model
      api_base: "${good.url}"
      api_key: os.environ/UPSTREAM_KEY
      custom_llm_provider: openai
  - model_name: echo
    litellm_params: { model: openai/fake-model, api_base: "${echo.url}", api_key: os.environ/UPSTREAM_KEY }
${extra}
router_settings: { num_retries: 0 }
general_settings: { master_key: ${MASTER} }
`;

beforeAll(async () => {
  good = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, reply: 'all good here' });
  echo = await startFakeOpenAI({
    error: { status: 401, message: `Incorrect API key provided: ${UPSTREAM_KEY}. Check your key.` },
  });
  gw = await startTestGateway(configText(), { env: { UPSTREAM_KEY } });
});

afterAll(async () => {
  await gw?.close();
  await good?.close();
  await echo?.close();
});

beforeEach(() => {
  good.reset();
  echo.reset();
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http, because fetch will not let a test choose the Host header. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<RawResponse> {
  const url = new URL(gw.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...headers,
        },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const auth = { authorization: `Bearer ${MASTER}` };
const chatBody = (model: string, stream = false) => ({
  model,
  stream,
  messages: [{ role: 'user', content: 'tell me a secret' }],
});

describe('Host header (DNS rebinding)', () => {
  const port = () => new URL(gw.url).port;

  it.each([
    ['evil.example', () => 'evil.example'],
    ['evil.example:<port>', () => `evil.example:${port()}`],
    ['127.0.0.1.evil.example:<port>', () => `127.0.0.1.evil.example:${port()}`],
    ['localhost.evil.example:<port>', () => `localhost.evil.example:${port()}`],
  ])('refuses Host %s with 403 and calls no upstream', async (_name, host) => {
    for (const [method, path, body] of [
      ['POST', '/v1/chat/completions', chatBody('good')],
      ['GET', '/v1/models', undefined],
      ['GET', '/v1/model/info', undefined],
      ['GET', '/health/liveliness', undefined],
    ] as const) {
      const res = await raw(method, path, { ...auth, host: host() }, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'forbidden_host' } });
      expect(res.body).not.toContain('fake-model');
    }
    expect(good.requests).toHaveLength(0);
  });

  it.each([
    ['localhost:<port>', () => `localhost:${port()}`],
    ['LOCALHOST:<port>', () => `LOCALHOST:${port()}`],
    ['127.0.0.1:<port>', () => `127.0.0.1:${port()}`],
    ['[::1]:<port>', () => `[::1]:${port()}`],
  ])('allows Host %s', async (_name, host) => {
    const res = await raw('POST', '/v1/chat/completions', { ...auth, host: host() }, chatBody('good'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).choices[0].message.content).toBe('all good here');
  });
});

describe('CORS', () => {
  const corsHeaders = (h: IncomingHttpHeaders) =>
    Object.keys(h).filter((k) => k.startsWith('access-control-'));

  it('sends no CORS headers on a preflight from a web page', async () => {
    const res = await raw('OPTIONS', '/v1/chat/completions', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(corsHeaders(res.headers)).toEqual([]);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it('sends no CORS headers on answers, even with the right key and an Origin', async () => {
    const origin = { origin: 'https://evil.example' };
    for (const res of [
      await raw('POST', '/v1/chat/completions', { ...auth, ...origin }, chatBody('good')),
      await raw('GET', '/v1/models', { ...auth, ...origin }),
      await raw('GET', '/health/readiness', origin),
    ]) {
      expect(res.status).toBe(200);
      expect(corsHeaders(res.headers)).toEqual([]);
    }
  });
});

describe('the upstream key stays secret', () => {
  const seen: RawResponse[] = [];
  const everything = (r: RawResponse) => `${JSON.stringify(r.headers)}\n${r.body}`;

  it('reaches the upstream (so there is something to leak)', async () => {
    const res = await raw('POST', '/v1/chat/completions', auth, chatBody('good'));
    seen.push(res);
    expect(res.status).toBe(200);
    expect(good.requests[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('is in no response: models, model info, health, answers and streams', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/models', undefined],
      ['GET', '/v1/model/info', undefined],
      ['GET', '/model/info', undefined],
      ['GET', '/health/readiness', undefined],
      ['POST', '/v1/chat/completions', chatBody('good', true)],
      ['POST', '/v1/completions', { model: 'good', prompt: 'hi' }],
      ['POST', '/v1/embeddings', { model: 'good', input: 'hi' }],
    ] as const) {
      const res = await raw(method, path, auth, body);
      seen.push(res);
      expect(res.status, `${method} ${path}: ${res.body}`).toBe(200);
      expect(everything(res)).not.toContain(UPSTREAM_KEY);
    }
    const info = JSON.parse(seen.find((r) => r.body.includes('"litellm_params"'))!.body) as {
      data: { litellm_params: Record<string, unknown> }[];
    };
    for (const d of info.data) expect(d.litellm_params).not.toHaveProperty('api_key');
  });

  it('is scrubbed from an upstream 401 that echoes it', async () => {
    for (const stream of [false, true]) {
      const res = await raw('POST', '/v1/chat/completions', auth, chatBody('echo', stream));
      seen.push(res);
      expect(res.status).toBe(502);
      const body = JSON.parse(res.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('upstream_auth_failed');
      // The user still learns what the upstream said, minus the key.
      expect(body.error.message).toContain('Incorrect API key provided');
      expect(everything(res)).not.toContain(UPSTREAM_KEY);
    }
    expect(echo.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('is scrubbed from an in-stream error that echoes it', async () => {
    good.setBehavior({ midStreamError: { afterChunks: 1, message: `key ${UPSTREAM_KEY} was revoked` } });
    const res = await raw('POST', '/v1/chat/completions', auth, chatBody('good', true));
    expect(res.status).toBe(200);
    expect(res.body).toContain('revoked');
    expect(everything(res)).not.toContain(UPSTREAM_KEY);
  });

  it('is not in the ledger database or its write-ahead log', async () => {
    expect(gw.rows().length).toBeGreaterThanOrEqual(5);
    const needle = Buffer.from(UPSTREAM_KEY, 'utf8');
    for (const name of ['switchyard.db', 'switchyard.db-wal']) {
      const file = join(gw.dataDir, name);
      if (!existsSync(file)) continue;
      expect(readFileSync(file).includes(needle), name).toBe(false);
    }
    expect(existsSync(join(gw.dataDir, 'switchyard.db'))).toBe(true);
  });

  it('is not in the log, including warnings about the config and a failed reload', async () => {
    gw.writeConfig(
      configText(`  - model_name: bad
    litellm_params: { model: openai/x, api_base: "${good.url}", api_key: "${UPSTREAM_KEY}", timeout: "${UPSTREAM_KEY}" }`),
    );
    await gw.reload();
    gw.writeConfig(configText());
    await gw.reload();
    const lines = gw.logs.map((l) => l.message);
    expect(lines.some((m) => m.includes('custom_llm_provider'))).toBe(true);
    expect(lines.some((m) => m.includes('model_list[2].litellm_params.timeout'))).toBe(true);
    for (const m of lines) expect(m).not.toContain(UPSTREAM_KEY);
    // The reload that failed left the working config in place.
    expect((await raw('POST', '/v1/chat/completions', auth, chatBody('good'))).status).toBe(200);
  });

  it('was in no response seen by these tests', () => {
    expect(seen.length).toBeGreaterThanOrEqual(10);
    for (const r of seen) expect(everything(r)).not.toContain(UPSTREAM_KEY);
  });
});

describe('listening beyond this machine', () => {
  it('refuses to start on a network address without a master key, before binding anything', async () => {
    const start = startTestGateway('model_list: []\n', { host: '0.0.0.0' });
    await expect(start).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without a master key/);
  });
});
