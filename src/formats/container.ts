// The envelope shared by negsamp's binary formats (.nsm, .nsq): 8-byte magic, u32 LE
// format version, u32 LE byte length of a JSON header, the header, the format's own
// payload, and a trailing CRC-32 of everything before it.
import { crc32 } from "./crc32.ts";
import { FormatError } from "./errors.ts";

/** Bytes before the JSON header: magic, version, header length. */
export const PREAMBLE = 16;

export interface Envelope {
  view: DataView;
  header: Record<string, unknown>;
  /** Byte offset just past the JSON header, where the payload starts. */
  payloadAt: number;
  /** Throws a FormatError naming the source and the byte offset. */
  fail: (problem: string, offset: number) => never;
}

/** Checks the magic, the version and the header length against the real byte count, then
 *  parses the header; a bad file throws FormatError before anything large is allocated. */
export function openEnvelope(
  bytes: Uint8Array,
  source: string,
  format: { hasMagic: (bytes: Uint8Array) => boolean; what: string; version: number },
): Envelope {
  const fail = (problem: string, offset: number): never => {
    throw new FormatError(source, problem, { offset });
  };
  if (!format.hasMagic(bytes)) fail(`not a ${format.what} (bad magic)`, 0);
  if (bytes.length < PREAMBLE + 4) fail(`truncated: only ${bytes.length} bytes`, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== format.version) {
    fail(`unsupported format version ${version} (this build reads ${format.version})`, 8);
  }
  const jsonLen = view.getUint32(12, true);
  if (jsonLen > bytes.length - PREAMBLE - 4) {
    fail(`truncated or corrupted: header length ${jsonLen} exceeds the file size`, 12);
  }
  let header: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(PREAMBLE, PREAMBLE + jsonLen),
      ),
    );
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw 0;
    header = parsed as Record<string, unknown>;
  } catch {
    fail("header is not a valid JSON object", PREAMBLE);
  }
  return { view, header, payloadAt: PREAMBLE + jsonLen, fail };
}

// The vocabulary block both formats share: per word a u32 LE byte length and its UTF-8.

/** UTF-8 bytes of each word; refuses a non-string, a lone surrogate or a duplicate. */
export function encodeWords(words: readonly string[]): Uint8Array[] {
  const enc = new TextEncoder();
  const seen = new Set<string>();
  return words.map((w, i) => {
    if (typeof w !== "string" || !w.isWellFormed()) {
      throw new RangeError(
        `word ${i} ${JSON.stringify(w)} is not a well-formed string (e.g. a lone surrogate)`,
      );
    }
    if (seen.has(w)) throw new RangeError(`duplicate word ${JSON.stringify(w)}`);
    seen.add(w);
    return enc.encode(w);
  });
}

/** Bytes the vocabulary block takes. */
export function wordsByteLength(wordBytes: readonly Uint8Array[]): number {
  let n = 0;
  for (const w of wordBytes) n += 4 + w.length;
  return n;
}

/** Writes magic, version, the JSON header and the vocabulary block into `out`; returns
 *  the offset just past the vocabulary. */
export function writeEnvelope(
  out: Uint8Array,
  view: DataView,
  format: { magic: Uint8Array; version: number },
  json: Uint8Array,
  wordBytes: readonly Uint8Array[],
): number {
  out.set(format.magic, 0);
  view.setUint32(8, format.version, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREAMBLE);
  let pos = PREAMBLE + json.length;
  for (const w of wordBytes) {
    view.setUint32(pos, w.length, true);
    out.set(w, pos + 4);
    pos += 4 + w.length;
  }
  return pos;
}

/** Walks `count` word lengths from `at` without decoding anything (so a hostile length
 *  fails before any allocation); returns the offset past the vocabulary. */
export function skipWords(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  count: number,
  fail: Envelope["fail"],
): number {
  let pos = at;
  for (let i = 0; i < count; i++) {
    const len = pos + 4 <= bytes.length ? view.getUint32(pos, true) : Infinity;
    if (pos + 4 + len > bytes.length) {
      fail(`truncated or corrupted: word ${i} overruns the file`, pos);
    }
    pos += 4 + len;
  }
  return pos;
}

/** Decodes `count` words from `at` (already walked by skipWords); refuses invalid UTF-8
 *  and duplicates. */
export function readWords(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  count: number,
  fail: Envelope["fail"],
): string[] {
  const dec = new TextDecoder("utf-8", { fatal: true });
  const words = new Array<string>(count);
  const seen = new Set<string>();
  let pos = at;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(pos, true);
    try {
      words[i] = dec.decode(bytes.subarray(pos + 4, pos + 4 + len));
    } catch {
      fail(`word ${i} is not valid UTF-8`, pos + 4);
    }
    if (seen.has(words[i])) fail(`duplicate word ${JSON.stringify(words[i])}`, pos);
    seen.add(words[i]);
    pos += 4 + len;
  }
  return words;
}

/** Refuses a file whose length is not the `expected` one its header and vocabulary
 *  imply: truncated, or with trailing data. */
export function checkLength(bytes: Uint8Array, expected: number, fail: Envelope["fail"]): void {
  if (expected !== bytes.length) {
    fail(
      `${expected > bytes.length ? "truncated" : "trailing data"}: expected ${expected} bytes ` +
        `from the header and vocabulary, the file has ${bytes.length}`,
      Math.min(expected, bytes.length),
    );
  }
}

/** Checks the CRC-32 stored at `crcAt` against everything before it. */
export function checkCrc(
  bytes: Uint8Array,
  view: DataView,
  crcAt: number,
  fail: Envelope["fail"],
): void {
  const stored = view.getUint32(crcAt, true);
  const actual = crc32(bytes.subarray(0, crcAt));
  if (stored !== actual) {
    fail(
      `checksum mismatch (stored ${hex(stored)}, computed ${hex(actual)}): file is corrupted`,
      crcAt,
    );
  }
}

const hex = (n: number) => "0x" + n.toString(16).padStart(8, "0");
