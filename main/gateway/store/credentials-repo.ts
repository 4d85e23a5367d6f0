// When each keychain credential was last set. The keychain stores only the secret; this table stores only
// the time (never the secret, never its hint), so the admin API can say "set 3 days ago".
import type { Db } from './db.ts';

export class CredentialsRepo {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  markSet(name: string, at: number): void {
    this.#db
      .prepare(
        'INSERT INTO credential_meta (name, set_at) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET set_at = excluded.set_at',
      )
      .run(name, at);
  }

  forget(name: string): void {
    this.#db.prepare('DELETE FROM credential_meta WHERE name = ?').run(name);
  }

  /** Name → when it was set (epoch ms). */
  all(): Map<string, number> {
    const rows = this.#db.prepare('SELECT name, set_at FROM credential_meta').all() as {
      name: string;
      set_at: number;
    }[];
    return new Map(rows.map((r) => [r.name, r.set_at]));
  }
}
