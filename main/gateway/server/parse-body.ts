import type { z } from 'zod';
import { GatewayError } from '../errors.ts';
import { formatPath } from '../config/validate-config.ts';

/** Validates a request body, naming the first offending field the way OpenAI does (`param`). */
export function parseBody<B>(schema: z.ZodType<B>, body: unknown): B {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError(400, 'invalid_request', 'The request body must be a JSON object');
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const param = formatPath(issue.path);
  const message =
    issue.code === 'invalid_type' && issue.input === undefined
      ? `Missing required parameter: '${param}'`
      : `Invalid value for '${param}': ${issue.message}`;
  throw new GatewayError(400, 'invalid_request', message, { param });
}
