// The window served at /ui by the headless server: the built files with the right types and a strict CSP,
// nothing outside the build reachable, a clear page when nothing is built, public static files but a
// guarded admin API, and no admin call accepted from another web page on this machine.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUiRoutes, UI_CSP } from '../../main/gateway/server/routes/ui.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';

const INDEX = `<!doctype html><html><head>
<script type="module" crossorigin src="./assets/index-abc.js"></script>
<link rel="stylesheet" crossorigin href="./assets/index-abc.css">
</head><body><div id="root"></div></body></html>`;

let root: string;
let app: FastifyInstance;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ui-'));
  root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'icon.svg'), '<svg/>');
  writeFileSync(join(dir, 'secret.txt'), 'outside the build');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
  app = Fastify();
  registerUiRoutes(app, root);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  rmSync(join(root, '..'), { recursive: true, force: true });
});

describe('GET /ui', () => {
  it('serves index.html at /ui and /ui/ with asset URLs that resolve from either', async () => {
    for (const url of ['/ui', '/ui/', '/ui/index.html']) {
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode, type: res.headers['content-type'] }).toEqual({
        url,
        status: 200,
        type: 'text/html; charset=utf-8',
      });
      expect(res.body).toContain('src="/ui/assets/index-abc.js"');
      expect(res.body).toContain('href="/ui/assets/index-abc.css"');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('sends the strict CSP, nosniff and no-framing on every file', async () => {
    for (const url of ['/ui/', '/ui/assets/index-abc.js', '/ui/icon.svg', '/ui/nope.js']) {
      const res = await app.inject({ url });
      expect(res.headers['content-security-policy']).toBe(UI_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    expect(UI_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('names each type correctly and lets hashed assets be cached', async () => {
    const cases: [string, string][] = [
      ['/ui/assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['/ui/assets/index-abc.css', 'text/css; charset=utf-8'],
      ['/ui/icon.svg', 'image/svg+xml'],
    ];
    for (const [url, type] of cases) {
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode, type: res.headers['content-type'] }).toEqual({
        url,
        status: 200,
        type,
      });
    }
    const asset = await app.inject({ url: '/ui/assets/index-abc.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.body).toBe('console.log(1)');
  });

  it('reaches nothing outside the build, however the path is spelled', async () => {
    for (const url of [
      '/ui/../secret.txt',
      '/ui/%2e%2e/secret.txt',
      '/ui/assets/..%2f..%2fsecret.txt',
      '/ui/%2e%2e%2f%2e%2e%2fpackage.json',
      '/ui/..%5csecret.txt',
      '/ui/assets/link.txt',
      '/ui/assets/',
      '/ui/%00index.html',
      '/ui/%E0%A4%A',
    ]) {
      const res = await app.inject({ url });
      // A malformed escape is refused by the router itself (400); everything else is simply not there.
      expect({ url, status: res.statusCode }).toEqual({ url, status: url.endsWith('%A') ? 400 : 404 });
      expect(res.body).not.toContain('outside the build');
    }
  });

  it('explains how to build the window when it is not built', async () => {
    const bare = Fastify();
    registerUiRoutes(bare, join(root, 'does-not-exist'));
    const res = await bare.inject({ url: '/ui/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('npm run build:renderer');
    await bare.close();
  });
});

describe('the window on a real gateway', () => {
  let gw: TestGateway;
  const MASTER = 'sk-master-ui-route-test';

  beforeAll(async () => {
    gw = await startTestGateway(`model_list: []\ngeneral_settings:\n  master_key: ${MASTER}\n`);
  });
  afterAll(() => gw?.close());

  it('serves /ui without a key but keeps /admin behind the master key', async () => {
    const page = await fetch(`${gw.url}/ui/`);
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toBe(UI_CSP);
    const root = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const refused = await fetch(`${gw.url}/admin/key.list`, { method: 'POST' });
    expect(refused.status).toBe(401);
    const ok = await fetch(`${gw.url}/admin/key.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}` },
    });
    expect(ok.status).toBe(200);
  });

  it("accepts admin calls from the window's own origin and refuses other origins", async () => {
    const auth = { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' };
    const same = await fetch(`${gw.url}/admin/key.list`, {
      method: 'POST',
      headers: { ...auth, origin: gw.url },
      body: '{}',
    });
    expect(same.status).toBe(200);
    for (const origin of ['http://localhost:3000', 'null', 'http://evil.example']) {
      const res = await fetch(`${gw.url}/admin/key.list`, {
        method: 'POST',
        headers: { ...auth, origin },
        body: '{}',
      });
      expect({ origin, status: res.status }).toEqual({ origin, status: 403 });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
