// Hands the C heap's free pages back to the OS (glibc's malloc_trim). After a burst of requests, glibc
// keeps what it freed: measured here after a c=64 load and a full GC, malloc_trim(0) returned ~50 MB of
// RSS (180 → 130 MB) with V8's heap unchanged; after the bench's warm-up, ~25 MB (memory-reclaim.ts).
// Node offers no way to call it, and a native addon of our own would make every install compile C.
// SQLite's extension loader is a C call we already ship: it dlopens a library and calls a named
// function with (db, &errmsg, api). glibc's malloc_trim(size_t pad) reads the first as its pad, which
// only bounds the trim at the heap's top: the free pages inside the heap and every thread's arena, the
// bulk of it, are released whatever the pad. It returns 1 when it released something, which SQLite
// reports as a failed initialisation.
import Database from 'better-sqlite3';

export type ReleaseResult = 'released' | 'nothing' | 'unsupported';

const RELEASED = 'error during initialization';

// better-sqlite3 takes the entry point as a second argument; its type declarations leave it out.
type WithEntryPoint = { loadExtension(file: string, entryPoint: string): void };

let supported = process.platform === 'linux';

export function releaseFreedMemory(): ReleaseResult {
  if (!supported) return 'unsupported';
  const db = new Database(':memory:');
  try {
    (db as unknown as WithEntryPoint).loadExtension('libc.so.6', 'malloc_trim');
    return 'nothing';
  } catch (err) {
    if (String((err as Error).message).startsWith(RELEASED)) return 'released';
    // No glibc (musl, say): there is nothing to trim this way, so stop asking.
    supported = false;
    return 'unsupported';
  } finally {
    db.close();
  }
}
