import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/gateway/store/db.ts';
import { MIGRATIONS } from '../../../main/gateway/store/migrations/index.ts';
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

  it('keeps every ledger row when an older database drops the per-key and per-alias indexes', () => {
    const file = join(tempDir(), 'switchyard.db');
    const v4 = openDatabase(
      file,
      MIGRATIONS.filter((m) => m.version <= 4),
    );
    const old = [
      row({ id: '3f2b9c1e-uuid-style', ts: 1_700_000_000_000, key_id: 'k1', alias: 'x' }),
      row({ id: 'req_0002', ts: 1_700_000_000_500, estimated: true, cost_source: null, tags: [] }),
      row({
        id: 'req_0001',
        ts: 1_700_000_000_500,
        status: 502,
        error_code: 'upstream_error',
        ttft_ms: null,
      }),
    ];
    for (const r of old) new RequestLogRepo(v4).insert(r);
    v4.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    // Newest first; rows of the same millisecond newest-written first, as before.
    expect(new RequestLogRepo(db).list()).toEqual([old[2], old[1], old[0]]);
    expect(new RequestLogRepo(db).list({ keyId: 'k1' }).map((r) => r.id)).toEqual(['3f2b9c1e-uuid-style']);
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_log' AND sql IS NOT NULL",
      )
      .pluck()
      .all();
    expect(indexes).toEqual(['request_log_ts']);
    db.close();
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
