// A gateway without a master key (open mode): the window opens without asking and its admin calls work
// from its own origin, while another web page on this machine can neither read nor change anything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApi } from '../support/admin-api.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';
import { openBrowser, type Browser } from './browser.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

let upstream: FakeUpstream;
let gw: TestGateway;
let browser: Browser;
let page: Page;
let foreign: Server;
let foreignUrl: string;

/** A page another local app could serve: it tries the admin API behind the user's back. */
function foreignPage(gateway: string): string {
  return `<!doctype html><title>other app</title><script>
  const g = ${JSON.stringify(gateway)};
  const tries = [
    fetch(g + '/admin/key.generate', { method: 'POST', mode: 'no-cors' }),
    fetch(g + '/admin/gateway.pause', { method: 'POST', mode: 'no-cors' }),
    fetch(g + '/key/generate', { method: 'POST', mode: 'no-cors', body: '{"key_alias":"planted"}' }),
    fetch(g + '/admin/key.list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      .then((r) => r.text()).then((t) => { window.stolen = t; }),
  ];
  Promise.allSettled(tries).then((r) => { document.title = 'done:' + r.map((x) => x.status).join(','); });
</script>`;
}

beforeAll(async () => {
  await ensureRendererBuilt();
  upstream = await startFakeOpenAI();
  gw = await startTestGateway(
    `model_list:\n  - model_name: local\n    litellm_params: { model: openai/fake-model, api_base: "${upstream.url}" }\n`,
  );
  foreign = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(foreignPage(gw.url)),
  );
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(15_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  foreign?.closeAllConnections();
  await new Promise<void>((r) => (foreign ? foreign.close(() => r()) : r()));
  await gw?.close();
  await upstream?.close();
});

describe('open mode (no master key)', () => {
  it('opens the window without a login, warns that nothing is locked, and its admin calls work', async () => {
    await page.goto(`${gw.url}/ui/`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText('No master key is set').waitFor();
    expect(await page.locator('input[name=master_key]').count()).toBe(0);
    await page.getByRole('link', { name: 'Apps & keys' }).click();
    await page.getByRole('button', { name: 'New app key' }).first().click();
    await page.locator('input[name=key_alias]').fill('from-the-window');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-secret').waitFor();
    const keys = await new AdminApi(gw.url, undefined).post('/admin/key.list', {});
    expect(keys.body.keys.map((k: { key_alias: string }) => k.key_alias)).toEqual(['from-the-window']);
    await browser.screenshot('open-mode-keys');
    expect(browser.problems).toEqual([]);
  }, 60_000);

  it('refuses another local page: no key planted, the gateway not paused, nothing read', async () => {
    const other = await browser.context.newPage();
    await other.goto(foreignUrl);
    await other.waitForFunction(() => document.title.startsWith('done:'));
    expect(await other.evaluate('window.stolen')).toBeUndefined();
    await other.close();

    const admin = new AdminApi(gw.url, undefined);
    const keys = await admin.post('/admin/key.list', {});
    expect(keys.body.keys.map((k: { key_alias: string }) => k.key_alias)).toEqual(['from-the-window']);
    const status = await admin.post('/admin/gateway.status', {});
    expect(status.body.paused).toBe(false);
  }, 60_000);
});
