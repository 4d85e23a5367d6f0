import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/gateway/store/db.ts';
import { RequestLogRepo, type RequestLogRow } from '../../../main/gateway/store/request-log-repo.ts';
import { tempDir } from '../../support/temp-gateway.ts';

const row = (over: Partial<RequestLogRow> = {}): RequestLogRow => ({
  id: 'req_1',
  ts: 1_700_000_000_000,
  key_id: null,
  endpoint: 'chat.completions',
  alias: 'chat',
  provider: 'openai',
  deployment_id: 'chat#1',
  model: 'gpt-4o-mini',
  status: 200,
  error_code: null,
  prompt_tokens: 10,
  completion_tokens: 5,
  estimated: false,
  cost_usd: 0.0000045,
  latency_ms: 12.5,
  ttft_ms: 3,
  streamed: true,
  attempts: [{ deployment: 'chat#1', provider: 'openai', status: 200, code: null, latency_ms: 12 }],
  tags: ['ci'],
  cache_read_tokens: 4,
  cache_write_tokens: 2,
  cost_source: 'table',
  ...over,
});

describe('SQLite ledger', () => {
  it('creates the schema in WAL mode and keeps rows across reopening', () => {
    const file = join(tempDir(), 'switchyard.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    new RequestLogRepo(db).insert(row());
    db.close();
    const again = openDatabase(file);
    const rows = new RequestLogRepo(again).list();
    expect(rows).toEqual([row()]);
    expect(again.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(2);
    again.close();
  });

  it('refuses a database written by a newer Switchyard instead of corrupting it', () => {
    const file = join(tempDir(), 'switchyard.db');
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(file)).toThrowError(/newer than this Switchyard/);
  });

  it('filters by alias and key', () => {
    const db = openDatabase(':memory:');
    const repo = new RequestLogRepo(db);
    repo.insert(row({ id: 'a', alias: 'x' }));
    repo.insert(row({ id: 'b', alias: 'y', key_id: 'k1' }));
    expect(repo.list({ alias: 'x' }).map((r) => r.id)).toEqual(['a']);
    expect(repo.list({ keyId: 'k1' }).map((r) => r.id)).toEqual(['b']);
    expect(repo.list({ keyId: null }).map((r) => r.id)).toEqual(['a']);
  });
});
