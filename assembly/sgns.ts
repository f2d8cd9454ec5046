// The negative-sampling step. For C distinct input rows h_c (contexts, each with
// a multiplicity) and T distinct output rows o_t (o_0 the positive, then the
// noise words, each with a multiplicity) it climbs
//   sum_c [ log sigma(h_c . o_0) + sum_{t>0} log sigma(-h_c . o_t) ]
// by one SGD step of size lr. Skip-gram with shared negatives passes a window's
// contexts at once; per-pair skip-gram, CBOW (h = the window mean) and the
// classifier pass C = 1. The step is three small dense products over the C x T
// block, register-blocked so that every SIMD load feeds several FMAs:
//   1. D = H . O^T: two contexts x six targets per sweep of the lanes.
//   2. G = (labels - sigma(D)) * lr * multiplicities, four targets per vector,
//      with the loss terms from the same e^-|d| (sigmoid.ts).
//   3. grad_c = G[c] . O (old O) and O += G^T . H (old H), fused per group of
//      six targets: the group's rows and their updates stay in registers while
//      the contexts stream past, lane block by lane block; the last group also
//      adds grad_c to h_c in place.
// Targets go in groups of six (the default: the positive and five noise words,
// one group), the last padded with a zero row, so every loop has one fixed shape
// (no per-lane-block tests of the group's size).
import { negative } from "./params";
import {
  contextRows,
  contextWeights,
  gains,
  outputRow,
  rowBytes,
  targetRows,
  targetWeights,
  zeroRow,
} from "./model";
import { drawNoise, startNoise } from "./sampler";
import { expNegAbs, logSigmoid, sigmoidWith, softplusWith } from "./sigmoid";
import { dot, madd } from "./simd";

/** Sum of -objective over this instance's steps, and the number of steps. f64 so
 *  that millions of small terms do not lose precision. */
export let lossSum: f64 = 0;
export let lossSteps: f64 = 0;

// @ts-ignore: decorator
@inline export function addLoss(loss: f64, steps: i32): void {
  lossSum += loss;
  lossSteps += <f64>steps;
}

export function resetLoss(): void {
  lossSum = 0;
  lossSteps = 0;
}

/** Draws the noise words for one step into targetRows[1..]. A draw equal to the
 *  positive word is skipped (as word2vec does: fewer may come back), or, with
 *  `redraw`, drawn again (as fastText's classifier does: with few labels, skipping
 *  would lose many of them). A word drawn twice becomes one target of
 *  multiplicity 2 (targetWeights): the step reads every target row before
 *  writing any, so a repeated row would otherwise keep only one of its updates
 *  while h took both gradients, a bias that measurably hurt small vocabularies. */
// @ts-ignore: decorator
@inline export function drawTargets(positive: u32, redraw: bool = false): i32 {
  store<u32>(targetRows, <u32>outputRow(positive));
  store<f32>(targetWeights, 1);
  startNoise();
  let n = 1;
  for (let i = 0; i < negative; i++) {
    let w = drawNoise();
    if (w == positive) {
      if (!redraw) continue;
      for (let tries = 0; w == positive && tries < 1000; tries++) w = drawNoise();
      if (w == positive) continue;
    }
    const row = <u32>outputRow(w);
    let j = 1;
    while (j < n && load<u32>(targetRows + (<usize>j << 2)) != row) j++;
    if (j < n) {
      const weight = targetWeights + (<usize>j << 2);
      store<f32>(weight, load<f32>(weight) + 1);
      continue;
    }
    store<u32>(targetRows + (<usize>n << 2), row);
    store<f32>(targetWeights + (<usize>n << 2), 1);
    n++;
  }
  return n;
}

// @ts-ignore: decorator
@inline function rowAt(list: usize, k: i32): usize {
  return <usize>load<u32>(list + (<usize>k << 2));
}

/** [sum a0, sum a1, sum a2, sum a3]: a 4 x 4 transpose folded into the adds. */
// @ts-ignore: decorator
@inline function sum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(s01, s23, 0, 1, 4, 5), v128.shuffle<f32>(s01, s23, 2, 3, 6, 7));
}

/** h0 . r_k and h1 . r_k for the six rows of the group starting at target t0,
 *  into out0 and out1 (two vectors each: [d0 d1 d2 d3] [d4 d5 0 0]). Each lane
 *  block of a row is loaded once for two FMAs; the twelve accumulators are
 *  independent chains, enough to hide the FMA latency. */
// @ts-ignore: decorator
@inline function dots2(t0: i32, h0: usize, h1: usize, bytes: usize, out0: usize, out1: usize): void {
  const r0 = rowAt(targetRows, t0), r1 = rowAt(targetRows, t0 + 1), r2 = rowAt(targetRows, t0 + 2);
  const r3 = rowAt(targetRows, t0 + 3), r4 = rowAt(targetRows, t0 + 4), r5 = rowAt(targetRows, t0 + 5);
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z;
  let b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z;
  for (let i: usize = 0; i < bytes; i += 16) {
    const x = v128.load(h0 + i), y = v128.load(h1 + i);
    let o = v128.load(r0 + i);
    a0 = madd(x, o, a0);
    b0 = madd(y, o, b0);
    o = v128.load(r1 + i);
    a1 = madd(x, o, a1);
    b1 = madd(y, o, b1);
    o = v128.load(r2 + i);
    a2 = madd(x, o, a2);
    b2 = madd(y, o, b2);
    o = v128.load(r3 + i);
    a3 = madd(x, o, a3);
    b3 = madd(y, o, b3);
    o = v128.load(r4 + i);
    a4 = madd(x, o, a4);
    b4 = madd(y, o, b4);
    o = v128.load(r5 + i);
    a5 = madd(x, o, a5);
    b5 = madd(y, o, b5);
  }
  v128.store(out0, sum4(a0, a1, a2, a3));
  v128.store(out0, sum4(a4, a5, z, z), 16);
  v128.store(out1, sum4(b0, b1, b2, b3));
  v128.store(out1, sum4(b4, b5, z, z), 16);
}

/** h . r_k for the six rows of the group at t0, into out (as dots2); two lane
 *  blocks per sweep, so that a single context also keeps twelve chains. */
// @ts-ignore: decorator
@inline function dots1(t0: i32, h: usize, bytes: usize, out: usize): void {
  const r0 = rowAt(targetRows, t0), r1 = rowAt(targetRows, t0 + 1), r2 = rowAt(targetRows, t0 + 2);
  const r3 = rowAt(targetRows, t0 + 3), r4 = rowAt(targetRows, t0 + 4), r5 = rowAt(targetRows, t0 + 5);
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z;
  let b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z;
  let i: usize = 0;
  for (; i + 32 <= bytes; i += 32) {
    const x = v128.load(h + i), y = v128.load(h + i, 16);
    a0 = madd(x, v128.load(r0 + i), a0);
    b0 = madd(y, v128.load(r0 + i, 16), b0);
    a1 = madd(x, v128.load(r1 + i), a1);
    b1 = madd(y, v128.load(r1 + i, 16), b1);
    a2 = madd(x, v128.load(r2 + i), a2);
    b2 = madd(y, v128.load(r2 + i, 16), b2);
    a3 = madd(x, v128.load(r3 + i), a3);
    b3 = madd(y, v128.load(r3 + i, 16), b3);
    a4 = madd(x, v128.load(r4 + i), a4);
    b4 = madd(y, v128.load(r4 + i, 16), b4);
    a5 = madd(x, v128.load(r5 + i), a5);
    b5 = madd(y, v128.load(r5 + i, 16), b5);
  }
  if (i < bytes) {
    const x = v128.load(h + i);
    a0 = madd(x, v128.load(r0 + i), a0);
    a1 = madd(x, v128.load(r1 + i), a1);
    a2 = madd(x, v128.load(r2 + i), a2);
    a3 = madd(x, v128.load(r3 + i), a3);
    a4 = madd(x, v128.load(r4 + i), a4);
    a5 = madd(x, v128.load(r5 + i), a5);
  }
  v128.store(out, sum4(f32x4.add(a0, b0), f32x4.add(a1, b1), f32x4.add(a2, b2), f32x4.add(a3, b3)));
  v128.store(out, sum4(f32x4.add(a4, b4), f32x4.add(a5, b5), z, z), 16);
}

/** Step 3 for one context h (C = 1) and the group of six targets at t0, gains
 *  splatted once outside the lane loop: o_k += g_k h (old h), and the gradient
 *  acc = (pending part) + sum_k g_k o_k (old o_k) goes to `grad` or, in the
 *  block's last group with `apply`, straight into h. */
// @ts-ignore: decorator
@inline function updateGroup1(
  t0: i32, gk: usize, h: usize, grad: usize, bytes: usize, pending: bool, apply: bool,
): void {
  const r0 = rowAt(targetRows, t0), r1 = rowAt(targetRows, t0 + 1), r2 = rowAt(targetRows, t0 + 2);
  const r3 = rowAt(targetRows, t0 + 3), r4 = rowAt(targetRows, t0 + 4), r5 = rowAt(targetRows, t0 + 5);
  const gv = v128.load(gk), gw = v128.load(gk, 16);
  const g0 = v128.shuffle<f32>(gv, gv, 0, 0, 0, 0), g1 = v128.shuffle<f32>(gv, gv, 1, 1, 1, 1);
  const g2 = v128.shuffle<f32>(gv, gv, 2, 2, 2, 2), g3 = v128.shuffle<f32>(gv, gv, 3, 3, 3, 3);
  const g4 = v128.shuffle<f32>(gw, gw, 0, 0, 0, 0), g5 = v128.shuffle<f32>(gw, gw, 1, 1, 1, 1);
  for (let i: usize = 0; i < bytes; i += 16) {
    const x = v128.load(h + i);
    const o0 = v128.load(r0 + i);
    let acc = pending ? madd(g0, o0, v128.load(grad + i)) : f32x4.mul(g0, o0);
    v128.store(r0 + i, madd(g0, x, o0));
    const o1 = v128.load(r1 + i);
    acc = madd(g1, o1, acc);
    v128.store(r1 + i, madd(g1, x, o1));
    const o2 = v128.load(r2 + i);
    acc = madd(g2, o2, acc);
    v128.store(r2 + i, madd(g2, x, o2));
    const o3 = v128.load(r3 + i);
    acc = madd(g3, o3, acc);
    v128.store(r3 + i, madd(g3, x, o3));
    const o4 = v128.load(r4 + i);
    acc = madd(g4, o4, acc);
    v128.store(r4 + i, madd(g4, x, o4));
    const o5 = v128.load(r5 + i);
    acc = madd(g5, o5, acc);
    v128.store(r5 + i, madd(g5, x, o5));
    if (apply) v128.store(h + i, f32x4.add(x, acc));
    else v128.store(grad + i, acc);
  }
}

/** Step 3 for C > 1 contexts and the group of six targets at t0. The group's rows
 *  and their updates stay in registers while the contexts stream past, lane block
 *  by lane block; G[c][group] is two loads (at gk + c * stride). Each context's
 *  gradient acc = (pending part) + sum_k g_ck o_k goes to its grads row or, in the
 *  block's last group with `apply`, straight into the context row: contexts are
 *  distinct rows, so no later context reads it. pending and apply are constants at
 *  each call site (a run-time test per context and lane block costs ~5%). */
// @ts-ignore: decorator
@inline function updateGroup(
  t0: i32, gk: usize, ctx: usize, contexts: i32, stride: usize, grads: usize, bytes: usize,
  pending: bool, apply: bool,
): void {
  const r0 = rowAt(targetRows, t0), r1 = rowAt(targetRows, t0 + 1), r2 = rowAt(targetRows, t0 + 2);
  const r3 = rowAt(targetRows, t0 + 3), r4 = rowAt(targetRows, t0 + 4), r5 = rowAt(targetRows, t0 + 5);
  for (let i: usize = 0; i < bytes; i += 16) {
    const o0 = v128.load(r0 + i), o1 = v128.load(r1 + i), o2 = v128.load(r2 + i);
    const o3 = v128.load(r3 + i), o4 = v128.load(r4 + i), o5 = v128.load(r5 + i);
    let u0 = o0, u1 = o1, u2 = o2, u3 = o3, u4 = o4, u5 = o5;
    let dst = grads + i;
    let gc = gk;
    let row = ctx;
    for (let c = 0; c < contexts; c++) {
      const at = <usize>load<u32>(row) + i;
      const x = v128.load(at);
      const gv = v128.load(gc);
      const g0 = v128.shuffle<f32>(gv, gv, 0, 0, 0, 0);
      let acc = pending ? madd(g0, o0, v128.load(dst)) : f32x4.mul(g0, o0);
      u0 = madd(g0, x, u0);
      const g1 = v128.shuffle<f32>(gv, gv, 1, 1, 1, 1);
      acc = madd(g1, o1, acc);
      u1 = madd(g1, x, u1);
      const g2 = v128.shuffle<f32>(gv, gv, 2, 2, 2, 2);
      acc = madd(g2, o2, acc);
      u2 = madd(g2, x, u2);
      const g3 = v128.shuffle<f32>(gv, gv, 3, 3, 3, 3);
      acc = madd(g3, o3, acc);
      u3 = madd(g3, x, u3);
      const gw = v128.load(gc, 16);
      const g4 = v128.shuffle<f32>(gw, gw, 0, 0, 0, 0);
      acc = madd(g4, o4, acc);
      u4 = madd(g4, x, u4);
      const g5 = v128.shuffle<f32>(gw, gw, 1, 1, 1, 1);
      acc = madd(g5, o5, acc);
      u5 = madd(g5, x, u5);
      if (apply) v128.store(at, f32x4.add(x, acc));
      else v128.store(dst, acc);
      dst += bytes;
      gc += stride;
      row += 4;
    }
    v128.store(r0 + i, u0);
    v128.store(r1 + i, u1);
    v128.store(r2 + i, u2);
    v128.store(r3 + i, u3);
    v128.store(r4 + i, u4);
    v128.store(r5 + i, u5);
  }
}

/** Adds the input row at `row` to the block's contexts (count so far), merging a
 *  repeat into one context of multiplicity 2 (its gradient is exactly the same, so
 *  it counts twice): block contexts are then distinct rows, which lets the last
 *  pass of the step write each context row in place. Returns the new count. */
// @ts-ignore: decorator
@inline export function addContext(row: u32, count: i32): i32 {
  let k = 0;
  while (k < count && load<u32>(contextRows + (<usize>k << 2)) != row) k++;
  if (k < count) {
    const weight = contextWeights + (<usize>k << 2);
    store<f32>(weight, load<f32>(weight) + 1);
    return count;
  }
  store<u32>(contextRows + (<usize>k << 2), row);
  store<f32>(contextWeights + (<usize>k << 2), 1);
  return count + 1;
}

/** One step over the block: C distinct input rows at contextRows[0..contexts) with
 *  multiplicities at contextWeights, T distinct output rows at
 *  targetRows[0..targets) (row 0 the positive) with multiplicities at
 *  targetWeights. With `apply`, the input rows take their gradients; otherwise
 *  (only for a single context: CBOW's mean, the classifier's bag) the gradient,
 *  the change it should take, is left in `grads`.
 *  Targets go in groups of six (the default: the positive and five noise words,
 *  one group), the last padded with the zero row at multiplicity 0, whose dot
 *  products and gains are 0, so it stays 0. G holds per context one row of eight
 *  floats per group (six used), so a group's gains are two aligned loads. */
export function updateBlock(contexts: i32, targets: i32, lr: f32, grads: usize, apply: bool): void {
  const bytes = rowBytes;
  const groups = (targets + 5) / 6;
  const padded = groups * 6;
  for (let t = targets; t < padded; t++) {
    store<u32>(targetRows + (<usize>t << 2), <u32>zeroRow);
    store<f32>(targetWeights + (<usize>t << 2), 0);
  }
  const stride = <usize>groups << 5; // bytes of G per context

  // 1. D = H . O^T, two contexts at a time.
  let c = 0;
  for (; c + 2 <= contexts; c += 2) {
    const h0 = rowAt(contextRows, c), h1 = rowAt(contextRows, c + 1);
    const out = gains + <usize>c * stride;
    for (let g = 0; g < groups; g++) {
      dots2(g * 6, h0, h1, bytes, out + (<usize>g << 5), out + stride + (<usize>g << 5));
    }
  }
  if (c < contexts) {
    const h = rowAt(contextRows, c);
    const out = gains + <usize>c * stride;
    for (let g = 0; g < groups; g++) dots1(g * 6, h, bytes, out + (<usize>g << 5));
  }

  // 2. Gains and loss terms, four targets at a time, times both multiplicities.
  //    The positive is target 0: its label is 1 and its loss is softplus(-d).
  const rate = f32x4.splat(lr);
  const positiveLabel = f32x4.replace_lane(f32x4.splat(0), 0, 1);
  const positiveSign = f32x4.replace_lane(f32x4.splat(1), 0, -1);
  const firstTwo = i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(0), 0, -1), 1, -1);
  let loss = f32x4.splat(0);
  let steps: f32 = 0;
  for (let k = 0; k < contexts; k++) {
    const row = gains + <usize>k * stride;
    const times = load<f32>(contextWeights + (<usize>k << 2));
    steps += times;
    const scale = f32x4.mul(rate, f32x4.splat(times));
    for (let g = 0; g < groups; g++) {
      const weights = targetWeights + <usize>(g * 24);
      for (let half = 0; half < 2; half++) {
        const at = row + (<usize>g << 5) + (<usize>half << 4);
        const d = v128.load(at);
        // Targets 6g..6g+3, then 6g+4, 6g+5 (the next group's weights masked off).
        let weight = v128.load(weights + (<usize>half << 4));
        if (half == 1) weight = v128.and(weight, firstTwo);
        const first = g == 0 && half == 0;
        const label = first ? positiveLabel : f32x4.splat(0);
        const signed = first ? f32x4.mul(d, positiveSign) : d;
        const e = expNegAbs(d); // = e^-|signed|
        v128.store(at, f32x4.mul(f32x4.mul(f32x4.sub(label, sigmoidWith(d, e)), scale), weight));
        loss = madd(softplusWith(signed, e), f32x4.mul(weight, f32x4.splat(times)), loss);
      }
    }
  }
  addLoss(
    <f64>f32x4.extract_lane(loss, 0) + <f64>f32x4.extract_lane(loss, 1) +
      <f64>f32x4.extract_lane(loss, 2) + <f64>f32x4.extract_lane(loss, 3),
    <i32>steps,
  );

  // 3. Input gradients and output updates, group by group: the first group writes
  //    each context's gradient, later ones add to it, and the last completes it
  //    and, with `apply`, writes it into the context row itself.
  const lastGroup = groups - 1;
  if (contexts == 1) {
    const h = rowAt(contextRows, 0);
    for (let g = 0; g < lastGroup; g++) {
      updateGroup1(g * 6, gains + (<usize>g << 5), h, grads, bytes, g > 0, false);
    }
    updateGroup1(lastGroup * 6, gains + (<usize>lastGroup << 5), h, grads, bytes, lastGroup > 0, apply);
    return;
  }
  const ctx = contextRows;
  if (lastGroup == 0) {
    updateGroup(0, gains, ctx, contexts, stride, grads, bytes, false, true);
    return;
  }
  updateGroup(0, gains, ctx, contexts, stride, grads, bytes, false, false);
  for (let g = 1; g < lastGroup; g++) {
    updateGroup(g * 6, gains + (<usize>g << 5), ctx, contexts, stride, grads, bytes, true, false);
  }
  const gl = gains + (<usize>lastGroup << 5);
  updateGroup(lastGroup * 6, gl, ctx, contexts, stride, grads, bytes, true, true);
}

/** Makes input row `row` the block's only context (multiplicity 1). */
// @ts-ignore: decorator
@inline export function singleContext(row: usize): void {
  store<u32>(contextRows, <u32>row);
  store<f32>(contextWeights, 1);
}

/** One step of a single input vector h (the window mean for CBOW, a context row
 *  for per-pair skip-gram): grad = the change h should take (not applied). */
export function updateTargets(h: usize, grad: usize, n: i32, lr: f32): void {
  singleContext(h);
  updateBlock(1, n, lr, grad, false);
}

/** Loss of one step with explicit negatives, computed directly (for gradient tests). */
export function stepLoss(h: usize, n: i32): f64 {
  let loss: f64 = 0;
  for (let j = 0; j < n; j++) {
    const f = dot(h, <usize>load<u32>(targetRows + (<usize>j << 2)), rowBytes);
    const weight = <f64>load<f32>(targetWeights + (<usize>j << 2));
    loss -= weight * (j == 0 ? logSigmoid(f) : logSigmoid(f) - <f64>f);
  }
  return loss;
}
