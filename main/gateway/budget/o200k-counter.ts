// o200k_base token counts (GPT-4o, GPT-4.1, GPT-5, o-series) from tiktoken's rank file, held in ~5 MB
// of typed arrays. gpt-tokenizer's encoder holds the same 200k ranks as JS strings in Maps and took
// ~75 MB of RSS once loaded (measured here): an autocomplete user paid that on their first cancel. A
// count needs no token ids, only how many parts tiktoken's merge leaves of each piece, so one hash table
// of byte strings is all the state there is.
//
// o200kCounter must stay self-contained (no imports, nothing from this module's scope): the tokenizer's
// worker runs its source text (Function.prototype.toString), since a file of its own would not survive
// the bundles.

export type CountText = (text: string) => number;

/**
 * `file`: an o200k_base.tiktoken file (`<base64 bytes> <rank>` per line, ranks 0, 1, 2, … in order).
 * The counter treats special-token text such as `<|endoftext|>` as plain text, as the gateway must: a
 * client may send that text, and it is billed as text.
 */
export function o200kCounter(file: Uint8Array): CountText {
  const NONE = 0x7fffffff;
  const b64 = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) b64[alphabet.charCodeAt(i)] = i;

  let lines = 0;
  for (let i = 0; i < file.length; i++) if (file[i] === 10) lines++;
  if (file.length > 0 && file[file.length - 1] !== 10) lines++;
  let bytes = new Uint8Array(Math.ceil((file.length * 3) / 4));
  const starts = new Uint32Array(lines + 1);
  let count = 0;
  let w = 0;
  for (let p = 0; p < file.length;) {
    if (file[p] === 10) {
      p++;
      continue;
    }
    starts[count] = w;
    let acc = 0;
    let bits = 0;
    for (; p < file.length && file[p] !== 32; p++) {
      const c = file[p]!;
      if (c === 61) continue; // '=' padding
      const v = b64[c]!;
      if (v < 0) throw new Error(`o200k ranks: bad base64 on line ${count + 1}`);
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[w++] = (acc >> bits) & 0xff;
      }
    }
    let rank = 0;
    let digits = 0;
    for (p++; p < file.length && file[p] !== 10 && file[p] !== 13; p++, digits++) {
      const d = file[p]! - 48;
      if (d < 0 || d > 9) throw new Error(`o200k ranks: bad rank on line ${count + 1}`);
      rank = rank * 10 + d;
    }
    // Ranks are stored by position, so they must be 0, 1, 2, … as tiktoken's files have them.
    if (digits === 0 || rank !== count || w === starts[count])
      throw new Error(`o200k ranks: line ${count + 1} is not token ${count}`);
    count++;
    while (p < file.length && file[p] !== 10) p++;
  }
  if (count < 256) throw new Error(`o200k ranks: ${count} tokens is not a rank file`);
  starts[count] = w;
  bytes = bytes.slice(0, w); // base64 overstates the bytes by a third; keep only what is used

  // Open addressing, kept under half full; a slot holds rank + 1 (0 is empty).
  let size = 1;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size);
  const hash = (buf: Uint8Array, from: number, to: number): number => {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    return h & mask;
  };
  for (let t = 0; t < count; t++) {
    let slot = hash(bytes, starts[t]!, starts[t + 1]!);
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = t + 1;
  }
  const rankOf = (buf: Uint8Array, from: number, to: number): number => {
    const len = to - from;
    for (let slot = hash(buf, from, to); ; slot = (slot + 1) & mask) {
      const entry = table[slot]!;
      if (entry === 0) return NONE;
      const s = starts[entry - 1]!;
      if (starts[entry]! - s !== len) continue;
      let i = 0;
      while (i < len && bytes[s + i] === buf[from + i]) i++;
      if (i === len) return entry - 1;
    }
  };

  // A long piece (a run of one letter or symbol: base64 of blank pixels, a ruler of dashes) makes the
  // scan below quadratic: 32 KB took ~250 ms. Past LONG bytes the same merges come from a heap ordered
  // by rank and then position, which picks the pair the scan would (the lowest rank, leftmost first).
  // Parts are a linked list of start offsets; a heap entry whose rank no longer matches its part's is
  // stale.
  const LONG = 256;
  const DEAD = -1;
  let next = new Int32Array(0);
  let prev = new Int32Array(0);
  let pairRank = new Int32Array(0);
  let heapRank = new Int32Array(0);
  let heapAt = new Int32Array(0);
  const mergedLongParts = (buf: Uint8Array, n: number): number => {
    if (next.length < n) {
      next = new Int32Array(n);
      prev = new Int32Array(n);
      pairRank = new Int32Array(n);
      heapRank = new Int32Array(3 * n);
      heapAt = new Int32Array(3 * n);
    }
    let size = 0;
    const push = (r: number, at: number) => {
      let k = size++;
      while (k > 0) {
        const up = (k - 1) >> 1;
        if (heapRank[up]! < r || (heapRank[up] === r && heapAt[up]! < at)) break;
        heapRank[k] = heapRank[up]!;
        heapAt[k] = heapAt[up]!;
        k = up;
      }
      heapRank[k] = r;
      heapAt[k] = at;
    };
    const popTop = () => {
      const r = heapRank[--size]!;
      const at = heapAt[size]!;
      let k = 0;
      for (;;) {
        let c = 2 * k + 1;
        if (c >= size) break;
        if (
          c + 1 < size &&
          (heapRank[c + 1]! < heapRank[c]! ||
            (heapRank[c + 1] === heapRank[c] && heapAt[c + 1]! < heapAt[c]!))
        )
          c++;
        if (r < heapRank[c]! || (r === heapRank[c] && at < heapAt[c]!)) break;
        heapRank[k] = heapRank[c]!;
        heapAt[k] = heapAt[c]!;
        k = c;
      }
      heapRank[k] = r;
      heapAt[k] = at;
    };
    // The rank of part i joined with the part after it (NONE at the end).
    const rankAfter = (i: number) => (next[i]! < n ? rankOf(buf, i, next[next[i]!]!) : NONE);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    for (let i = 0; i < n; i++) {
      pairRank[i] = rankAfter(i);
      if (pairRank[i] !== NONE) push(pairRank[i]!, i);
    }
    let parts = n;
    while (size > 0) {
      const r = heapRank[0]!;
      const i = heapAt[0]!;
      popTop();
      if (pairRank[i] !== r) continue;
      const j = next[i]!;
      pairRank[j] = DEAD;
      next[i] = next[j]!;
      if (next[i]! < n) prev[next[i]!] = i;
      parts--;
      pairRank[i] = rankAfter(i);
      if (pairRank[i] !== NONE) push(pairRank[i]!, i);
      const p = prev[i]!;
      if (p >= 0) {
        pairRank[p] = rankAfter(p);
        if (pairRank[p] !== NONE) push(pairRank[p]!, p);
      }
    }
    return parts;
  };

  // tiktoken's byte_pair_merge: merge the adjacent pair of lowest rank until no pair is a token.
  let pos = new Int32Array(64);
  let rk = new Int32Array(64);
  const mergedParts = (buf: Uint8Array, n: number): number => {
    if (n < 2 || rankOf(buf, 0, n) !== NONE) return 1;
    if (n > LONG) return mergedLongParts(buf, n);
    if (pos.length < n + 1) {
      pos = new Int32Array(2 * n + 2);
      rk = new Int32Array(2 * n + 2);
    }
    for (let i = 0; i <= n; i++) {
      pos[i] = i;
      rk[i] = i + 2 <= n ? rankOf(buf, i, i + 2) : NONE;
    }
    let len = n + 1;
    for (;;) {
      let min = NONE;
      let at = -1;
      for (let i = 0; i < len - 1; i++) {
        if (rk[i]! < min) {
          min = rk[i]!;
          at = i;
        }
      }
      if (at < 0) return len - 1;
      if (at > 0) rk[at - 1] = at + 2 < len ? rankOf(buf, pos[at - 1]!, pos[at + 2]!) : NONE;
      rk[at] = at + 3 < len ? rankOf(buf, pos[at]!, pos[at + 3]!) : NONE;
      pos.copyWithin(at + 1, at + 2, len);
      rk.copyWithin(at + 1, at + 2, len);
      len--;
    }
  };

  // tiktoken's o200k split pattern; its `(?i:'s|…)` spelled out case by case.
  const contraction = "(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?";
  const split = new RegExp(
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+${contraction}` +
      `|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*${contraction}` +
      `|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
    'gu',
  );
  const utf8 = new TextEncoder();
  let scratch = new Uint8Array(256);
  // Common words come back again and again; a small cache, emptied when full, keeps memory bounded.
  const cache = new Map<string, number>();
  const CACHE_MAX = 8192;

  return (text: string): number => {
    let total = 0;
    split.lastIndex = 0;
    for (let m = split.exec(text); m !== null; m = split.exec(text)) {
      const piece = m[0];
      const known = cache.get(piece);
      if (known !== undefined) {
        total += known;
        continue;
      }
      if (scratch.length < piece.length * 3) scratch = new Uint8Array(piece.length * 3);
      const n = utf8.encodeInto(piece, scratch).written;
      const parts = mergedParts(scratch, n);
      if (piece.length <= 32) {
        if (cache.size >= CACHE_MAX) cache.clear();
        cache.set(piece, parts);
      }
      total += parts;
    }
    return total;
  };
}
