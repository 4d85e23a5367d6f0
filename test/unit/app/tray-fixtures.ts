// A gateway state with a bit of everything: capped, uncapped and over-budget keys, a cooling deployment.
import type { TrayState } from '../../../main/app/tray-state.ts';

export function sampleState(over: Partial<TrayState> = {}): TrayState {
  return {
    error: null,
    configPath: '/data/config.yaml',
    paused: false,
    url: 'http://127.0.0.1:4141',
    spend: { today: 0.1234, month: 3.4 },
    keys: [
      {
        id: 'k1',
        key_alias: 'cline',
        key_name: 'sk-...abcd',
        spend: 1.2,
        max_budget: 5,
        budget_duration: '1d',
      },
      {
        id: 'k2',
        key_alias: null,
        key_name: 'sk-...wxyz',
        spend: 0.5,
        max_budget: null,
        budget_duration: null,
      },
      {
        id: 'k3',
        key_alias: 'aider',
        key_name: 'sk-...1234',
        spend: 7,
        max_budget: 7,
        budget_duration: '7d',
      },
    ],
    aliases: [
      {
        alias: 'smart',
        primary: 'smart#a',
        deployments: [
          { id: 'smart#a', model: 'openai/gpt-4o-mini', api_base: null, cooling: false },
          { id: 'smart#b', model: 'ollama_chat/llama3.2', api_base: 'http://127.0.0.1:11434', cooling: true },
        ],
      },
    ],
    keysOverBudget: 1,
    deploymentsCooling: 1,
    startAtLogin: false,
    ...over,
  };
}
