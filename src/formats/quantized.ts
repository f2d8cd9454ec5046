// negsamp's compact inference format (.nsq): word vectors as int8 rows with one float scale
// per row, for shipping a model to the edge (a Cloudflare Worker, a web page). About a quarter
// of the float32 size; cosine rankings barely move (see README, "Quantized models").
//
// Layout, all little-endian:
//   "NSQUANT\0" | u32 version | u32 header JSON length | header JSON (UTF-8)
//   | vocabulary: per word u32 byte length + UTF-8 bytes | zero padding to 4 bytes
//   | scales: f32 x vocabSize | codes: i8 x vocabSize x dim | zero padding to 4 bytes
//   | u32 CRC-32 (IEEE) of every byte before it
// The header holds at least {"scheme": "int8-row", "dim", "vocabSize"}; the vector of word i
// is codes[i * dim + j] * scales[i].
//
// Quantization: codes = round(x / s0) with s0 = max|x| / 127 (so codes stay in -127..127),
// then the stored scale is the least-squares one for those codes, (x . q) / (q . q), which
// is never worse than s0 and lowers the reconstruction error of every row a little.
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
import type { VectorTable } from "./table.ts";

export const QUANTIZED_MAGIC: Uint8Array = new Uint8Array([
  0x4e, // N
  0x53, // S
  0x51, // Q
  0x55, // U
  0x41, // A
  0x4e, // N
  0x54, // T
  0,
]);
export const QUANTIZED_VERSION = 1;
/** The file extension of the format. */
export const QUANTIZED_EXTENSION = ".nsq";
/** The only scheme of version 1: symmetric int8 per row. */
export const QUANTIZED_SCHEME = "int8-row";
/** Largest dimension a file may declare (the trainer's own limit is 4096). */
export const QUANTIZED_MAX_DIM = 65536;

/** Word vectors as int8 codes with a scale per row. */
export interface QuantizedTable {
  words: string[];
  dim: number;
  /** One per word: the vector of word i is codes[i*dim .. (i+1)*dim] times scales[i]. */
  scales: Float32Array;
  /** vocabSize x dim, row-major. */
  codes: Int8Array;
  /** Extra JSON fields from the file (producer, source model settings, ...). */
  header: Record<string, unknown>;
}

export function isQuantized(bytes: Uint8Array): boolean {
  if (bytes.length < QUANTIZED_MAGIC.length) return false;
  for (let i = 0; i < QUANTIZED_MAGIC.length; i++) {
    if (bytes[i] !== QUANTIZED_MAGIC[i]) return false;
  }
  return true;
}

/** Quantizes every row of a float table (rows must be finite). */
export function quantizeTable(
  table: VectorTable,
  header: Record<string, unknown> = {},
): QuantizedTable {
  const { words, dim, data } = table;
  if (!Number.isSafeInteger(dim) || dim < 1 || dim > QUANTIZED_MAX_DIM) {
    throw new RangeError(`dim must be 1..${QUANTIZED_MAX_DIM}, got ${dim}`);
  }
  if (data.length !== words.length * dim) {
    throw new RangeError(
      `the table has ${data.length} floats, expected ${words.length} words x ${dim}`,
    );
  }
  const scales = new Float32Array(words.length);
  const codes = new Int8Array(words.length * dim);
  for (let r = 0; r < words.length; r++) {
    const base = r * dim;
    let max = 0;
    for (let j = 0; j < dim; j++) {
      const x = data[base + j];
      if (!Number.isFinite(x)) {
        throw new RangeError(
          `the vector of ${JSON.stringify(words[r])} (row ${r}) holds ${x} at component ${j}`,
        );
      }
      max = Math.max(max, Math.abs(x));
    }
    if (max === 0) continue; // a zero row: codes 0, scale 0
    const inv = 127 / max;
    let xq = 0;
    let qq = 0;
    for (let j = 0; j < dim; j++) {
      const x = data[base + j];
      const q = Math.max(-127, Math.min(127, Math.round(x * inv)));
      codes[base + j] = q;
      xq += x * q;
      qq += q * q;
    }
    // Clamped so that every code times the scale stays a finite float32 (rows with
    // values near the float32 maximum would otherwise be refused on load).
    scales[r] = qq > 0 ? Math.min(xq / qq, MAX_SCALE) : 0;
  }
  return { words: words.slice(), dim, scales, codes, header: { ...header } };
}

/** The float table a quantized one stands for (codes times row scales). */
export function dequantizeTable(q: QuantizedTable): VectorTable {
  const { words, dim, scales, codes } = q;
  const data = new Float32Array(words.length * dim);
  for (let r = 0; r < words.length; r++) {
    const s = scales[r];
    const base = r * dim;
    for (let j = 0; j < dim; j++) data[base + j] = codes[base + j] * s;
  }
  return { words, dim, data };
}

const align4 = (n: number) => (n + 3) & ~3;

/** The largest scale any code (-128..127) can multiply without overflowing float32. */
const MAX_SCALE = 3.4028234663852886e38 / 128;

/** A scale every code (-128..127) can multiply without overflowing float32. */
function validScale(s: number): boolean {
  return s >= 0 && Number.isFinite(Math.fround(s * 128));
}

/** The .nsq bytes of a float table (quantized here) or of an already quantized one. */
export function encodeQuantized(
  table: VectorTable | QuantizedTable,
  header: Record<string, unknown> = {},
): Uint8Array {
  const q = "codes" in table ? table : quantizeTable(table);
  const { words, dim, scales, codes } = q;
  if (!Number.isSafeInteger(dim) || dim < 1 || dim > QUANTIZED_MAX_DIM) {
    throw new RangeError(`dim must be 1..${QUANTIZED_MAX_DIM}, got ${dim}`);
  }
  if (scales.length !== words.length || codes.length !== words.length * dim) {
    throw new RangeError(
      `${scales.length} scales and ${codes.length} codes for ${words.length} words x ${dim}`,
    );
  }
  for (let i = 0; i < scales.length; i++) {
    if (!validScale(scales[i])) {
      throw new RangeError(
        `scale ${i} is ${scales[i]}; scales must be >= 0 and 128 x scale a finite float32`,
      );
    }
  }
  const json = new TextEncoder().encode(JSON.stringify({
    ...q.header,
    ...header,
    scheme: QUANTIZED_SCHEME,
    dim,
    vocabSize: words.length,
  }));
  const wordBytes = encodeWords(words);
  const scalesAt = align4(PREAMBLE + json.length + wordsByteLength(wordBytes));
  const codesAt = scalesAt + 4 * words.length;
  const crcAt = align4(codesAt + codes.length);
  const out = new Uint8Array(crcAt + 4);
  const view = new DataView(out.buffer);
  writeEnvelope(
    out,
    view,
    { magic: QUANTIZED_MAGIC, version: QUANTIZED_VERSION },
    json,
    wordBytes,
  );
  for (let i = 0; i < scales.length; i++) view.setFloat32(scalesAt + 4 * i, scales[i], true);
  out.set(new Uint8Array(codes.buffer, codes.byteOffset, codes.length), codesAt);
  view.setUint32(crcAt, crc32(out.subarray(0, crcAt)), true);
  return out;
}

/**
 * Decodes a .nsq file. Everything the header claims is checked against the real byte count
 * before anything is allocated for it, then the checksum, then the data is copied out; a
 * truncated, corrupted or hostile file throws FormatError.
 */
export function decodeQuantized(bytes: Uint8Array, source = "<memory>"): QuantizedTable {
  const { view, header, payloadAt, fail } = openEnvelope(bytes, source, {
    hasMagic: isQuantized,
    what: "negsamp quantized model",
    version: QUANTIZED_VERSION,
  });
  const jsonLen = payloadAt - PREAMBLE;
  if (header.scheme !== QUANTIZED_SCHEME) {
    fail(
      `unsupported quantization scheme ${JSON.stringify(header.scheme)} ` +
        `(this build reads ${JSON.stringify(QUANTIZED_SCHEME)})`,
      PREAMBLE,
    );
  }
  const count = (v: unknown, what: string, min: number, max: number): number =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? v as number
      : fail(`header ${what} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`, 16);
  const dim = count(header.dim, "dim", 1, QUANTIZED_MAX_DIM);
  // Every word costs at least 4 (length) + 4 (scale) + dim (codes) bytes.
  const vocabSize = count(header.vocabSize, "vocabSize", 0, Number.MAX_SAFE_INTEGER);
  const vocabAt = PREAMBLE + jsonLen;
  const minTotal = vocabAt + vocabSize * (8 + dim) + 4;
  if (minTotal > bytes.length) {
    fail(
      `truncated or corrupted: header promises ${vocabSize} words of dim ${dim}, at least ` +
        `${minTotal} bytes, but the file has ${bytes.length}`,
      vocabAt,
    );
  }
  const scalesAt = align4(skipWords(bytes, view, vocabAt, vocabSize, fail));
  const codesAt = scalesAt + 4 * vocabSize;
  const crcAt = align4(codesAt + vocabSize * dim);
  const expected = crcAt + 4;
  checkLength(bytes, expected, fail);
  checkCrc(bytes, view, crcAt, fail);

  const words = readWords(bytes, view, vocabAt, vocabSize, fail);
  const scales = new Float32Array(vocabSize);
  for (let i = 0; i < vocabSize; i++) {
    const s = view.getFloat32(scalesAt + 4 * i, true);
    if (!validScale(s)) {
      fail(
        `scale of word ${i} is ${s}; scales must be >= 0 and small enough that 128 x scale ` +
          `is a finite float32`,
        scalesAt + 4 * i,
      );
    }
    scales[i] = s;
  }
  const codes = new Int8Array(vocabSize * dim);
  new Uint8Array(codes.buffer).set(bytes.subarray(codesAt, codesAt + codes.length));
  const rest: Record<string, unknown> = { ...header };
  delete rest.scheme;
  delete rest.dim;
  delete rest.vocabSize;
  return { words, dim, scales, codes, header: rest };
}

/** A .nsq file as a float table (decoded, then dequantized). */
export function decodeQuantizedTable(bytes: Uint8Array, source = "<memory>"): VectorTable {
  return dequantizeTable(decodeQuantized(bytes, source));
}
