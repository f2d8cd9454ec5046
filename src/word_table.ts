// Words -> ids, looked up straight from a slice of a line. The vocabulary pass,
// and every epoch of a corpus too big to keep as ids, look up every token of the
// corpus; a Map<string, number> needs a new string per token (a substring,
// hashed and then thrown away). Here a token is hashed while the line is
// scanned (FNV-1a over its UTF-16 units) and compared in place; a string is
// made only for a word seen for the first time. On en-mixed (3.2M words) the
// count went from 1.6 s to 0.7-0.9 s, and encoding an epoch from 0.8-1.0 s to
// 0.5-0.7 s. Open addressing, linear probing, at most half full. The count now
// reads UTF-8 tokens without decoding them (src/corpus/byte_tokens.ts), into
// ByteWordTable; WordTable serves the epochs that read the corpus again.

import { isSpace } from "./corpus/lines.ts";

/** FNV-1a's start and multiplier: every token hash here (and in
 *  src/corpus/byte_tokens.ts) is FNV-1a, over UTF-16 units or UTF-8 bytes. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a of text[start, end), as TokenCursor computes it while scanning. */
export function hashSlice(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** FNV-1a of bytes[start, end), as scanTokens (src/corpus/byte_tokens.ts) hashes a
 *  token while scanning. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}

/** The tokens of a line, one at a time, each with its hash: text split at
 *  isSpace (JavaScript's \s and NUL), as tokenize() splits it.
 *    cursor.reset(line); while (cursor.next()) use(cursor.start, cursor.end, cursor.hash);
 *  One class for every caller, so the loop stays monomorphic and inlined. */
export class TokenCursor {
  text = "";
  start = 0;
  end = 0;
  hash = 0;

  reset(text: string): void {
    this.text = text;
    this.start = this.end = 0;
  }

  next(): boolean {
    const text = this.text;
    const n = text.length;
    let i = this.end;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) return false;
    this.start = i;
    let h = FNV_OFFSET;
    for (let unit = text.charCodeAt(i); !isSpace(unit);) {
      h = Math.imul(h ^ unit, FNV_PRIME);
      if (++i >= n) break;
      unit = text.charCodeAt(i);
    }
    this.end = i;
    this.hash = h >>> 0;
    return true;
  }
}

export class WordTable {
  /** id + 1 per slot; 0 = empty. */
  #slots = new Int32Array(1 << 12);
  #mask = (1 << 12) - 1;
  #live = 0;
  /** Every word ever added, by id (a removed word keeps its id; re-added, it gets a new one). */
  readonly words: string[] = [];
  #hashes: number[] = [];

  /** Words currently in the table. */
  get size(): number {
    return this.#live;
  }

  /** The id of text[start, end) whose hash is `hash`, or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    for (let slot = hash & this.#mask;; slot = (slot + 1) & this.#mask) {
      const entry = this.#slots[slot];
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.#hashes[id] === hash) {
        const word = this.words[id];
        if (word.length === length && sameUnits(word, text, start, length)) return id;
      }
    }
  }

  /** Adds text[start, end) (not in the table) and returns its new id. */
  add(text: string, start: number, end: number, hash: number): number {
    const id = this.words.length;
    this.words.push(ownCopy(text.slice(start, end)));
    this.#hashes.push(hash);
    this.#insert(id);
    if (++this.#live * 2 > this.#slots.length) this.#rebuild(this.#slots.length * 2, () => true);
    return id;
  }

  /** The id of a whole word, or -1. */
  get(word: string): number {
    return this.find(word, 0, word.length, hashSlice(word, 0, word.length));
  }

  /** Keeps only the words for which `keep(id)` holds. */
  retain(keep: (id: number) => boolean): void {
    this.#rebuild(this.#slots.length, keep);
  }

  #insert(id: number): void {
    let slot = this.#hashes[id] & this.#mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
    this.#slots[slot] = id + 1;
  }

  #rebuild(size: number, keep: (id: number) => boolean): void {
    const old = this.#slots;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    this.#live = 0;
    for (const entry of old) {
      if (entry !== 0 && keep(entry - 1)) {
        this.#insert(entry - 1);
        this.#live++;
      }
    }
  }
}

/** WordTable's twin for UTF-8 tokens (src/corpus/byte_tokens.ts): words looked up
 *  by their bytes, hashed by hashBytes. A slot holds all a probe needs (the hash,
 *  the id, where the word's bytes start and their length: SLOT int32s), and the
 *  words' bytes are kept back to back, so a lookup costs two cache misses at most
 *  (the slot, the bytes). Scanning en-mixed into this table took 0.37-0.40 s, against
 *  0.41-0.45 s with the hash, the word's start and its end in arrays by id. */
export class ByteWordTable {
  #slots = new Int32Array(SLOT << 12);
  #mask = (1 << 12) - 1;
  #live = 0;
  /** Every word ever added, by id, as WordTable's. */
  readonly words: string[] = [];
  #bytes = new Uint8Array(1 << 16);
  #used = 0;
  readonly #decoder = new TextDecoder();

  get size(): number {
    return this.#live;
  }

  /** The id of bytes[start, end) whose hash is `hash`, or -1. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const own = this.#bytes;
    const length = end - start;
    const key = hash | 0;
    for (let slot = hash & mask;; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      const entry = slots[at + 1];
      if (entry === 0) return -1;
      if (slots[at] === key && slots[at + 3] === length) {
        const from = slots[at + 2];
        let i = 0;
        while (i < length && own[from + i] === bytes[start + i]) i++;
        if (i === length) return entry - 1;
      }
    }
  }

  /** Adds bytes[start, end) (not in the table) and returns its new id. */
  add(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    if (this.#used + length > this.#bytes.length) {
      const bigger = new Uint8Array(Math.max(2 * this.#bytes.length, this.#used + length));
      bigger.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = bigger;
    }
    this.#bytes.set(bytes.subarray(start, end), this.#used);
    const id = this.words.length;
    this.words.push(this.#decoder.decode(bytes.subarray(start, end)));
    this.#insert(hash | 0, id + 1, this.#used, length);
    this.#used += length;
    if (++this.#live * 2 > this.#mask + 1) this.#rebuild(2 * (this.#mask + 1), () => true);
    return id;
  }

  /** The id of a whole word, or -1. */
  get(word: string): number {
    const bytes = new TextEncoder().encode(word);
    return this.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  /** Keeps only the words for which `keep(id)` holds (their bytes stay, as their
   *  strings stay in `words`: ids are never reused). */
  retain(keep: (id: number) => boolean): void {
    this.#rebuild(this.#mask + 1, keep);
  }

  /** Puts a word's slot record in (the table has room). */
  #insert(key: number, entry: number, from: number, length: number): void {
    const slots = this.#slots;
    let slot = key & this.#mask;
    while (slots[slot * SLOT + 1] !== 0) slot = (slot + 1) & this.#mask;
    const at = slot * SLOT;
    slots[at] = key;
    slots[at + 1] = entry;
    slots[at + 2] = from;
    slots[at + 3] = length;
  }

  #rebuild(size: number, keep: (id: number) => boolean): void {
    const old = this.#slots;
    this.#slots = new Int32Array(size * SLOT);
    this.#mask = size - 1;
    this.#live = 0;
    for (let at = 0; at < old.length; at += SLOT) {
      const entry = old[at + 1];
      if (entry !== 0 && keep(entry - 1)) {
        this.#insert(old[at], entry, old[at + 2], old[at + 3]);
        this.#live++;
      }
    }
  }
}

/** Int32s per slot of a ByteWordTable. */
const SLOT = 4;

/** A string that holds its own characters. V8 makes a slice of 13 or more units
 *  a view into the string it was cut from, so keeping such a word would keep the
 *  whole decoded chunk of the corpus it came from alive (measured: 14 MB more
 *  heap after counting en-mixed). JSON.parse builds a fresh string. */
function ownCopy(word: string): string {
  return word.length < 13 ? word : JSON.parse(JSON.stringify(word));
}

function sameUnits(word: string, text: string, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    if (word.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  }
  return true;
}
