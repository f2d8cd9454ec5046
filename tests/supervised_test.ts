// Supervised mode (fastText-style classification): the label parser, fastText's word and
// n-gram hashing (against values worked out by hand from fastText's code and against a
// model trained by fastText itself), the dictionary, the softmax and negative-sampling
// gradients against finite differences, learning a separable set perfectly, seeded
// determinism, save/load, pretrained vectors and the CLI commands.
import { Kernel } from "../src/kernel/kernel.ts";
import { LABELS_MARK, LOSS_NS, LOSS_SOFTMAX, SENTENCE_END } from "../src/kernel/exports.ts";
import { FormatError } from "../src/formats/errors.ts";
import { aliasTable } from "../src/train/noise.ts";
import {
  collectExamples,
  EOS,
  type Example,
  fileExamples,
  parseExampleLine,
  parseExamples,
  splitTokens,
  textExamples,
} from "../src/supervised/labels.ts";
import {
  fastTextHash,
  hashBytes,
  wordNgramBuckets,
  wordNgramBucketsBig,
} from "../src/supervised/ngrams.ts";
import { buildDictionary } from "../src/supervised/dictionary.ts";
import { Classifier, resolveClassifierConfig } from "../src/supervised/classifier.ts";
import { ConfigError } from "../src/train/config.ts";
import { runPredict, runSupervised, runTest } from "../src/cli/supervised.ts";
import {
  assert,
  assertClose,
  assertEquals,
  assertGreater,
  assertLess,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";
import { mulberry32 as mulberry } from "../src/random.ts";
import { captureIO } from "./support/cli.ts";

// ---------- the label parser ----------

Deno.test("labels: any number of labels anywhere on the line; words keep their order", () => {
  const e = parseExampleLine("__label__a  good __label__b film\r", "f.txt", 3)!;
  assertEquals(e.labels, ["a", "b"]);
  assertEquals(e.tokens, ["good", "film"]);
  assertEquals(e.line, 3);
  assertEquals(parseExampleLine(" \t \r", "f.txt", 4), undefined);
  // fastText's separators only: a no-break space stays inside a token.
  assertEquals(splitTokens("a\u00a0b c\vd\fe\0f"), ["a\u00a0b", "c", "d", "e", "f"]);
  const custom = parseExampleLine("#pos #neg x", "f", 1, { labelPrefix: "#" })!;
  assertEquals([custom.labels, custom.tokens], [["pos", "neg"], ["x"]]);
  const unlabelled = parseExampleLine("just words", "f", 1, { requireLabels: false })!;
  assertEquals([unlabelled.labels, unlabelled.tokens], [[], ["just", "words"]]);
});

Deno.test("labels: errors name the file and line, and say how to fix the line", async () => {
  const text = "__label__x a b\n\n__label__y c\nno label here\n";
  const e1 = assertThrows(() => [...parseExamples(text, "train.txt")], FormatError);
  assertStringIncludes(e1.message, "train.txt:4: no label on this line");
  assertStringIncludes(e1.message, "--label PREFIX");
  const e2 = assertThrows(() => [...parseExamples("pos\tgreat film", "d.tsv")], FormatError);
  assertStringIncludes(e2.message, "d.tsv:1:");
  assertStringIncludes(e2.message, "__label__pos");
  const e3 = assertThrows(
    () => [...parseExamples("__label__a x\n__label__ y", "t.txt")],
    FormatError,
  );
  assertStringIncludes(e3.message, 't.txt:2: label "__label__" has no name');
  // Blank lines count for the numbering; a file reports the same lines.
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/f.txt`, "__label__a x\r\n\r\n__label__b y z\r\nbad line\r\n");
    const source = fileExamples(`${dir}/f.txt`);
    let caught: unknown;
    const seen: Example[] = [];
    try {
      for await (const e of source.examples()) seen.push(e);
    } catch (e) {
      caught = e;
    }
    assertEquals(seen.map((e) => [e.line, e.labels, e.tokens]), [
      [1, ["a"], ["x"]],
      [3, ["b"], ["y", "z"]],
    ]);
    assert(caught instanceof FormatError);
    assertStringIncludes((caught as Error).message, `${dir}/f.txt:4: no label`);
    const lenient = await collectExamples(fileExamples(`${dir}/f.txt`, { requireLabels: false }));
    assertEquals(lenient.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------- fastText's hashing ----------

Deno.test("hash: FNV-1a 32 test vectors and fastText's sign-extended bytes, by hand", () => {
  // Published FNV-1a (32-bit) values: ASCII bytes are the same in fastText.
  assertEquals(fastTextHash(""), 0x811c9dc5);
  assertEquals(fastTextHash("a"), 0xe40c292c);
  assertEquals(fastTextHash("foobar"), 0xbf9cf968);
  // "</s>" step by step: h = (h ^ byte) * 16777619 mod 2^32.
  let h = 2166136261n;
  for (const b of [0x3c, 0x2f, 0x73, 0x3e]) h = ((h ^ BigInt(b)) * 16777619n) % 2n ** 32n;
  assertEquals(fastTextHash(EOS), Number(h));
  assertEquals(fastTextHash(EOS), 0xd79c9359);
  // "é" is C3 A9: fastText xors int8 -> uint32, i.e. 0xFFFFFFC3 and 0xFFFFFFA9.
  let e = 2166136261n;
  for (const b of [0xFFFFFFC3n, 0xFFFFFFA9n]) e = ((e ^ b) * 16777619n) % 2n ** 32n;
  assertEquals(fastTextHash("é"), Number(e));
  assertEquals(hashBytes(new Uint8Array([0xc3, 0xa9])), Number(e));
  // Plain FNV-1a (no sign extension) would differ: the quirk is really reproduced.
  let plain = 2166136261n;
  for (const b of [0xc3n, 0xa9n]) plain = ((plain ^ b) * 16777619n) % 2n ** 32n;
  assert(Number(plain) !== fastTextHash("é"));
  assertEquals(fastTextHash("café"), 0x7572c049);
});

Deno.test("word n-grams: fastText's addWordNgrams by hand, the fast path equals BigInt", () => {
  // Bigrams of "hello world </s>" (n = 2), computed from the C++ expression
  //   uint64 h = int32(hash(w_i)); h = h * 116049371 + int32(hash(w_j)); h % bucket
  const hs = ["hello", "world", EOS].map(fastTextHash);
  assertEquals(hs, [0x4f9f2cab, 0x37a3e893, 0xd79c9359]);
  const sext = (x: number) => BigInt.asUintN(64, BigInt(x | 0));
  const mod = 2n ** 64n;
  const h01 = (sext(hs[0]) * 116049371n + sext(hs[1])) % mod;
  const h12 = (sext(hs[1]) * 116049371n + sext(hs[2])) % mod; // hash(</s>) is negative as int32
  const out: number[] = [];
  wordNgramBuckets(hs, 2, 2000000, out);
  assertEquals(out, [Number(h01 % 2000000n), Number(h12 % 2000000n)]);
  assertEquals(out, [1485020, 1298458]); // worked out independently (Python, arbitrary precision)
  // n = 3: per start position, the bigram then the trigram.
  const tri: number[] = [];
  wordNgramBuckets(hs, 3, 1000, tri);
  const h012 = (h01 * 116049371n + sext(hs[2])) % mod;
  assertEquals(tri, [Number(h01 % 1000n), Number(h012 % 1000n), Number(h12 % 1000n)]);
  assertEquals(tri, [20, 53, 458]);
  // Random hashes, lengths and bucket counts (also above the fast path's 2^26 limit).
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let t = 0; t < 500; t++) {
    const hashes = Array.from({ length: 1 + (next() % 7) }, () => next());
    const buckets = t % 50 === 0 ? 2 ** 31 - 1 : 1 + (next() % 40000000);
    const n = 1 + (t % 5);
    const a: number[] = [];
    const b: number[] = [];
    wordNgramBuckets(hashes, n, buckets, a);
    wordNgramBucketsBig(hashes, n, buckets, b);
    assertEquals(a, b, `hashes ${hashes} n ${n} buckets ${buckets}`);
    for (const x of a) assert(x >= 0 && x < buckets && Number.isInteger(x));
  }
});

// A model trained by fastText 0.9.2 (`fasttext supervised -input tiny.txt -dim 4 -epoch 1
// -bucket 13 -wordNgrams 3`) on three lines, dumped with `fasttext dump tiny.bin dict|input`:
// 8 words then 13 bucket rows. `fasttext print-sentence-vectors tiny.bin` on the line
// "hello world unknownword café" printed FASTTEXT_SENTENCE: the mean of the rows of the
// known words, of </s>, and of the 7 n-grams of the 5 hashes (the unknown word's included).
const FASTTEXT_WORDS = ["</s>", "hello", "bar", "world", "foo", "café", "naïve", "baz"];
const FASTTEXT_INPUT = [
  [-0.208219, 0.195673, -0.154675, -0.0505359],
  [0.12206, 0.0302766, 0.154933, 0.0058524],
  [-0.209751, 0.195301, -0.154408, -0.0499597],
  [0.123288, 0.0305672, 0.154516, 0.00528005],
  [-0.163436, 0.141984, -0.0605775, 0.147432],
  [-0.00752696, -0.189824, 0.0598972, -0.237824],
  [-0.123491, 0.0872031, 0.0348652, -0.152524],
  [-0.135771, 0.0903711, -0.0353195, 0.0180326],
  [-0.0809745, 0.0330088, 0.12971, 0.0464806],
  [0.23886, -0.128766, -0.130985, -0.227155],
  [-0.0384583, -0.0211856, 0.224555, 0.245485],
  [0.110312, 0.151347, -0.226351, 0.0287052],
  [0.00386991, -0.0754568, -0.180514, -0.0554025],
  [-0.0194626, -0.0688302, 0.1787, -0.214862],
  [0.0476136, -0.129361, -0.0860858, 0.143029],
  [-0.148746, 0.211151, 0.0838138, 0.0414577],
  [0.0901298, -0.183555, 0.00875909, -0.157966],
  [0.225581, -0.00806803, -0.0120007, -0.203726],
  [0.132646, -0.237749, 0.103604, 0.0410377],
  [0.0919523, -0.229019, -0.105479, 0.0545578],
  [0.175162, 0.208056, 0.198449, 0.240042],
];
const FASTTEXT_SENTENCE = [0.026026, 0.026027, -0.0056782, -0.039118];

Deno.test("word n-grams: the rows fastText averages for a line (fastText's own model)", () => {
  const tokens = ["hello", "world", "unknownword", "café"];
  const index = new Map(FASTTEXT_WORDS.map((w, i) => [w, i]));
  const rows: number[] = [];
  for (const t of [...tokens, EOS]) if (index.has(t)) rows.push(index.get(t)!);
  const buckets: number[] = [];
  wordNgramBuckets([...tokens, EOS].map(fastTextHash), 3, 13, buckets);
  assertEquals(buckets.length, 7);
  for (const b of buckets) rows.push(FASTTEXT_WORDS.length + b);
  for (let i = 0; i < 4; i++) {
    const mean = rows.reduce((s, r) => s + FASTTEXT_INPUT[r][i], 0) / rows.length;
    assertClose(mean, FASTTEXT_SENTENCE[i], 2e-6, `component ${i}`);
  }
});

// ---------- the dictionary ----------

Deno.test("dictionary: counts, </s> per line, min counts, n-gram rows compacted then frozen", async () => {
  const source = textExamples(
    "d",
    "__label__a x y x\n__label__b __label__a y z\n__label__b x\n__label__c w\n",
  );
  const { dictionary: d, examples, tokens } = await buildDictionary(source, {
    minCount: 2,
    minCountLabel: 2,
    wordNgrams: 2,
    bucket: 1000,
  });
  assertEquals([examples, tokens], [4, 11]); // 7 words + 4 x </s>
  assertEquals(d.words, [EOS, "x", "y"]);
  assertEquals(Array.from(d.wordCounts), [4, 3, 2]);
  assertEquals(d.labels, ["a", "b"]);
  const ids: number[] = [];
  d.encodeInputs(["x", "q", "y"], ids);
  // x, y, </s>, then the bigrams (x q), (q y), (y </s>): new rows after the words.
  assertEquals(ids, [1, 2, 0, 3, 4, 5]);
  assertEquals(d.ngramBuckets.length, 3);
  const again: number[] = [];
  d.encodeInputs(["x", "q", "y"], again);
  assertEquals(again, ids);
  d.freeze();
  const unseen: number[] = [];
  d.encodeInputs(["never", "seen"], unseen);
  assertEquals(unseen, [0, 6, 6]);
  assertEquals([d.unseenNgramRow, d.inputRows], [6, 7]);
  assertEquals(d.labelIds(["b", "zzz", "a"]), [1, 0]);
});

// ---------- gradients: the kernel's steps against finite differences ----------

interface Rig {
  kernel: Kernel;
  dim: number;
  rowFloats: number;
  rowBytes: number;
  input: number;
  labels: number;
  grad: number;
  h: number;
  ids: number;
  tokens: number;
}

async function rig(words: number, labels: number, dim: number, loss: number): Promise<Rig> {
  const kernel = await Kernel.create({ variant: "simd" });
  const k = kernel.exports;
  const a = kernel.arena;
  const rowFloats = Kernel.rowFloats(dim);
  const rowBytes = rowFloats * 4;
  const r: Rig = {
    kernel,
    dim,
    rowFloats,
    rowBytes,
    input: a.alloc(words * rowBytes, "input"),
    labels: a.alloc(labels * rowBytes, "labels"),
    grad: a.alloc(rowBytes, "grad"),
    h: a.alloc(rowBytes, "h"),
    ids: a.alloc(4 * 16, "ids"),
    tokens: a.alloc(4 * 64, "tokens"),
  };
  const alias = a.alloc(labels * 8, "alias");
  a.u32(alias, 2 * labels).set(aliasTable(new Float64Array(labels).fill(1)));
  const keep = a.alloc(labels * 4, "keep");
  a.u32(keep, labels).fill(0xFFFFFFFF);
  k.setTables(r.input, r.labels, alias, keep, labels, rowFloats);
  k.setScratch(a.alloc(k.scratchBytes(rowFloats), "scratch"));
  k.setSupervised(loss, labels, a.alloc(labels * 4, "scores"));
  k.setExact(1);
  return r;
}

function rows(r: Rig, table: number, n: number): Float32Array[] {
  return Array.from(
    { length: n },
    (_, i) => r.kernel.arena.f32(table + i * r.rowBytes, r.rowFloats),
  );
}

function fill(rand: () => number, view: Float32Array, dim: number, scale: number): void {
  view.fill(0);
  for (let i = 0; i < dim; i++) view[i] = (2 * rand() - 1) * scale;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, d: number) => {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i] * b[i];
  return s;
};
const logSigmoid = (x: number) => x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));

/** -log softmax(O h)[t], in float64. */
function softmaxLoss(h: ArrayLike<number>, out: ArrayLike<number>[], t: number, d: number): number {
  const s = out.map((o) => dot(h, o, d));
  const max = Math.max(...s);
  const z = s.reduce((acc, x) => acc + Math.exp(x - max), 0);
  return -(s[t] - max - Math.log(z));
}

/** NS loss: -log sigma(h.o_pos) - sum log sigma(-h.o_neg), in float64. */
function nsLoss(h: ArrayLike<number>, out: ArrayLike<number>[], ids: number[], d: number): number {
  return ids.reduce((acc, id, j) => {
    const f = dot(h, out[id], d);
    return acc - (j === 0 ? logSigmoid(f) : logSigmoid(-f));
  }, 0);
}

/** Central difference of `loss` in entry i of `row` (perturbing the f32 value). */
function fd(row: Float32Array, i: number, loss: () => number): number {
  const x = row[i];
  const delta = 1e-3 * Math.max(Math.abs(x), 0.1);
  row[i] = Math.fround(x + delta);
  const up = loss();
  const upX = row[i];
  row[i] = Math.fround(x - delta);
  const down = loss();
  const downX = row[i];
  row[i] = x;
  return (up - down) / (upX - downX);
}

Deno.test("softmax step: updates are -lr x the gradient of the loss (finite differences)", async () => {
  const dim = 6, nLabels = 5, lr = 0.25;
  const r = await rig(1, nLabels, dim, LOSS_SOFTMAX);
  const k = r.kernel.exports;
  const rand = mulberry(7);
  for (const target of [0, 3]) {
    const out = rows(r, r.labels, nLabels);
    for (const o of out) fill(rand, o, dim, 1);
    const h = r.kernel.arena.f32(r.h, r.rowFloats);
    fill(rand, h, dim, 1);
    const before = out.map((o) => Float32Array.from(o));
    const loss = () => softmaxLoss(h, out, target, dim);
    assertClose(k.softmaxLoss(r.h, target), loss(), 1e-5, "the kernel's softmaxLoss");
    // Finite differences at the old point, for h and for every label row.
    const gH = Array.from({ length: dim }, (_, i) => fd(h, i, loss));
    const gO = out.map((o) => Array.from({ length: dim }, (_, i) => fd(o, i, loss)));
    const grad = r.kernel.arena.f32(r.grad, r.rowFloats);
    grad.fill(0);
    k.softmaxTestStep(r.h, r.grad, target, lr);
    for (let i = 0; i < dim; i++) assertClose(grad[i] / lr, -gH[i], 2e-4, `h[${i}]`);
    out.forEach((o, l) => {
      for (let i = 0; i < dim; i++) {
        assertClose((o[i] - before[l][i]) / lr, -gO[l][i], 2e-4, `label ${l} [${i}]`);
      }
      for (let i = dim; i < r.rowFloats; i++) assertEquals(o[i], 0, "pad lanes stay zero");
    });
  }
});

Deno.test("NS step over labels: updates are -lr x the gradient of the loss (finite differences)", async () => {
  const dim = 7, nLabels = 6, lr = 0.5;
  const r = await rig(1, nLabels, dim, LOSS_NS);
  const k = r.kernel.exports;
  const rand = mulberry(11);
  for (const ids of [[2], [1, 0, 4], [5, 3, 0, 1, 2]]) {
    const out = rows(r, r.labels, nLabels);
    for (const o of out) fill(rand, o, dim, 0.8);
    const h = r.kernel.arena.f32(r.h, r.rowFloats);
    fill(rand, h, dim, 0.8);
    const before = out.map((o) => Float32Array.from(o));
    const loss = () => nsLoss(h, out, ids, dim);
    r.kernel.arena.u32(r.ids, ids.length).set(ids);
    assertClose(k.testLoss(r.h, r.ids, ids.length), loss(), 1e-5, "the kernel's testLoss");
    const gH = Array.from({ length: dim }, (_, i) => fd(h, i, loss));
    const gO = out.map((o) => Array.from({ length: dim }, (_, i) => fd(o, i, loss)));
    const grad = r.kernel.arena.f32(r.grad, r.rowFloats);
    grad.fill(0);
    k.testStep(r.h, r.grad, r.ids, ids.length, lr);
    for (let i = 0; i < dim; i++) assertClose(grad[i] / lr, -gH[i], 2e-4, `h[${i}]`);
    out.forEach((o, l) => {
      for (let i = 0; i < dim; i++) {
        assertClose((o[i] - before[l][i]) / lr, -gO[l][i], 2e-4, `label ${l} [${i}]`);
      }
    });
  }
});

Deno.test("trainExamples: a document is the mean of its rows; each input row gets its share", async () => {
  // One example, inputs [0, 2, 2, 4] (a repeated word gets two shares), one label.
  const dim = 5, words = 6, nLabels = 3, lr = 0.2;
  const inputs = [0, 2, 2, 4];
  for (const loss of [LOSS_SOFTMAX, LOSS_NS]) {
    const r = await rig(words, nLabels, dim, loss);
    const k = r.kernel.exports;
    const rand = mulberry(loss + 3);
    const inRows = rows(r, r.input, words);
    const out = rows(r, r.labels, nLabels);
    for (const x of inRows) fill(rand, x, dim, 0.6);
    for (const o of out) fill(rand, o, dim, 0.6);
    const target = 1;
    const mean = () => {
      const h = new Float64Array(dim);
      for (const id of inputs) for (let i = 0; i < dim; i++) h[i] += inRows[id][i] / inputs.length;
      return h;
    };
    // NS with negative 0: the positive label only, so the step has no randomness.
    const lossOf = () =>
      loss === LOSS_SOFTMAX
        ? softmaxLoss(mean(), out, target, dim)
        : nsLoss(mean(), out, [target], dim);
    const gX = inRows.map((x) => Array.from({ length: dim }, (_, i) => fd(x, i, lossOf)));
    const gO = out.map((o) => Array.from({ length: dim }, (_, i) => fd(o, i, lossOf)));
    const inBefore = inRows.map((x) => Float32Array.from(x));
    const outBefore = out.map((o) => Float32Array.from(o));
    const chunk = [...inputs, LABELS_MARK, target, SENTENCE_END];
    r.kernel.arena.u32(r.tokens, chunk.length).set(chunk);
    // Planned words so large that the rate stays lr for this example.
    k.setParams(1, 0, lr, 0, 1e12);
    const consumed = k.trainExamples(r.tokens, chunk.length, 0);
    assertEquals(consumed, inputs.length);
    inRows.forEach((x, w) => {
      for (let i = 0; i < dim; i++) {
        assertClose((x[i] - inBefore[w][i]) / lr, -gX[w][i], 2e-4, `loss ${loss} word ${w}[${i}]`);
      }
    });
    out.forEach((o, l) => {
      for (let i = 0; i < dim; i++) {
        assertClose((o[i] - outBefore[l][i]) / lr, -gO[l][i], 2e-4, `loss ${loss} label ${l}`);
      }
    });
    assertEquals(k.lossCount(), 1);
  }
});

// ---------- training ----------

/** Four classes, each with its own words; every line mixes in shared filler words. */
function separable(lines: number, seed: number): Example[] {
  const rand = mulberry(seed);
  const fill = ["the", "a", "of", "and", "is", "it"];
  const out: Example[] = [];
  for (let n = 0; n < lines; n++) {
    const c = n % 4;
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push(`w${c}_${Math.floor(rand() * 5)}`);
    for (let i = 0; i < 3; i++) tokens.push(fill[Math.floor(rand() * fill.length)]);
    tokens.sort(() => rand() - 0.5);
    out.push({ labels: [`c${c}`], tokens, line: n + 1 });
  }
  return out;
}

Deno.test("a separable set reaches 100% accuracy (ns and softmax, with bigrams)", async () => {
  const train = separable(400, 1);
  const test = separable(100, 2);
  for (const loss of ["ns", "softmax"] as const) {
    const model = await Classifier.train(train, {
      loss,
      dim: 16,
      epochs: 10,
      lr: 0.5,
      wordNgrams: 2,
      bucket: 10000,
    });
    const result = await model.test(test);
    assertEquals(result.examples, 100);
    assertEquals(result.accuracy, 1, `${loss}: accuracy`);
    assertEquals([result.precision, result.recall], [1, 1]);
    const [best] = model.predict("w2_1 the w2_3");
    assertEquals(best.label, "c2");
    assertGreater(best.probability, 0.5);
    assert(model.stats!.finalLoss < (loss === "ns" ? 1 : 0.3), `${loss}: final loss`);
  }
});

Deno.test("predict: k labels best first; softmax probabilities sum to 1, ns are sigmoids", async () => {
  const train = separable(200, 3);
  for (const loss of ["softmax", "ns"] as const) {
    const model = await Classifier.train(train, { loss, dim: 8, epochs: 3, lr: 0.3 });
    const all = model.predict("w1_0 w1_2 of", 10);
    assertEquals(all.length, 4);
    for (let i = 1; i < all.length; i++) assert(all[i - 1].probability >= all[i].probability);
    const sum = all.reduce((s, p) => s + p.probability, 0);
    if (loss === "softmax") assertClose(sum, 1, 1e-5);
    else for (const p of all) assert(p.probability > 0 && p.probability < 1);
    assertEquals(model.predict("w1_0", 2, 1.01), []); // nothing reaches the threshold
    // Labels in the text are not inputs.
    assertEquals(model.predict("__label__c3 w1_0 w1_2 of", 4), all);
  }
});

Deno.test("test(): P@k and R@k as fastText counts them, unknown labels skipped", async () => {
  const model = await Classifier.train(separable(200, 5), { dim: 8, epochs: 5, lr: 0.5 });
  const examples: Example[] = [
    { labels: ["c0", "c1"], tokens: ["w0_1", "w0_2"], line: 1 },
    { labels: ["c2"], tokens: ["w2_1"], line: 2 },
    { labels: ["unknown"], tokens: ["w2_1"], line: 3 },
  ];
  const r1 = await model.test(examples, 1);
  assertEquals([r1.examples, r1.skipped], [2, 1]);
  assertEquals(r1.precision, 1); // both best labels are right
  assertClose(r1.recall, 2 / 3, 1e-12); // of 3 gold labels
  assertEquals(r1.accuracy, 1);
  const r2 = await model.test(examples, 2);
  // k = 2: 4 predictions; c0 + c1 may both come first for line 1 (c1 is a guess).
  assertGreater(r2.precision, 0.49);
  assertGreater(r2.recall, 0.66);
});

Deno.test("same seed -> identical tables; another seed -> different", async () => {
  const train = separable(120, 9);
  const settings = { dim: 12, epochs: 2, loss: "ns" as const, wordNgrams: 2, bucket: 5000 };
  const a = (await Classifier.train(train, { ...settings, seed: 4 })).tables();
  const b = (await Classifier.train(train, { ...settings, seed: 4 })).tables();
  const c = (await Classifier.train(train, { ...settings, seed: 5 })).tables();
  assertEquals(a.input, b.input);
  assertEquals(a.output, b.output);
  assert(!a.input.every((v, i) => v === c.input[i]), "another seed changes the tables");
});

Deno.test("save/load: the same predictions; a vectors file is refused as a classifier", async () => {
  const train = separable(160, 12);
  const model = await Classifier.train(train, { dim: 8, epochs: 3, wordNgrams: 2, bucket: 999 });
  const bytes = model.encode();
  const back = await Classifier.decode(bytes, "m.nsm");
  assertEquals(back.labels, model.labels);
  assertEquals(back.dictionary.ngramBuckets, model.dictionary.ngramBuckets);
  for (const text of ["w0_1 the", "w3_4 w3_0 of", "never seen words"]) {
    assertEquals(back.predict(text, 4), model.predict(text, 4));
  }
  const vectors = (await import("../src/formats/detect.ts")).encodeVectorTable(
    model.wordVectors(),
    "v.nsm",
  );
  const e = await Classifier.decode(vectors, "v.nsm").then(() => undefined, (e) => e);
  assert(e instanceof FormatError && e.message.includes("not a classifier"));
});

Deno.test("pretrained vectors: their words join the vocabulary with their vectors", async () => {
  const train = separable(80, 13);
  const dim = 4;
  const pretrained = {
    words: ["w0_1", "zebra"],
    dim,
    data: Float32Array.from([1, 2, 3, 4, 0.5, -0.5, 0.25, -0.25]),
  };
  const model = await Classifier.train(train, { dim, epochs: 1 }, { pretrained });
  const vectors = model.wordVectors();
  const zebra = vectors.words.indexOf("zebra");
  assert(zebra >= 0, "zebra is in the vocabulary");
  // Never in a training line, so never updated: still the pretrained vector.
  assertEquals(Array.from(vectors.data.subarray(zebra * dim, zebra * dim + dim)), [
    0.5,
    -0.5,
    0.25,
    -0.25,
  ]);
  const e = await Classifier.train(train, { dim: 5 }, { pretrained }).then(() => 0, (e) => e);
  assert(e instanceof ConfigError && e.message.includes("dimension 4"));
});

Deno.test("config: defaults are fastText's; bad values name the field", () => {
  const c = resolveClassifierConfig();
  assertEquals([c.dim, c.epochs, c.lr, c.loss, c.bucket, c.negative, c.minCount], [
    100,
    5,
    0.1,
    "softmax",
    2000000,
    5,
    1,
  ]);
  assertThrows(() => resolveClassifierConfig({ dim: 0 }), ConfigError, "dim");
  assertThrows(
    () => resolveClassifierConfig({ loss: "hs" as "ns" }),
    ConfigError,
    "loss",
  );
});

// ---------- the CLI ----------

Deno.test("CLI: supervised, predict, test with fastText's flag spellings", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = (ex: Example[]) =>
      ex.map((e) => e.labels.map((l) => `__label__${l}`).join(" ") + " " + e.tokens.join(" "))
        .join("\n") + "\n";
    await Deno.writeTextFile(`${dir}/train.txt`, lines(separable(200, 21)));
    await Deno.writeTextFile(`${dir}/test.txt`, lines(separable(40, 22)));
    let io = captureIO();
    const code = await runSupervised(
      [
        "-input",
        `${dir}/train.txt`,
        "-output",
        `${dir}/model`,
        "-dim",
        "10",
        "-epoch",
        "5",
        "-lr",
        "0.5",
        "-wordNgrams",
        "2",
        "-bucket",
        "5000",
        "-loss",
        "ns",
        "-thread",
        "1",
        "--verbose",
        "0",
      ],
      io,
    );
    assertEquals(code, 0, io.stderr);
    const stat = await Deno.stat(`${dir}/model.nsm`);
    assert(stat.size > 0);
    assert(/^27 10\n/.test(await Deno.readTextFile(`${dir}/model.vec`))); // 20 + 6 + </s>
    io = captureIO();
    assertEquals(await runTest([`${dir}/model.nsm`, `${dir}/test.txt`], io), 0, io.stderr);
    assertEquals(io.stdout, "N\t40\nP@1\t1\nR@1\t1\nAccuracy\t1\n");
    io = captureIO();
    await Deno.writeTextFile(`${dir}/in.txt`, "w1_0 the\nw3_2 w3_1\n");
    assertEquals(await runPredict([`${dir}/model.nsm`, `${dir}/in.txt`, "2"], io), 0, io.stderr);
    const out = io.stdout.trim().split("\n");
    assertEquals(out.length, 2);
    assert(out[0].startsWith("__label__c1 __label__"), out[0]);
    io = captureIO();
    assertEquals(await runPredict(["--prob", `${dir}/model.nsm`, `${dir}/in.txt`], io), 0);
    assert(/^__label__c3 0\.\d+$/.test(io.stdout.trim().split("\n")[1]), io.stdout);
    // Errors: exit 2 for a bad command line, 1 for a bad file, with the file:line.
    io = captureIO();
    assertEquals(await runSupervised(["-input", `${dir}/train.txt`, "-loss", "hs"], io), 2);
    assertStringIncludes(io.stderr, `-loss: "hs" is not one of ns, softmax`);
    await Deno.writeTextFile(`${dir}/bad.txt`, "__label__a x\nno label\n");
    io = captureIO();
    assertEquals(
      await runSupervised(["-input", `${dir}/bad.txt`, "-output", `${dir}/m2`], io),
      1,
    );
    assertStringIncludes(io.stderr, `${dir}/bad.txt:2: no label`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("small things: the probability of a line with no known input", async () => {
  const model = await Classifier.train(separable(40, 30), { dim: 4, epochs: 1 });
  // "</s>" is always known, so every line has an input, as in fastText.
  assertEquals(model.predict("zzz qqq").length, 1);
  assertLess(model.inputIds([]).length, 2);
});
