// How far each settlement journal has reached SQLite (see budget/settlement-journal.ts).
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.ts';

export class JournalStateRepo {
  readonly #get: Statement;
  readonly #set: Statement;
  readonly #forget: Statement;

  constructor(db: Db) {
    this.#get = db.prepare('SELECT applied_seq FROM settlement_journals WHERE name = ?').pluck();
    this.#set = db.prepare(
      `INSERT INTO settlement_journals (name, applied_seq) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET applied_seq = excluded.applied_seq`,
    );
    this.#forget = db.prepare('DELETE FROM settlement_journals WHERE name = ?');
  }

  /** The last batch of this journal that SQLite has (0: none). */
  appliedSeq(name: string): number {
    return (this.#get.get(name) as number | undefined) ?? 0;
  }

  setApplied(name: string, seq: number): void {
    this.#set.run(name, seq);
  }

  /** The journal file is gone: its line here is no longer needed. */
  forget(name: string): void {
    this.#forget.run(name);
  }
}
