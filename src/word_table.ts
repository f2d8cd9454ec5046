// Words -> ids, looked up straight from a slice of a line. The vocabulary pass,
// and every epoch of a corpus too big to keep as ids, look up every token of the
// corpus; a Map<string, number> needs a new string per token (a substring,
// hashed and then thrown away). Here a token is hashed while the line is
// scanned (FNV-1a over its UTF-16 units) and compared in place; a string is
// made only for a word seen for the first time. On en-mixed (3.2M words) the
// count went from 1.6 s to 0.7-0.9 s, and encoding an epoch from 0.8-1.0 s to
// 0.5-0.7 s. Open addressing, linear probing, at most half full.

import { isSpace } from "./corpus/lines.ts";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of text[start, end), as TokenCursor computes it while scanning. */
export function hashSlice(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
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
