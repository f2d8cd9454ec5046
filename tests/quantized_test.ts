// Tests for the int8 inference format (src/formats/quantized.ts): round trips, the error the
// quantization introduces, and refusal of truncated, corrupted and hostile files before any
// allocation the header asks for.
import {
  decodeQuantized,
  decodeQuantizedTable,
  dequantizeTable,
  encodeQuantized,
  isQuantized,
  QUANTIZED_MAGIC,
  quantizeTable,
} from "../src/formats/quantized.ts";
import { crc32 } from "../src/formats/crc32.ts";
import { FormatError } from "../src/formats/errors.ts";
import { detectFormat, encodeVectorTable, loadVectorTable } from "../src/formats/detect.ts";
import type { VectorTable } from "../src/formats/table.ts";
import { vectorsFromBytes } from "../src/model.ts";
import { Vectors } from "../src/vectors.ts";
import {
  assert,
  assertClose,
  assertEquals,
  assertLess,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";

/** A deterministic pseudo-random table (xorshift; roughly normal components). */
function randomTable(rows: number, dim: number, seed = 7): VectorTable {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = (next() + next() + next() - 1.5) * 0.8;
  const words = Array.from({ length: rows }, (_, i) => i === 3 ? "naïve-日本" : `w${i}`);
  return { words, dim, data };
}

/** Re-seals a modified file with a correct CRC (to reach the checks behind it). */
function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const at = out.length - 4;
  new DataView(out.buffer).setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** A file whose header JSON is replaced (lengths fixed up), resealed. */
function withHeader(bytes: Uint8Array, header: Record<string, unknown>): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const oldLen = view.getUint32(12, true);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(bytes.length - oldLen + json.length);
  out.set(bytes.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(bytes.subarray(16 + oldLen), 16 + json.length);
  return reseal(out);
}

Deno.test("quantized: round trip keeps words, dim, codes and scales", () => {
  const t = randomTable(50, 13);
  const bytes = encodeQuantized(t, { producer: "test", source: { dim: 13 } });
  assert(isQuantized(bytes));
  const q = decodeQuantized(bytes, "t.nsq");
  assertEquals(q.words, t.words);
  assertEquals(q.dim, 13);
  assertEquals(q.header, { producer: "test", source: { dim: 13 } });
  const again = quantizeTable(t);
  assertEquals(q.codes, again.codes);
  assertEquals(q.scales, again.scales);
  // Size: 16 preamble + header + words + 4 per scale + 1 per code + CRC, 4-byte aligned.
  assertLess(bytes.length, 50 * (13 + 4 + 8) + 200);
  assertEquals(bytes.length % 4, 0);
});

Deno.test("quantized: reconstruction error stays within half a step per component", () => {
  const t = randomTable(200, 100, 11);
  const q = quantizeTable(t);
  const back = dequantizeTable(q);
  let worstCos = 1;
  for (let r = 0; r < 200; r++) {
    let max = 0;
    for (let j = 0; j < 100; j++) max = Math.max(max, Math.abs(t.data[r * 100 + j]));
    const step = max / 127;
    let dot = 0, na = 0, nb = 0;
    for (let j = 0; j < 100; j++) {
      const a = t.data[r * 100 + j], b = back.data[r * 100 + j];
      // The least-squares scale moves the grid a little: allow a small margin over step / 2.
      assertLess(Math.abs(a - b), step * 0.75, `row ${r} component ${j}`);
      dot += a * b;
      na += a * a;
      nb += b * b;
    }
    worstCos = Math.min(worstCos, dot / Math.sqrt(na * nb));
    for (let j = 0; j < 100; j++) {
      const c = q.codes[r * 100 + j];
      assert(c >= -127 && c <= 127, `code ${c} out of range`);
    }
  }
  assert(worstCos > 0.9998, `worst cosine to the original ${worstCos}`);
});

Deno.test("quantized: the least-squares scale is never worse than max/127", () => {
  const t = randomTable(100, 37, 5);
  const q = quantizeTable(t);
  for (let r = 0; r < 100; r++) {
    let max = 0;
    for (let j = 0; j < 37; j++) max = Math.max(max, Math.abs(t.data[r * 37 + j]));
    let errLs = 0, errMax = 0;
    for (let j = 0; j < 37; j++) {
      const x = t.data[r * 37 + j], c = q.codes[r * 37 + j];
      errLs += (x - c * q.scales[r]) ** 2;
      errMax += (x - c * (max / 127)) ** 2;
    }
    assert(errLs <= errMax * (1 + 1e-6), `row ${r}: ${errLs} > ${errMax}`);
  }
});

Deno.test("quantized: zero rows, empty vocabulary and bad input", () => {
  const t: VectorTable = { words: ["a", "b"], dim: 3, data: new Float32Array([0, 0, 0, 1, -2, 3]) };
  const q = decodeQuantized(encodeQuantized(t));
  assertEquals(q.scales[0], 0);
  assertEquals(Array.from(q.codes.subarray(0, 3)), [0, 0, 0]);
  const back = decodeQuantizedTable(encodeQuantized(t));
  assertClose(back.data[5], 3, 0.02);
  assertClose(back.data[4], -2, 0.02);
  const empty = decodeQuantized(encodeQuantized({ words: [], dim: 4, data: new Float32Array() }));
  assertEquals(empty.words.length, 0);
  assertThrows(
    () => encodeQuantized({ words: ["a"], dim: 2, data: new Float32Array([1, NaN]) }),
    RangeError,
    "NaN",
  );
  assertThrows(
    () => encodeQuantized({ words: ["a", "a"], dim: 1, data: new Float32Array([1, 2]) }),
    RangeError,
    "duplicate",
  );
  assertThrows(
    () => encodeQuantized({ words: ["a"], dim: 2, data: new Float32Array(3) }),
    RangeError,
  );
});

Deno.test("quantized: every truncation is refused with FormatError", () => {
  const bytes = encodeQuantized(randomTable(6, 5));
  for (let n = 0; n < bytes.length; n++) {
    assertThrows(() => decodeQuantized(bytes.subarray(0, n), "cut.nsq"), FormatError);
  }
  assertThrows(
    () => decodeQuantized(new Uint8Array([...bytes, 0, 0, 0, 0])),
    FormatError,
    "trailing",
  );
});

Deno.test("quantized: every single-bit flip is refused with FormatError", () => {
  const bytes = encodeQuantized(randomTable(4, 3));
  for (let i = 0; i < bytes.length; i++) {
    for (const bit of [0, 7]) {
      const bad = bytes.slice();
      bad[i] ^= 1 << bit;
      assertThrows(() => decodeQuantized(bad, "flip.nsq"), FormatError);
    }
  }
});

Deno.test("quantized: hostile headers fail before allocating what they claim", () => {
  const bytes = encodeQuantized(randomTable(3, 4));
  const cases: [Record<string, unknown>, string][] = [
    [{ scheme: "int8-row", dim: 4, vocabSize: 2 ** 40 }, "header promises"],
    [{ scheme: "int8-row", dim: 65536, vocabSize: 2 ** 31 }, "header promises"],
    [{ scheme: "int8-row", dim: 2 ** 31, vocabSize: 3 }, "header dim"],
    [{ scheme: "int8-row", dim: 0, vocabSize: 3 }, "header dim"],
    [{ scheme: "int8-row", dim: 4.5, vocabSize: 3 }, "header dim"],
    [{ scheme: "int8-row", dim: 4, vocabSize: -1 }, "header vocabSize"],
    [{ scheme: "int8-row", dim: 4, vocabSize: "3" }, "header vocabSize"],
    [{ scheme: "int4", dim: 4, vocabSize: 3 }, "scheme"],
    [{ dim: 4, vocabSize: 3 }, "scheme"],
    [{ scheme: "int8-row", dim: 4, vocabSize: 2 }, "trailing data"],
    [{ scheme: "int8-row", dim: 5, vocabSize: 3 }, "truncated"],
  ];
  for (const [header, message] of cases) {
    assertThrows(() => decodeQuantized(withHeader(bytes, header), "h.nsq"), FormatError, message);
  }
  // Header length beyond the file, a header that is not an object, a bad version.
  const big = bytes.slice();
  new DataView(big.buffer).setUint32(12, 0xffffffff, true);
  assertThrows(() => decodeQuantized(reseal(big)), FormatError, "header length");
  const notObject = withHeader(bytes, {});
  const arr = new TextEncoder().encode("[1,2]");
  const view = new DataView(notObject.buffer);
  const oldLen = view.getUint32(12, true);
  const out = new Uint8Array(notObject.length - oldLen + arr.length);
  out.set(notObject.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, arr.length, true);
  out.set(arr, 16);
  out.set(notObject.subarray(16 + oldLen), 16 + arr.length);
  assertThrows(() => decodeQuantized(reseal(out)), FormatError, "not a valid JSON object");
  const v2 = bytes.slice();
  new DataView(v2.buffer).setUint32(8, 2, true);
  assertThrows(() => decodeQuantized(reseal(v2)), FormatError, "version 2");
  assertThrows(() => decodeQuantized(new Uint8Array(64)), FormatError, "bad magic");
});

Deno.test("quantized: a word length running past the end is refused", () => {
  const bytes = encodeQuantized({ words: ["ab", "cd"], dim: 1, data: new Float32Array([1, 2]) });
  const view = new DataView(bytes.buffer);
  const first = 16 + view.getUint32(12, true);
  const bad = bytes.slice();
  new DataView(bad.buffer).setUint32(first, 0x7fffffff, true);
  assertThrows(() => decodeQuantized(reseal(bad)), FormatError, "overruns");
});

Deno.test("quantized: bad scales, invalid UTF-8 and duplicate words are refused", () => {
  const t: VectorTable = { words: ["ab", "cd"], dim: 2, data: new Float32Array([1, 2, 3, 4]) };
  const bytes = encodeQuantized(t);
  const view = new DataView(bytes.buffer);
  const vocabAt = 16 + view.getUint32(12, true);
  const scalesAt = (vocabAt + 6 + 6 + 3) & ~3;
  for (const s of [NaN, Infinity, -1, 3e38]) {
    const bad = bytes.slice();
    new DataView(bad.buffer).setFloat32(scalesAt + 4, s, true);
    assertThrows(() => decodeQuantized(reseal(bad)), FormatError, "scale of word 1");
  }
  const utf = bytes.slice();
  utf[vocabAt + 4] = 0xff;
  assertThrows(() => decodeQuantized(reseal(utf)), FormatError, "UTF-8");
  const dup = bytes.slice();
  dup.set(new TextEncoder().encode("ab"), vocabAt + 6 + 4);
  assertThrows(() => decodeQuantized(reseal(dup)), FormatError, "duplicate");
});

Deno.test("quantized: .nsq through detect, encodeVectorTable and vectorsFromBytes", async () => {
  const t = randomTable(40, 8, 3);
  const bytes = encodeVectorTable(t, "m.nsq");
  assert(isQuantized(bytes));
  assertEquals(detectFormat("anything.bin", bytes), "quantized");
  assertEquals(detectFormat("m.nsq", new Uint8Array([1, 2, 3])), "quantized");
  assertThrows(() => loadVectorTable(new Uint8Array(20), "bad.nsq"), FormatError, "bad magic");
  const table = loadVectorTable(bytes, "m.nsq");
  assertEquals(table.words, t.words);
  const q = await vectorsFromBytes(bytes, "m.nsq");
  const f = await Vectors.create(t.words, t.dim, t.data);
  // Neighbours of the quantized model match the float model's (random data, well separated).
  for (const w of ["w0", "w5", "naïve-日本"]) {
    const a = q.mostSimilar(w, [], 5).map((n) => n.word);
    const b = f.mostSimilar(w, [], 5).map((n) => n.word);
    assertEquals(a.slice(0, 3), b.slice(0, 3), w);
  }
  assertClose(q.similarity("w1", "w2"), f.similarity("w1", "w2"), 0.01);
  assertEquals(QUANTIZED_MAGIC.length, 8);
});

Deno.test("quantized: error messages name the file and offset", () => {
  const e = assertThrows(() => decodeQuantized(new Uint8Array(3), "edge/model.nsq"), FormatError);
  assertStringIncludes(e.message, "edge/model.nsq (byte offset 0)");
});
