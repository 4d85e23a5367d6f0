// Waiting on something the test cannot be told about (a file written, a port open, a row in the ledger):
// poll with a deadline instead of sleeping a guessed time.
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `check` holds (returns its truthy value); throws with `what` after the deadline. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5_000,
  everyMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
