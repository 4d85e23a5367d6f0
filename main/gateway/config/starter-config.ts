// With no config at all, Switchyard still serves: it asks a local Ollama for its models and writes a
// starter config.yaml naming them, which the user can then edit.
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

/**
 * Ollama's own reading of OLLAMA_HOST (envconfig.Host): `host`, `host:port`, `:port`, `[v6]:port` or a URL,
 * port 11434 unless a scheme is given (then 80/443). A listen-everywhere host (0.0.0.0, ::, empty) is
 * reached on 127.0.0.1.
 */
export function ollamaUrlFromEnv(value: string | undefined): string {
  const raw = value?.trim();
  if (!raw) return DEFAULT_OLLAMA_URL;
  let scheme = 'http';
  let rest = raw;
  let defaultPort = '11434';
  const sep = raw.indexOf('://');
  if (sep !== -1) {
    scheme = raw.slice(0, sep).toLowerCase();
    rest = raw.slice(sep + 3);
    defaultPort = scheme === 'https' ? '443' : '80';
  }
  const slash = rest.indexOf('/');
  const hostPort = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash).replace(/\/+$/, '');
  const m = /^\[([^\]]*)\](?::(.*))?$/.exec(hostPort) ?? /^([^:]*):([^:]*)$/.exec(hostPort);
  // No match: a bare name or address, including an unbracketed IPv6 one.
  let host = (m ? m[1] : hostPort) ?? '';
  const portText = m?.[2] ?? '';
  const portNumber = Number(portText);
  const port = /^\d{1,5}$/.test(portText) && portNumber <= 65535 ? String(portNumber) : defaultPort;
  if (host === '' || host === '0.0.0.0' || host === '::') host = '127.0.0.1';
  if (host.includes(':')) host = `[${host}]`;
  return `${scheme}://${host}:${port}${path}`;
}

export async function discoverOllamaModels(baseUrl: string, timeoutMs = 1500): Promise<string[] | undefined> {
  try {
    const res = await request(`${baseUrl.replace(/\/+$/, '')}/api/tags`, {
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return undefined;
    }
    const body = (await res.body.json()) as { models?: { name?: unknown }[] };
    return (body.models ?? []).map((m) => m.name).filter((n): n is string => typeof n === 'string');
  } catch {
    return undefined;
  }
}

/** `llama3.2:latest` is asked for as `llama3.2`; other tags keep their full name. */
export function aliasForOllamaModel(name: string): string {
  return name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
}

export function starterConfigText(ollamaUrl: string, models: string[] | undefined): string {
  const entries = (models ?? []).map((m) => ({
    model_name: aliasForOllamaModel(m),
    litellm_params: { model: `ollama_chat/${m}`, api_base: ollamaUrl },
  }));
  // Any other Ollama model by name, e.g. `ollama/qwen3:8b`, once it is pulled.
  entries.push({ model_name: 'ollama/*', litellm_params: { model: 'ollama_chat/*', api_base: ollamaUrl } });
  const found =
    models === undefined
      ? `# No Ollama answered at ${ollamaUrl} when this file was written; start it and ask for ollama/<model>.`
      : `# Found ${models.length} Ollama model(s) at ${ollamaUrl} when this file was written.`;
  return [
    '# Switchyard config — LiteLLM config.yaml format. Edits are picked up while Switchyard runs.',
    found,
    '#',
    '# Add a cloud model (keys may be literals, os.environ/NAME or keychain/NAME):',
    '#   - model_name: gpt-4o-mini',
    '#     litellm_params:',
    '#       model: openai/gpt-4o-mini',
    '#       api_key: os.environ/OPENAI_API_KEY',
    '#',
    '# Require a key from every client:',
    '# general_settings:',
    '#   master_key: os.environ/SWITCHYARD_MASTER_KEY',
    '',
    stringify({ model_list: entries }),
  ].join('\n');
}

export async function writeStarterConfig(
  file: string,
  ollamaUrl: string,
): Promise<{ models: string[] | undefined }> {
  const models = await discoverOllamaModels(ollamaUrl);
  await mkdir(dirname(file), { recursive: true });
  // 'wx': never overwrite a config the user wrote in the meantime.
  await writeFile(file, starterConfigText(ollamaUrl, models), { flag: 'wx' }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    },
  );
  return { models };
}
