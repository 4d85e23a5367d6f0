// The React window in headless chromium against a real gateway with simulated upstreams and a master key:
// what a user does in it, and what the gateway then does differently. Screenshots of every page land in
// test-artifacts/ui/.
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../main/gateway/secrets/secret-store.ts';
import { money } from '../../renderer/src/format.ts';
import { AdminApi, openaiAs } from '../support/admin-api.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { startTestGateway, type TestGateway } from '../support/temp-gateway.ts';
import { openBrowser, type Browser } from './browser.ts';
import { ensureRendererBuilt } from './renderer-build.ts';

const MASTER = 'sk-master-window-test-0001';
const VENDOR_SECRET = 'sk-vendor-secret-for-my-server-9876';
const STEP_MS = 60_000;

let a: FakeUpstream;
let b: FakeUpstream;
let vendor: FakeUpstream;
let gw: TestGateway;
let browser: Browser;
let page: Page;
const secrets = new MemorySecretStore();
/** The app key created through the window. */
let appKey = '';

/** A locator's text once it is there. */
async function text(l: Locator): Promise<string> {
  await l.waitFor();
  return (await l.textContent()) ?? '';
}

/** Polls a locator's text until `ok` holds (the window refreshes on its own schedule). */
async function waitForText(l: Locator, ok: (t: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const t = (await l.count()) ? ((await l.first().textContent()) ?? '') : '';
    if (ok(t)) return t;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last text: ${t}`);
    await page.waitForTimeout(100);
  }
}

async function go(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

const ask = (model: string) =>
  openaiAs(gw.url, appKey).chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'say something nice' }],
  });

beforeAll(async () => {
  await ensureRendererBuilt();
  a = await startFakeOpenAI({ reply: 'from a, one two three' });
  b = await startFakeOpenAI({ reply: 'from b, four five' });
  vendor = await startFakeOpenAI({ apiKey: VENDOR_SECRET, models: ['vendor-chat-1', 'vendor-chat-2'] });
  const price = 'input_cost_per_token: 0.001, output_cost_per_token: 0.002';
  gw = await startTestGateway(
    `
model_list:
  - model_name: smart
    litellm_params: { model: openai/gpt-a, api_base: "${a.url}", api_key: sk-up-a, order: 1, ${price} }
  - model_name: smart
    litellm_params: { model: openai/gpt-b, api_base: "${b.url}", api_key: sk-up-b, order: 2, ${price} }
  - model_name: fast
    litellm_params: { model: openai/gpt-fast, api_base: "${a.url}", api_key: sk-up-a }
general_settings:
  master_key: ${MASTER}
`,
    { secretStore: secrets },
  );
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(15_000);
}, 180_000);

// A step that failed with a dialog open must not block the next one.
afterEach(async () => {
  for (let i = 0; i < 3 && (await page.getByRole('dialog').count()) > 0; i++)
    await page.keyboard.press('Escape');
});

afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await Promise.all([a?.close(), b?.close(), vendor?.close()]);
});

describe('the window at /ui', () => {
  it(
    'asks for the master key, says so in words when it is wrong, and opens with the right one',
    async () => {
      await page.goto(`${gw.url}/ui/`);
      const keyField = page.locator('input[name=master_key]');
      await keyField.fill('not-the-master-key');
      await page.getByRole('button', { name: 'Open' }).click();
      expect(await text(page.getByRole('alert'))).toContain('That is not the master key');
      await browser.screenshot('login');
      await keyField.fill(MASTER);
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      expect(await text(page.getByText('No requests in the last 30 days'))).toBeTruthy();
      // Kept for this browser session only: a reload does not ask again.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    },
    STEP_MS,
  );

  it(
    'creates an app key and hands out a Continue snippet with the real URL, key and alias',
    async () => {
      await go('Apps & keys');
      await page.getByText('No app keys yet').waitFor();
      await page.getByRole('button', { name: 'New app key' }).first().click();
      const form = page.getByRole('dialog', { name: 'New app key' });
      await form.locator('input[name=key_alias]').fill('continue-laptop');
      await form.locator('input[name=max_budget]').fill('5');
      await form.getByRole('button', { name: 'Create key' }).click();

      const created = page.getByRole('dialog', { name: /Key created/ });
      appKey = (await text(created.getByTestId('new-secret'))).trim();
      expect(appKey).toMatch(/^sk-/);
      await browser.screenshot('key-created');
      const snippet = created.getByTestId('connect-continue');
      await snippet.getByRole('button', { name: 'Copy' }).click();
      const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
      expect(copied).toContain(`apiBase: ${gw.url}/v1`);
      expect(copied).toContain(`apiKey: ${appKey}`);
      expect(copied).toContain('model: smart');
      expect(copied).toContain('provider: openai');
      await created.getByRole('button', { name: 'Close' }).click();

      const row = page.getByTestId('key-row-continue-laptop');
      expect(await text(row)).toContain('of $5.00 per month');
    },
    STEP_MS,
  );

  it(
    'shows a refusal in words: a second key with the same name',
    async () => {
      await page.getByRole('button', { name: 'New app key' }).first().click();
      const form = page.getByRole('dialog', { name: 'New app key' });
      await form.locator('input[name=key_alias]').fill('continue-laptop');
      await form.getByRole('button', { name: 'Create key' }).click();
      const alert = await text(form.getByRole('alert'));
      expect(alert).toContain('Please check what you entered');
      expect(alert).toContain("A key named 'continue-laptop' exists");
      await form.getByRole('button', { name: 'Cancel' }).click();
    },
    STEP_MS,
  );

  it(
    'shows the spend and ledger rows of requests sent with that key',
    async () => {
      for (let i = 0; i < 3; i++) await ask('smart');
      expect(a.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(3);
      const rows = gw.rows();
      const spent = rows.reduce((s, r) => s + r.cost_usd, 0);
      expect(spent).toBeGreaterThan(0);

      await go('Overview');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await waitForText(
        page.getByTestId('spend-today'),
        (t) => t === money(spent),
        `today's spend ${money(spent)}`,
      );
      expect(await text(page.getByTestId('requests-today'))).toBe('3');
      await page.getByRole('img', { name: 'spend by app per day' }).waitFor();
      await browser.screenshot('overview');

      await go('Apps & keys');
      await waitForText(
        page.getByTestId('key-row-continue-laptop').getByTestId('key-spend'),
        (t) => t === money(spent),
        'the key’s spend',
      );
      await browser.screenshot('keys');

      await go('Logs');
      await waitForText(
        page.getByTestId('log-row').nth(2),
        (t) => t.includes('continue-laptop'),
        'three log rows',
      );
      expect(await page.getByTestId('log-row').count()).toBe(3);
      const costs = await page.getByTestId('log-cost').allTextContents();
      expect(costs).toEqual(rows.map((r) => money(r.cost_usd)));
      // Filters go to the server: no failed requests yet.
      await page.locator('select[name=status]').selectOption('error');
      await page.getByText('No requests match these filters').waitFor();
      await page.locator('select[name=status]').selectOption('');
      await page.getByTestId('log-row').first().click();
      const detail = page.getByRole('dialog', { name: 'Request' });
      expect(await text(detail.getByTestId('attempt-chain'))).toContain(rows[0]!.deployment_id!);
      await browser.screenshot('logs-detail');
      await detail.getByRole('button', { name: 'Close' }).click();
      await browser.screenshot('logs');
    },
    STEP_MS,
  );

  it(
    'edits, blocks, regenerates and deletes keys, and the gateway follows at once',
    async () => {
      await go('Apps & keys');
      const row = page.getByTestId('key-row-continue-laptop');
      // The tray's "Custom…" cap opens the window at #/keys?key=<id>: that key's editor.
      const listed = await new AdminApi(gw.url, MASTER).get('/key/list', {
        key_alias: 'continue-laptop',
        return_full_object: 'true',
      });
      const id = listed.body.keys[0].id as string;
      await page.evaluate((k) => (location.hash = `#/keys?key=${k}`), id);
      const form = page.getByRole('dialog', { name: 'Edit continue-laptop' });
      await form.waitFor();
      await form.locator('input[name=max_budget]').fill('10');
      await form.locator('select[name=budget_duration]').selectOption('1d');
      await form.locator('input[name=rpm_limit]').fill('100');
      await form.getByRole('button', { name: 'Save changes' }).click();
      await waitForText(
        row,
        (t) => t.includes('of $10.00 per day') && t.includes('100 req/min'),
        'the edited caps',
      );

      await row.getByRole('button', { name: 'Block' }).click();
      await row.getByText('blocked').waitFor();
      await expect(ask('smart')).rejects.toMatchObject({ status: 401 });
      await row.getByRole('button', { name: 'Unblock' }).click();
      await row.getByRole('button', { name: 'Block' }).waitFor();
      await ask('smart');

      await row.getByRole('button', { name: 'Regenerate' }).click();
      await page
        .getByRole('dialog', { name: /Regenerate/ })
        .getByRole('button', { name: 'Regenerate' })
        .click();
      const fresh = (
        await text(page.getByRole('dialog', { name: /New secret for/ }).getByTestId('new-secret'))
      ).trim();
      expect(fresh).not.toBe(appKey);
      const old = appKey;
      appKey = fresh;
      await page.keyboard.press('Escape');
      await ask('smart');
      await expect(
        openaiAs(gw.url, old).chat.completions.create({
          model: 'smart',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ).rejects.toMatchObject({ status: 401 });

      await new AdminApi(gw.url, MASTER).generate({ key_alias: 'scratch' });
      await go('Overview');
      await go('Apps & keys');
      await page.getByTestId('key-row-scratch').getByRole('button', { name: 'Delete' }).click();
      await page
        .getByRole('dialog', { name: 'Delete scratch?' })
        .getByRole('button', { name: 'Delete key' })
        .click();
      await page.getByTestId('key-row-scratch').waitFor({ state: 'detached' });
      const left = await new AdminApi(gw.url, MASTER).get('/key/list', { return_full_object: 'true' });
      expect(left.body.keys.map((k: { key_alias: string }) => k.key_alias)).toEqual(['continue-laptop']);
    },
    STEP_MS,
  );

  it(
    'switches which deployment answers first, and the next request goes there',
    async () => {
      await go('Models');
      const smart = page.getByTestId('alias-smart');
      const second = smart.getByTestId('deployment-openai/gpt-b');
      expect(await text(smart.getByTestId('deployment-openai/gpt-a'))).toContain('primary');
      await second.getByRole('button', { name: 'Use first' }).click();
      await second.getByText('primary').waitFor();
      await browser.screenshot('models');

      const before = { a: a.requests.length, b: b.requests.length };
      await ask('smart');
      expect(b.requests.length).toBe(before.b + 1);
      expect(a.requests.length).toBe(before.a);
      expect(b.requests.at(-1)!.body.model).toBe('gpt-b');
    },
    STEP_MS,
  );

  it(
    'tests a deployment and shows the latency, or the exact error',
    async () => {
      await page
        .getByTestId('alias-smart')
        .getByTestId('deployment-openai/gpt-b')
        .getByRole('button', { name: 'Test' })
        .click();
      expect(await text(page.getByTestId('test-result').first())).toMatch(/Answered in \d+ ms/);
      a.setBehavior({
        error: { status: 401, message: 'Incorrect API key provided: sk-up-a.', code: 'invalid_api_key' },
      });
      await page
        .getByTestId('alias-smart')
        .getByTestId('deployment-openai/gpt-a')
        .getByRole('button', { name: 'Test' })
        .click();
      const failed = await waitForText(
        page.getByTestId('alias-smart').getByTestId('deployment-openai/gpt-a').getByTestId('test-result'),
        (t) => t.startsWith('Failed'),
        'the failed test',
      );
      expect(failed).toContain('401');
      a.setBehavior({ error: undefined });
    },
    STEP_MS,
  );

  it(
    'adds a provider: its key goes to the secret store, its models become aliases in one click',
    async () => {
      await go('Providers');
      await page.getByRole('button', { name: /OpenAI-compatible/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Add OpenAI-compatible' });
      await dialog.locator('input[name=api_base]').fill(vendor.url);
      await dialog.locator('input[name=credential_name]').fill('my-server');
      await dialog.locator('input[name=secret]').fill(VENDOR_SECRET);
      await dialog.getByRole('button', { name: 'Save key' }).click();
      const hint = await text(dialog.getByTestId('stored-hint'));
      expect(hint).not.toContain(VENDOR_SECRET);
      expect(await secrets.get('my-server')).toBe(VENDOR_SECRET);

      await dialog.getByRole('button', { name: 'Test connection' }).click();
      expect(await text(dialog.getByTestId('connection-test'))).toContain('Connected');
      await dialog.getByRole('button', { name: 'Find models' }).click();
      const row = dialog.getByTestId('discovered-vendor-chat-1');
      await row.getByRole('button', { name: 'Add as alias' }).click();
      await row.getByText('added').waitFor();
      await browser.screenshot('provider-added');
      await dialog.getByRole('button', { name: 'Close' }).click();
      expect(await text(page.getByTestId('credential-my-server'))).toContain(hint);
      await browser.screenshot('providers');

      const reply = await ask('vendor-chat-1');
      expect(reply.choices[0]!.message.content).toBeTruthy();
      expect(vendor.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VENDOR_SECRET}`);
      // The config names the key; it never holds it.
      const config = readFileSync(gw.configPath, 'utf8');
      expect(config).toContain('keychain/my-server');
      expect(config).not.toContain(VENDOR_SECRET);
      expect(await page.content()).not.toContain(VENDOR_SECRET);
    },
    STEP_MS,
  );

  it(
    'shows the settings and reveals the master key on request',
    async () => {
      await go('Settings');
      expect(await text(page.getByText(gw.url, { exact: true }))).toBe(gw.url);
      await page.getByRole('button', { name: 'Reveal' }).click();
      expect(await text(page.getByTestId('master-key'))).toBe(MASTER);
      await browser.screenshot('settings');
    },
    STEP_MS,
  );

  it(
    'asks again, in words, once the master key was rotated elsewhere',
    async () => {
      const rotated = await new AdminApi(gw.url, MASTER).post('/admin/master_key.rotate', {});
      expect(rotated.status).toBe(200);
      const fresh = rotated.body.master_key as string;
      await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: 'Apps & keys' })
        .click();
      expect(await text(page.getByRole('alert'))).toContain('no longer accepted');
      await page.locator('input[name=master_key]').fill(fresh);
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByTestId('key-row-continue-laptop').waitFor();
    },
    STEP_MS,
  );

  it('ran without a CSP violation or a script error', () => {
    expect(browser.problems).toEqual([]);
  });
});
