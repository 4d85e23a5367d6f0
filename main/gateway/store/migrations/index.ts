// Versioned schema changes, applied in order; PRAGMA user_version records how far a database has come.
// Never edit a released migration: add the next one.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'request log',
    sql: `
      CREATE TABLE request_log (
        id                TEXT PRIMARY KEY,
        ts                INTEGER NOT NULL,
        key_id            TEXT,
        endpoint          TEXT NOT NULL,
        alias             TEXT NOT NULL,
        provider          TEXT,
        deployment_id     TEXT,
        model             TEXT,
        status            INTEGER NOT NULL,
        error_code        TEXT,
        prompt_tokens     INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        estimated         INTEGER NOT NULL DEFAULT 0,
        cost_usd          REAL NOT NULL DEFAULT 0,
        latency_ms        REAL NOT NULL,
        ttft_ms           REAL,
        streamed          INTEGER NOT NULL DEFAULT 0,
        attempts          INTEGER NOT NULL DEFAULT 0,
        attempt_chain     TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX request_log_ts ON request_log (ts);
      CREATE INDEX request_log_key_ts ON request_log (key_id, ts);
      CREATE INDEX request_log_alias_ts ON request_log (alias, ts);
    `,
  },
];
