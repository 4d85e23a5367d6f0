// "Connect" instructions for the tools people point at Switchyard, filled in with the real base URL, the
// app's key and the aliases it may use. Pure functions: no DOM, no network, tested in test/unit/renderer.
import { jsString, pyString, shellWord, yamlString } from './quoting.ts';

export interface ConnectInput {
  /** The gateway's origin, e.g. `http://127.0.0.1:4141` (no `/v1`). */
  baseUrl: string;
  /** The app's secret; undefined once it is no longer shown (a placeholder is written instead). */
  apiKey?: string | undefined;
  /** Aliases the key may use, preferred first. Wildcards (`ollama/*`) are left out. */
  aliases: string[];
}

export interface SnippetBlock {
  /** What this block is, e.g. `~/.continue/config.yaml` or `Terminal`. */
  label: string;
  language: 'yaml' | 'shell' | 'python' | 'javascript' | 'json' | 'text';
  code: string;
}

export interface ConnectTool {
  id: string;
  name: string;
  /** Where the blocks go, in a sentence. */
  how: string;
  blocks: SnippetBlock[];
}

export const KEY_PLACEHOLDER = '<your app key>';
const MODEL_PLACEHOLDER = '<model alias>';

interface Filled {
  origin: string;
  v1: string;
  key: string;
  aliases: string[];
  first: string;
}

function fill(input: ConnectInput): Filled {
  const origin = input.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const aliases = [...new Set(input.aliases.filter((a) => a && !a.includes('*')))];
  return {
    origin,
    v1: `${origin}/v1`,
    key: input.apiKey ?? KEY_PLACEHOLDER,
    aliases: aliases.length ? aliases : [MODEL_PLACEHOLDER],
    first: aliases[0] ?? MODEL_PLACEHOLDER,
  };
}

function continueTool(f: Filled): ConnectTool {
  const models = f.aliases
    .map((alias) =>
      [
        `  - name: ${yamlString(`${alias} (Switchyard)`)}`,
        '    provider: openai',
        `    model: ${yamlString(alias)}`,
        `    apiBase: ${yamlString(f.v1)}`,
        `    apiKey: ${yamlString(f.key)}`,
      ].join('\n'),
    )
    .join('\n');
  return {
    id: 'continue',
    name: 'Continue',
    how: 'Add these models to ~/.continue/config.yaml (merge the models block into yours); Continue reloads it on save.',
    blocks: [
      {
        label: '~/.continue/config.yaml',
        language: 'yaml',
        code: `name: Switchyard\nversion: 1.0.0\nschema: v1\nmodels:\n${models}\n`,
      },
    ],
  };
}

function clineTool(f: Filled): ConnectTool {
  return {
    id: 'cline',
    name: 'Cline',
    how: 'In Cline’s settings (the gear icon), pick one of these API providers and fill in the fields.',
    blocks: [
      {
        label: 'API Provider: OpenAI Compatible',
        language: 'text',
        code: `API Provider: OpenAI Compatible\nBase URL: ${f.v1}\nAPI Key: ${f.key}\nModel ID: ${f.first}\n`,
      },
      {
        label: 'API Provider: LiteLLM (reads context windows and prices from Switchyard)',
        language: 'text',
        code: `API Provider: LiteLLM\nBase URL: ${f.origin}\nAPI Key: ${f.key}\nModel: ${f.first}\n`,
      },
    ],
  };
}

function claudeCodeTool(f: Filled): ConnectTool {
  // Claude Code runs background work on its "haiku" model: point that at an alias too, or those calls
  // would ask Switchyard for a Claude model name it does not serve.
  const small = f.aliases[1] ?? f.first;
  const env = {
    ANTHROPIC_BASE_URL: f.origin,
    ANTHROPIC_AUTH_TOKEN: f.key,
    ANTHROPIC_MODEL: f.first,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: small,
  };
  return {
    id: 'claude-code',
    name: 'Claude Code',
    how: 'Set these before starting claude (ANTHROPIC_API_KEY must be unset, or it wins over the token), or put them in the env block of ~/.claude/settings.json.',
    blocks: [
      {
        label: 'Terminal',
        language: 'shell',
        code:
          Object.entries(env)
            .map(([k, v]) => `export ${k}=${shellWord(v)}`)
            .join('\n') + '\nunset ANTHROPIC_API_KEY\nclaude\n',
      },
      {
        label: '~/.claude/settings.json',
        language: 'json',
        code: JSON.stringify({ env }, null, 2) + '\n',
      },
    ],
  };
}

function aiderTool(f: Filled): ConnectTool {
  return {
    id: 'aider',
    name: 'Aider',
    how: 'Aider talks to any OpenAI-compatible server: prefix the alias with openai/.',
    blocks: [
      {
        label: 'Terminal',
        language: 'shell',
        code: `aider --openai-api-base ${shellWord(f.v1)} --openai-api-key ${shellWord(f.key)} --model ${shellWord(`openai/${f.first}`)}\n`,
      },
      {
        label: 'Or with environment variables',
        language: 'shell',
        code: `export OPENAI_API_BASE=${shellWord(f.v1)}\nexport OPENAI_API_KEY=${shellWord(f.key)}\naider --model ${shellWord(`openai/${f.first}`)}\n`,
      },
    ],
  };
}

function openWebUiTool(f: Filled): ConnectTool {
  return {
    id: 'open-webui',
    name: 'Open WebUI',
    how: 'Admin Settings → Connections → OpenAI → Add Connection. Switchyard listens on this machine only, so a Docker container needs --network=host to reach it.',
    blocks: [
      {
        label: 'OpenAI connection',
        language: 'text',
        code: `URL: ${f.v1}\nKey: ${f.key}\n`,
      },
      {
        label: 'Or when starting it with Docker',
        language: 'shell',
        code: [
          'docker run -d --network=host \\',
          `  -e OPENAI_API_BASE_URL=${shellWord(f.v1)} \\`,
          `  -e OPENAI_API_KEY=${shellWord(f.key)} \\`,
          '  -v open-webui:/app/backend/data --name open-webui ghcr.io/open-webui/open-webui:main',
          '',
        ].join('\n'),
      },
    ],
  };
}

function openAiSdkTool(f: Filled): ConnectTool {
  const python = [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${pyString(f.v1)}, api_key=${pyString(f.key)})`,
    'reply = client.chat.completions.create(',
    `    model=${pyString(f.first)},`,
    '    messages=[{"role": "user", "content": "Hello!"}],',
    ')',
    'print(reply.choices[0].message.content)',
    '',
  ].join('\n');
  const js = [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: ${jsString(f.v1)}, apiKey: ${jsString(f.key)} });`,
    'const reply = await client.chat.completions.create({',
    `  model: ${jsString(f.first)},`,
    "  messages: [{ role: 'user', content: 'Hello!' }],",
    '});',
    'console.log(reply.choices[0].message.content);',
    '',
  ].join('\n');
  return {
    id: 'openai-sdk',
    name: 'OpenAI SDK',
    how: 'Any OpenAI client works: set the base URL and the key. OPENAI_BASE_URL and OPENAI_API_KEY in the environment do the same.',
    blocks: [
      { label: 'Python (pip install openai)', language: 'python', code: python },
      { label: 'JavaScript / TypeScript (npm install openai)', language: 'javascript', code: js },
    ],
  };
}

function curlTool(f: Filled): ConnectTool {
  const body = JSON.stringify({ model: f.first, messages: [{ role: 'user', content: 'Hello!' }] });
  return {
    id: 'curl',
    name: 'curl',
    how: 'A quick check from a terminal.',
    blocks: [
      {
        label: 'Terminal',
        language: 'shell',
        code: [
          `curl ${shellWord(`${f.v1}/chat/completions`)} \\`,
          `  -H ${shellWord(`Authorization: Bearer ${f.key}`)} \\`,
          "  -H 'Content-Type: application/json' \\",
          `  -d ${shellWord(body)}`,
          '',
        ].join('\n'),
      },
    ],
  };
}

/** Every tool's instructions, in the order the Connect panel lists them. */
export function connectTools(input: ConnectInput): ConnectTool[] {
  const f = fill(input);
  return [
    continueTool(f),
    clineTool(f),
    claudeCodeTool(f),
    aiderTool(f),
    openWebUiTool(f),
    openAiSdkTool(f),
    curlTool(f),
  ];
}
