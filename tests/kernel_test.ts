// Tests of the WebAssembly kernel (assembly/) through its exports: the SGNS step
// against a float64 scalar reference and against finite differences of the loss,
// the SIMD sigmoid, the noise sampler (chi-square), subsampling, negatives,
// whole chunks against a scalar reference trainer, determinism and learning.
// Every numeric test runs on both builds (plain SIMD and relaxed SIMD).
import { Kernel } from "../src/kernel/kernel.ts";
import {
  type KernelExports,
  MODE_CBOW,
  MODE_SKIPGRAM,
  MODE_SKIPGRAM_SHARED,
  SENTENCE_END,
} from "../src/kernel/exports.ts";
import type { KernelVariant } from "../src/kernel/module.ts";
import { aliasProbabilities, aliasTable, noiseWeights } from "../src/train/noise.ts";
import { keepProbability, keepThresholds } from "../src/train/subsample.ts";
import { train, type TrainedModel } from "../src/train/trainer.ts";
import { resolveConfig, type TrainConfig } from "../src/train/config.ts";
import { layOut } from "../src/train/tables.ts";
import { Vocab } from "../src/vocab.ts";
import { memoryCorpus } from "../src/corpus/source.ts";
import { assert, assertClose, assertEquals } from "./assert.ts";
import { mulberry32 as rng } from "../src/random.ts";

const VARIANTS: KernelVariant[] = ["simd", "relaxed"];
/** f32 unit roundoff. */
const EPS32 = 2 ** -24;

// ---------- deterministic test data ----------

/** k distinct integers of [0, n), in random order. */
function distinct(rand: () => number, n: number, k: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logSigmoid(x: number): number {
  return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
}

// ---------- a kernel with hand-made tables ----------

interface Rig {
  kernel: Kernel;
  k: KernelExports;
  vocab: number;
  dim: number;
  rowFloats: number;
  rowBytes: number;
  input: number;
  output: number;
  alias: number;
  keep: number;
  scratch: number;
  /** One spare row for testStep's gradient. */
  grad: number;
  /** Room for MAX_NEGATIVE + 1 target ids. */
  ids: number;
  /** Room for token ids given to trainChunk. */
  tokens: number;
}

interface RigOptions {
  /** Noise weights (default uniform). */
  noise?: Float64Array;
  /** Subsampling thresholds (default: keep every word). */
  keep?: Uint32Array;
  /** Token buffer size in u32 (default 4096). */
  tokens?: number;
  /** Exact sigmoid (default true). */
  exact?: boolean;
}

async function makeRig(
  variant: KernelVariant,
  vocab: number,
  dim: number,
  options: RigOptions = {},
): Promise<Rig> {
  const kernel = await Kernel.create({ variant });
  const k = kernel.exports;
  const rowFloats = Kernel.rowFloats(dim);
  const rowBytes = rowFloats * 4;
  const a = kernel.arena;
  const rig: Rig = {
    kernel,
    k,
    vocab,
    dim,
    rowFloats,
    rowBytes,
    input: a.alloc(vocab * rowBytes, "input"),
    output: a.alloc(vocab * rowBytes, "output"),
    alias: a.alloc(vocab * 8, "alias"),
    keep: a.alloc(vocab * 4, "keep"),
    scratch: a.alloc(k.scratchBytes(rowFloats), "scratch"),
    grad: a.alloc(rowBytes, "grad"),
    ids: a.alloc(4 * 128, "ids"),
    tokens: a.alloc(4 * (options.tokens ?? 4096), "tokens"),
  };
  const noise = options.noise ?? new Float64Array(vocab).fill(1);
  a.u32(rig.alias, 2 * vocab).set(aliasTable(noise));
  a.u32(rig.keep, vocab).set(options.keep ?? new Uint32Array(vocab).fill(0xFFFFFFFF));
  k.setTables(rig.input, rig.output, rig.alias, rig.keep, vocab, rowFloats);
  k.setScratch(rig.scratch);
  k.setExact(options.exact === false ? 0 : 1);
  return rig;
}

/** A live view of a whole padded row (views are re-made: memory may have grown). */
function rowView(rig: Rig, table: number, word: number): Float32Array {
  return rig.kernel.arena.f32(table + word * rig.rowBytes, rig.rowFloats);
}

/** Fills the first `dim` lanes of a row with U(-scale, scale) and zeroes the pad lanes. */
function fillRow(rig: Rig, table: number, word: number, rand: () => number, scale: number) {
  const r = rowView(rig, table, word);
  r.fill(0);
  for (let i = 0; i < rig.dim; i++) r[i] = (2 * rand() - 1) * scale;
}

function readRow(rig: Rig, table: number, word: number): Float64Array {
  return Float64Array.from(rowView(rig, table, word));
}

/** Scale of U(-s, s) entries so that dot products have a standard deviation near 2. */
function entryScale(dim: number): number {
  return Math.sqrt(6 / Math.sqrt(dim));
}

/** Runs testStep on h = input row `hWord` against output rows `ids` (positive first).
 *  Returns the gradient row (accumulated into a zeroed row). */
function step(rig: Rig, hWord: number, ids: number[], lr: number): Float64Array {
  const a = rig.kernel.arena;
  a.f32(rig.grad, rig.rowFloats).fill(0);
  a.u32(rig.ids, ids.length).set(ids);
  rig.k.testStep(rig.input + hWord * rig.rowBytes, rig.grad, rig.ids, ids.length, lr);
  return Float64Array.from(a.f32(rig.grad, rig.rowFloats));
}

function loss(rig: Rig, hWord: number, ids: number[]): number {
  rig.kernel.arena.u32(rig.ids, ids.length).set(ids);
  return rig.k.testLoss(rig.input + hWord * rig.rowBytes, rig.ids, ids.length);
}

// ---------- the SGNS step vs a float64 scalar reference ----------

interface RefStep {
  /** New output rows, in target order. */
  outputs: Float64Array[];
  grad: Float64Array;
  gains: number[];
  /** Error bounds for outputs and grad from f32 arithmetic in the kernel. */
  outputTol: Float64Array[];
  gradTol: Float64Array;
}

/** The step as specified: gains from the old rows, output rows moved along the old h,
 *  the gradient summed from the old output rows. Duplicate targets each contribute. */
function referenceStep(h: Float64Array, outs: Float64Array[], lr: number): RefStep {
  const d = h.length;
  const gains: number[] = [];
  const gainTol: number[] = [];
  for (let j = 0; j < outs.length; j++) {
    let f = 0;
    let magnitude = 0;
    for (let i = 0; i < d; i++) {
      f += h[i] * outs[j][i];
      magnitude += Math.abs(h[i] * outs[j][i]);
    }
    const label = j === 0 ? 1 : 0;
    const g = (label - sigmoid(f)) * lr;
    gains.push(g);
    // f32 dot: at most (d + 4) roundings of partial sums of |h_i o_i| (worst case);
    // sigma' <= 1/4; then f32 rounding of sigma, of label - sigma, and of the product.
    gainTol.push(lr * (0.25 * (d + 4) * EPS32 * magnitude + 4 * EPS32) + 2 * EPS32 * Math.abs(g));
  }
  const outputs = outs.map((o, j) => o.map((v, i) => v + gains[j] * h[i]));
  const outputTol = outs.map((o, j) =>
    o.map((v, i) =>
      Math.abs(h[i]) * gainTol[j] + 2 * EPS32 * (Math.abs(v) + Math.abs(gains[j] * h[i]))
    )
  );
  const grad = new Float64Array(d);
  const gradTol = new Float64Array(d);
  for (let j = 0; j < outs.length; j++) {
    for (let i = 0; i < d; i++) {
      grad[i] += gains[j] * outs[j][i];
      gradTol[i] += gainTol[j] * Math.abs(outs[j][i]) +
        (outs.length + 2) * EPS32 * Math.abs(gains[j] * outs[j][i]);
    }
  }
  return { outputs, grad, gains, outputTol, gradTol };
}

function checkRow(actual: Float64Array, expected: Float64Array, tol: Float64Array, what: string) {
  for (let i = 0; i < expected.length; i++) {
    // Tolerances are worst-case bounds; 1e-30 absorbs exact zeros.
    assertClose(actual[i], expected[i], tol[i] + 1e-30, `${what} lane ${i}`);
  }
}

Deno.test("testStep matches a float64 scalar reference (exact sigmoid), pad lanes stay 0", async () => {
  const lr = Math.fround(0.1);
  for (const variant of VARIANTS) {
    for (const dim of [1, 3, 4, 7, 100, 300]) {
      const vocab = 140;
      const rig = await makeRig(variant, vocab, dim);
      const rand = rng(dim * 7919 + (variant === "simd" ? 0 : 1));
      const scale = entryScale(dim);
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 128]) {
        for (let w = 0; w < vocab; w++) {
          fillRow(rig, rig.input, w, rand, scale);
          fillRow(rig, rig.output, w, rand, scale);
        }
        const ids = distinct(rand, vocab, n);
        const hWord = Math.floor(rand() * vocab);
        const h = readRow(rig, rig.input, hWord);
        const before = Array.from({ length: vocab }, (_, w) => readRow(rig, rig.output, w));
        const grad = step(rig, hWord, ids, lr);
        const ref = referenceStep(
          h.subarray(0, dim),
          ids.map((w) => before[w].subarray(0, dim)),
          lr,
        );
        const what = `${variant} dim ${dim} n ${n}`;
        checkRow(grad.subarray(0, dim), ref.grad, ref.gradTol, `${what} grad`);
        ids.forEach((w, j) => {
          const after = readRow(rig, rig.output, w);
          checkRow(after.subarray(0, dim), ref.outputs[j], ref.outputTol[j], `${what} target ${j}`);
        });
        // h itself is not touched by the step (the caller applies grad).
        assertEquals(Array.from(readRow(rig, rig.input, hWord)), Array.from(h), `${what} h`);
        // Rows that are not targets are untouched.
        const targets = new Set(ids);
        for (let w = 0; w < vocab; w++) {
          if (!targets.has(w)) {
            const after = readRow(rig, rig.output, w);
            assert(after.every((v, i) => v === before[w][i]), `${what}: row ${w} changed`);
          }
        }
        // Pad lanes stay exactly 0 everywhere.
        for (let i = dim; i < rig.rowFloats; i++) {
          assert(Object.is(grad[i], 0), `${what}: grad pad lane ${i} = ${grad[i]}`);
          for (const w of ids) {
            const v = rowView(rig, rig.output, w)[i];
            assert(Object.is(v, 0), `${what}: output row ${w} pad lane ${i} = ${v}`);
          }
        }
      }
    }
  }
});

// ---------- the gradient vs finite differences of the loss ----------

Deno.test("testStep's updates are -lr * the gradient of testLoss (central differences)", async () => {
  const lr = Math.fround(0.5);
  for (const variant of VARIANTS) {
    for (const dim of [1, 3, 5]) {
      for (const n of [1, 2, 6]) {
        const vocab = 8;
        const rig = await makeRig(variant, vocab, dim);
        const rand = rng(1000 * dim + n);
        for (let w = 0; w < vocab; w++) {
          fillRow(rig, rig.input, w, rand, 1.2);
          fillRow(rig, rig.output, w, rand, 1.2);
        }
        const ids = distinct(rand, vocab, n);
        const hWord = 3;
        const snapshot = ids.map((w) => Float32Array.from(rowView(rig, rig.output, w)));
        const grad = step(rig, hWord, ids, lr);
        // Analytic -dL/d(row): the step's change divided by lr.
        const analytic: {
          row: Float32Array;
          k: number;
          value: number;
          label: number;
          h: number;
        }[] = [];
        const h = rowView(rig, rig.input, hWord);
        ids.forEach((w, j) => {
          const after = rowView(rig, rig.output, w);
          for (let i = 0; i < dim; i++) {
            analytic.push({
              row: rowView(rig, rig.output, w),
              k: i,
              value: (after[i] - snapshot[j][i]) / lr,
              label: j === 0 ? 1 : 0,
              h: h[i],
            });
          }
          rowView(rig, rig.output, w).set(snapshot[j]); // undo the step
        });
        for (let i = 0; i < dim; i++) {
          analytic.push({ row: h, k: i, value: grad[i] / lr, label: -1, h: 0 });
        }
        // Central differences of the loss, perturbing the f32 rows by ~1% of the entry.
        const fd = analytic.map(({ row, k }) => {
          const x = row[k];
          const delta = 1e-2 * Math.max(Math.abs(x), 0.1);
          const up = Math.fround(x + delta);
          const down = Math.fround(x - delta);
          row[k] = up;
          const lUp = loss(rig, hWord, ids);
          row[k] = down;
          const lDown = loss(rig, hWord, ids);
          row[k] = x;
          return -(lUp - lDown) / (up - down);
        });
        const largest = Math.max(...fd.map(Math.abs));
        // f32 dot products put ~1e-7 of noise in the loss (/ a 2e-2 step: ~1e-5); the
        // measured worst error is ~5e-5 of the largest entry.
        const tol = 3e-4 * largest + 3e-5;
        analytic.forEach((a, i) => {
          assertClose(a.value, fd[i], tol, `${variant} dim ${dim} n ${n} entry ${i}`);
        });
        // The test has power: a flipped sign, or a swapped label on an output row (its
        // gain moves by exactly 1, so -dL/do_k moves by h_k), would be caught.
        assert(
          analytic.some((a, i) => Math.abs(-a.value - fd[i]) > tol),
          `${variant} dim ${dim} n ${n}: a sign error would go unnoticed`,
        );
        for (let j = 0; j < n; j++) {
          const rows = analytic.map((a, i) => ({ a, i })).slice(j * dim, (j + 1) * dim);
          const shift = (label: number) => (label === 1 ? -1 : 1);
          assert(
            rows.some(({ a, i }) => Math.abs(a.value + shift(a.label) * a.h - fd[i]) > tol),
            `${variant} dim ${dim} n ${n}: a swapped label on target ${j} would go unnoticed`,
          );
        }
      }
    }
  }
});

// ---------- the SIMD sigmoid ----------

Deno.test("fast sigmoid: gains and loss terms within 1e-6 of exact, sigma clamped beyond ±6", async () => {
  // h = e_0 makes h . o = o[0] exactly and the gain g = o'[0] - o[0] (exact in f32 up to
  // one rounding of o + g), so each step reads back the gains the kernel used; the loss
  // accumulator gives the sum of the step's loss terms.
  const lr = Math.fround(0.5);
  for (const variant of VARIANTS) {
    for (const exact of [false, true]) {
      const rig = await makeRig(variant, 8, 4, { exact });
      rowView(rig, rig.input, 7).set([1, 0, 0, 0]);
      let largestLossError = 0;
      for (let x = -9; x <= 9.0001; x += 0.0173) {
        const f = Math.fround(x);
        const ids = [0, 1, 2, 3, 4];
        for (const w of ids) rowView(rig, rig.output, w).set([f, 0, 0, 0]);
        rig.k.resetLoss();
        step(rig, 7, ids, lr);
        const what = `${variant} ${exact ? "exact" : "fast"} f=${f}`;
        for (const [j, w] of ids.entries()) {
          const label = j === 0 ? 1 : 0;
          const after = rowView(rig, rig.output, w)[0];
          const roundoff = 2 * EPS32 * (Math.abs(f) + 1);
          if (!exact && (f >= 6 || f <= -6)) {
            // Clamped as in word2vec: sigma is exactly 1 above 6 and exactly 0 below -6.
            const expected = Math.fround(f + (label - (f > 0 ? 1 : 0)) * lr);
            assertEquals(after, expected, `${what} label ${label} (clamped)`);
          } else {
            const gain = (label - sigmoid(f)) * lr;
            assertClose(after - f, gain, lr * 1e-6 + roundoff, `${what} label ${label}`);
          }
        }
        // One positive and four noise words, all scored f: -log sigma(f) - 4 log sigma(-f).
        const loss = -logSigmoid(f) - 4 * logSigmoid(-f);
        largestLossError = Math.max(largestLossError, Math.abs(rig.k.lossTotal() - loss));
        assertClose(rig.k.lossTotal(), loss, 5 * 1e-6 * (1 + Math.abs(f)), `${what} loss`);
      }
      // The check has power: the old 1000-step table was off by up to ~3e-3 per term.
      assert(largestLossError < 1e-4, `${variant}: loss error ${largestLossError}`);
    }
  }
});

// ---------- loss accounting ----------

Deno.test("loss accounting: one step adds testLoss (before the step) and one step", async () => {
  for (const variant of VARIANTS) {
    for (const exact of [true, false]) {
      for (const [dim, n] of [[5, 1], [16, 6], [100, 11]]) {
        const rig = await makeRig(variant, 16, dim, { exact });
        const rand = rng(dim * 13 + n);
        for (let w = 0; w < 16; w++) {
          fillRow(rig, rig.input, w, rand, entryScale(dim));
          fillRow(rig, rig.output, w, rand, entryScale(dim));
        }
        const ids = distinct(rand, 16, n);
        // The loss in f64 from the f32 rows.
        const h = readRow(rig, rig.input, 15);
        let expected = 0;
        ids.forEach((w, j) => {
          const o = readRow(rig, rig.output, w);
          let f = 0;
          for (let i = 0; i < dim; i++) f += h[i] * o[i];
          expected -= j === 0 ? logSigmoid(f) : logSigmoid(-f);
        });
        const before = loss(rig, 15, ids);
        rig.k.resetLoss();
        assertEquals([rig.k.lossTotal(), rig.k.lossCount()], [0, 0], "after resetLoss");
        step(rig, 15, ids, Math.fround(0.05));
        const what = `${variant} ${exact ? "exact" : "fast"} dim ${dim} n ${n}`;
        assertEquals(rig.k.lossCount(), 1, what);
        // Same function, dot products summed in a different order and terms summed in
        // f32: f32 noise only (the fast mode's terms are within 1e-6 of exact).
        const termTol = 1e-5;
        assertClose(rig.k.lossTotal(), before, n * termTol, what);
        assertClose(before, expected, n * termTol, `${what} testLoss vs f64`);
        // The accumulator adds up over steps.
        step(rig, 15, ids, Math.fround(0.05));
        assertEquals(rig.k.lossCount(), 2, what);
      }
    }
  }
});

// ---------- the noise sampler ----------

/** ln Gamma (Lanczos, g = 7, n = 9): ~1e-15 relative for x > 0. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series / Lentz continued fraction). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * front;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return front * h;
}

/** Pearson's chi-square of observed counts against probabilities: bins expected to
 *  hold fewer than 5 are pooled into one bin (dropped if the pool is still < 5). */
function chiSquare(observed: Uint32Array, probs: Float64Array, total: number) {
  let stat = 0;
  let bins = 0;
  let poolObserved = 0;
  let poolExpected = 0;
  for (let i = 0; i < probs.length; i++) {
    const e = probs[i] * total;
    if (e >= 5) {
      stat += (observed[i] - e) ** 2 / e;
      bins++;
    } else {
      poolObserved += observed[i];
      poolExpected += e;
    }
  }
  if (poolExpected >= 5) {
    stat += (poolObserved - poolExpected) ** 2 / poolExpected;
    bins++;
  }
  const df = bins - 1;
  return { stat, df, p: gammaQ(df / 2, stat / 2) };
}

/** A correct sampler fails with probability below 1e-6. */
const P_THRESHOLD = 1e-7;

Deno.test("chi-square helper: known quantiles", () => {
  // scipy: chi2.sf(3.841458820694124, 1) = 0.05, chi2.ppf(0.95, 1000) = 1074.679448803441,
  // chi2.sf(2, 4) = Q(2, 1) = 2/e.
  assertClose(gammaQ(0.5, 3.841458820694124 / 2), 0.05, 1e-9);
  assertClose(gammaQ(500, 1074.679448803441 / 2), 0.05, 1e-9);
  assertClose(gammaQ(2, 1), 2 / Math.E, 1e-12);
});

Deno.test("noise sampler: alias draws follow count^exponent (chi-square, with power)", async () => {
  const vocab = 1000;
  const counts = Float64Array.from({ length: vocab }, (_, i) => Math.floor(1e6 / (i + 1)) + 1);
  const draws = 2_000_000;
  for (const variant of VARIANTS) {
    const results: string[] = [];
    for (const exponent of [0.75, 0, 1]) {
      const weights = noiseWeights(counts, exponent);
      let total = 0;
      for (const w of weights) total += w;
      const target = weights.map((w) => w / total);
      const table = aliasTable(weights);
      const encoded = aliasProbabilities(table);
      for (let i = 0; i < vocab; i++) {
        assertClose(encoded[i], target[i], 1e-9, `exponent ${exponent}: aliasProbabilities[${i}]`);
      }
      const rig = await makeRig(variant, vocab, 4, { noise: weights, tokens: draws });
      rig.k.seed(0x5EEDn + BigInt(Math.round(exponent * 100)));
      rig.k.sampleAlias(rig.tokens, draws);
      const sample = rig.kernel.arena.u32(rig.tokens, draws);
      const observed = new Uint32Array(vocab);
      for (const w of sample) {
        assert(w < vocab, `draw ${w} is not a word`);
        observed[w]++;
      }
      const fit = chiSquare(observed, target, draws);
      results.push(`exponent ${exponent}: chi2 ${fit.stat.toFixed(1)} df ${fit.df} p ${fit.p}`);
      assert(fit.df >= 900, `too few bins: ${fit.df}`);
      assert(fit.p > P_THRESHOLD, `${variant} ${results.at(-1)}`);
      // Power: the same test rejects draws from a different exponent.
      if (exponent !== 0.75) continue;
      const wrongWeights = noiseWeights(counts, 1);
      let wrongTotal = 0;
      for (const w of wrongWeights) wrongTotal += w;
      const wrong = chiSquare(observed, wrongWeights.map((w) => w / wrongTotal), draws);
      assert(wrong.p < P_THRESHOLD, `exponent 0.75 draws pass as exponent 1: p ${wrong.p}`);
      const close = noiseWeights(counts, 0.74);
      let closeTotal = 0;
      for (const w of close) closeTotal += w;
      const near = chiSquare(observed, close.map((w) => w / closeTotal), draws);
      assert(near.p < P_THRESHOLD, `exponent 0.75 draws pass as exponent 0.74: p ${near.p}`);
    }
  }
});

Deno.test("noise pool: draws a pool's turnover apart follow count^0.75 (chi-square)", async () => {
  // A pooled word was drawn fresh at most size * reuse draws earlier, so draws that far
  // apart share nothing and are independent draws of the pool's marginal, which must be
  // the noise distribution itself.
  const vocab = 200;
  const counts = Float64Array.from({ length: vocab }, (_, i) => Math.floor(1e6 / (i + 1)) + 1);
  const weights = noiseWeights(counts, 0.75);
  let total = 0;
  for (const w of weights) total += w;
  const target = weights.map((w) => w / total);
  const draws = 100_000;
  for (const variant of VARIANTS) {
    const rig = await makeRig(variant, vocab, 4, { noise: weights, tokens: draws });
    const { size, reuse } = poolShape(rig.k);
    assert(size >= 16 && reuse >= 1, `pool ${size} x ${reuse}`);
    rig.k.seed(0xB001n);
    rig.k.sampleNoise(rig.tokens, draws, size * reuse);
    const observed = new Uint32Array(vocab);
    for (const w of rig.kernel.arena.u32(rig.tokens, draws)) {
      assert(w < vocab, `draw ${w} is not a word`);
      observed[w]++;
    }
    const fit = chiSquare(observed, target, draws);
    assert(fit.df >= 150, `too few bins: ${fit.df}`);
    assert(fit.p > P_THRESHOLD, `${variant}: chi2 ${fit.stat.toFixed(1)} df ${fit.df} p ${fit.p}`);
    const flat = chiSquare(observed, new Float64Array(vocab).fill(1 / vocab), draws);
    assert(flat.p < P_THRESHOLD, `pool draws pass as uniform: p ${flat.p}`);
  }
});

// ---------- subsampling ----------

Deno.test("subsampling: countKept matches keepProbability (binomial bound)", async () => {
  const counts = new Float64Array([5e6, 1e6, 2e5, 5e4, 1e4, 2e3, 300, 40, 5, 1]);
  let total = 0;
  for (const c of counts) total += c;
  const n = 400_000;
  for (const variant of VARIANTS) {
    for (const sample of [1e-3, 1e-5]) {
      const keep = keepThresholds(counts, sample, total);
      const rig = await makeRig(variant, counts.length, 4, { keep });
      rig.k.seed(BigInt(Math.round(1 / sample)));
      let below = 0;
      for (let w = 0; w < counts.length; w++) {
        const p = keepProbability(counts[w], sample, total);
        const kept = rig.k.countKept(w, n);
        if (p >= 1) {
          assertEquals(kept, n, `sample ${sample} word ${w} (p = 1)`);
          continue;
        }
        below++;
        // |Z| > 6 has probability 2e-9 per check.
        const sd = Math.sqrt(n * p * (1 - p));
        assertClose(kept, n * p, 6 * sd + 1, `${variant} sample ${sample} word ${w} p ${p}`);
      }
      assert(below >= 4, `sample ${sample}: only ${below} words are ever dropped`);
    }
  }
});

// ---------- negatives ----------

/** Finds the kernel's target-row list in its scratch: after a draw for word 0 into a
 *  zeroed scratch, the only u32 equal to output row 0's address is targetRows[0]. */
function findTargetRows(rig: Rig): number {
  const words = rig.k.scratchBytes(rig.rowFloats) / 4;
  const scratch = rig.kernel.arena.u32(rig.scratch, words);
  scratch.fill(0);
  rig.k.testDrawTargets(0);
  const hits: number[] = [];
  scratch.forEach((v, i) => {
    if (v === rig.output) hits.push(i);
  });
  assertEquals(hits.length, 1, "occurrences of output row 0's address in scratch");
  return rig.scratch + 4 * hits[0];
}

const MASK64 = (1n << 64n) - 1n;

/** The kernel's SplitMix64 stream and its two derived draws (assembly/rng.ts). */
class SplitMix64 {
  constructor(public state: bigint) {}
  next(): bigint {
    this.state = (this.state + 0x9E3779B97F4A7C15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK64;
    return z ^ (z >> 31n);
  }
  below(n: number): number {
    return Number(((this.next() >> 32n) * BigInt(n)) >> 32n);
  }
  /** One fresh noise word by the alias table (assembly/sampler.ts freshNoise). */
  fresh(alias: Uint32Array): number {
    const r = this.next();
    const column = Number(((r >> 32n) * BigInt(alias.length / 2)) >> 32n);
    return Number(r & 0xFFFFFFFFn) < alias[2 * column] ? column : alias[2 * column + 1];
  }
}

/** The kernel's noise pool (assembly/sampler.ts), on the same stream: `size` fresh
 *  draws at the start (refillNoise); a step starts at a slot drawn by below(size)
 *  (startNoise) and takes consecutive slots; before each draw, every `reuse` draws,
 *  the oldest pooled word is replaced by a fresh one. */
class NoisePool {
  readonly #words: number[];
  #untilFresh: number;
  #oldest = 0;
  #cursor = 0;
  constructor(
    readonly rand: SplitMix64,
    readonly alias: Uint32Array,
    readonly size: number,
    readonly reuse: number,
  ) {
    this.#words = Array.from({ length: size }, () => rand.fresh(alias));
    this.#untilFresh = reuse;
  }
  start(): void {
    this.#cursor = this.rand.below(this.size);
  }
  draw(): number {
    if (--this.#untilFresh === 0) {
      this.#untilFresh = this.reuse;
      this.#words[this.#oldest] = this.rand.fresh(this.alias);
      this.#oldest = (this.#oldest + 1) % this.size;
    }
    const word = this.#words[this.#cursor];
    this.#cursor = (this.#cursor + 1) % this.size;
    return word;
  }
}

/** The kernel's pool size and reuse (its exported constants). */
function poolShape(k: KernelExports): { size: number; reuse: number } {
  return { size: Number(k.NOISE_POOL.value), reuse: Number(k.NOISE_REUSE.value) };
}

/** The kernel's targets for one step: the positive, then each distinct noise draw
 *  other than the positive in order of first draw, with how often it was drawn. */
function referenceTargets(
  noise: NoisePool,
  positive: number,
  negative: number,
): { words: number[]; weights: number[] } {
  const words = [positive];
  const weights = [1];
  noise.start();
  for (let i = 0; i < negative; i++) {
    const w = noise.draw();
    if (w === positive) continue;
    const j = words.indexOf(w, 1);
    if (j > 0) weights[j]++;
    else {
      words.push(w);
      weights.push(1);
    }
  }
  return { words, weights };
}

Deno.test("drawTargets: the positive first, then distinct rows, never the positive", async () => {
  // Three words, so the positive is drawn often: uniform noise, and one word with 80%.
  for (const variant of VARIANTS) {
    for (const noise of [new Float64Array([1, 1, 1]), new Float64Array([8, 1, 1])]) {
      const rig = await makeRig(variant, 3, 4, { noise });
      const negative = 6;
      rig.k.setParams(5, negative, 0.025, 0.0001, 1e6);
      const targetRows = findTargetRows(rig);
      rig.k.seed(42n);
      rig.k.refillNoise();
      for (let positive = 0; positive < 3; positive++) {
        for (let t = 0; t < 20_000; t++) {
          const n = rig.k.testDrawTargets(positive);
          assert(n >= 1 && n <= 3, `n = ${n} targets from 3 words`);
          const rows = rig.kernel.arena.u32(targetRows, n);
          assertEquals(rows[0], rig.output + positive * rig.rowBytes, "targets[0]");
          const words = Array.from(rows, (r) => (r - rig.output) / rig.rowBytes);
          for (const [j, w] of words.entries()) {
            assert(Number.isInteger(w) && w >= 0 && w < 3, `target ${j}: bad row ${rows[j]}`);
            assert(j === 0 || w !== positive, `the positive ${positive} was drawn as a negative`);
          }
          assertEquals(new Set(words).size, n, `repeated target rows ${words}`);
        }
      }
    }
  }
});

Deno.test("drawTargets: exactly the noise draws minus the positive, repeats merged (RNG replay)", async () => {
  // Replays the kernel's stream: `negative` draws from the alias table, those equal to
  // the positive dropped, a repeated word kept once (its multiplicity is checked by
  // the trainChunk reference tests below, where it doubles the row's update).
  const noise = Float64Array.from({ length: 7 }, (_, i) => 1 / (i + 1) ** 1.5);
  const alias = aliasTable(noise);
  for (const variant of VARIANTS) {
    for (const negative of [1, 5, 15]) {
      const rig = await makeRig(variant, noise.length, 4, { noise });
      rig.k.setParams(5, negative, 0.025, 0.0001, 1e6);
      const targetRows = findTargetRows(rig);
      const seed = 1234n + BigInt(negative);
      rig.k.seed(seed);
      rig.k.refillNoise();
      const stream = new SplitMix64(seed);
      const { size, reuse } = poolShape(rig.k);
      const pool = new NoisePool(stream, alias, size, reuse);
      let repeats = 0;
      for (let t = 0; t < 3000; t++) {
        const positive = t % noise.length;
        const expected = referenceTargets(pool, positive, negative);
        const n = rig.k.testDrawTargets(positive);
        const rows = Array.from(rig.kernel.arena.u32(targetRows, n));
        const words = rows.map((r) => (r - rig.output) / rig.rowBytes);
        assertEquals(words, expected.words, `${variant} negative ${negative} call ${t}`);
        if (expected.weights.some((w) => w > 1)) repeats++;
      }
      assertEquals(
        BigInt.asUintN(64, rig.k.rngState()),
        stream.state,
        `${variant} negative ${negative}: RNG draws`,
      );
      if (negative > 1) assert(repeats > 100, `only ${repeats} steps with a repeated draw`);
    }
  }
});

// ---------- whole chunks vs a scalar reference trainer ----------

interface RefModel {
  input: Float64Array[];
  output: Float64Array[];
}

/** Distinct context rows per shared-negatives block (assembly/model.ts MAX_BATCH): a
 *  window with more runs as several blocks, each seeing the previous ones' updates. */
const SHARED_BLOCK = 16;

/** word2vec's training loop in float64, written for clarity: sentences in order, a
 *  dynamic window reach drawn per position, noise words from the kernel's noise pool
 *  (filled at the start of the chunk; a draw equal to the positive is skipped). Skip-gram updates one pair at a time; CBOW
 *  uses the mean of the context rows and adds its gradient to each; shared negatives
 *  draw once per position and update the context rows of the window in blocks of
 *  SHARED_BLOCK distinct words (within a block, every product uses the rows as they
 *  were before it). The RNG calls are made in the kernel's order
 *  (reach, then the negatives), so the same seed gives the same draws. */
function referenceTrain(
  model: RefModel,
  sentences: number[][],
  mode: number,
  window: number,
  negative: number,
  lr: number,
  noise: { alias: Uint32Array; size: number; reuse: number },
  rand: SplitMix64,
): { repeats: number; loss: number; steps: number } {
  const pool = new NoisePool(rand, noise.alias, noise.size, noise.reuse);
  let repeats = 0;
  let loss = 0;
  let steps = 0;
  const term = (f: number, t: number) => (t === 0 ? -logSigmoid(f) : -logSigmoid(-f));
  // Every draw other than the positive is a target; a repeated word is a target twice
  // (both gains from the rows as they were before the step, both updates applied).
  const drawTargets = (positive: number): number[] => {
    const targets = [positive];
    pool.start();
    for (let i = 0; i < negative; i++) {
      const w = pool.draw();
      if (w !== positive) targets.push(w);
    }
    if (new Set(targets).size < targets.length) repeats++;
    return targets;
  };
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  const gain = (f: number, t: number) => ((t === 0 ? 1 : 0) - sigmoid(f)) * lr;
  /** One SGNS step of h (not modified) against targets; returns the gradient. */
  const sgns = (h: Float64Array, targets: number[]): Float64Array => {
    const dots = targets.map((w) => dot(h, model.output[w]));
    dots.forEach((f, t) => (loss += term(f, t)));
    steps++;
    const gains = dots.map((f, t) => gain(f, t));
    const grad = new Float64Array(h.length);
    targets.forEach((w, t) => model.output[w].forEach((v, i) => (grad[i] += gains[t] * v)));
    targets.forEach((w, t) => model.output[w].forEach((_, i, o) => (o[i] += gains[t] * h[i])));
    return grad;
  };
  for (const sentence of sentences) {
    const length = sentence.length;
    for (let pos = 0; pos < length; pos++) {
      const word = sentence[pos];
      const reach = window - rand.below(window);
      const first = Math.max(0, pos - reach);
      const last = Math.min(length - 1, pos + reach);
      const contexts: number[] = [];
      for (let c = first; c <= last; c++) if (c !== pos) contexts.push(sentence[c]);
      if (mode === MODE_SKIPGRAM) {
        for (const c of contexts) {
          const h = model.input[c];
          const grad = sgns(Float64Array.from(h), drawTargets(word));
          h.forEach((_, i) => (h[i] += grad[i]));
        }
      } else if (contexts.length > 0) {
        const targets = drawTargets(word);
        if (mode === MODE_CBOW) {
          const mean = new Float64Array(model.input[0].length);
          for (const c of contexts) model.input[c].forEach((v, i) => (mean[i] += v));
          mean.forEach((_, i) => (mean[i] /= contexts.length));
          const grad = sgns(mean, targets);
          for (const c of contexts) model.input[c].forEach((_, i, h) => (h[i] += grad[i]));
        } else {
          // Blocks of SHARED_BLOCK distinct context words (a block runs as soon as it
          // is full); a word repeated within a block is one context of multiplicity m
          // (its gradient counts m times).
          const blocks: Map<number, number>[] = [new Map()];
          for (const c of contexts) {
            let open = blocks[blocks.length - 1];
            if (open.size === SHARED_BLOCK) blocks.push(open = new Map());
            open.set(c, (open.get(c) ?? 0) + 1);
          }
          for (const counts of blocks) {
            const block = [...counts.keys()];
            const times = block.map((c) => counts.get(c)!);
            const old = block.map((c) => Float64Array.from(model.input[c]));
            const dots = old.map((h) => targets.map((w) => dot(h, model.output[w])));
            dots.forEach((row, c) => row.forEach((f, t) => (loss += times[c] * term(f, t))));
            steps += times.reduce((a, b) => a + b, 0);
            const gains = dots.map((row, c) => row.map((f, t) => times[c] * gain(f, t)));
            const grads = old.map((h, c) => {
              const g = new Float64Array(h.length);
              targets.forEach((w, t) =>
                model.output[w].forEach((v, i) => (g[i] += gains[c][t] * v))
              );
              return g;
            });
            targets.forEach((w, t) =>
              old.forEach((h, c) =>
                model.output[w].forEach((_, i, o) => (o[i] += gains[c][t] * h[i]))
              )
            );
            block.forEach((w, c) => model.input[w].forEach((_, i, h) => (h[i] += grads[c][i])));
          }
        }
      }
    }
  }
  return { repeats, loss, steps };
}

interface ChunkCase {
  window: number;
  negative: number;
  /** Noise weights (one word only makes every draw that word). */
  noise: Float64Array;
  /** Train the output rows of words 0..localWords-1 as a training thread does: on
   *  local copies (assembly/local_rows.ts), merged into the table after the chunk;
   *  with `localInput`, their input rows too (skip-gram's modes: CBOW reads its
   *  window's rows straight from the table, and the host gives it no local rows). */
  localWords?: number;
  localInput?: boolean;
}

/** Trains one chunk in the kernel and in referenceTrain from the same rows and seed,
 *  compares both tables, and returns how many steps drew a noise word twice. */
async function compareChunk(
  variant: KernelVariant,
  mode: number,
  spec: ChunkCase,
  seed: bigint,
): Promise<number> {
  const vocab = spec.noise.length;
  const dim = 6;
  const rig = await makeRig(variant, vocab, dim, { noise: spec.noise });
  const rand = rng(Number(seed) + mode * 101);
  for (let w = 0; w < vocab; w++) {
    fillRow(rig, rig.input, w, rand, 0.8);
    fillRow(rig, rig.output, w, rand, 0.8);
  }
  const model: RefModel = {
    input: Array.from({ length: vocab }, (_, w) => readRow(rig, rig.input, w).subarray(0, dim)),
    output: Array.from({ length: vocab }, (_, w) => readRow(rig, rig.output, w).subarray(0, dim)),
  };
  // Sentences of several lengths (1 has no context), with repeated words; 24 words
  // with window 10 gives windows of up to 20 contexts (more than one shared block).
  const lengths = [7, 1, 24, 2, 13];
  const sentences = lengths.map((n) => Array.from({ length: n }, () => Math.floor(rand() * vocab)));
  const tokens = sentences.flatMap((s) => [...s, SENTENCE_END]);
  rig.kernel.arena.u32(rig.tokens, tokens.length).set(tokens);
  const local = spec.localWords ?? 0;
  const localIn = spec.localInput ? local : 0;
  const tables = localIn > 0 ? [rig.output, rig.input] : [rig.output];
  const sharedBefore = tables.map((t) =>
    Array.from({ length: local }, (_, w) => readRow(rig, t, w))
  );
  if (local > 0) {
    const block = rig.kernel.arena.alloc(2 * (local + localIn) * rig.rowBytes, "local rows");
    rig.k.setLocalRows(block, local, localIn);
  }
  const lr = Math.fround(0.05);
  // A huge planned word count keeps lr constant (no decay within the chunk).
  rig.k.setParams(spec.window, spec.negative, lr, 0.0001, 1e30);
  rig.k.seed(seed);
  rig.k.resetLoss();
  const consumed = rig.k.trainChunk(mode, rig.tokens, tokens.length, 0);
  assertEquals(consumed, tokens.length - sentences.length, "words consumed");
  if (local > 0) {
    // Until the merge, the shared rows of the local words have not moved.
    for (const [t, table] of tables.entries()) {
      for (let w = 0; w < local; w++) {
        assertEquals(
          readRow(rig, table, w),
          sharedBefore[t][w],
          `shared ${table === rig.input ? "input" : "output"} row ${w}`,
        );
      }
    }
    rig.k.mergeLocalRows();
  }
  const lossTotal = rig.k.lossTotal();
  const lossCount = rig.k.lossCount();
  const stream = new SplitMix64(seed);
  const ref = referenceTrain(
    model,
    sentences,
    mode,
    spec.window,
    spec.negative,
    lr,
    { alias: aliasTable(spec.noise), ...poolShape(rig.k) },
    stream,
  );
  const what = `${variant} mode ${mode} window ${spec.window} negative ${spec.negative}`;
  assertEquals(
    BigInt.asUintN(64, rig.k.rngState()),
    stream.state,
    `${what}: RNG draws (order or count) differ`,
  );
  // The loss the kernel accumulated: every term of every step, repeats counted.
  assertEquals(lossCount, ref.steps, `${what}: loss steps`);
  assertClose(lossTotal, ref.loss, 1e-5 * ref.loss, `${what}: loss total`);
  let largest = 0;
  for (const table of [model.input, model.output]) {
    for (const r of table) for (const v of r) largest = Math.max(largest, Math.abs(v));
  }
  // f32 rounding over a few hundred small steps stays near 1e-6 of the entries;
  // a missed or misdirected update moves entries by ~lr * |h| ~ 1e-2.
  const tol = 1e-5 * largest;
  for (let w = 0; w < vocab; w++) {
    const inRow = readRow(rig, rig.input, w);
    const outRow = readRow(rig, rig.output, w);
    for (let i = 0; i < dim; i++) {
      assertClose(inRow[i], model.input[w][i], tol, `${what}: input ${w}[${i}]`);
      assertClose(outRow[i], model.output[w][i], tol, `${what}: output ${w}[${i}]`);
    }
    for (let i = dim; i < rig.rowFloats; i++) {
      assert(inRow[i] === 0 && outRow[i] === 0, `${what}: pad lane ${i} of word ${w} moved`);
    }
  }
  return ref.repeats;
}

const MODES: [string, number][] = [
  ["skipgram", MODE_SKIPGRAM],
  ["cbow", MODE_CBOW],
  ["shared negatives", MODE_SKIPGRAM_SHARED],
];

Deno.test("trainChunk: window 1, one noise word (no randomness) matches the scalar reference", async () => {
  // Window 1 always reaches 1 and a single noise word makes every draw that word, so
  // the run does not depend on the RNG's order at all. negative 1 avoids duplicates.
  const noise = new Float64Array(9);
  noise[4] = 1;
  for (const variant of VARIANTS) {
    for (const [, mode] of MODES) {
      await compareChunk(variant, mode, { window: 1, negative: 1, noise }, 7n);
    }
  }
});

Deno.test("trainChunk: windows up to 20 contexts, real noise draws, match the scalar reference", async () => {
  // Replays the kernel's RNG stream, so a change of draw order is reported as such
  // (rngState check) before any arithmetic difference. Under Zipf noise a frequent
  // word is often drawn twice for one step: the reference applies both updates. Up to
  // 20 contexts (shared blocks of 16 + 4) and up to 21 targets per step.
  const noise = Float64Array.from({ length: 40 }, (_, i) => 1 / (i + 1));
  for (const variant of VARIANTS) {
    for (const [name, mode] of MODES) {
      for (const window of [2, 10]) {
        for (const negative of [1, 5, 20]) {
          const seed = 99n + BigInt(window * 10 + negative);
          const repeats = await compareChunk(variant, mode, { window, negative, noise }, seed);
          if (negative > 1) assert(repeats > 10, `${name}: only ${repeats} repeated draws`);
        }
      }
    }
  }
});

Deno.test("trainChunk on local rows, merged after the chunk, matches the scalar reference", async () => {
  // A training thread's most frequent words (the first 15 of 40) train on local rows,
  // output rows in every mode, input rows too in skip-gram's; the merge must carry
  // every one of their updates into the shared tables.
  const noise = Float64Array.from({ length: 40 }, (_, i) => 1 / (i + 1));
  for (const variant of VARIANTS) {
    for (const [, mode] of MODES) {
      const localInput = mode !== MODE_CBOW;
      const spec = { window: 10, negative: 5, noise, localWords: 15, localInput };
      await compareChunk(variant, mode, spec, 5n);
    }
  }
});

/** A rig with random rows in both tables, and a second kernel instance over its
 *  memory with its own scratch, as a training thread has. */
async function rigWithThread(vocab: number, dim: number, seed: number) {
  const rig = await makeRig("simd", vocab, dim, { exact: false });
  const rand = rng(seed);
  for (let w = 0; w < vocab; w++) {
    fillRow(rig, rig.input, w, rand, 0.5);
    fillRow(rig, rig.output, w, rand, 0.5);
  }
  const thread = new WebAssembly.Instance(rig.kernel.module, {
    env: { memory: rig.kernel.memory },
  }).exports as unknown as KernelExports;
  thread.setTables(rig.input, rig.output, rig.alias, rig.keep, vocab, rig.rowFloats);
  thread.setScratch(rig.kernel.arena.alloc(rig.k.scratchBytes(rig.rowFloats), "thread scratch"));
  return { rig, rand, thread };
}

Deno.test("mergeLocalInputRows, mergeLocalRows: both threads' changes reach the shared table", async () => {
  // Two kernel instances over one memory stand in for two threads: each trains a
  // chunk on its own local copies of the first 8 output and input rows, then they
  // merge in turn. Each shared row must end at its start plus both threads'
  // changes, and the thread that merges last must hold exactly the shared rows.
  const vocab = 20, dim = 8, local = 8;
  const { rig, thread: second } = await rigWithThread(vocab, dim, 11);
  const a = rig.kernel.arena;
  const rows = local * rig.rowBytes;
  // Block layout (assembly/local_rows.ts): output rows, their base, input rows, base.
  const tables = [{ name: "output", table: rig.output, at: 0 }, {
    name: "input",
    table: rig.input,
    at: 2 * rows,
  }];
  const threads = [rig.k, second].map((k, t) => {
    const block = a.alloc(4 * rows, "local rows");
    const tokens = a.alloc(4 * 30, "tokens");
    a.u32(tokens, 30).set(Array.from({ length: 30 }, (_, i) => (i * 7 + t * 3) % vocab));
    k.setLocalRows(block, local, local);
    k.setParams(3, 5, 0.05, 0.0001, 1e30);
    k.seed(BigInt(t + 1));
    return { k, block, tokens };
  });
  const start = tables.map(({ table }) =>
    Array.from({ length: local }, (_, w) => readRow(rig, table, w))
  );
  const deltas = threads.map(({ k, block, tokens }) => {
    k.trainChunk(MODE_SKIPGRAM_SHARED, tokens, 30, 0);
    return tables.map(({ at }, t) =>
      start[t].map((row, w) => readRow(rig, block + at, w).map((v, i) => v - row[i]))
    );
  });
  // The input rows alone first (as workers do after each part of a chunk): the
  // shared output rows must not move until the full merge.
  for (const { k } of threads) k.mergeLocalInputRows();
  for (let w = 0; w < local; w++) {
    assertEquals(readRow(rig, rig.output, w), start[0][w], `output ${w} before the full merge`);
    const shared = readRow(rig, rig.input, w);
    for (let i = 0; i < rig.rowFloats; i++) {
      const expected = start[1][w][i] + deltas[0][1][w][i] + deltas[1][1][w][i];
      assertClose(shared[i], expected, 1e-6, `input ${w}[${i}] after the input merge`);
    }
  }
  for (const { k } of threads) k.mergeLocalRows();
  for (const [t, { name, table, at }] of tables.entries()) {
    let both = 0;
    for (let w = 0; w < local; w++) {
      const shared = readRow(rig, table, w);
      const last = threads[1];
      assertEquals(readRow(rig, last.block + at, w), shared, `last thread's local ${name} ${w}`);
      assertEquals(readRow(rig, last.block + at + rows, w), shared, `its base ${name} ${w}`);
      for (let i = 0; i < rig.rowFloats; i++) {
        const [d0, d1] = [deltas[0][t][w][i], deltas[1][t][w][i]];
        if (d0 !== 0 && d1 !== 0) both++;
        assertClose(shared[i], start[t][w][i] + d0 + d1, 1e-6, `${name} ${w}[${i}]`);
      }
    }
    assert(both > local * dim / 2, `${name}: only ${both} entries were changed by both threads`);
  }
});

Deno.test("mergeLocalOutputRows merges its rows alone; mergeLocalBlock, from another instance, the rest", async () => {
  // A thread's local rows changed by hand (as training would): output rows 0..7,
  // input rows 0..3 (block layout, assembly/local_rows.ts: output rows, their
  // base, input rows, their base).
  const vocab = 12, dim = 8, words = 8, inputWords = 4;
  const { rig, rand, thread } = await rigWithThread(vocab, dim, 5);
  const a = rig.kernel.arena;
  const block = a.alloc(2 * (words + inputWords) * rig.rowBytes, "local rows");
  thread.setLocalRows(block, words, inputWords);
  const localOutput = block, localInput = block + 2 * words * rig.rowBytes;
  const startOutput = Array.from({ length: vocab }, (_, w) => readRow(rig, rig.output, w));
  const startInput = Array.from({ length: vocab }, (_, w) => readRow(rig, rig.input, w));
  const change = (local: number, w: number) => {
    const row = rowView(rig, local, w);
    const delta = Array.from({ length: rig.rowFloats }, (_, i) => (i < dim ? rand() - 0.5 : 0));
    delta.forEach((d, i) => (row[i] += d));
    return delta;
  };
  const outDelta = Array.from({ length: words }, (_, w) => change(localOutput, w));
  const inDelta = Array.from({ length: inputWords }, (_, w) => change(localInput, w));
  const expectRow = (table: number, w: number, start: Float64Array, delta?: number[]) => {
    const row = readRow(rig, table, w);
    for (let i = 0; i < rig.rowFloats; i++) {
      assertClose(row[i], start[i] + (delta?.[i] ?? 0), 1e-6, `table ${table} row ${w}[${i}]`);
    }
  };

  thread.mergeLocalOutputRows(2, 3);
  for (let w = 0; w < vocab; w++) {
    expectRow(rig.output, w, startOutput[w], w >= 2 && w < 5 ? outDelta[w] : undefined);
    expectRow(rig.input, w, startInput[w]);
  }
  // Rows 2..4 are merged: their local rows and base now hold the shared ones.
  for (let w = 2; w < 5; w++) {
    assertEquals(readRow(rig, localOutput, w), readRow(rig, rig.output, w), `local ${w}`);
    assertEquals(readRow(rig, localOutput + words * rig.rowBytes, w), readRow(rig, rig.output, w));
  }

  // The host's own instance (no local rows of its own) merges the whole block:
  // every row's change lands once (rows 2..4 are not added again).
  rig.k.mergeLocalBlock(block, words, inputWords);
  for (let w = 0; w < vocab; w++) {
    expectRow(rig.output, w, startOutput[w], w < words ? outDelta[w] : undefined);
    expectRow(rig.input, w, startInput[w], w < inputWords ? inDelta[w] : undefined);
  }
});

Deno.test("partEnd: a part ends just past a sentence end, at least `want` tokens in", async () => {
  const rig = await makeRig("simd", 4, 4);
  const E = SENTENCE_END;
  const ids = [1, 2, E, 3, E, 0, 1, 2, E, 3];
  const tokens = rig.kernel.arena.alloc(4 * ids.length, "tokens");
  rig.kernel.arena.u32(tokens, ids.length).set(ids);
  const end = (from: number, want: number) => rig.k.partEnd(tokens, from, ids.length, want);
  assertEquals([end(0, 1), end(0, 3), end(0, 4), end(0, 0)], [3, 3, 5, 3], "from 0");
  assertEquals([end(3, 1), end(5, 1), end(5, 4)], [5, 9, 9], "later parts");
  // The last sentence has no end mark: the part runs to the end of the chunk.
  assertEquals([end(0, 9), end(9, 1), end(0, 10), end(0, 100)], [9, 10, 10, 10], "to the end");
});

Deno.test("lrAt: linear decay from lr to minLr over the planned words", async () => {
  const rig = await makeRig("simd", 4, 4);
  rig.k.setParams(5, 5, 0.025, 0.0001, 1000);
  assertClose(rig.k.lrAt(0), 0.025, 1e-9);
  assertClose(rig.k.lrAt(500), 0.0125, 1e-9);
  assertClose(rig.k.lrAt(990), 0.00025, 1e-9);
  assertClose(rig.k.lrAt(999), 0.0001, 1e-9); // 0.000025 is below the floor
  assertClose(rig.k.lrAt(2000), 0.0001, 1e-9);
});

// ---------- whole runs: determinism and learning ----------

/** Sentences over two groups of words that never share a sentence. */
function plantedCorpus(sentences: number, length: number, groupSize: number, seed: number) {
  const rand = rng(seed);
  const lines: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const group = s % 2 === 0 ? "a" : "b";
    const words = Array.from({ length }, () => `${group}${Math.floor(rand() * groupSize)}`);
    lines.push(words.join(" "));
  }
  return memoryCorpus("planted", lines.join("\n") + "\n");
}

const MODEL_SETTINGS: [string, Partial<TrainConfig>][] = [
  ["skipgram", { model: "skipgram" }],
  ["cbow", { model: "cbow" }],
  ["shared negatives", { model: "skipgram", sharedNegatives: true }],
];

function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function sameBytes(a: Float32Array, b: Float32Array): boolean {
  const x = bytes(a);
  const y = bytes(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

Deno.test("train: same seed -> byte-identical tables, other seed -> different", async () => {
  const corpus = plantedCorpus(300, 12, 15, 3);
  for (const [name, settings] of MODEL_SETTINGS) {
    const run = (seed: number): Promise<TrainedModel> =>
      train(corpus, {
        ...settings,
        dim: 10,
        window: 4,
        epochs: 2,
        minCount: 1,
        sample: 1e-2,
        seed,
        threads: 1,
      });
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    assert(sameBytes(a.input, b.input), `${name}: input tables differ for one seed`);
    assert(sameBytes(a.output, b.output), `${name}: output tables differ for one seed`);
    assert(!sameBytes(a.input, c.input), `${name}: seeds 11 and 12 give the same input table`);
    assert(!sameBytes(a.output, c.output), `${name}: seeds 11 and 12 give the same output table`);
    assert(a.input.some((v) => v !== 0) && a.output.some((v) => v !== 0), `${name}: zero tables`);
  }
});

function cosine(m: TrainedModel, a: number, b: number): number {
  const d = m.config.dim;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < d; i++) {
    const x = m.input[a * d + i];
    const y = m.input[b * d + i];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

Deno.test("train: planted groups -> within-group similarity clearly above between-group", async () => {
  const corpus = plantedCorpus(2000, 10, 12, 5);
  for (const [name, settings] of MODEL_SETTINGS) {
    const m = await train(corpus, {
      ...settings,
      dim: 16,
      window: 3,
      epochs: 5,
      minCount: 1,
      sample: 0,
      seed: 1,
    });
    assert(Number.isFinite(m.stats.finalLoss), `${name}: loss ${m.stats.finalLoss}`);
    const group = (w: number) => m.vocab.words[w][0];
    let within = 0;
    let withinN = 0;
    let between = 0;
    let betweenN = 0;
    let worstMargin = Infinity;
    for (let a = 0; a < m.vocab.size; a++) {
      let minWithin = Infinity;
      let maxBetween = -Infinity;
      for (let b = 0; b < m.vocab.size; b++) {
        if (a === b) continue;
        const c = cosine(m, a, b);
        if (group(a) === group(b)) {
          within += c;
          withinN++;
          minWithin = Math.min(minWithin, c);
        } else {
          between += c;
          betweenN++;
          maxBetween = Math.max(maxBetween, c);
        }
      }
      worstMargin = Math.min(worstMargin, minWithin - maxBetween);
    }
    within /= withinN;
    between /= betweenN;
    const summary = `${name}: mean within ${within.toFixed(3)}, between ${between.toFixed(3)}, ` +
      `worst per-word margin ${worstMargin.toFixed(3)}`;
    // Measured: within - between ~0.86 and worst margin ~0.57 or more for all three
    // (with repeated noise draws losing updates, skip-gram fell to 0.05 and 0.03).
    assert(within - between > 0.6, summary);
    // Every word is clearly closer to each word of its group than to any of the other.
    assert(worstMargin > 0.2, summary);
  }
});

Deno.test("layOut: output rows start at zero, in a new memory and in one handed in dirty", async () => {
  const vocab = new Vocab(["a", "b", "c"], Float64Array.from([5, 3, 2]));
  const config = resolveConfig({ dim: 10, chunkTokens: 16384 });
  const fresh = await Kernel.create({ variant: "simd" });
  assert(fresh.arena.zeroed, "a memory the kernel made is zeroed");
  // A memory handed in is not trusted: fill it with garbage first.
  const memory = new WebAssembly.Memory({ initial: 64 });
  new Uint8Array(memory.buffer).fill(0xff);
  const dirty = await Kernel.create({ variant: "simd", memory });
  assert(!dirty.arena.zeroed);
  for (const kernel of [fresh, dirty]) {
    const layout = layOut(kernel, vocab, config);
    const output = kernel.readRows(layout.output, vocab.size, config.dim);
    assertEquals([...output], new Array(vocab.size * config.dim).fill(0));
    const input = kernel.readRows(layout.input, vocab.size, config.dim);
    assert(input.every((x) => Math.abs(x) <= 0.5 / config.dim && x !== 0), "input rows uniform");
  }
});
