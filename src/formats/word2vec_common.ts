// Pieces shared by the word2vec text (.vec) and binary (.bin) codecs.
import { FormatError, type FormatErrorLocation } from "./errors.ts";

/** The `V dim` first line of both word2vec formats. */
export interface Word2VecHeader {
  vocabSize: number;
  dim: number;
  /** Byte offset just past the header's newline. */
  end: number;
}

// Far longer than any real "V dim" line; stops us scanning a huge file that has no newline.
const MAX_HEADER_BYTES = 1024;

export function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Parses `V dim\n` at `start` (text and binary share it: gensim reads both with readline+split). */
export function parseWord2VecHeader(
  bytes: Uint8Array,
  start: number,
  source: string,
  where: FormatErrorLocation,
): Word2VecHeader {
  let nl = bytes.indexOf(0x0a, start);
  if (nl === -1) {
    if (bytes.length - start > MAX_HEADER_BYTES) {
      throw new FormatError(source, "no header line 'V dim' (no newline near the start)", where);
    }
    nl = bytes.length;
  } else if (nl - start > MAX_HEADER_BYTES) {
    throw new FormatError(source, "first line is too long to be a 'V dim' header", where);
  }
  const text = new TextDecoder().decode(bytes.subarray(start, nl));
  const fields = text.split(/[ \t\r\v\f]+/).filter((f) => f !== "");
  if (fields.length === 0) {
    throw new FormatError(source, "empty header line; expected 'V dim'", where);
  }
  if (fields.length !== 2) {
    throw new FormatError(
      source,
      `header must be 'V dim' (vocabulary size and dimension) but has ${fields.length} ` +
        `field(s): ${JSON.stringify(text.slice(0, 60))}; files without a header line ` +
        `(e.g. GloVe) are not supported`,
      where,
    );
  }
  const vocabSize = headerInt(fields[0], "vocabulary size", source, where);
  const dim = headerInt(fields[1], "dim", source, where);
  if (dim === 0) throw new FormatError(source, "header dim is 0; vectors need dim >= 1", where);
  return { vocabSize, dim, end: Math.min(nl + 1, bytes.length) };
}

function headerInt(s: string, what: string, source: string, where: FormatErrorLocation): number {
  if (/^-\d+$/.test(s)) {
    throw new FormatError(source, `header ${what} is negative: ${s}`, where);
  }
  if (!/^\+?\d+$/.test(s)) {
    throw new FormatError(source, `header ${what} is not an integer: ${JSON.stringify(s)}`, where);
  }
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    throw new FormatError(source, `header ${what} is too large: ${s}`, where);
  }
  return n;
}

/**
 * Rejects a header whose claims cannot fit in the input, before anything of that size is
 * allocated: a hostile `1000000000000 100` must fail at once.
 */
export function checkClaimedSize(
  header: Word2VecHeader,
  minBytesPerRow: number,
  available: number,
  source: string,
  where: FormatErrorLocation,
): void {
  const needed = header.vocabSize * minBytesPerRow;
  if (needed > available) {
    throw new FormatError(
      source,
      `truncated file or wrong header: ${header.vocabSize} rows of dim ${header.dim} need at ` +
        `least ${needed} bytes but only ${available} follow the header`,
      where,
    );
  }
}

/** Words the word2vec formats can hold: non-empty, no ASCII whitespace, valid UTF-16, unique. */
export function checkWord2VecWords(words: readonly string[], format: string): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.length === 0) throw new RangeError(`${format}: word ${i} is empty`);
    for (let k = 0; k < w.length; k++) {
      if (isAsciiSpace(w.charCodeAt(k))) {
        throw new RangeError(
          `${format}: word ${i} ${JSON.stringify(w)} contains whitespace, which the word2vec ` +
            `formats cannot represent (use the native .nsm format)`,
        );
      }
    }
    if (!w.isWellFormed()) {
      throw new RangeError(`${format}: word ${i} ${JSON.stringify(w)} has a lone surrogate`);
    }
    const prev = seen.get(w);
    if (prev !== undefined) {
      throw new RangeError(`${format}: duplicate word ${JSON.stringify(w)} at ${prev} and ${i}`);
    }
    seen.set(w, i);
  }
}

export function checkFiniteValues(data: Float32Array, words: readonly string[], dim: number): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / dim);
      throw new RangeError(
        `vector of word ${JSON.stringify(words[row])} has non-finite value ${data[i]} at ` +
          `index ${i - row * dim}`,
      );
    }
  }
}

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Concatenates encoded pieces into one buffer. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
