// The settlements' own write-ahead file. A response must not complete before its ledger row and its
// key's spend are durable (issue 3: a `kill -9` loses no row of a response its client saw complete).
// A SQLite COMMIT of one row wrote four WAL pages (eight `pwrite`s, six `fcntl` locks) and was the
// largest single cost of a request at c=1. Here a group commit's batch is one JSON line appended with
// one `write` to a file opened O_APPEND: once it returns, the bytes are in the kernel's page cache and
// survive the process, which is what SQLite's WAL with synchronous=NORMAL promises too. The batches
// reach SQLite later, many in one transaction (BudgetBook), and the file is emptied once they have.
// Each process writes its own file (a second copy on the same folder must not empty the first's), named
// after its pid; at start, files of processes that are gone are applied and removed.
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROW_VALUES } from '../store/request-log-repo.ts';
import type { KeyChange, Alert, WrittenBatch } from './settlement-batch.ts';

/** A batch as a line holds it, with its place in its file's order. */
export interface JournaledBatch {
  seq: number;
  batch: WrittenBatch;
}

interface Line {
  s: number;
  v: unknown[];
  k: [string, KeyChange][];
  a: Alert[];
}

const SUFFIX = '.jsonl';
/** Journals this process has open: never an orphan, whatever their pid says (a gateway per test). */
const OPEN = new Set<string>();

export class SettlementJournal {
  readonly name: string;
  readonly path: string;
  #fd: number | undefined;
  #seq = 0;
  /** Bytes in the file: where a failed write is cut back to. */
  #size = 0;

  /** Opens a new file for this process in `dir` (created if missing). */
  constructor(dir: string, pid = process.pid) {
    mkdirSync(dir, { recursive: true });
    // The time keeps a reused pid from naming the file of an earlier process that had it.
    this.name = `settlements-${pid}-${Date.now().toString(36)}`;
    this.path = join(dir, this.name + SUFFIX);
    this.#fd = openSync(this.path, 'a', 0o600);
    OPEN.add(this.path);
  }

  /** Appends the batch as one line; when this returns it survives the process. Returns its seq. */
  append(batch: WrittenBatch): number {
    if (this.#fd === undefined) throw new Error('the settlement journal is closed');
    const seq = this.#seq + 1;
    const line: Line = { s: seq, v: batch.values, k: batch.keys, a: batch.alerts };
    const bytes = Buffer.from(JSON.stringify(line) + '\n');
    let written = 0;
    try {
      written = writeSync(this.#fd, bytes);
      // A regular file takes a whole write or fails; short only when the disk fills up mid-write.
      if (written !== bytes.length) throw new Error(`short write to ${this.path} (disk full?)`);
    } catch (err) {
      // No torn line may stay in front of the next one: the batch is not in the file at all.
      if (written > 0) ftruncateSync(this.#fd, this.#size);
      throw err;
    }
    this.#size += written;
    this.#seq = seq;
    return seq;
  }

  /** Empties the file: everything in it is in SQLite. O_APPEND puts the next line at the start. */
  clear(): void {
    if (this.#fd === undefined) return;
    ftruncateSync(this.#fd, 0);
    this.#size = 0;
  }

  /** Closes the file and removes it: call once everything in it is in SQLite. */
  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    OPEN.delete(this.path);
    unlinkSync(this.path);
  }
}

/**
 * The batches a journal file holds, in order. A torn last line (the process died inside the write, so
 * no response waited on it) has no line break and is left out, as is any line that does not parse.
 */
export function readJournal(path: string): JournaledBatch[] {
  const text = readFileSync(path, 'utf8');
  const out: JournaledBatch[] = [];
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    const line = parseLine(text.slice(start, end));
    if (line) out.push({ seq: line.s, batch: { values: line.v, keys: line.k, alerts: line.a } });
    start = end + 1;
  }
  return out;
}

function parseLine(text: string): Line | undefined {
  let line: Partial<Line>;
  try {
    line = JSON.parse(text) as Partial<Line>;
  } catch {
    return undefined;
  }
  const ok =
    typeof line === 'object' &&
    line !== null &&
    typeof line.s === 'number' &&
    Array.isArray(line.v) &&
    line.v.length % ROW_VALUES === 0 &&
    Array.isArray(line.k) &&
    Array.isArray(line.a);
  return ok ? (line as Line) : undefined;
}

/**
 * Journal files in `dir` that no running process writes (their pid is gone, or is this process's and
 * the file is not open here), oldest first.
 */
export function orphanJournals(
  dir: string,
  alive: (pid: number) => boolean = pidAlive,
): { name: string; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; path: string; born: number }[] = [];
  for (const file of names) {
    const m = /^settlements-(\d+)-([0-9a-z]+)\.jsonl$/.exec(file);
    if (!m) continue;
    const path = join(dir, file);
    const pid = Number(m[1]);
    if (OPEN.has(path) || (pid !== process.pid && alive(pid))) continue;
    out.push({ name: file.slice(0, -SUFFIX.length), path, born: parseInt(m[2]!, 36) });
  }
  return out.sort((a, b) => a.born - b.born).map(({ name, path }) => ({ name, path }));
}

export function removeJournal(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
