// A stand-in for an Azure OpenAI resource: OpenAI's wire format under
// /openai/deployments/{deployment}/…?api-version=…, the key in an `api-key` header, Azure's error shape,
// and the prompt-filter chunk Azure streams before any content.
import {
  sendJson,
  startFakeServer,
  type Exchange,
  type FakeBehavior,
  type FakeUpstream,
  type WireFormat,
} from './fake-upstream-core.ts';
import { openaiWireFormat } from './fake-openai.ts';

type Route = WireFormat['routes'][string];

/** Azure's words for a wrong or missing key (its 401 body). */
export const AZURE_BAD_KEY =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key ' +
  'for an active subscription and use a correct regional API endpoint for your resource.';

/** Azure's 400 when its content filter blocks a prompt. */
export const AZURE_CONTENT_FILTER = {
  status: 400,
  code: 'content_filter',
  message:
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. " +
    'Please modify your prompt and retry.',
};

// The first event of every Azure chat stream: no choices, empty id/model/object, only filter verdicts.
const promptFilterChunk = {
  choices: [],
  created: 0,
  id: '',
  model: '',
  object: '',
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
  ],
};

// Azure answers a URL without an api-version as an unknown resource.
const needsVersion =
  (route: Route): Route =>
  (ex: Exchange) =>
    ex.req.query?.get('api-version')
      ? route(ex)
      : sendJson(ex.res, 404, { error: { code: '404', message: 'Resource not found' } });

/**
 * Starts a fake Azure resource with one deployment (`m` unless named). Its `url` is the resource
 * endpoint, as an api_base would be; `/openai/v1/…` (api_version `v1`) answers too, for any deployment.
 */
export async function startFakeAzure(
  opts: Partial<FakeBehavior> & { deployment?: string } = {},
): Promise<FakeUpstream> {
  const { deployment = 'm', ...behavior } = opts;
  const wire = openaiWireFormat({ chatStreamPrelude: () => [promptFilterChunk] });
  const r = wire.routes;
  const azureWire: WireFormat = {
    ...wire,
    routes: {
      'POST /chat/completions': needsVersion(r['POST /chat/completions']!),
      'POST /completions': needsVersion(r['POST /completions']!),
      'POST /embeddings': needsVersion(r['POST /embeddings']!),
      'GET /openai/models': needsVersion(r['GET /models']!),
      'POST /openai/v1/chat/completions': r['POST /chat/completions']!,
      'GET /openai/v1/models': r['GET /models']!,
    },
    errorBody: (status, err) => ({
      error: {
        message: err.message,
        type: err.type ?? null,
        param: null,
        code: err.code ?? String(status),
        status,
      },
    }),
    auth: {
      sentKey: (headers) => (typeof headers['api-key'] === 'string' ? headers['api-key'] : undefined),
      rejection: () => ({ message: AZURE_BAD_KEY, code: '401' }),
    },
  };
  const basePath = `/openai/deployments/${deployment}`;
  const fake = await startFakeServer(azureWire, basePath, behavior);
  fake.url = fake.url.slice(0, -basePath.length);
  return fake;
}
