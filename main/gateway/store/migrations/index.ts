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
  {
    version: 2,
    name: 'per-app keys, budgets and alerts',
    sql: `
      CREATE TABLE api_keys (
        id                    TEXT PRIMARY KEY,
        token                 TEXT NOT NULL UNIQUE,
        key_name              TEXT NOT NULL,
        key_alias             TEXT,
        models                TEXT NOT NULL DEFAULT '[]',
        plan                  TEXT,
        max_budget            REAL,
        soft_budget           REAL,
        budget_duration       TEXT,
        period_duration       TEXT,
        period_start          INTEGER NOT NULL,
        budget_reset_at       INTEGER,
        spend                 REAL NOT NULL DEFAULT 0,
        reserved              REAL NOT NULL DEFAULT 0,
        total_spend           REAL NOT NULL DEFAULT 0,
        tpm_limit             INTEGER,
        rpm_limit             INTEGER,
        max_parallel_requests INTEGER,
        budget_fallback       TEXT,
        expires               INTEGER,
        blocked               INTEGER NOT NULL DEFAULT 0,
        metadata              TEXT NOT NULL DEFAULT '{}',
        created_at            INTEGER NOT NULL,
        updated_at            INTEGER NOT NULL,
        last_used_at          INTEGER,
        deleted_at            INTEGER
      );
      CREATE UNIQUE INDEX api_keys_alias ON api_keys (key_alias) WHERE deleted_at IS NULL AND key_alias IS NOT NULL;
      CREATE TABLE key_alerts (
        key_id       TEXT NOT NULL,
        period_start INTEGER NOT NULL,
        threshold    TEXT NOT NULL,
        fired_at     INTEGER NOT NULL,
        PRIMARY KEY (key_id, period_start, threshold)
      );
      ALTER TABLE request_log ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 3,
    name: 'prompt-cache tokens and upstream-reported cost',
    sql: `
      ALTER TABLE request_log ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE request_log ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE request_log ADD COLUMN cost_source TEXT;
    `,
  },
  {
    version: 4,
    // When each keychain credential was last set: the keychain holds only the secret. Never the secret
    // or its hint here.
    name: 'credential set times',
    sql: `
      CREATE TABLE credential_meta (
        name   TEXT PRIMARY KEY,
        set_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    // Every ledger row is written inside the commit a response waits for, and each B-tree an INSERT
    // touches is one more page in the WAL (two writes each). The per-key and per-alias indexes served
    // filters that the time index answers too at a personal gateway's size. Measured in isolation here:
    // 34 → 26 µs per single-row commit, 8.3 → 6.5 µs per row in batches of 13. (Keying the table by
    // its id, WITHOUT ROWID, measured the same for single rows and worse in batches.)
    name: 'ledger with the time index only',
    sql: `
      DROP INDEX request_log_key_ts;
      DROP INDEX request_log_alias_ts;
    `,
  },
  {
    version: 6,
    // Settlements go to a journal file first (budget/settlement-journal.ts) and into SQLite in batches.
    // The last batch of each journal that SQLite has, written in the same transaction as the batch:
    // after a crash between that commit and the file being emptied, a replay skips what is here.
    name: 'settlement journals',
    sql: `
      CREATE TABLE settlement_journals (
        name        TEXT PRIMARY KEY,
        applied_seq INTEGER NOT NULL
      );
    `,
  },
];
