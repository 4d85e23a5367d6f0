// Shared by the routing tests: a port nobody listens on, a bounded-concurrency loop, and the whole ledger
// (temp-gateway's rows() stops at 1,000).
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openDatabase } from '../../main/gateway/store/db.ts';
import { RequestLogRepo, type RequestLogRow } from '../../main/gateway/store/request-log-repo.ts';
import type { TestGateway } from './temp-gateway.ts';

/** A 127.0.0.1 port that was free a moment ago and is closed now: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `fn(0..count-1)` with at most `concurrency` calls in flight; results in index order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

export function allRows(gw: TestGateway, limit = 100_000): RequestLogRow[] {
  gw.runtime.book.flush();
  const db = openDatabase(join(gw.dataDir, 'switchyard.db'));
  try {
    return new RequestLogRepo(db).list({ limit });
  } finally {
    db.close();
  }
}

/** A chat request with `words` words of prompt. */
export function chatBody(model: string, words = 5, extra: Record<string, unknown> = {}) {
  const content = Array.from({ length: words }, (_, i) => `word${i}`).join(' ');
  return { model, messages: [{ role: 'user' as const, content }], ...extra };
}
