// negsamp's own model file (.nsm). Layout, all little-endian:
//   "NEGSAMP\0" | u32 version | u32 header JSON length | header JSON (UTF-8)
//   | vocabulary: per word u32 byte length + UTF-8 bytes | zero padding to 8 bytes
//   | counts: f64 x vocabSize | tables: f32 x rows x dim, one after another
//   | u32 CRC-32 (IEEE) of every byte before it
import { crc32 } from "./crc32.ts";
import {
  checkCrc,
  checkLength,
  encodeWords,
  openEnvelope,
  PREAMBLE,
  readWords,
  skipWords,
  wordsByteLength,
  writeEnvelope,
} from "./container.ts";
import { LITTLE_ENDIAN_HOST } from "./word2vec_common.ts";

export interface NativeModel {
  /** JSON-serialisable: training config and state, kind of model. `dim`, `vocabSize` and
   * `tableRows` are filled in on encode. */
  header: Record<string, unknown>;
  words: string[];
  /** Word frequencies, same order as `words`. */
  counts: Float64Array;
  dim: number;
  /** Row-major tables (input, output, ...); each may have its own row count. */
  tables: Float32Array[];
}

export const NATIVE_MAGIC: Uint8Array = new Uint8Array([
  0x4e,
  0x45,
  0x47,
  0x53,
  0x41,
  0x4d,
  0x50,
  0,
]);
export const NATIVE_VERSION = 1;

export function isNativeModel(bytes: Uint8Array): boolean {
  if (bytes.length < NATIVE_MAGIC.length) return false;
  for (let i = 0; i < NATIVE_MAGIC.length; i++) if (bytes[i] !== NATIVE_MAGIC[i]) return false;
  return true;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeNativeModel(m: NativeModel): Uint8Array {
  const { dim, words, counts, tables } = m;
  if (!Number.isSafeInteger(dim) || dim < 1) throw new RangeError(`dim must be >= 1, got ${dim}`);
  if (counts.length !== words.length) {
    throw new RangeError(`${counts.length} counts for ${words.length} words`);
  }
  const tableRows = tables.map((t, i) => {
    if (t.length % dim !== 0) {
      throw new RangeError(`table ${i} has ${t.length} floats, not a multiple of dim ${dim}`);
    }
    return t.length / dim;
  });
  for (const [key, value] of [["dim", dim], ["vocabSize", words.length]] as const) {
    if (key in m.header && m.header[key] !== value) {
      throw new RangeError(`header.${key} is ${m.header[key]} but the model has ${value}`);
    }
  }
  const json = new TextEncoder().encode(
    JSON.stringify({ ...m.header, dim, vocabSize: words.length, tableRows }),
  );
  const wordBytes = encodeWords(words);
  const countsAt = align8(PREAMBLE + json.length + wordsByteLength(wordBytes));
  const tablesAt = countsAt + 8 * words.length;
  let total = tablesAt + 4;
  for (const t of tables) total += 4 * t.length;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeEnvelope(out, view, { magic: NATIVE_MAGIC, version: NATIVE_VERSION }, json, wordBytes);
  let pos = writeLE(out, view, countsAt, counts);
  for (const t of tables) pos = writeLE(out, view, pos, t);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

function writeLE(out: Uint8Array, view: DataView, pos: number, a: Float64Array | Float32Array) {
  const size = a.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.length * size), pos);
  } else if (size === 8) {
    for (let i = 0; i < a.length; i++) view.setFloat64(pos + 8 * i, a[i], true);
  } else {
    for (let i = 0; i < a.length; i++) view.setFloat32(pos + 4 * i, a[i], true);
  }
  return pos + a.length * size;
}

function readLE<T extends Float64Array | Float32Array>(out: T, bytes: Uint8Array, pos: number): T {
  const size = out.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(pos, pos + out.length * size));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + pos, out.length * size);
    for (let i = 0; i < out.length; i++) {
      out[i] = size === 8 ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true);
    }
  }
  return out;
}

/**
 * Decodes a native model. Every length is checked against the real byte count before
 * anything large is allocated, then the CRC, then the data is copied out.
 */
export function decodeNativeModel(bytes: Uint8Array, source = "<memory>"): NativeModel {
  const { view, header, payloadAt, fail } = openEnvelope(bytes, source, {
    hasMagic: isNativeModel,
    what: "negsamp model file",
    version: NATIVE_VERSION,
  });
  const jsonLen = payloadAt - PREAMBLE;
  const count = (v: unknown, what: string, min: number): number =>
    Number.isSafeInteger(v) && (v as number) >= min
      ? v as number
      : fail(`header ${what} must be an integer >= ${min}, got ${JSON.stringify(v)}`, PREAMBLE);
  const dim = count(header.dim, "dim", 1);
  const vocabSize = count(header.vocabSize, "vocabSize", 0);
  if (!Array.isArray(header.tableRows)) fail("header tableRows must be an array", PREAMBLE);
  const tableRows = (header.tableRows as unknown[]).map((r, i) => count(r, `tableRows[${i}]`, 0));

  // Sizes from the header alone (vocabulary at its minimum of 4 bytes per word) must fit.
  const vocabAt = PREAMBLE + jsonLen;
  const tableBytes = tableRows.reduce((s, r) => s + 4 * r * dim, 0);
  const minTotal = vocabAt + 4 * vocabSize + 8 * vocabSize + tableBytes + 4;
  if (minTotal > bytes.length) {
    fail(
      `truncated or corrupted: header promises ${vocabSize} words and ${tableRows.length} ` +
        `table(s) of dim ${dim}, at least ${minTotal} bytes, but the file has ${bytes.length}`,
      vocabAt,
    );
  }
  const countsAt = align8(skipWords(bytes, view, vocabAt, vocabSize, fail));
  const expected = countsAt + 8 * vocabSize + tableBytes + 4;
  checkLength(bytes, expected, fail);
  checkCrc(bytes, view, bytes.length - 4, fail);

  const words = readWords(bytes, view, vocabAt, vocabSize, fail);
  const counts = readLE(new Float64Array(vocabSize), bytes, countsAt);
  let pos = countsAt + 8 * vocabSize;
  const tables = tableRows.map((rows) => {
    const t = readLE(new Float32Array(rows * dim), bytes, pos);
    pos += 4 * rows * dim;
    return t;
  });
  return { header, words, counts, dim, tables };
}
