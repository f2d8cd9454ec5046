// Picks a codec from the file name, then checks the bytes agree with it, so a mislabelled or
// compressed file fails with a message that says what it really is.
import { FormatError } from "./errors.ts";
import { decodeNativeModel, encodeNativeModel, isNativeModel } from "./native.ts";
import { decodeQuantizedTable, encodeQuantized, isQuantized } from "./quantized.ts";
import type { VectorTable } from "./table.ts";
import { decodeWord2VecBinary, encodeWord2VecBinary } from "./word2vec_binary.ts";
import { decodeWord2VecText, encodeWord2VecText } from "./word2vec_text.ts";

export type VectorFormat = "vec" | "bin" | "native" | "quantized";

const BY_EXTENSION: Record<string, VectorFormat> = {
  ".vec": "vec",
  ".txt": "vec",
  ".bin": "bin",
  ".nsm": "native",
  ".nsq": "quantized",
};

// How much of the start of a file the sniffing looks at.
export const SNIFF_BYTES = 64 * 1024;

function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}

/** Format for writing: by extension only. */
export function formatFromPath(path: string): VectorFormat {
  const ext = extensionOf(path);
  const format = BY_EXTENSION[ext];
  if (format === undefined) {
    throw new Error(
      `${path}: unknown extension ${JSON.stringify(ext)}; use .vec or .txt (word2vec text), ` +
        `.bin (word2vec binary), .nsm (negsamp model) or .nsq (negsamp int8 vectors)`,
    );
  }
  return format;
}

/**
 * True when the bytes after the first line look like text: valid UTF-8 (a character cut at
 * the end of the sample is fine) and no control bytes besides whitespace. Float32 bytes
 * almost never pass this for more than a few values.
 */
function looksLikeText(sample: Uint8Array): boolean {
  for (const c of sample) {
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || c === 0x7f) return false;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Format of a file from its name and its first bytes (up to SNIFF_BYTES). A native model is
 * recognised by its magic whatever the name; gzip and mislabelled files throw FormatError.
 */
export function detectFormat(path: string, firstBytes: Uint8Array): VectorFormat {
  if (isNativeModel(firstBytes)) return "native";
  if (isQuantized(firstBytes)) return "quantized";
  if (firstBytes[0] === 0x1f && firstBytes[1] === 0x8b) {
    throw new FormatError(path, "file is gzip-compressed; gunzip it first", { offset: 0 });
  }
  const format = BY_EXTENSION[extensionOf(path)];
  // their decoders report a bad magic
  if (format === "native" || format === "quantized") return format;
  const nl = firstBytes.indexOf(0x0a);
  const text = looksLikeText(firstBytes.subarray(nl + 1, SNIFF_BYTES));
  if (format === "bin" && text && nl !== -1 && nl + 1 < firstBytes.length) {
    throw new FormatError(
      path,
      "named .bin but contains word2vec text format; rename it to .vec",
      { offset: nl + 1 },
    );
  }
  if (format === "vec" && !text) {
    throw new FormatError(
      path,
      "named .vec/.txt but contains binary data (word2vec binary format?); rename it to .bin",
      { offset: nl + 1 },
    );
  }
  return format ?? (text ? "vec" : "bin");
}

/**
 * Reads vectors from any supported format. For a native model the table is its first table
 * (the input vectors), cut to the vocabulary; a quantized (.nsq) file is dequantized.
 */
export function loadVectorTable(bytes: Uint8Array, path: string): VectorTable {
  switch (detectFormat(path, bytes.subarray(0, SNIFF_BYTES))) {
    case "vec":
      return decodeWord2VecText(bytes, path);
    case "bin":
      return decodeWord2VecBinary(bytes, path);
    case "quantized":
      return checkFinite(decodeQuantizedTable(bytes, path), path);
    case "native": {
      const m = decodeNativeModel(bytes, path);
      const first = m.tables[0];
      if (first === undefined || first.length < m.words.length * m.dim) {
        throw new FormatError(path, "model has no vector table with a row per word", {
          offset: 0,
        });
      }
      const data = first.slice(0, m.words.length * m.dim);
      return checkFinite({ words: m.words, dim: m.dim, data }, path);
    }
  }
}

/**
 * Vectors must be finite to be used: a NaN or an infinity (a corrupted file whose checksum
 * was recomputed, an overflowing scale) is a FormatError naming the word. The word2vec
 * decoders check this as they parse.
 */
function checkFinite(t: VectorTable, path: string): VectorTable {
  const { words, dim, data } = t;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / dim);
      throw new FormatError(
        path,
        `the vector of ${JSON.stringify(words[row])} (row ${row + 1}) holds ${data[i]} at ` +
          `component ${i - row * dim + 1}`,
      );
    }
  }
  return t;
}

/** Encodes a table in the format its path's extension names. */
export function encodeVectorTable(t: VectorTable, path: string): Uint8Array {
  switch (formatFromPath(path)) {
    case "vec":
      return encodeWord2VecText(t);
    case "bin":
      return encodeWord2VecBinary(t);
    case "quantized":
      return encodeQuantized(t, { kind: "vectors", producer: "negsamp" });
    case "native":
      return encodeNativeModel({
        header: { kind: "vectors" },
        words: t.words,
        counts: new Float64Array(t.words.length),
        dim: t.dim,
        tables: [t.data],
      });
  }
}
