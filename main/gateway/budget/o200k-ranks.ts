// Where o200k_base's ranks come from: the tiktoken file gpt-tokenizer ships in its `data/` folder (the
// same file OpenAI publishes for tiktoken). It is read on the main thread, where Electron's fs can read
// inside app.asar, and handed to whichever thread counts.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function o200kRanksPath(): string {
  // gpt-tokenizer's exports map has no entry for data/, so go from its main module (cjs/main.js).
  const main = createRequire(import.meta.url).resolve('gpt-tokenizer');
  return join(dirname(dirname(main)), 'data', 'o200k_base.tiktoken');
}

/** The rank file's bytes (~3.6 MB). */
export function readO200kRanks(path = o200kRanksPath()): Promise<Uint8Array> {
  return readFile(path);
}
