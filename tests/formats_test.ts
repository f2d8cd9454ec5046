// Tests for src/formats (word2vec text/binary, native model, detection) and src/io/files.ts.
import { FormatError } from "../src/formats/errors.ts";
import type { VectorTable } from "../src/formats/table.ts";
import {
  decodeWord2VecText,
  encodeWord2VecText,
  formatFloat32,
} from "../src/formats/word2vec_text.ts";
import { decodeWord2VecBinary, encodeWord2VecBinary } from "../src/formats/word2vec_binary.ts";
import { decodeNativeModel, encodeNativeModel, type NativeModel } from "../src/formats/native.ts";
import { crc32 } from "../src/formats/crc32.ts";
import {
  detectFormat,
  encodeVectorTable,
  formatFromPath,
  loadVectorTable,
} from "../src/formats/detect.ts";
import { fileExists, readFileBytes, writeFileAtomic } from "../src/io/files.ts";

// ---------- helpers ----------

const FIXTURES = new URL("./fixtures/", import.meta.url);
const enc = new TextEncoder();
const dec = new TextDecoder();

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

function assertEquals(actual: unknown, expected: unknown, msg = "") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg} expected ${e}, got ${a}`);
}

/** Bit-exact comparison (distinguishes -0 and 0). */
function assertSameFloats(actual: Float32Array, expected: Float32Array, msg = "") {
  assertEquals(actual.length, expected.length, `${msg} length:`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) throw new Error(`${msg} index ${i}: ${actual[i]} !== ${expected[i]}`);
  }
}

function assertSameTable(actual: VectorTable, expected: VectorTable) {
  assertEquals(actual.words, expected.words, "words:");
  assertEquals(actual.dim, expected.dim, "dim:");
  assertSameFloats(actual.data, expected.data, "data:");
}

/** Runs fn, expects a FormatError naming `source` and the given line/offset, with each fragment. */
function assertFormatError(
  fn: () => unknown,
  where: { source: string; line?: number; offset?: number },
  ...fragments: string[]
): FormatError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof FormatError)) {
    throw new Error(`expected FormatError (${fragments.join(", ")}), got ${err}`);
  }
  assert(err.message.startsWith(where.source), `message lacks file name: ${err.message}`);
  assertEquals(err.source, where.source, "source:");
  if (where.line !== undefined) {
    assertEquals(err.line, where.line, `line in "${err.message}":`);
    assert(err.message.startsWith(`${where.source}:${where.line}:`), err.message);
  }
  if (where.offset !== undefined) {
    assertEquals(err.offset, where.offset, `offset in "${err.message}":`);
    assert(err.message.includes(`byte offset ${where.offset}`), err.message);
  }
  for (const f of fragments) assert(err.message.includes(f), `"${err.message}" lacks "${f}"`);
  return err;
}

function assertThrows(fn: () => unknown, ctor: new (...a: never[]) => Error, fragment: string) {
  try {
    fn();
  } catch (e) {
    assert(e instanceof ctor, `expected ${ctor.name}, got ${e}`);
    assert(e.message.includes(fragment), `"${e.message}" lacks "${fragment}"`);
    return;
  }
  throw new Error(`expected ${ctor.name} with "${fragment}"`);
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UTF8_WORDS = ["naïve", "日本", "😀", "🦊", "Ωμέγα", "straße", "</s>", "a", "x_y-z"];

function randomTable(vocab: number, dim: number, seed: number): VectorTable {
  const r = rng(seed);
  const words = UTF8_WORDS.slice(0, vocab);
  for (let i = words.length; i < vocab; i++) words.push(`w${i}_é`);
  const data = new Float32Array(vocab * dim);
  const bits = new Uint32Array(data.buffer);
  for (let i = 0; i < data.length; i++) {
    // Mix ordinary values with arbitrary finite bit patterns (subnormals, huge, tiny).
    if (r() < 0.7) data[i] = (r() - 0.5) * 2;
    else {
      do bits[i] = Math.floor(r() * 2 ** 32); while (!Number.isFinite(data[i]));
    }
  }
  return { words, dim, data };
}

function ascii(s: string): Uint8Array {
  return enc.encode(s);
}

function f32le(...values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function concat(...parts: (Uint8Array | string)[]): Uint8Array {
  const bs = parts.map((p) => typeof p === "string" ? enc.encode(p) : p);
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

// ---------- float formatting ----------

Deno.test("formatFloat32 round-trips every kind of float32 exactly", () => {
  const r = rng(1);
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  const special = [0, -0, 1, -1, 0.1, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38];
  for (let i = 0; i < 200_000 + special.length; i++) {
    if (i < special.length) f[0] = special[i];
    else {
      do bits[0] = Math.floor(r() * 2 ** 32); while (!Number.isFinite(f[0]));
    }
    const s = formatFloat32(f[0]);
    assert(Object.is(Math.fround(Number(s)), f[0]), `${f[0]} -> ${s}`);
  }
  assertEquals(
    [0.1, 0.5, 1, -0, 100, 1e-7, 0.3].map((x) => formatFloat32(Math.fround(x))),
    ["0.1", "0.5", "1", "-0", "100", "1e-7", "0.3"],
  );
});

Deno.test("formatFloat32 is as short as numpy's float32 repr (gensim.vec values)", async () => {
  const text = dec.decode(await Deno.readFile(new URL("gensim.vec", FIXTURES)));
  const tokens = text.split("\n").slice(1).flatMap((l) => l.split(" ").slice(1));
  assert(tokens.length > 100);
  for (const tok of tokens) {
    const ours = formatFloat32(Math.fround(Number(tok)));
    // Same decimal value means the same number of significant digits.
    assertEquals(Number(ours), Number(tok), `${tok} vs ${ours}:`);
  }
});

// ---------- round trips ----------

Deno.test("word2vec text round trip is bit-exact, UTF-8 words intact", () => {
  for (const [v, d, seed] of [[9, 7, 1], [300, 50, 2], [0, 4, 3], [1, 1, 4]]) {
    const t = randomTable(v, d, seed);
    const bytes = encodeWord2VecText(t);
    assert(dec.decode(bytes).startsWith(`${v} ${d}\n`));
    assertSameTable(decodeWord2VecText(bytes, "rt.vec"), t);
  }
});

Deno.test("word2vec text encoding is large-file safe (chunked) and exact", () => {
  const t = randomTable(20_000, 32, 5);
  assertSameTable(decodeWord2VecText(encodeWord2VecText(t)), t);
});

Deno.test("word2vec binary round trip is bit-exact, UTF-8 words intact", () => {
  for (const [v, d, seed] of [[9, 7, 1], [300, 50, 2], [0, 4, 3], [1, 1, 4]]) {
    const t = randomTable(v, d, seed);
    const bytes = encodeWord2VecBinary(t);
    assertSameTable(decodeWord2VecBinary(bytes, "rt.bin"), t);
  }
});

Deno.test("word2vec binary writes word2vec.c layout and reads rows without newlines", () => {
  const t: VectorTable = { words: ["日本", "b"], dim: 2, data: new Float32Array([1, -2, 0.5, 3]) };
  const withNl = concat("2 2\n", "日本 ", f32le(1, -2), "\n", "b ", f32le(0.5, 3), "\n");
  assertEquals(Array.from(encodeWord2VecBinary(t)), Array.from(withNl));
  // gensim's writer: no newline after a row.
  const noNl = concat("2 2\n", "日本 ", f32le(1, -2), "b ", f32le(0.5, 3));
  assertSameTable(decodeWord2VecBinary(noNl), t);
  assertSameTable(decodeWord2VecBinary(withNl), t);
  // An unaligned view into a larger buffer.
  const shifted = concat("x", withNl).subarray(1);
  assertSameTable(decodeWord2VecBinary(shifted), t);
});

function randomModel(seed: number): NativeModel {
  const t = randomTable(40, 6, seed);
  const r = rng(seed + 100);
  return {
    header: {
      kind: "sgns",
      config: { window: 5, negative: 5, lr: 0.025, subsample: 1e-4, name: "naïve 日本" },
      state: { epoch: 2, wordsDone: 123456, rng: ["12345678901234567890", "42"], loss: 2.5 },
    },
    words: [...t.words, "has space", ""],
    counts: Float64Array.from({ length: 42 }, () => Math.floor(r() * 1e9) + r()),
    dim: 6,
    tables: [
      new Float32Array([...t.data, ...new Float32Array(12).fill(0.25)]),
      new Float32Array(42 * 6).map(() => r() - 0.5),
      new Float32Array(7 * 6).fill(-1), // e.g. subword buckets: a different row count
      new Float32Array(0),
    ],
  };
}

Deno.test("native model round trip: header, words, counts, tables with own row counts", () => {
  const m = randomModel(7);
  const bytes = encodeNativeModel(m);
  const got = decodeNativeModel(bytes, "m.nsm");
  assertEquals(got.header, { ...m.header, dim: 6, vocabSize: 42, tableRows: [42, 42, 7, 0] });
  assertEquals(got.words, m.words);
  assertEquals(Array.from(got.counts), Array.from(m.counts));
  assertEquals(got.dim, 6);
  assertEquals(got.tables.length, 4);
  m.tables.forEach((t, i) => assertSameFloats(got.tables[i], t, `table ${i}`));
  // Re-encoding the decoded model gives the same bytes.
  assertEquals(Array.from(encodeNativeModel(got)), Array.from(bytes));
  // Layout: magic, version 1, aligned counts, CRC of everything before it.
  assertEquals(dec.decode(bytes.subarray(0, 8)), "NEGSAMP\0");
  const view = new DataView(bytes.buffer);
  assertEquals(view.getUint32(8, true), 1);
  assertEquals(view.getUint32(bytes.length - 4, true), crc32(bytes.subarray(0, bytes.length - 4)));
  const tablesBytes = 4 * 6 * (42 + 42 + 7);
  const countsAt = bytes.length - 4 - tablesBytes - 8 * 42;
  assertEquals(countsAt % 8, 0, "counts alignment:");
  assertEquals(view.getFloat64(countsAt, true), m.counts[0]);
});

Deno.test("native model with empty vocabulary, and encode-side checks", () => {
  const empty = { header: {}, words: [], counts: new Float64Array(0), dim: 3, tables: [] };
  assertEquals(decodeNativeModel(encodeNativeModel(empty)).words, []);
  const base = randomModel(8);
  assertThrows(() => encodeNativeModel({ ...base, dim: 0 }), RangeError, "dim");
  assertThrows(() => encodeNativeModel({ ...base, counts: new Float64Array(3) }), RangeError, "3");
  assertThrows(
    () => encodeNativeModel({ ...base, tables: [new Float32Array(7)] }),
    RangeError,
    "multiple of dim",
  );
  assertThrows(
    () => encodeNativeModel({ ...base, header: { dim: 5 } }),
    RangeError,
    "header.dim",
  );
  assertThrows(
    () => encodeNativeModel({ ...base, words: [...base.words.slice(1), base.words[2]] }),
    RangeError,
    "duplicate",
  );
});

Deno.test("crc32 matches the IEEE check value", () => {
  assertEquals(crc32(ascii("123456789")).toString(16), "cbf43926");
  assertEquals(crc32(new Uint8Array(0)), 0);
  const data = ascii("The quick brown fox jumps over the lazy dog, many times over.");
  assertEquals(crc32(data.subarray(13), crc32(data.subarray(0, 13))), crc32(data));
});

// ---------- other writers' files ----------

interface GensimExpected {
  dim: number;
  words: string[];
  vectors: number[][];
  most_similar: Record<string, [string, number][]>;
}

async function gensimExpected(): Promise<GensimExpected> {
  return JSON.parse(await Deno.readTextFile(new URL("gensim_expected.json", FIXTURES)));
}

function cosineTop(t: VectorTable, word: string, k: number): [string, number][] {
  const norm = (i: number) => {
    let s = 0;
    for (let j = 0; j < t.dim; j++) s += t.data[i * t.dim + j] ** 2;
    return Math.sqrt(s);
  };
  const q = t.words.indexOf(word);
  const scores: [string, number][] = t.words.map((w, i) => {
    let dot = 0;
    for (let j = 0; j < t.dim; j++) dot += t.data[q * t.dim + j] * t.data[i * t.dim + j];
    return [w, dot / (norm(q) * norm(i))];
  });
  return scores.filter(([w]) => w !== word).sort((a, b) => b[1] - a[1]).slice(0, k);
}

for (const file of ["gensim.vec", "gensim.bin"]) {
  Deno.test(`reads ${file} written by gensim: same words, same float32 values`, async () => {
    const expected = await gensimExpected();
    const bytes = await Deno.readFile(new URL(file, FIXTURES));
    const t = loadVectorTable(bytes, file);
    assertSameTable(t, {
      words: expected.words,
      dim: expected.dim,
      data: new Float32Array(expected.vectors.flat()),
    });
    for (const [word, top] of Object.entries(expected.most_similar)) {
      const ours = cosineTop(t, word, 3);
      assertEquals(ours.map((x) => x[0]), top.map((x) => x[0]), `most_similar(${word}):`);
      ours.forEach(([, s], i) => assert(Math.abs(s - top[i][1]) < 1e-5, `${s} vs ${top[i][1]}`));
    }
  });
}

Deno.test("reads a fastText-style .vec (trailing spaces, </s>, exponents)", async () => {
  const bytes = await Deno.readFile(new URL("fasttext_style.vec", FIXTURES));
  const t = loadVectorTable(bytes, "fasttext_style.vec");
  assertEquals(t.words, ["</s>", "hello", "world", "naïve", "日本", "😀"]);
  assertEquals(t.dim, 4);
  assertSameFloats(
    t.data.subarray(0, 12),
    new Float32Array([0.0012346, -0.0021, 0.003, 1e-5, 0.1, -0.2, 0.3, 0.4, 1e-3, 250, -0, 7]),
  );
  assertSameFloats(t.data.subarray(20), new Float32Array([3, -3, 1.2345e-6, -1e6]));
});

Deno.test("text reader accepts CRLF, tabs, runs of spaces, a BOM and trailing blank lines", () => {
  const expected = { words: ["a", "b"], dim: 2, data: new Float32Array([1, 2, 3.5, -4]) };
  const variants = [
    "2 2\r\na 1 2\r\nb 3.5 -4\r\n",
    "2 2\na\t1\t2\nb   3.5  -4   \n\n  \n",
    "\ufeff2 2\na 1 2\nb 3.5 -4",
    "2 2 \na 1.0 2e0 \nb +3.5 -4.000 \r\n",
  ];
  for (const v of variants) assertSameTable(decodeWord2VecText(ascii(v)), expected);
});

// ---------- text errors ----------

Deno.test("text errors name the file and line", () => {
  const src = "bad.vec";
  const d = (s: string) => () => decodeWord2VecText(ascii(s), src);
  assertFormatError(d("3 2\na 1 2\nb 3 4\n"), { source: src, line: 4 }, "after 2 rows", "says 3");
  assertFormatError(d("3 2\na 1 2\nb 3 4\n\n\n"), { source: src, line: 4 }, "empty line");
  assertFormatError(
    d("2 2\na 1 2\nb 3 4 5\n"),
    { source: src, line: 3 },
    '"b" has 3 values',
    "dim 2",
  );
  assertFormatError(d("2 2\na 1 2\nb 3\n"), { source: src, line: 3 }, "1 values");
  assertFormatError(d("2 2\na 1 2\nb 3 x4\n"), { source: src, line: 3 }, "not a number", '"x4"');
  assertFormatError(d("2 2\na 1 0x10\nb 3 4\n"), { source: src, line: 2 }, "not a number");
  assertFormatError(d("2 2\na 1 2\nb nan 4\n"), { source: src, line: 3 }, "not finite", "nan");
  assertFormatError(d("2 2\na 1 -inf\nb 1 4\n"), { source: src, line: 2 }, "not finite");
  assertFormatError(d("2 2\na 1 Infinity\nb 1 4\n"), { source: src, line: 2 }, "not finite");
  assertFormatError(d("2 2\na 1 2\nb 1e39 4\n"), { source: src, line: 3 }, "float32 range");
  assertFormatError(d("2 2\na 1 2\nb 3 4\nc 5 6\nd 7 8\n"), { source: src, line: 4 }, "4 rows");
  assertFormatError(
    d("3 2\nx 1 2\ny 3 4\nx 5 6\n"),
    { source: src, line: 4 },
    'duplicate word "x"',
    "line 2",
  );
  assertFormatError(d(""), { source: src, line: 1 }, "empty header");
  assertFormatError(d("\na 1 2\n"), { source: src, line: 1 }, "empty header");
  assertFormatError(d("3\na 1 2\n"), { source: src, line: 1 }, "1 field");
  assertFormatError(d("a 1 2\nb 3 4\n"), { source: src, line: 1 }, "3 field", "GloVe");
  assertFormatError(
    d("x 2\na 1 2\n"),
    { source: src, line: 1 },
    "vocabulary size",
    "not an integer",
  );
  assertFormatError(d("2 2.5\na 1 2\n"), { source: src, line: 1 }, "dim", "not an integer");
  assertFormatError(d("-2 2\na 1 2\n"), { source: src, line: 1 }, "negative");
  assertFormatError(d("2 -1\na 1 2\n"), { source: src, line: 1 }, "dim is negative");
  assertFormatError(d("1 0\na\n"), { source: src, line: 1 }, "dim is 0");
  assertFormatError(d("99999999999999999999 2\n"), { source: src, line: 1 }, "too large");
  const badUtf8 = concat("2 2\na 1 2\n", new Uint8Array([0x62, 0xff]), " 3 4\n");
  assertFormatError(() => decodeWord2VecText(badUtf8, src), { source: src, line: 3 }, "UTF-8");
});

Deno.test("text: hostile header is rejected at once, before allocating", () => {
  const start = performance.now();
  assertFormatError(
    () => decodeWord2VecText(ascii("1000000000000 100\na 1 2\n"), "huge.vec"),
    { source: "huge.vec", line: 1 },
    "truncated",
    "1000000000000 rows",
  );
  assertFormatError(
    () => decodeWord2VecText(ascii("3 100000000\na 1 2\n"), "wide.vec"),
    { source: "wide.vec", line: 1 },
    "truncated",
  );
  assert(performance.now() - start < 100, "hostile header took too long");
});

Deno.test("text encoder rejects what the format cannot hold", () => {
  const t = (words: string[], data = new Float32Array(words.length)) => ({ words, dim: 1, data });
  assertThrows(() => encodeWord2VecText(t(["new york"])), RangeError, "whitespace");
  assertThrows(() => encodeWord2VecText(t(["tab\there"])), RangeError, "whitespace");
  assertThrows(() => encodeWord2VecText(t([""])), RangeError, "empty");
  assertThrows(() => encodeWord2VecText(t(["a", "a"])), RangeError, "duplicate");
  assertThrows(() => encodeWord2VecText(t(["\ud800"])), RangeError, "surrogate");
  assertThrows(() => encodeWord2VecText(t(["a"], new Float32Array([NaN]))), RangeError, "NaN");
  assertThrows(() => encodeWord2VecText(t(["a"], new Float32Array(2))), RangeError, "2 floats");
  assertThrows(
    () => encodeWord2VecBinary(t(["a b"])),
    RangeError,
    "whitespace",
  );
  assertThrows(() => encodeWord2VecBinary(t(["a"], new Float32Array([Infinity]))), RangeError, "a");
});

// ---------- binary errors ----------

Deno.test("binary errors name the file and byte offset", () => {
  const src = "bad.bin";
  const good = concat("2 2\n", "ab ", f32le(1, 2), "\n", "c ", f32le(3, 4), "\n");
  // header "2 2\n" = 4 bytes; row 1 "ab " + 8 + "\n" = 12 bytes; row 2 starts at 16.
  const b = (bytes: Uint8Array) => () => decodeWord2VecBinary(bytes, src);
  // Long first words get past the up-front size check, so the rows themselves are truncated.
  assertFormatError(
    b(concat("2 2\n", "abcdefghij ", f32le(1, 2), "\n", "c ", f32le(3))),
    { source: src, offset: 26 },
    "truncated",
    "row 2 of 2",
    "needs 8 bytes",
  );
  assertFormatError(
    b(concat("2 2\n", "abcdefghijklmnop ", f32le(1, 2), "\n", "cdef")),
    { source: src, offset: 30 },
    "truncated",
    "no space",
  );
  assertFormatError(b(good.subarray(0, 23)), { source: src, offset: 0 }, "need at least 20 bytes");
  assertFormatError(
    b(concat("3 2\n", good.subarray(4), "d ", f32le(5, 6), "e ", f32le(7, 8))),
    { source: src, offset: 37 },
    "unexpected data after the 3 rows",
  );
  assertFormatError(
    b(concat("2 2\n", "ab ", f32le(1, 2), "ab ", f32le(3, 4))),
    { source: src, offset: 15 },
    'duplicate word "ab"',
    "byte offset 4",
  );
  assertFormatError(
    b(concat("2 2\n", "ab ", f32le(1, NaN), "\nc ", f32le(3, 4))),
    { source: src, offset: 11 },
    "value 2",
    "not finite",
  );
  assertFormatError(
    b(concat("1 2\n", new Uint8Array([0xc3, 0x28]), " ", f32le(1, 2))),
    { source: src, offset: 4 },
    "UTF-8",
  );
  assertFormatError(
    b(concat("1 2\n", " ", f32le(1, 2), "\n")),
    { source: src, offset: 4 },
    "empty word",
  );
  assertFormatError(b(ascii("2\n")), { source: src, offset: 0 }, "1 field");
  assertFormatError(b(ascii("2 0\n")), { source: src, offset: 0 }, "dim is 0");
  assertFormatError(b(ascii("two 3\n")), { source: src, offset: 0 }, "not an integer");
  assertFormatError(b(new Uint8Array(5000).fill(0x41)), { source: src, offset: 0 }, "no header");
});

Deno.test("binary: hostile header is rejected at once, before allocating", () => {
  const start = performance.now();
  assertFormatError(
    () => decodeWord2VecBinary(concat("1000000000000 100\n", "a ", f32le(1)), "huge.bin"),
    { source: "huge.bin", offset: 0 },
    "truncated",
  );
  // Each row needs at least dim*4+2 bytes: 2 rows of dim 2 need 20, only 19 given.
  assertFormatError(
    () => decodeWord2VecBinary(concat("2 2\n", "a ", f32le(1, 2), "b ", f32le(3)), "short.bin"),
    { source: "short.bin", offset: 0 },
    "need at least 20 bytes",
  );
  assert(performance.now() - start < 100, "hostile header took too long");
});

// ---------- native errors ----------

Deno.test("native: every truncation and every corrupted byte is a FormatError", () => {
  const bytes = encodeNativeModel({
    header: { kind: "sgns" },
    words: ["naïve", "日本", "x"],
    counts: new Float64Array([5, 3, 1]),
    dim: 2,
    tables: [new Float32Array(6).fill(0.5), new Float32Array(6).fill(-0.5)],
  });
  for (let n = 0; n < bytes.length; n++) {
    assertFormatError(() => decodeNativeModel(bytes.subarray(0, n), "cut.nsm"), {
      source: "cut.nsm",
    });
  }
  for (let i = 0; i < bytes.length; i++) {
    const bad = bytes.slice();
    bad[i] ^= 0x10;
    assertFormatError(() => decodeNativeModel(bad, "flip.nsm"), { source: "flip.nsm" });
  }
});

Deno.test("native errors say what is wrong and where", () => {
  const m: NativeModel = {
    header: {},
    words: ["a", "b"],
    counts: new Float64Array([2, 1]),
    dim: 2,
    tables: [new Float32Array(4)],
  };
  const bytes = encodeNativeModel(m);
  const src = "m.nsm";
  assertFormatError(
    () => decodeNativeModel(ascii("2 2\na 1 2\nb 3 4\n"), src),
    { source: src, offset: 0 },
    "bad magic",
  );
  const v2 = bytes.slice();
  v2[8] = 2;
  assertFormatError(() => decodeNativeModel(v2, src), { source: src, offset: 8 }, "version 2");
  assertFormatError(
    () => decodeNativeModel(bytes.subarray(0, bytes.length - 1), src),
    { source: src },
    "truncated",
  );
  assertFormatError(
    () => decodeNativeModel(concat(bytes, new Uint8Array(8)), src),
    { source: src, offset: bytes.length },
    "trailing data",
  );
  const flipped = bytes.slice();
  flipped[bytes.length - 6] ^= 1; // inside the last table
  assertFormatError(
    () => decodeNativeModel(flipped, src),
    { source: src, offset: bytes.length - 4 },
    "checksum mismatch",
  );
});

/** A structurally valid native file with any header JSON and a correct CRC. */
function nativeWithHeader(header: unknown, rest = new Uint8Array(0)): Uint8Array {
  const json = enc.encode(JSON.stringify(header));
  const body = concat("NEGSAMP\0", new Uint8Array(8), json, rest, new Uint8Array(4));
  const view = new DataView(body.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(12, json.length, true);
  view.setUint32(body.length - 4, crc32(body.subarray(0, body.length - 4)), true);
  return body;
}

Deno.test("native: hostile or invalid headers are rejected before allocating", () => {
  const src = "h.nsm";
  const start = performance.now();
  const hostile = { dim: 100, vocabSize: 1e12, tableRows: [1e12] };
  assertFormatError(
    () => decodeNativeModel(nativeWithHeader(hostile), src),
    { source: src, offset: 16 + JSON.stringify(hostile).length },
    "truncated or corrupted",
    "1000000000000 words",
  );
  assertFormatError(
    () =>
      decodeNativeModel(nativeWithHeader({ dim: 1e6, vocabSize: 0, tableRows: [1e9, 1e9] }), src),
    { source: src },
    "truncated or corrupted",
  );
  assert(performance.now() - start < 100, "hostile header took too long");
  assertFormatError(
    () => decodeNativeModel(nativeWithHeader({ dim: 0, vocabSize: 0, tableRows: [] }), src),
    { source: src, offset: 16 },
    "dim must be an integer >= 1",
  );
  assertFormatError(
    () => decodeNativeModel(nativeWithHeader({ dim: 2, vocabSize: -1, tableRows: [] }), src),
    { source: src, offset: 16 },
    "vocabSize",
  );
  assertFormatError(
    () => decodeNativeModel(nativeWithHeader({ dim: 2, vocabSize: 0 }), src),
    { source: src, offset: 16 },
    "tableRows",
  );
  assertFormatError(
    () => decodeNativeModel(nativeWithHeader([1, 2]), src),
    { source: src, offset: 16 },
    "JSON object",
  );
  // A word whose length runs past the end of the file.
  const longWord = new Uint8Array(16);
  new DataView(longWord.buffer).setUint32(0, 1000, true);
  assertFormatError(
    () =>
      decodeNativeModel(nativeWithHeader({ dim: 1, vocabSize: 1, tableRows: [] }, longWord), src),
    { source: src },
    "word 0 overruns",
  );
});

// ---------- detection ----------

Deno.test("detectFormat and loadVectorTable: extension, magic, gzip, mislabelled files", () => {
  const t = randomTable(5, 3, 9);
  const vec = encodeWord2VecText(t);
  const bin = encodeWord2VecBinary(t);
  const nsm = encodeVectorTable(t, "x.nsm");
  assertEquals(detectFormat("a.vec", vec), "vec");
  assertEquals(detectFormat("A.TXT", vec), "vec");
  assertEquals(detectFormat("dir.v1/a.bin", bin), "bin");
  assertEquals(detectFormat("a.nsm", nsm), "native");
  // Native by magic whatever the name; unknown extensions are sniffed.
  assertEquals(detectFormat("a.vec", nsm), "native");
  assertEquals(detectFormat("a.bin", nsm), "native");
  assertEquals(detectFormat("vectors", vec), "vec");
  assertEquals(detectFormat("vectors.w2v", bin), "bin");
  for (const [bytes, path] of [[vec, "a.txt"], [bin, "a.bin"], [nsm, "a.nsm"], [nsm, "a.vec"]]) {
    assertSameTable(loadVectorTable(bytes as Uint8Array, path as string), t);
  }
  const gz = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  assertFormatError(() => loadVectorTable(gz, "v.vec.gz"), { source: "v.vec.gz" }, "gunzip");
  assertFormatError(() => loadVectorTable(gz, "v.bin"), { source: "v.bin" }, "gunzip");
  assertFormatError(() => loadVectorTable(vec, "v.bin"), { source: "v.bin" }, "text format");
  assertFormatError(() => loadVectorTable(bin, "v.vec"), { source: "v.vec" }, "binary");
  assertFormatError(() => loadVectorTable(vec, "v.nsm"), { source: "v.nsm", offset: 0 }, "magic");
});

Deno.test("encodeVectorTable picks the format from the extension", () => {
  const t = randomTable(4, 2, 10);
  assertEquals(Array.from(encodeVectorTable(t, "o.vec")), Array.from(encodeWord2VecText(t)));
  assertEquals(Array.from(encodeVectorTable(t, "o.txt")), Array.from(encodeWord2VecText(t)));
  assertEquals(Array.from(encodeVectorTable(t, "o.bin")), Array.from(encodeWord2VecBinary(t)));
  assertEquals(decodeNativeModel(encodeVectorTable(t, "o.nsm")).header.kind, "vectors");
  assertThrows(() => encodeVectorTable(t, "o.vec.gz"), Error, "unknown extension");
  assertThrows(() => formatFromPath("o"), Error, ".nsm");
});

// ---------- atomic file IO ----------

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("writeFileAtomic writes, replaces, and keeps the file mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out.vec`;
    assertEquals(await fileExists(path), false);
    await writeFileAtomic(path, ascii("first"));
    assertEquals(dec.decode(await readFileBytes(path)), "first");
    await Deno.chmod(path, 0o640);
    await writeFileAtomic(path, [ascii("sec"), ascii("ond")]);
    assertEquals(dec.decode(await readFileBytes(path)), "second");
    assertEquals((await Deno.stat(path)).mode! & 0o777, 0o640);
    assertEquals(await fileExists(path), true);
    assertEquals(await listDir(dir), ["out.vec"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic failure leaves the old file intact and no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.nsm`;
    await writeFileAtomic(path, ascii("old contents"));
    // The data source fails half way, after the temp file has been written to.
    const failing = async function* () {
      yield ascii("new partial data");
      await Promise.resolve();
      throw new Error("encoder blew up");
    };
    let caught: unknown;
    await writeFileAtomic(path, failing()).catch((e) => caught = e);
    assert(caught instanceof Error && caught.message === "encoder blew up", `${caught}`);
    assertEquals(dec.decode(await readFileBytes(path)), "old contents");
    assertEquals(await listDir(dir), ["model.nsm"]);

    // The rename fails: the target is a non-empty directory.
    const target = `${dir}/taken`;
    await Deno.mkdir(target);
    await Deno.writeTextFile(`${target}/keep`, "x");
    caught = undefined;
    await writeFileAtomic(target, ascii("data")).catch((e) => caught = e);
    assert(caught instanceof Error, "rename over a directory should fail");
    assertEquals(await listDir(dir), ["model.nsm", "taken"]);
    assertEquals(await Deno.readTextFile(`${target}/keep`), "x");

    // The directory does not exist.
    caught = undefined;
    await writeFileAtomic(`${dir}/missing/x.vec`, ascii("data")).catch((e) => caught = e);
    assert(caught instanceof Deno.errors.NotFound, `${caught}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readFileBytes and fileExists report missing files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertEquals(await fileExists(`${dir}/nope`), false);
    let caught: unknown;
    await readFileBytes(`${dir}/nope`).catch((e) => caught = e);
    assert(caught instanceof Deno.errors.NotFound, `${caught}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------- gensim reads our files ----------

/** A python with gensim: `python3` first, then Debian's (pyenv and venvs may shadow it). */
function findGensimPython(): string | undefined {
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      const out = new Deno.Command(py, { args: ["-c", "import gensim"], stderr: "null" })
        .outputSync();
      if (out.success) return py;
    } catch {
      // not installed
    }
  }
  return undefined;
}

const gensimPython = findGensimPython();

Deno.test({
  name: "gensim reads our files (needs python3-gensim)",
  ignore: gensimPython === undefined,
  async fn() {
    const t = randomTable(50, 9, 11);
    const dir = await Deno.makeTempDir();
    try {
      await writeFileAtomic(`${dir}/ours.vec`, encodeVectorTable(t, "ours.vec"));
      await writeFileAtomic(`${dir}/ours.bin`, encodeVectorTable(t, "ours.bin"));
      const script = `
import json, sys
from gensim.models import KeyedVectors
out = {}
for name, binary in (("ours.vec", False), ("ours.bin", True)):
    kv = KeyedVectors.load_word2vec_format(sys.argv[1] + "/" + name, binary=binary)
    out[name] = {"words": list(kv.index_to_key),
                 "vectors": [[float(x) for x in kv[w]] for w in kv.index_to_key]}
print(json.dumps(out))
`;
      const res = await new Deno.Command(gensimPython!, { args: ["-c", script, dir] }).output();
      assert(res.success, dec.decode(res.stderr));
      const got = JSON.parse(dec.decode(res.stdout));
      for (const name of ["ours.vec", "ours.bin"]) {
        assertSameTable({
          words: got[name].words,
          dim: 9,
          data: new Float32Array(got[name].vectors.flat()),
        }, t);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
