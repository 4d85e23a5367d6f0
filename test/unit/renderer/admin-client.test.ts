// The window's admin client: one typed call, two transports, and every failure (the gateway's error body,
// a dead connection, a reply that is not JSON, an IPC method that is missing) arriving as an AdminError
// with a status, a code and words to show.
import { describe, expect, it, vi } from 'vitest';
import type { PreloadApi } from '../../../shared/ipc.ts';
import { AdminError, describeError, errorTitle } from '../../../renderer/src/api/admin-error.ts';
import { createAdminClient } from '../../../renderer/src/api/client.ts';
import { httpTransport } from '../../../renderer/src/api/http-transport.ts';
import { ipcTransport } from '../../../renderer/src/api/ipc-transport.ts';

interface Sent {
  url: string;
  init: RequestInit;
}

function fakeFetch(reply: () => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const f = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), init: init ?? {} });
    return reply();
  });
  return { fetch: f as unknown as typeof fetch, sent };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function rejection(p: Promise<unknown>): Promise<AdminError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

describe('the HTTP transport', () => {
  it('POSTs the input as JSON to /admin/<op> with the master key and resolves to the answer', async () => {
    const { fetch, sent } = fakeFetch(() =>
      json(200, { keys: [], total_count: 0, current_page: 1, total_pages: 0 }),
    );
    const client = createAdminClient(
      httpTransport({ baseUrl: 'http://127.0.0.1:4141/', getKey: () => 'mk-1', fetch }),
    );
    const out = await client.call('key.list', { size: 5 });
    expect(out.total_count).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('http://127.0.0.1:4141/admin/key.list');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.headers).toMatchObject({
      authorization: 'Bearer mk-1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(sent[0]!.init.body as string)).toEqual({ size: 5 });
  });

  it('sends no Authorization header in open mode, and {} when the call has no input', async () => {
    const { fetch, sent } = fakeFetch(() => json(200, []));
    await createAdminClient(httpTransport({ getKey: () => undefined, fetch })).call('router.health');
    expect(sent[0]!.url).toBe('/admin/router.health');
    expect(Object.keys(sent[0]!.init.headers as object)).not.toContain('authorization');
    expect(sent[0]!.init.body).toBe('{}');
  });

  it("turns the gateway's error body into an AdminError with its status, code, param and message", async () => {
    const { fetch } = fakeFetch(() =>
      json(400, {
        error: {
          message: "Invalid value for 'max_budget': Too small: expected number to be >=0",
          type: 'invalid_request_error',
          param: 'max_budget',
          code: 'invalid_request',
        },
      }),
    );
    const client = createAdminClient(httpTransport({ getKey: () => 'k', fetch }));
    const err = await rejection(client.call('key.generate', { max_budget: -1 }));
    expect({ status: err.status, code: err.code, param: err.param }).toEqual({
      status: 400,
      code: 'invalid_request',
      param: 'max_budget',
    });
    expect(errorTitle(err)).toBe('Please check what you entered');
    expect(describeError(err)).toContain("'max_budget'");
  });

  it('reports 401 to onUnauthorized so the window asks for the key again', async () => {
    const { fetch } = fakeFetch(() =>
      json(401, {
        error: {
          message: 'This endpoint needs the master key',
          type: 'authentication_error',
          param: null,
          code: 'invalid_api_key',
        },
      }),
    );
    const onUnauthorized = vi.fn();
    const client = createAdminClient(httpTransport({ getKey: () => 'wrong', fetch }), { onUnauthorized });
    const err = await rejection(client.call('key.list', {}));
    expect(err.needsLogin).toBe(true);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(errorTitle(err)).toBe('The master key was not accepted');
  });

  it('a refused connection is a network_error that says Switchyard cannot be reached', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    const err = await rejection(
      createAdminClient(httpTransport({ getKey: () => 'k', fetch })).call('key.list', {}),
    );
    expect({ status: err.status, code: err.code }).toEqual({ status: 0, code: 'network_error' });
    expect(errorTitle(err)).toBe('Switchyard cannot be reached');
    expect(describeError(err)).toMatch(/still running/);
  });

  it('a 200 that is not JSON, or an error without a body, still becomes an AdminError in words', async () => {
    const notJson = fakeFetch(() => new Response('<html>proxy page</html>', { status: 200 }));
    const e1 = await rejection(
      createAdminClient(httpTransport({ getKey: () => 'k', fetch: notJson.fetch })).call('key.list', {}),
    );
    expect(e1.code).toBe('bad_response');
    expect(e1.message).toContain('not JSON');
    const bare = fakeFetch(() => new Response('', { status: 503 }));
    const e2 = await rejection(
      createAdminClient(httpTransport({ getKey: () => 'k', fetch: bare.fetch })).call('key.list', {}),
    );
    expect({ status: e2.status, code: e2.code }).toEqual({ status: 503, code: 'http_503' });
    expect(e2.message).toContain('503');
  });
});

describe('the IPC transport', () => {
  it("passes the input to the preload's method and unwraps its envelope", async () => {
    const list = vi.fn(async () => ({ ok: true as const, value: [{ id: 'd1' }] }));
    const client = createAdminClient(ipcTransport({ 'router.health': list } as unknown as PreloadApi));
    expect(client.kind).toBe('ipc');
    await expect(client.call('router.health', {})).resolves.toEqual([{ id: 'd1' }]);
    expect(list).toHaveBeenCalledWith({});
  });

  it('an error envelope, a missing method and a thrown IPC failure all reject with AdminError', async () => {
    const api = {
      'key.info': async () => ({
        ok: false as const,
        error: { status: 404, code: 'not_found', message: 'No such key' },
      }),
      'key.list': async () => {
        throw new Error('Error invoking remote method');
      },
    } as unknown as PreloadApi;
    const client = createAdminClient(ipcTransport(api));
    const e1 = await rejection(client.call('key.info', { key: 'nope' }));
    expect({ status: e1.status, code: e1.code, message: e1.message }).toEqual({
      status: 404,
      code: 'not_found',
      message: 'No such key',
    });
    const e2 = await rejection(client.call('router.health', {}));
    expect(e2.status).toBe(404);
    expect(e2.message).toContain('router.health');
    const e3 = await rejection(client.call('key.list', {}));
    expect(e3.code).toBe('network_error');
  });
});
