// The admin contract (shared/admin/) against its one implementation: every operation has a handler, every
// input is validated before a handler sees it, and what real calls return parses with the output schema
// unchanged (no field missing, none extra), since the renderer's client is typed from that schema alone.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_OPERATIONS,
  adminContract,
  isAdminOperation,
  type AdminInput,
  type AdminOperation,
} from '../../../shared/admin/contract.ts';
import { keyGenerateInput, keyInfoSchema, keyGenerateOutput } from '../../../shared/admin/keys.ts';
import type { Plan } from '../../../shared/config/litellm-config-schema.ts';
import { dispatchAdmin } from '../../../main/gateway/admin/dispatch.ts';
import { createAdminHandlers, type AdminHandlers } from '../../../main/gateway/admin/handlers.ts';
import { BudgetBook } from '../../../main/gateway/budget/budget-book.ts';
import { GatewayError } from '../../../main/gateway/errors.ts';
import { EventBus } from '../../../main/gateway/events.ts';
import { KeyService } from '../../../main/gateway/keys/key-service.ts';
import type { GatewayRuntime } from '../../../main/gateway/runtime.ts';
import { normalizeConfig } from '../../../main/gateway/config/normalize-config.ts';
import { ProviderRegistry } from '../../../main/gateway/providers/registry.ts';
import { DeploymentHealth } from '../../../main/gateway/routing/deployment-health.ts';
import { openDatabase, type Db } from '../../../main/gateway/store/db.ts';
import { KeysRepo } from '../../../main/gateway/store/keys-repo.ts';
import { RequestLogRepo, type RequestLogRow } from '../../../main/gateway/store/request-log-repo.ts';
import { SpendRepo } from '../../../main/gateway/store/spend-repo.ts';
import { CredentialsRepo } from '../../../main/gateway/store/credentials-repo.ts';
import { MemorySecretStore } from '../../../main/gateway/secrets/secret-store.ts';
import { startFakeOpenAI, type FakeUpstream } from '../../support/fake-openai.ts';
import { tempDir } from '../../support/temp-gateway.ts';
import { testControl } from '../../support/test-control.ts';

const NOW = new Date(2026, 5, 10, 12, 0, 0).getTime();
const plans = new Map<string, Plan>([['pro', { models: ['cloud'], max_budget: 5, budget_duration: '1mo' }]]);

let dir: string;
let db: Db;
let handlers: AdminHandlers;
/** The 'cloud' alias's deployment ids in the running config (model.* operations change them). */
let cloudIds: () => string[];
let ledger: RequestLogRepo;

// credential.test, provider.models and deployment.test ask an upstream: this one, on 127.0.0.1.
let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake?.close());

beforeAll(() => {
  dir = tempDir();
  db = openDatabase(join(dir, 'switchyard.db'));
  const clock = () => NOW;
  const keysRepo = new KeysRepo(db);
  ledger = new RequestLogRepo(db);
  const book = new BudgetBook(keysRepo, ledger, new EventBus(), clock);
  const keys = new KeyService(keysRepo, book, clock, () => plans);
  // The handlers read the key service, the clock, the config's deployments and the router's health.
  const config = {
    model_list: [
      { model_name: 'cloud', litellm_params: { model: 'openai/gpt-4o-mini' } },
      { model_name: 'probe', litellm_params: { model: 'openai/fake-model', api_base: fake.url } },
    ],
  };
  const deployment = normalizeConfig(config, new ProviderRegistry()).config;
  const runtime = {
    keys,
    book,
    clock,
    loaded: { config: deployment, apiKeys: new Map() },
    registry: new ProviderRegistry(),
    health: new DeploymentHealth(clock),
  } as unknown as GatewayRuntime;
  handlers = createAdminHandlers({
    runtime,
    spend: new SpendRepo(db),
    secrets: new MemorySecretStore(),
    credentialTimes: new CredentialsRepo(db),
    env: {},
    reloadSecrets: async () => {},
    // The config editor over a real config.yaml holding `config`, for the models/gateway/settings operations.
    control: testControl(dir, runtime, config, new MemorySecretStore()),
  });
  cloudIds = () => runtime.loaded.config.deployments.filter((d) => d.alias === 'cloud').map((d) => d.id);
});

afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ledgerRow = (over: Partial<RequestLogRow>): RequestLogRow => ({
  id: 'req_1',
  ts: NOW - 1000,
  key_id: null,
  endpoint: 'chat.completions',
  alias: 'cloud',
  provider: 'openai',
  deployment_id: 'cloud#1',
  model: 'gpt-4o-mini',
  status: 200,
  error_code: null,
  prompt_tokens: 10,
  completion_tokens: 5,
  estimated: false,
  cost_usd: 0.00002,
  latency_ms: 12.5,
  ttft_ms: 3,
  streamed: false,
  attempts: [{ deployment: 'cloud#1', provider: 'openai', status: 200, code: null, latency_ms: 12 }],
  tags: [],
  ...over,
});

describe('the contract table', () => {
  it('has a handler for every operation, and no handler outside it', () => {
    expect(Object.keys(handlers).sort()).toEqual([...ADMIN_OPERATIONS].sort());
    for (const op of ADMIN_OPERATIONS) expect(typeof handlers[op]).toBe('function');
  });

  it('knows its operations by own name only', () => {
    expect(isAdminOperation('key.generate')).toBe(true);
    for (const name of ['constructor', '__proto__', 'toString', 'key', 'key.', ''])
      expect(isAdminOperation(name)).toBe(false);
  });

  it('never has a secret in a key’s info; only generate and regenerate return one', () => {
    expect(Object.keys(keyInfoSchema.shape)).not.toContain('key');
    expect(keyGenerateOutput.shape.key).toBeDefined();
    for (const op of ADMIN_OPERATIONS) {
      const hasSecret = op === 'key.generate' || op === 'key.regenerate';
      expect({ op, secret: adminContract[op].output === keyGenerateOutput }).toEqual({
        op,
        secret: hasSecret,
      });
    }
  });
});

describe('real calls through dispatch', () => {
  it('return what the output schema describes, exactly, for every operation', async () => {
    const state: { id?: string; secret?: string } = {};
    // Typed by operation, so a new operation fails to compile until it is covered here.
    const calls: { [K in AdminOperation]: () => AdminInput<K> } = {
      'key.generate': () => ({
        key_alias: 'contract',
        plan: 'pro',
        rpm_limit: 10,
        duration: '7d',
        metadata: { team: 'a', nested: { n: 1 } },
      }),
      'key.update': () => ({ key: state.id!, soft_budget: 1, budget_fallback: 'local' }),
      'key.info': () => ({ key: state.secret! }),
      'key.list': () => ({ plan: 'pro', page: 1, size: 10 }),
      'key.regenerate': () => ({ key: state.id! }),
      'key.block': () => ({ key: 'contract' }),
      'key.unblock': () => ({ key: 'contract' }),
      'spend.logs': () => ({ api_key: state.id!, limit: 10 }),
      'spend.report': () => ({ group_by: ['key', 'alias', 'model', 'provider', 'day', 'tag'] }),
      'key.delete': () => ({ key_aliases: ['contract'] }),
      'router.health': () => ({}),
      'keychain.status': () => ({}),
      'credential.set': () => ({ name: 'vendor', secret: 'sk-contract-0123456789abcdef' }),
      'credential.list': () => ({}),
      'credential.test': () => ({ name: 'vendor', provider: 'openai', api_base: fake.url }),
      'provider.models': () => ({ provider: 'openai', api_base: fake.url, api_key: 'keychain/vendor' }),
      'deployment.test': () => ({ alias: 'probe' }),
      'credential.delete': () => ({ name: 'vendor' }),
      'usage.summary': () => ({ days: 7 }),
      'models.list': () => ({}),
      'model.add': () => ({ alias: 'cloud', model: 'openai/gpt-4o', api_key: 'keychain/vendor' }),
      'model.setPrimary': () => ({ alias: 'cloud', deployment_id: cloudIds().at(-1)! }),
      'model.reorder': () => ({ alias: 'cloud', deployment_ids: cloudIds().reverse() }),
      'model.update': () => ({ id: cloudIds()[0]!, rpm: 10, input_cost_per_million: 1 }),
      'alias.update': () => ({ alias: 'cloud', system_prompt: 'Be brief.', params: { temperature: 0.5 } }),
      'model.remove': () => ({ id: cloudIds().at(-1)! }),
      'gateway.status': () => ({}),
      'gateway.pause': () => ({}),
      'gateway.resume': () => ({}),
      'settings.get': () => ({}),
      'settings.update': () => ({ port: 4242 }),
      'master_key.rotate': () => ({}),
      'master_key.reveal': () => ({}),
      'config.export': () => ({}),
      'config.import': () => ({ yaml: 'model_list: []\n' }),
    };
    expect(Object.keys(calls).sort()).toEqual([...ADMIN_OPERATIONS].sort());

    for (const op of Object.keys(calls) as AdminOperation[]) {
      if (op === 'spend.logs') {
        ledger.insert(ledgerRow({ id: 'req_a', key_id: state.id!, tags: ['ci', 'nightly'] }));
        ledger.insert(
          ledgerRow({
            id: 'req_b',
            key_id: state.id!,
            status: 502,
            error_code: 'upstream_error',
            cost_usd: 0,
          }),
        );
        ledger.insert(ledgerRow({ id: 'req_c', alias: 'local', provider: 'ollama_chat', cost_usd: 0 }));
      }
      const out = await dispatchAdmin(handlers, op, calls[op]());
      expect({ op, parsed: adminContract[op].output.parse(out) }).toEqual({ op, parsed: out });
      if (op === 'spend.logs') expect(out).toHaveLength(2);
      if (op === 'spend.report') expect((out as { rows: unknown[] }).rows.length).toBeGreaterThan(2);
      if (op === 'key.generate' || op === 'key.regenerate') {
        const gen = keyGenerateOutput.parse(out);
        state.id = gen.id;
        state.secret = gen.key;
      }
    }
  });

  it('applies input defaults and coercion before the handler runs', async () => {
    const logs = await dispatchAdmin(handlers, 'spend.logs', { limit: '1' });
    expect(logs).toHaveLength(1);
    // No input at all is an empty object: generate needs nothing.
    const gen = keyGenerateOutput.parse(await dispatchAdmin(handlers, 'key.generate', undefined));
    expect(gen.key).toMatch(/^sk-/);
  });
});

describe('input validation in dispatch', () => {
  const bad: { [K in AdminOperation]: [input: unknown, param: string][] } = {
    'key.generate': [
      [{ budget_duration: '5 days' }, 'budget_duration'],
      [{ max_budget: -1 }, 'max_budget'],
      [{ models: 'x' }, 'models'],
      [{ metadata: [] }, 'metadata'],
      [{ key: 'sk-1' }, 'key'],
      [[], '(top level)'],
    ],
    'key.update': [
      [{}, 'key'],
      [{ key: 'k', rpm_limit: -5 }, 'rpm_limit'],
    ],
    'key.delete': [
      [{}, '(top level)'],
      [{ keys: [''] }, 'keys[0]'],
    ],
    'key.info': [[{ key: '' }, 'key']],
    'key.list': [
      [{ size: 0 }, 'size'],
      [{ page: 1.5 }, 'page'],
    ],
    'key.regenerate': [[{ key: 'k', new_key: 'short' }, 'new_key']],
    'key.block': [[{}, 'key']],
    'key.unblock': [[{ key: null }, 'key']],
    'spend.logs': [
      [{ start_date: '10/06/2026' }, 'start_date'],
      [{ limit: 100_000 }, 'limit'],
      [{ status: 'failed' }, 'status'],
      [{ fallback: 'yes' }, 'fallback'],
    ],
    'spend.report': [
      [{}, 'group_by'],
      [{ group_by: [] }, 'group_by'],
      [{ group_by: ['week'] }, 'group_by[0]'],
    ],
    'router.health': [[[], '(top level)']],
    'keychain.status': [[[], '(top level)']],
    'credential.list': [[[], '(top level)']],
    'credential.set': [
      [{ name: 'a b', secret: 'sk-x' }, 'name'],
      [{ name: 'a', secret: ' \n' }, 'secret'],
    ],
    'credential.delete': [[{ name: 'x'.repeat(65) }, 'name']],
    'credential.test': [
      [{ name: 'a' }, 'provider'],
      [{ name: 'a', provider: 'openai', api_base: 'ftp://x' }, 'api_base'],
    ],
    'provider.models': [[{ provider: 'openai', api_key: 'sk-raw-key-not-a-reference' }, 'api_key']],
    'deployment.test': [
      [{}, '(top level)'],
      [{ id: 'a', alias: 'b' }, '(top level)'],
    ],
    'usage.summary': [
      [{ days: 0 }, 'days'],
      [{ days: 1.5 }, 'days'],
    ],
    'models.list': [[[], '(top level)']],
    'model.add': [
      [{ alias: 'x', model: 'gpt-4o' }, 'model'],
      [{ alias: 'x', model: 'openai/x', api_key: 'sk-raw-key-not-a-reference' }, 'api_key'],
      [{ alias: 'x', model: 'openai/x', params: { temprature: 1 } }, 'params.temprature'],
    ],
    'model.setPrimary': [[{ alias: 'cloud' }, 'deployment_id']],
    'model.reorder': [[{ alias: 'cloud', deployment_ids: [] }, 'deployment_ids']],
    'model.update': [
      [{}, 'id'],
      [{ id: 'a', rpm: 0 }, 'rpm'],
    ],
    'model.remove': [[{}, 'id']],
    'alias.update': [[{ alias: 'a', fallbacks: 'b' }, 'fallbacks']],
    'gateway.status': [[[], '(top level)']],
    'gateway.pause': [[[], '(top level)']],
    'gateway.resume': [[[], '(top level)']],
    'settings.get': [[[], '(top level)']],
    'settings.update': [
      [{ port: 70_000 }, 'port'],
      [{ start_at_login: 'yes' }, 'start_at_login'],
    ],
    'master_key.reveal': [[[], '(top level)']],
    'master_key.rotate': [[[], '(top level)']],
    'config.export': [[[], '(top level)']],
    'config.import': [
      [{}, 'yaml'],
      [{ yaml: '' }, 'yaml'],
    ],
  };

  for (const op of ADMIN_OPERATIONS) {
    it(`refuses bad ${op} input with 400 naming the field`, async () => {
      for (const [input, param] of bad[op]) {
        const err = await dispatchAdmin(handlers, op, input).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(GatewayError);
        const e = err as GatewayError;
        expect({ input, status: e.status, code: e.code, param: e.param }).toEqual({
          input,
          status: 400,
          code: 'invalid_request',
          param,
        });
        expect(e.message).toContain(`'${param}'`);
      }
    });
  }

  it('answers 404 for an operation not in the contract', async () => {
    for (const op of ['key.nope', 'constructor', '__proto__']) {
      await expect(dispatchAdmin(handlers, op, {})).rejects.toMatchObject({ status: 404, code: 'not_found' });
    }
  });
});

describe('durations (budget_duration, duration)', () => {
  it('accept a positive count of s, m, h, d or mo up to 1200mo', () => {
    for (const d of ['30s', '1m', '1h', '1d', '7d', '1mo', '36500d', '1200mo']) {
      expect({ d, ok: keyGenerateInput.safeParse({ budget_duration: d, duration: d }).success }).toEqual({
        d,
        ok: true,
      });
    }
  });

  it('refuse zero, other units, spaces and durations no date can hold', () => {
    for (const d of [
      '0d',
      '00s',
      '1w',
      '1 d',
      '5 days',
      'd',
      '-1d',
      '1.5h',
      '1201mo',
      '100000000d',
      '9'.repeat(30) + 's',
    ]) {
      const r = keyGenerateInput.safeParse({ budget_duration: d });
      expect({ d, ok: r.success }).toEqual({ d, ok: false });
    }
  });
});
