// HTTP helpers for the admin routes (LiteLLM's /key/* and /spend/*, and POST /admin/<op>). Responses come
// back as status + parsed body instead of throwing, so a refusal is as easy to assert on as a success.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary fields
  headers: Headers;
}

export type Query = Record<string, string | number | undefined>;

export class AdminApi {
  readonly baseUrl: string;
  readonly key: string | undefined;

  constructor(baseUrl: string, key: string | undefined) {
    this.baseUrl = baseUrl;
    this.key = key;
  }

  /** The same API, presenting another key (or none). */
  as(key: string | undefined): AdminApi {
    return new AdminApi(this.baseUrl, key);
  }

  async request(method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.key !== undefined) headers.authorization = `Bearer ${this.key}`;
    const send = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (send !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(send !== undefined ? { body: send } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the test sees the text.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(path: string, query: Query = {}): Promise<ApiResponse> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const s = qs.toString();
    return this.request('GET', s ? `${path}?${s}` : path);
  }

  post(path: string, body?: unknown): Promise<ApiResponse> {
    return this.request('POST', path, body);
  }

  /** POST /key/generate, insisting on success. */
  async generate(settings: Record<string, unknown> = {}): Promise<GeneratedKey> {
    const res = await this.post('/key/generate', settings);
    if (res.status !== 200) throw new Error(`/key/generate → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as GeneratedKey;
  }

  /** GET /key/info's `info`, insisting on success. */
  async info(key: string): Promise<KeyInfoBody> {
    const res = await this.get('/key/info', { key });
    if (res.status !== 200) throw new Error(`/key/info → ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { info: KeyInfoBody }).info;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked by the tests
export type KeyInfoBody = Record<string, any>;
export type GeneratedKey = KeyInfoBody & { key: string; id: string; token: string };

/** The official client, as an app holding `key` would configure it. */
export function openaiAs(baseUrl: string, key: string): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key, maxRetries: 0 });
}

export interface CaughtApiError {
  status: number | undefined;
  code: string | null | undefined;
  param: string | null | undefined;
  message: string;
}

/** Awaits a call expected to fail with an HTTP error; fails the test when it succeeds. */
export async function apiError(call: Promise<unknown>): Promise<CaughtApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof OpenAI.APIError) {
      return { status: err.status, code: err.code, param: err.param, message: err.message };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Whether any of the gateway's SQLite files (database, WAL, shared memory) holds `needle`, as bytes. */
export function databaseFilesContain(dataDir: string, needle: string): boolean {
  const files = readdirSync(dataDir).filter((f) => f.startsWith('switchyard.db'));
  if (!files.includes('switchyard.db')) throw new Error(`no switchyard.db in ${dataDir}`);
  const bytes = Buffer.from(needle, 'utf8');
  return files.some((f) => readFileSync(join(dataDir, f)).includes(bytes));
}
