// `kill -9` of the real server process under load: every request whose response reached its client in
// full has its ledger row on disk, and a restart on the same data dir leaves no reservation stuck and
// a key spend equal to the sum of its ledger rows.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowIds } from '../../main/gateway/budget/settlement-batch.ts';
import { readJournal } from '../../main/gateway/budget/settlement-journal.ts';
import { openDatabase } from '../../main/gateway/store/db.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai.ts';
import { generateKey, keyInfo } from '../support/key-admin.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { waitFor } from '../support/wait-for.ts';

const MASTER = 'sk-master-kill-test';
const REPLY = Array.from({ length: 20 }, (_, i) => `k${i}`).join(' ');
const messages = [{ role: 'user' as const, content: 'Keep talking while I pull the plug' }];

let fast: FakeUpstream;
let streamy: FakeUpstream;
let dir: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  fast = await startFakeOpenAI({ reply: REPLY });
  // 20 chunks 25 ms apart: each stream is open for about half a second.
  streamy = await startFakeOpenAI({ reply: REPLY, chunkDelayMs: 25 });
  dir = mkdtempSync(join(tmpdir(), 'switchyard-kill-'));
  const price = 'input_cost_per_token: 0.000001, output_cost_per_token: 0.00001';
  writeFileSync(
    join(dir, 'config.yaml'),
    `
model_list:
  - model_name: fast
    litellm_params: { model: openai/fake-model, api_base: "${fast.url}", ${price} }
  - model_name: streamy
    litellm_params: { model: openai/fake-model, api_base: "${streamy.url}", ${price} }
general_settings: { master_key: ${MASTER} }
`,
  );
});

afterAll(async () => {
  for (const s of servers) await s.kill();
  await fast?.close();
  await streamy?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  const s = await startServerProcess([
    '--config',
    join(dir, 'config.yaml'),
    '--data-dir',
    join(dir, 'data'),
    '--port',
    '0',
  ]);
  servers.push(s);
  return s;
};

interface Outcome {
  id: string | null;
  stream: boolean;
  /** The client got the whole response: a full 200 body, or a stream through `data: [DONE]`. */
  complete: boolean;
}

/** One request; never throws (a killed server just leaves it incomplete). */
async function fire(
  url: string,
  key: string,
  stream: boolean,
  onOpen: () => void,
  onClose: () => void,
): Promise<Outcome> {
  const out: Outcome = { id: null, stream, complete: false };
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: stream ? 'streamy' : 'fast', messages, max_tokens: 20, stream }),
    });
    out.id = res.headers.get('x-request-id');
    if (!stream) {
      const body = (await res.json()) as { choices?: { message: { content: string } }[] };
      out.complete = res.status === 200 && body.choices?.[0]?.message.content === REPLY;
      return out;
    }
    if (res.status !== 200) return out;
    onOpen();
    try {
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
      out.complete = text.includes('data: [DONE]');
    } finally {
      onClose();
    }
  } catch {
    // connection reset by the kill: incomplete
  }
  return out;
}

describe('kill -9 under load', () => {
  it(
    'loses no ledger row of a completed response and leaves no reservation stuck after restart',
    { timeout: 60_000 },
    async () => {
      const server = await start();
      const k = await generateKey(server.url, MASTER, { key_alias: 'durable', max_budget: 1_000 });

      const outcomes: Outcome[] = [];
      let openStreams = 0;
      let stop = false;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const stream = (w + i) % 3 === 0;
          outcomes.push(
            await fire(
              server.url,
              k.key,
              stream,
              () => openStreams++,
              () => openStreams--,
            ),
          );
        }
      };
      const workers = Array.from({ length: 24 }, (_, w) => worker(w));

      // Pull the plug in the middle of the load: plenty done, and several streams open right now.
      await waitFor(
        () =>
          outcomes.filter((o) => o.complete).length >= 60 &&
          outcomes.some((o) => o.stream && o.complete) &&
          openStreams >= 3,
        'load to build up',
        20_000,
      );
      const exit = await server.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      stop = true;
      await Promise.all(workers);

      const completed = outcomes.filter((o) => o.complete);
      const cut = outcomes.filter((o) => !o.complete);
      expect(completed.filter((o) => o.stream).length).toBeGreaterThan(0);
      expect(completed.filter((o) => !o.stream).length).toBeGreaterThan(0);
      // The kill did interrupt requests (streams that were open at that moment at least).
      expect(cut.filter((o) => o.stream).length).toBeGreaterThanOrEqual(3);
      for (const o of completed) expect(o.id).toMatch(/^req_/);

      // At death, SQLite may lack the last ~100 ms of settlements: those are in the journal, which is
      // what made each of those responses complete.
      const db = openDatabase(join(dir, 'data', 'switchyard.db'));
      let reservedAtDeath: number;
      let inDbAtDeath: Set<string>;
      try {
        inDbAtDeath = new Set(
          (db.prepare('SELECT id FROM request_log').all() as { id: string }[]).map((r) => r.id),
        );
        reservedAtDeath = (
          db.prepare('SELECT reserved FROM api_keys WHERE id = ?').get(k.id) as { reserved: number }
        ).reserved;
      } finally {
        db.close();
      }
      const journaled = readdirSync(join(dir, 'data', 'journal'))
        .flatMap((f) => readJournal(join(dir, 'data', 'journal', f)))
        .flatMap((j) => rowIds(j.batch));
      const onlyJournaled = completed.filter((o) => !inDbAtDeath.has(o.id!));
      // Every completed response is in one or the other.
      expect(onlyJournaled.filter((o) => !journaled.includes(o.id!)).map((o) => o.id)).toEqual([]);
      // The streams that were open when the process died still held their reservations.
      expect(reservedAtDeath).toBeGreaterThan(0);

      const again = await start();
      await waitFor(
        () => /released the reservations of 1 key/.test(again.stderr),
        'the release to be logged',
      );
      if (onlyJournaled.length > 0) expect(again.stderr).toMatch(/left in the journal by an earlier run/);
      const info = await keyInfo(again.url, MASTER, k.id);
      expect(info.reserved).toBe(0);
      const check = openDatabase(join(dir, 'data', 'switchyard.db'));
      try {
        const rows = check.prepare('SELECT id, key_id, status, cost_usd FROM request_log').all() as {
          id: string;
          key_id: string | null;
          status: number;
          cost_usd: number;
        }[];
        const byId = new Map(rows.map((r) => [r.id, r]));
        const missing = completed.filter((o) => !byId.has(o.id!)).map((o) => o.id);
        expect(missing).toEqual([]);
        for (const o of completed) expect(byId.get(o.id!)).toMatchObject({ key_id: k.id, status: 200 });
        // Settlement and the ledger row travel in one batch: the spend matches the rows.
        const total = rows.filter((r) => r.key_id === k.id).reduce((sum, r) => sum + r.cost_usd, 0);
        expect(info.spend).toBeCloseTo(total, 10);
        expect(info.total_spend).toBeCloseTo(total, 10);
      } finally {
        check.close();
      }
      // Applied once: the journal is gone, and nothing was written twice (the row ids are unique).
      expect(
        readdirSync(join(dir, 'data', 'journal')).filter(
          (f) => !f.startsWith(`settlements-${again.child.pid}-`),
        ),
      ).toEqual([]);

      // And the key works on: a new request settles normally.
      let opened = 0;
      const after = await fire(
        again.url,
        k.key,
        true,
        () => opened++,
        () => {},
      );
      expect(after.complete).toBe(true);
      expect((await keyInfo(again.url, MASTER, k.id)).reserved).toBe(0);
      await again.kill('SIGTERM');
    },
  );
});
