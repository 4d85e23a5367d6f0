// The tray's state is read through the admin contract; a missing or failing operation blanks only its
// own part of the menu.
import { describe, expect, it } from 'vitest';
import { gatherTrayState } from '../../../main/app/tray-state.ts';
import { GatewayError } from '../../../main/gateway/errors.ts';

const key = (id: string, spend: number, max_budget: number | null, alias: string | null = id) => ({
  id,
  key_alias: alias,
  key_name: `sk-...${id}`,
  spend,
  max_budget,
  budget_duration: max_budget === null ? null : '1d',
  models: [],
});

const OUTPUTS: Record<string, unknown> = {
  'gateway.status': {
    paused: true,
    url: 'http://127.0.0.1:5555',
    host: '127.0.0.1',
    port: 5555,
    keys_over_budget: 3,
    deployments_cooling: 2,
  },
  'usage.summary': { spend: { today: 0.5, d7: 1, d30: 2, month: 1.5 } },
  'key.list': { keys: [key('a', 1, 5), key('b', 0, null, null)], total_count: 2 },
  'models.list': {
    aliases: [
      {
        alias: 'fast',
        primary: 'fast#1',
        wildcard: false,
        deployments: [
          {
            id: 'fast#1',
            model: 'ollama_chat/llama3.2',
            provider: 'ollama',
            api_base: null,
            cooling: false,
            order: 1,
          },
        ],
      },
    ],
  },
  'settings.get': { host: '127.0.0.1', port: 5555, start_at_login: true, master_key_set: false },
};

function dispatchWith(outputs: Record<string, unknown>, calls: { op: string; input: unknown }[] = []) {
  return async (op: string, input: unknown) => {
    calls.push({ op, input });
    if (!(op in outputs)) throw new GatewayError(404, 'not_found', `No admin operation '${op}'`);
    const out = outputs[op];
    if (out instanceof Error) throw out;
    return out;
  };
}

describe('gatherTrayState', () => {
  it('reads status, spend, keys, models and the login setting', async () => {
    const s = await gatherTrayState(dispatchWith(OUTPUTS), { configPath: '/d/config.yaml', url: 'http://x' });
    expect(s).toEqual({
      error: null,
      configPath: '/d/config.yaml',
      paused: true,
      url: 'http://127.0.0.1:5555',
      spend: { today: 0.5, month: 1.5 },
      keys: [
        { id: 'a', key_alias: 'a', key_name: 'sk-...a', spend: 1, max_budget: 5, budget_duration: '1d' },
        { id: 'b', key_alias: null, key_name: 'sk-...b', spend: 0, max_budget: null, budget_duration: null },
      ],
      aliases: [
        {
          alias: 'fast',
          primary: 'fast#1',
          deployments: [{ id: 'fast#1', model: 'ollama_chat/llama3.2', api_base: null, cooling: false }],
        },
      ],
      keysOverBudget: 3,
      deploymentsCooling: 2,
      startAtLogin: true,
    });
  });

  it("without usage.summary, sums this month's spend.report by local day", async () => {
    const now = new Date(2025, 4, 17, 15, 0).getTime();
    const calls: { op: string; input: unknown }[] = [];
    const { ['usage.summary']: _gone, ...rest } = OUTPUTS;
    const dispatch = dispatchWith(
      {
        ...rest,
        'spend.report': {
          total_spend: 4.25,
          rows: [
            { day: '2025-05-16', spend: 4 },
            { day: '2025-05-17', spend: 0.25 },
          ],
        },
      },
      calls,
    );
    const s = await gatherTrayState(dispatch, { configPath: '/c', url: 'http://x', now });
    expect(s.spend).toEqual({ today: 0.25, month: 4.25 });
    expect(calls.find((c) => c.op === 'spend.report')!.input).toEqual({
      group_by: ['day'],
      start_date: '2025-05-01',
    });
  });

  it('leaves out what fails, and counts over-budget keys and cooling deployments itself', async () => {
    const dispatch = dispatchWith({
      'key.list': { keys: [key('a', 5, 5), key('z', 0.01, 0), key('free', 0, 0), key('b', 1, null)] },
      'models.list': {
        aliases: [
          {
            alias: 'smart',
            primary: null,
            deployments: [
              { id: 's1', model: 'openai/gpt-4o', api_base: null, cooling: true },
              { id: 's2', model: 'azure/gpt-4o', api_base: null, cooling: false },
            ],
          },
        ],
      },
      'usage.summary': new Error('database is locked'),
    });
    const s = await gatherTrayState(dispatch, { configPath: '/c', url: 'http://127.0.0.1:4141' });
    expect(s).toMatchObject({
      error: null,
      paused: false,
      url: 'http://127.0.0.1:4141',
      spend: null,
      startAtLogin: null,
      keysOverBudget: 2,
      deploymentsCooling: 1,
    });
  });

  it('never throws, even when every operation fails', async () => {
    const s = await gatherTrayState(dispatchWith({}), { configPath: '/c', url: 'http://u' });
    expect(s).toMatchObject({ keys: [], aliases: [], spend: null, startAtLogin: null, url: 'http://u' });
  });
});
