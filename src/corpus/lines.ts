// Bytes -> lines, streaming, in bounded memory.
//
// Decoding is UTF-8. A leading BOM is dropped (one at the very start only). Invalid bytes are
// by default decoded as U+FFFD, the replacement character, one per invalid sequence as the
// WHATWG decoder does, and counted: the end-of-pass report gives how many and the byte
// offset of the first. With `invalidUtf8: "error"` the first invalid byte is a FormatError
// that gives its byte offset instead.
//
// A "line" with no newline for MAX_PENDING characters is cut at its last whitespace and
// handed on in pieces flagged as continuations, so one enormous line never has to fit in
// memory. A run of more than MAX_PENDING characters without any whitespace is not a word:
// it is dropped up to the next whitespace, and counted in the report.
import { FormatError } from "../formats/errors.ts";

/** Longest stretch of text held while looking for the end of a line (UTF-16 units). */
export const MAX_PENDING = 1 << 20;

export interface LinePiece {
  text: string;
  /** True when this piece continues the previous one (the same physical line). */
  continued: boolean;
}

/** What to do with bytes that are not UTF-8: read them as U+FFFD, or stop with an error. */
export type InvalidUtf8 = "replace" | "error";

/** What one complete pass over the bytes met, given to `onReport` at its end. */
export interface ReadReport {
  /** Bytes read (after decompression, for a gzip corpus). */
  bytes: number;
  /** Invalid UTF-8 sequences read as U+FFFD ("replace" mode). */
  invalidUtf8: number;
  /** Byte offset of the first of them, or -1. */
  firstInvalidOffset: number;
  /** Runs of more than MAX_PENDING characters without whitespace, dropped. */
  droppedRuns: number;
}

export interface LineOptions {
  /** Names the input in errors (default "<stream>"). */
  source?: string;
  /** Default "replace". */
  invalidUtf8?: InvalidUtf8;
  /** Called once at the end of each complete pass. */
  onReport?: (report: ReadReport) => void;
  /** Longest text held in memory (default MAX_PENDING); smaller values are for tests. */
  maxPending?: number;
}

export const EMPTY: Uint8Array = new Uint8Array(0);

/** Length of the UTF-8 sequence a lead byte starts (0: not a valid lead byte). */
function sequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** How many bytes at the end of `b` start a sequence that the next chunk may complete. */
function incompleteTail(b: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const c = b[b.length - back];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = sequenceLength(c);
    return need > back ? back : 0;
  }
  return 0;
}

/** Index of the first byte of `b` that does not belong to a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(c);
    if (len === 0 || i + len > n) return i;
    const c1 = b[i + 1];
    // The second byte's range depends on the lead (no overlongs, surrogates, > U+10FFFF).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\ufffd"); i >= 0; i = text.indexOf("\ufffd", i + 1)) n++;
  return n;
}

/** Occurrences of EF BF BD, U+FFFD written in the input itself (not a replacement). */
function countEncodedReplacements(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(0xef); i >= 0 && i + 2 < b.length; i = b.indexOf(0xef, i + 1)) {
    if (b[i + 1] === 0xbf && b[i + 2] === 0xbd) n++;
  }
  return n;
}

/** A stream's bytes as complete UTF-8 sequences, chunk by chunk: a sequence cut by
 *  a chunk boundary is carried to the next, a leading BOM is dropped, and invalid
 *  bytes are read as U+FFFD (counted in `report`) or are a FormatError. Shared by
 *  readLines (text) and scanTokens (bytes, src/corpus/byte_tokens.ts), so both
 *  read the same characters. */
export class Utf8Chunks {
  readonly report: ReadReport = {
    bytes: 0,
    invalidUtf8: 0,
    firstInvalidOffset: -1,
    droppedRuns: 0,
  };
  readonly #fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  readonly #lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  #carry: Uint8Array = EMPTY;
  /** Stream offset of the first byte of #carry. */
  #offset = 0;

  constructor(readonly source: string, readonly strict: boolean) {}

  /** The complete sequences the stream has given with `chunk`, and the stream
   *  offset of their first byte. */
  take(chunk: Uint8Array): { body: Uint8Array; at: number } {
    const data = this.#carry.length === 0 ? chunk : concat(this.#carry, chunk);
    const keep = incompleteTail(data);
    let body = data.subarray(0, data.length - keep);
    this.#carry = data.slice(data.length - keep);
    let at = this.#offset;
    this.#offset += body.length;
    if (at === 0 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
      body = body.subarray(3);
      at = 3;
    }
    return { body, at };
  }

  /** At the end of the stream: the bytes of a sequence it cut short (invalid), if any. */
  end(): { body: Uint8Array; at: number } | undefined {
    this.report.bytes = this.#offset + this.#carry.length;
    return this.#carry.length > 0 ? { body: this.#carry, at: this.#offset } : undefined;
  }

  /** Decodes complete sequences starting at byte offset `at` of the stream. */
  decode(body: Uint8Array, at: number): string {
    try {
      return this.#fatal.decode(body);
    } catch {
      const bad = firstInvalidUtf8(body);
      if (this.strict) {
        const byte = body[Math.max(0, bad)] ?? 0;
        throw new FormatError(
          this.source,
          `invalid UTF-8 (byte 0x${byte.toString(16).padStart(2, "0")}); the corpus must be ` +
            `UTF-8 text: convert it (e.g. with iconv), or read invalid bytes as U+FFFD`,
          { offset: at + Math.max(0, bad) },
        );
      }
      const text = this.#lenient.decode(body);
      const report = this.report;
      if (report.firstInvalidOffset < 0) report.firstInvalidOffset = at + Math.max(0, bad);
      report.invalidUtf8 += countReplacements(text) - countEncodedReplacements(body);
      return text;
    }
  }
}

export async function* readLines(
  stream: ReadableStream<Uint8Array>,
  options: LineOptions = {},
): AsyncGenerator<LinePiece> {
  const maxPending = options.maxPending ?? MAX_PENDING;
  const utf8 = new Utf8Chunks(options.source ?? "<stream>", options.invalidUtf8 === "error");
  const report = utf8.report;

  let pending = "";
  let continued = false; // a piece of the current line has been handed on
  let dropping = false; // inside a run without whitespace that is being dropped

  // Complete lines and oversized pieces of the current chunk, handed on after it.
  const ready: LinePiece[] = [];

  /** Appends decoded text; complete lines and oversized pieces go to `ready`. */
  function take(text: string): void {
    if (dropping) {
      const ws = firstWhitespace(text, 0);
      if (ws < 0) return;
      text = text.slice(ws);
      dropping = false;
    }
    pending += text;
    let start = 0;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n", start)) {
      let line = pending.slice(start, nl);
      start = nl + 1;
      if (line.length > maxPending) line = cutDown(line, true);
      ready.push({ text: line, continued });
      continued = false;
    }
    if (start > 0) pending = pending.slice(start);
    if (pending.length > maxPending) pending = cutDown(pending, false);
  }

  /**
   * Hands on pieces of `s` (cut at whitespace) until at most maxPending characters are
   * left, and returns those. A run of more than maxPending characters without whitespace
   * is dropped: to the end of `s` when it is a complete line, else up to the next whitespace
   * still to come.
   */
  function cutDown(s: string, complete: boolean): string {
    // (a piece that starts with whitespace may hold one character more)
    for (let lead = isSpace(s.charCodeAt(0)) ? 1 : 0; s.length > maxPending + lead;) {
      const cut = lastWhitespace(s, maxPending + lead);
      if (cut > 0) {
        ready.push({ text: s.slice(0, cut), continued });
        continued = true;
        s = s.slice(cut);
        lead = 1;
        continue;
      }
      report.droppedRuns++;
      const end = firstWhitespace(s, cut + 1);
      if (end < 0) {
        dropping = !complete;
        return "";
      }
      s = s.slice(end);
      lead = 1;
    }
    return s;
  }

  for await (const chunk of stream) {
    const { body, at } = utf8.take(chunk);
    take(utf8.decode(body, at));
    for (let i = 0; i < ready.length; i++) yield ready[i];
    ready.length = 0;
  }
  const rest = utf8.end();
  if (rest) take(utf8.decode(rest.body, rest.at)); // cut short: invalid
  for (let i = 0; i < ready.length; i++) yield ready[i];
  if (pending.length > 0) yield { text: pending, continued };
  options.onReport?.(report);
}

/** a then b, in a new array. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The characters the tokenizer splits on: JavaScript's \s and NUL. */
export function isSpace(c: number): boolean {
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13) || c === 0;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Index of the last whitespace at or before `from`, or -1. */
function lastWhitespace(s: string, from: number): number {
  for (let i = Math.min(from, s.length - 1); i >= 0; i--) if (isSpace(s.charCodeAt(i))) return i;
  return -1;
}

function firstWhitespace(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (isSpace(s.charCodeAt(i))) return i;
  return -1;
}
