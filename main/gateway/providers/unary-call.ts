// Calls whose whole answer is read before anything is done with it (chat without streaming, embeddings,
// model lists), on upstream-call.ts's lean dispatch.
import { GatewayError } from '../errors.ts';
import type { UpstreamRequest } from './http-client.ts';
import { bodyText, UpstreamCall, type ResponseHeaders } from './upstream-call.ts';
import { upstreamHttpError } from './upstream-errors.ts';

/** An answer's body parsed, and its text as it came (a body passed on unchanged is not serialised again). */
export interface UpstreamJson<T> {
  json: T;
  text: string;
}

/**
 * Sends the request and reads the whole answer as JSON. An HTTP error answer becomes the adapter's
 * GatewayError (req.httpError), a body that is not JSON a retryable 502, a transport failure or a
 * deadline what transportError() makes of it.
 */
export async function callUpstreamJson<T>(req: UpstreamRequest): Promise<UpstreamJson<T>> {
  const answer = await new Promise<Answer>((resolve, reject) => new UnaryCall(req, resolve, reject));
  if (answer.statusCode >= 400) throw httpError(req, answer.statusCode, answer.text, answer.headers);
  try {
    return { json: JSON.parse(answer.text) as T, text: answer.text };
  } catch (err) {
    throw new GatewayError(502, 'upstream_error', `${req.label} sent a response that is not JSON`, {
      retryable: true,
      cause: err,
    });
  }
}

/** An HTTP error answer as the adapter's GatewayError. */
export function httpError(
  req: UpstreamRequest,
  status: number,
  text: string,
  headers: ResponseHeaders,
): GatewayError {
  return (req.httpError ?? upstreamHttpError)(status, text, headers, req.label, req.target.apiKey);
}

interface Answer {
  statusCode: number;
  headers: ResponseHeaders;
  text: string;
}

class UnaryCall extends UpstreamCall {
  readonly #resolve: (a: Answer) => void;
  readonly #reject: (err: unknown) => void;
  readonly #chunks: Buffer[] = [];

  constructor(req: UpstreamRequest, resolve: (a: Answer) => void, reject: (err: unknown) => void) {
    super(req);
    this.#resolve = resolve;
    this.#reject = reject;
    this.start();
  }

  protected response(): void {
    this.firstByte();
  }

  protected data(chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  protected end(): void {
    this.#resolve({ statusCode: this.statusCode, headers: this.headers, text: bodyText(this.#chunks) });
  }

  protected failed(err: GatewayError): void {
    // An error answer whose body broke off is still that error, without its message.
    if (this.statusCode >= 400)
      this.#resolve({ statusCode: this.statusCode, headers: this.headers, text: '' });
    else this.#reject(err);
  }
}
