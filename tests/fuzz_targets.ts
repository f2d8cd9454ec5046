// The loaders under fuzzing, the inputs fast-check feeds them, and the one property they all
// share: whatever the bytes, a loader returns a well-formed table or throws FormatError —
// never another exception, never a hang, never an allocation the input cannot justify.
// Used by tests/fuzz_test.ts (a few seconds per loader) and `deno task fuzz` (minutes).
import fc from "fast-check";
import { FormatError } from "../src/formats/errors.ts";
import { crc32 } from "../src/formats/crc32.ts";
import type { VectorTable } from "../src/formats/table.ts";
import { decodeWord2VecText, encodeWord2VecText } from "../src/formats/word2vec_text.ts";
import { decodeWord2VecBinary, encodeWord2VecBinary } from "../src/formats/word2vec_binary.ts";
import { decodeNativeModel, encodeNativeModel } from "../src/formats/native.ts";
import { decodeQuantizedTable, encodeQuantized } from "../src/formats/quantized.ts";
import { loadVectorTable } from "../src/formats/detect.ts";
import { decodeCheckpoint, decodeModel, encodeCheckpoint, vectorsFromBytes } from "../src/model.ts";
import { resolveConfig } from "../src/train/config.ts";
import { Vocab } from "../src/vocab.ts";

/** What a loader made of some bytes, when it did not throw. */
type Decoded = { table: VectorTable; finite: boolean } | "ok";

export interface FuzzTarget {
  /** Also the prefix of its regression fixtures: tests/fixtures/fuzz/<name>-*.bin. */
  name: string;
  /** The file name the loader is given (the extension matters to detection). */
  path: string;
  decode(bytes: Uint8Array, path: string): Decoded | Promise<Decoded>;
  /** Inputs: valid files of the format, mutated, plus structured and raw garbage. */
  inputs(): fc.Arbitrary<Uint8Array>;
}

// ---------- inputs ----------

const enc = new TextEncoder();

function concat(parts: (Uint8Array | string)[]): Uint8Array {
  const bs = parts.map((p) => typeof p === "string" ? enc.encode(p) : p);
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** Words a valid table may hold: unique, non-empty, no ASCII whitespace. */
const wordArb = fc.oneof(
  fc.constantFrom("a", "the", "naïve", "日本", "😀", "</s>", "x_y-z", "0", "-1.5", "NaN"),
  fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }),
  fc.string({ minLength: 1, maxLength: 4, unit: "binary" }),
).filter((w) => w.isWellFormed() && ![...w].some((c) => c.charCodeAt(0) <= 0x20));

const floatArb = fc.oneof(
  fc.float({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e-45, 3.4028234663852886e38),
);

export const tableArb: fc.Arbitrary<VectorTable> = fc.tuple(
  fc.integer({ min: 1, max: 6 }),
  fc.uniqueArray(wordArb, { maxLength: 6 }),
).chain(([dim, words]) =>
  fc.array(floatArb, { minLength: words.length * dim, maxLength: words.length * dim })
    .map((values) => ({ words, dim, data: new Float32Array(values) }))
);

type Mutation =
  | { op: "flip"; at: number; bit: number }
  | { op: "set"; at: number; value: number }
  | { op: "truncate"; at: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; length: number }
  | { op: "duplicate"; at: number; length: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    op: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.constantFrom(
      0,
      0x0a,
      0x0d,
      0x20,
      0x09,
      0x2d,
      0x2e,
      0x30,
      0x39,
      0x65,
      0x7f,
      0x80,
      0xc0,
      0xef,
      0xff,
    ),
  }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    op: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        ...["\n", " ", "\r\n", "\t", " 1e39", " nan", " 0x1f", " inf", "\u00a0", "\ufeff", "\0"]
          .map((s) => enc.encode(s)),
        new Uint8Array([0xff, 0xfe]),
        new Uint8Array([0x1f, 0x8b]),
      ),
    ),
  }),
  fc.record({
    op: fc.constant("delete" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 16 }),
  }),
  fc.record({
    op: fc.constant("duplicate" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let b: Uint8Array = bytes.slice();
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    switch (m.op) {
      case "flip":
        if (at < b.length) b[at] ^= 1 << m.bit;
        break;
      case "set":
        if (at < b.length) b[at] = m.value;
        break;
      case "truncate":
        b = b.slice(0, at);
        break;
      case "insert":
        b = concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case "delete":
        b = concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case "duplicate":
        b = concat([b.subarray(0, at + m.length), b.subarray(at)]);
        break;
    }
  }
  return b;
}

/** Valid files from `encode`, each altered by 0 to 4 mutations. */
function mutated(encode: (t: VectorTable) => Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.tuple(tableArb, fc.array(mutationArb, { maxLength: 4 }))
    .map(([t, ms]) => mutate(encodeOrEmpty(encode, t), ms));
}

/**
 * The encoding of `t`, or of an empty table when the encoder refuses it (the int8 encoder
 * refuses rows near the float32 limit, whose scale would overflow): inputs are made here,
 * only the decoders are under test.
 */
function encodeOrEmpty(encode: (t: VectorTable) => Uint8Array, t: VectorTable): Uint8Array {
  try {
    return encode(t);
  } catch {
    return encode({ words: [], dim: t.dim, data: new Float32Array(0) });
  }
}

/** A CRC-protected format (native, quantized): mutate, then (usually) fix the checksum so
 *  the decoder's later checks are reached too. */
function mutatedWithCrc(encode: (t: VectorTable) => Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.tuple(tableArb, fc.array(mutationArb, { maxLength: 3 }), fc.boolean())
    .map(([t, ms, fix]) => {
      const b = mutate(encodeOrEmpty(encode, t), ms);
      return fix ? withCrc(b) : b;
    });
}

/** Replaces the last 4 bytes with the CRC-32 of the ones before. */
export function withCrc(b: Uint8Array): Uint8Array {
  if (b.length < 4) return b;
  const out = b.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Numbers a header may claim: small, huge, negative, fractional, not numbers at all. */
const claimArb = fc.oneof(
  fc.integer({ min: 0, max: 8 }).map(String),
  fc.constantFrom(
    "1000000000000",
    "4294967296",
    "9007199254740993",
    "1e12",
    "-1",
    "0",
    "+3",
    "2.5",
    "0x10",
    "",
    "NaN",
    "Infinity",
    "99999999999999999999999",
  ),
);

/** word2vec headers with arbitrary claims, then a body of fragments (text or raw bytes). */
const w2vStructuredArb = fc.tuple(
  claimArb,
  claimArb,
  fc.constantFrom(" ", "\t", "  ", " \r", ""),
  fc.constantFrom("\n", "\r\n", "", "\n\n"),
  fc.array(
    fc.oneof(
      fc.constantFrom(
        "cat",
        "dog",
        "é",
        " ",
        "\t",
        "\n",
        "\r\n",
        "1",
        "-0.5",
        "1e-3",
        "3.5e38",
        "1e39",
        "nan",
        "-inf",
        "0x1f",
        ".",
        "-",
        "+.5e",
        "\u00a0",
      ).map((s) => enc.encode(s)),
      fc.uint8Array({ minLength: 1, maxLength: 12 }),
    ),
    { maxLength: 40 },
  ),
).map(([v, d, sep, nl, body]) => concat([`${v}${sep}${d}${nl}`, ...body]));

const rawArb = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.uint8Array({ maxLength: 4096 }),
);

/** A native-layout file (magic, version, header JSON, body, CRC) with a hostile header. */
function nativeLayout(magic: string, headerArb: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(headerArb, fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.nat(3))
    .map(([header, body, fixCrc, version]) => {
      const json = enc.encode(JSON.stringify(header) ?? "null");
      const b = concat([magic, new Uint8Array(8), json, body, new Uint8Array(4)]);
      const view = new DataView(b.buffer);
      view.setUint32(8, version === 0 ? 2 : 1, true);
      view.setUint32(12, json.length, true);
      return fixCrc ? withCrc(b) : b;
    });
}

const countClaimArb = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.constantFrom(1e12, 2 ** 32, 2 ** 53, -1, 0.5, 1e308, "3", null),
);

const nativeHeaderArb = fc.record({
  kind: fc.constantFrom("word2vec", "vectors", "checkpoint", 7, undefined),
  dim: countClaimArb,
  vocabSize: countClaimArb,
  tableRows: fc.oneof(fc.array(countClaimArb, { maxLength: 3 }), fc.constant("x")),
}, { requiredKeys: [] });

const quantizedHeaderArb = fc.record({
  scheme: fc.constantFrom("int8-row", "int4", undefined),
  dim: countClaimArb,
  vocabSize: countClaimArb,
}, { requiredKeys: [] });

// ---------- checks ----------

/** A decoded table must be well formed: right length, unique words; `finite` adds values. */
function checkTable(t: VectorTable, finite: boolean): void {
  if (!Number.isSafeInteger(t.dim) || t.dim < 1) throw new Error(`bad dim ${t.dim}`);
  if (t.data.length !== t.words.length * t.dim) {
    throw new Error(`${t.data.length} floats for ${t.words.length} words x ${t.dim}`);
  }
  if (new Set(t.words).size !== t.words.length) throw new Error("duplicate words");
  for (const w of t.words) if (typeof w !== "string") throw new Error("a word is not a string");
  if (finite) {
    for (const x of t.data) if (!Number.isFinite(x)) throw new Error(`non-finite value ${x}`);
  }
}

/**
 * Runs one input through a target. Returns undefined when the outcome is acceptable (a
 * well-formed table or a FormatError), else what went wrong.
 */
export async function judge(
  target: FuzzTarget,
  bytes: Uint8Array,
  limits: { ms: number } = { ms: 1000 },
): Promise<string | undefined> {
  const guard = guardAllocations(16 * bytes.length + (1 << 16));
  const start = performance.now();
  try {
    const out = await target.decode(bytes, target.path);
    if (out !== "ok") checkTable(out.table, out.finite);
  } catch (e) {
    if (!(e instanceof FormatError)) {
      return `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    }
    if (!e.message.startsWith(target.path)) {
      return `FormatError without the file name: ${e.message}`;
    }
  } finally {
    guard.restore();
  }
  const ms = performance.now() - start;
  if (guard.largest > 0) return `allocated ${guard.largest} bytes for a ${bytes.length}-byte input`;
  if (ms > limits.ms) return `took ${ms.toFixed(0)} ms`;
  return undefined;
}

/**
 * Replaces the typed array constructors while a loader runs, so an allocation far beyond
 * what the input could hold (a header claiming 10^12 rows) is caught before it happens.
 */
function guardAllocations(limitBytes: number): { largest: number; restore(): void } {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ["Float32Array", "Float64Array", "Uint8Array", "Int8Array", "Uint32Array"];
  const saved = names.map((n) => g[n]);
  const state = {
    largest: 0,
    restore() {
      names.forEach((n, i) => g[n] = saved[i]);
    },
  };
  names.forEach((name, i) => {
    const Base = saved[i] as typeof Float32Array;
    const Guarded = class extends Base {
      // deno-lint-ignore no-explicit-any
      constructor(...args: any[]) {
        if (typeof args[0] === "number" && args[0] * Base.BYTES_PER_ELEMENT > limitBytes) {
          state.largest = Math.max(state.largest, args[0] * Base.BYTES_PER_ELEMENT);
          throw new Error(`huge allocation: ${name}(${args[0]})`);
        }
        // deno-lint-ignore no-explicit-any
        super(...(args as [any]));
      }
    };
    Object.defineProperty(Guarded, "name", { value: name });
    g[name] = Guarded;
  });
  return state;
}

// ---------- targets ----------

function sampleCheckpoint(t: VectorTable): Uint8Array {
  const words = t.words.length > 0 ? t.words : ["w"];
  const dim = t.dim;
  const config = resolveConfig({ dim, minCount: 1, epochs: 2 });
  const cells = words.length * dim;
  const data = t.words.length > 0 ? t.data : new Float32Array(dim);
  return encodeCheckpoint({
    config,
    vocab: new Vocab(words, Float64Array.from(words, (_, i) => words.length - i)),
    input: data,
    output: new Float32Array(cells).fill(0.25),
    epoch: 1,
    chunk: 2,
    wordsDone: 100,
    corpusTokens: 120,
    rngState: "18446744073709551615",
    lastLoss: 2.5,
  }, { corpus: { name: "c.txt", tokens: 60, sentences: 3, distinct: 9 } });
}

export const TARGETS: FuzzTarget[] = [
  {
    name: "word2vec-text",
    path: "fuzz.vec",
    decode: (b, p) => ({ table: decodeWord2VecText(b, p), finite: true }),
    inputs: () =>
      fc.oneof(
        { weight: 4, arbitrary: mutated(encodeWord2VecText) },
        { weight: 3, arbitrary: w2vStructuredArb },
        { weight: 1, arbitrary: rawArb },
      ),
  },
  {
    name: "word2vec-binary",
    path: "fuzz.bin",
    decode: (b, p) => ({ table: decodeWord2VecBinary(b, p), finite: true }),
    inputs: () =>
      fc.oneof(
        { weight: 4, arbitrary: mutated(encodeWord2VecBinary) },
        { weight: 3, arbitrary: w2vStructuredArb },
        { weight: 1, arbitrary: rawArb },
      ),
  },
  {
    name: "native",
    path: "fuzz.nsm",
    decode(b, p) {
      const m = decodeNativeModel(b, p);
      if (m.counts.length !== m.words.length) throw new Error("counts and words differ");
      m.tables.forEach((t, i) => {
        if (t.length % m.dim !== 0) throw new Error(`table ${i} is not whole rows`);
      });
      return "ok" as const;
    },
    inputs: () =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: mutatedWithCrc((t) =>
            encodeNativeModel({
              header: { kind: "vectors" },
              words: t.words,
              counts: new Float64Array(t.words.length).fill(3),
              dim: t.dim,
              tables: [t.data, t.data],
            })
          ),
        },
        { weight: 3, arbitrary: nativeLayout("NEGSAMP\0", nativeHeaderArb) },
        { weight: 1, arbitrary: rawArb },
      ),
  },
  {
    name: "model",
    path: "fuzz.nsm",
    decode(b, p) {
      const m = decodeModel(b, p);
      checkTable({ words: [...m.words], dim: m.dim, data: m.input }, false);
      return "ok" as const;
    },
    inputs: () =>
      fc.oneof(
        { weight: 4, arbitrary: mutatedWithCrc(sampleModel) },
        { weight: 2, arbitrary: nativeLayout("NEGSAMP\0", nativeHeaderArb) },
        { weight: 1, arbitrary: rawArb },
      ),
  },
  {
    name: "checkpoint",
    path: "fuzz.nsm",
    decode(b, p) {
      const { checkpoint: c } = decodeCheckpoint(b, p);
      const cells = c.vocab.size * c.config.dim;
      if (c.input.length !== cells || c.output.length !== cells) throw new Error("table sizes");
      return "ok" as const;
    },
    inputs: () =>
      fc.oneof(
        { weight: 4, arbitrary: mutatedWithCrc(sampleCheckpoint) },
        { weight: 2, arbitrary: nativeLayout("NEGSAMP\0", nativeHeaderArb) },
        { weight: 1, arbitrary: rawArb },
      ),
  },
  {
    name: "quantized",
    path: "fuzz.nsq",
    decode: (b, p) => ({ table: decodeQuantizedTable(b, p), finite: true }),
    inputs: () =>
      fc.oneof(
        { weight: 4, arbitrary: mutatedWithCrc((t) => encodeQuantized(t)) },
        { weight: 3, arbitrary: nativeLayout("NSQUANT\0", quantizedHeaderArb) },
        { weight: 1, arbitrary: rawArb },
      ),
  },
  {
    // Detection by name and content, then any decoder, then the query structure: what
    // `similar --model FILE` does with a file.
    name: "load-vectors",
    path: "fuzz",
    async decode(b, p) {
      const v = await vectorsFromBytes(b, p);
      if (v.size < 1) throw new Error("empty Vectors");
      return "ok" as const;
    },
    inputs: () =>
      fc.oneof(
        mutated(encodeWord2VecText),
        mutated(encodeWord2VecBinary),
        mutatedWithCrc((t) => encodeQuantized(t)),
        mutatedWithCrc((t) =>
          encodeNativeModel({
            header: {},
            words: t.words,
            counts: new Float64Array(t.words.length),
            dim: t.dim,
            tables: [t.data],
          })
        ),
        rawArb,
      ),
  },
];

/** The same target under another file name (mislabelled files: a .vec given as .bin, ...). */
export function renamed(target: FuzzTarget, path: string): FuzzTarget {
  return { ...target, name: `${target.name}-as-${path.replace(/\W/g, "")}`, path };
}

function sampleModel(t: VectorTable): Uint8Array {
  const words = t.words.length > 0 ? t.words : ["w"];
  const data = t.words.length > 0 ? t.data : new Float32Array(t.dim);
  return encodeNativeModel({
    header: {
      kind: "word2vec",
      producer: "negsamp",
      config: { ...resolveConfig({ dim: t.dim }) },
      stats: { corpusTokens: 10, seconds: 1, wordsPerSecond: 10, finalLoss: null },
      runs: 1,
    },
    words,
    counts: Float64Array.from(words, () => 2),
    dim: t.dim,
    tables: [data, data],
  });
}

/** Loaders run on every file of every format: load-vectors under each extension. */
export function mislabelledTargets(): FuzzTarget[] {
  const load = TARGETS.find((t) => t.name === "load-vectors")!;
  return ["x.vec", "x.txt", "x.bin", "x.nsm", "x.nsq", "x.vec.gz"].map((p) => renamed(load, p));
}

export { loadVectorTable };
