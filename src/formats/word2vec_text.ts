// word2vec text format (.vec/.txt), as written by word2vec.c, gensim and fastText:
// a `V dim` header line, then `word v1 ... vdim` per line.
import { FormatError } from "./errors.ts";
import { checkVectorTable, type VectorTable } from "./table.ts";
import {
  checkClaimedSize,
  checkFiniteValues,
  checkWord2VecWords,
  concatBytes,
  isAsciiSpace,
  parseWord2VecHeader,
} from "./word2vec_common.ts";

/**
 * Shortest decimal that reads back (via a double, as gensim/numpy and we do) to exactly the
 * same float32. Tries 8 significant digits first: most float32 values need 7 or 8, a few 9.
 */
export function formatFloat32(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  let best = x.toPrecision(8);
  if (Math.fround(Number(best)) !== x) return trimZeros(x.toPrecision(9));
  for (let p = 7; p >= 1; p--) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) !== x) break;
    best = s;
  }
  return trimZeros(best);
}

/** "0.12500000" -> "0.125"; exponent forms ("1e+2", "1.0000000e-7") in JS's own notation. */
function trimZeros(s: string): string {
  if (s.indexOf("e") !== -1) return String(Number(s));
  if (s.indexOf(".") === -1) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

// Flush the string being built every ~1 MiB so huge tables never need one giant string.
const CHUNK_CHARS = 1 << 20;

export function encodeWord2VecText(t: VectorTable): Uint8Array {
  checkVectorTable(t);
  checkWord2VecWords(t.words, "word2vec text");
  checkFiniteValues(t.data, t.words, t.dim);
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let buf = `${t.words.length} ${t.dim}\n`;
  const { dim, data } = t;
  const fields = new Array<string>(dim + 1); // join() beats += on long lines
  for (let i = 0; i < t.words.length; i++) {
    fields[0] = t.words[i];
    for (let j = 0; j < dim; j++) fields[j + 1] = formatFloat32(data[i * dim + j]);
    buf += fields.join(" ") + "\n";
    if (buf.length >= CHUNK_CHARS) {
      parts.push(enc.encode(buf));
      buf = "";
    }
  }
  parts.push(enc.encode(buf));
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Decodes a word2vec text file. Accepts spaces or tabs between fields, CRLF, trailing spaces
 * (fastText), a UTF-8 BOM and trailing blank lines. Rejects non-finite values and duplicate
 * words (gensim silently keeps the first; we would rather say so).
 */
export function decodeWord2VecText(bytes: Uint8Array, source = "<memory>"): VectorTable {
  let pos = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const header = parseWord2VecHeader(bytes, pos, source, { line: 1 });
  const { vocabSize, dim } = header;
  pos = header.end;
  // Each row has at least dim values, each at least one digit and one separator.
  checkClaimedSize(header, 2 * dim, bytes.length - pos, source, { line: 1 });

  const words = new Array<string>(vocabSize);
  const data = new Float32Array(vocabSize * dim);
  const firstLine = new Map<string, number>();
  const dec = new TextDecoder("utf-8", { fatal: true });
  let lineNo = 1;
  for (let row = 0; row < vocabSize; row++) {
    lineNo++;
    if (pos >= bytes.length) {
      throw new FormatError(
        source,
        `file ends after ${row} rows but the header (line 1) says ${vocabSize}`,
        { line: lineNo },
      );
    }
    let nl = bytes.indexOf(0x0a, pos);
    if (nl === -1) nl = bytes.length;
    let line: string;
    try {
      line = dec.decode(bytes.subarray(pos, nl));
    } catch {
      throw new FormatError(source, "invalid UTF-8", { line: lineNo });
    }
    pos = nl + 1;
    words[row] = parseRow(line, data, row * dim, dim, source, lineNo);
    const prev = firstLine.get(words[row]);
    if (prev !== undefined) {
      throw new FormatError(
        source,
        `duplicate word ${JSON.stringify(words[row])} (first on line ${prev})`,
        { line: lineNo },
      );
    }
    firstLine.set(words[row], lineNo);
  }
  checkNoExtraRows(bytes, pos, vocabSize, lineNo, source);
  return { words, dim, data };
}

/** Tokenises one line in place (no split arrays); returns the word, writes the values. */
function parseRow(
  line: string,
  out: Float32Array,
  base: number,
  dim: number,
  source: string,
  lineNo: number,
): string {
  const n = line.length;
  let i = 0;
  while (i < n && isAsciiSpace(line.charCodeAt(i))) i++;
  if (i === n) {
    throw new FormatError(source, "empty line where a vector row was expected", { line: lineNo });
  }
  const ws = i;
  while (i < n && !isAsciiSpace(line.charCodeAt(i))) i++;
  const word = line.slice(ws, i);
  let count = 0;
  for (;;) {
    while (i < n && isAsciiSpace(line.charCodeAt(i))) i++;
    if (i === n) break;
    const start = i;
    while (i < n && !isAsciiSpace(line.charCodeAt(i))) i++;
    if (count < dim) {
      out[base + count] = parseValue(line.slice(start, i), word, count, source, lineNo);
    }
    count++;
  }
  if (count !== dim) {
    throw new FormatError(
      source,
      `word ${JSON.stringify(word)} has ${count} values but the header says dim ${dim}`,
      { line: lineNo },
    );
  }
  return word;
}

function parseValue(
  tok: string,
  word: string,
  index: number,
  source: string,
  lineNo: number,
): number {
  // Fast path. Number() also takes "0x1f", "0b1", "0o7" and "Infinity": a plain decimal starts
  // with a digit, sign or dot and, if it starts with 0, has no radix letter next.
  const quick = Number(tok);
  if (Number.isFinite(quick) && plainStart(tok)) {
    const f = Math.fround(quick);
    if (f !== Infinity && f !== -Infinity) return f;
  }
  const what = `value ${index + 1} of word ${JSON.stringify(word)}`;
  if (!NUMBER.test(tok)) {
    const problem = NON_FINITE.test(tok) ? "is not finite" : "is not a number";
    throw new FormatError(source, `${what} ${problem}: ${JSON.stringify(tok)}`, { line: lineNo });
  }
  const v = Math.fround(Number(tok));
  if (!Number.isFinite(v)) {
    throw new FormatError(source, `${what} is out of float32 range: ${tok}`, { line: lineNo });
  }
  return v;
}

function plainStart(tok: string): boolean {
  const c0 = tok.charCodeAt(0);
  if (c0 === 0x30) {
    const c1 = tok.charCodeAt(1) | 0x20;
    return c1 !== 0x78 && c1 !== 0x62 && c1 !== 0x6f;
  }
  return (c0 > 0x30 && c0 <= 0x39) || c0 === 0x2d || c0 === 0x2e || c0 === 0x2b;
}

/** After the last row only blank lines may follow; otherwise count the surplus rows. */
function checkNoExtraRows(
  bytes: Uint8Array,
  pos: number,
  vocabSize: number,
  lineNo: number,
  source: string,
): void {
  let extra = 0;
  let firstExtra = 0;
  let blank = true;
  for (let i = pos; i <= bytes.length; i++) {
    const c = i < bytes.length ? bytes[i] : 0x0a;
    if (c === 0x0a) {
      lineNo++;
      if (!blank && extra++ === 0) firstExtra = lineNo;
      blank = true;
    } else if (!isAsciiSpace(c)) {
      blank = false;
    }
  }
  if (extra > 0) {
    throw new FormatError(
      source,
      `file has ${vocabSize + extra} rows but the header (line 1) says ${vocabSize}`,
      { line: firstExtra },
    );
  }
}
