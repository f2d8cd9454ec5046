// The negative-sampling step. For C distinct input rows h_c (contexts, each with
// a multiplicity) and T distinct output rows o_t (o_0 the positive, then the
// noise words, each with a multiplicity) it climbs
//   sum_c [ log sigma(h_c . o_0) + sum_{t>0} log sigma(-h_c . o_t) ]
// by one SGD step of size lr. Skip-gram with shared negatives passes a window's
// contexts at once; per-pair skip-gram, CBOW (h = the window mean) and the
// classifier pass C = 1. The step is three small dense products over the C x T
// block, register-blocked so that every SIMD load feeds several FMAs:
//   1. D = H . O^T: two contexts x up to six targets per sweep of the lanes.
//   2. G = (labels - sigma(D)) * lr * multiplicities, four targets per vector,
//      with the loss terms from the same e^-|d| (sigmoid.ts).
//   3. grad_c = G[c] . O (old O) and O += G^T . H (old H), fused per group of
//      targets: the group's rows and their updates stay in registers while the
//      contexts stream past, lane block by lane block. Targets go in groups of
//      four and a last group of up to six (the default five negatives and the
//      positive in one pass), which also adds grad_c to h_c in place.
// Memory: G lives in the per-thread scratch as C rows of Tpad floats (T rounded
// up to whole vectors), so a group's gains for one context are one v128 load.
import { negative } from "./params";
import {
  contextRows,
  contextWeights,
  gains,
  outputRow,
  rowBytes,
  targetRows,
  targetWeights,
} from "./model";
import { drawNoise } from "./sampler";
import { expNegAbs, logSigmoid, sigmoidWith, softplusWith } from "./sigmoid";
import { dot, madd, zero } from "./simd";

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

/** Row k of the group of targets starting at t0 (k < the group's size). */
// @ts-ignore: decorator
@inline function targetRow(t0: i32, k: i32): usize {
  return rowAt(targetRows, t0 + k);
}

/** h0 . r_k and h1 . r_k for the n <= 6 rows of the group starting at target t0,
 *  into out0 and out1 (lanes k >= n are 0; rows 4 and 5 go to the next vector).
 *  n is a constant at every call site, so the unused rows' code folds away. Each
 *  lane block of a row is loaded once for two FMAs; the accumulators are
 *  independent chains (eight for four rows), enough to hide the FMA latency. */
// @ts-ignore: decorator
@inline function dots2(
  n: i32, t0: i32, h0: usize, h1: usize, bytes: usize, out0: usize, out1: usize,
): void {
  const r0 = targetRow(t0, 0);
  const r1 = n > 1 ? targetRow(t0, 1) : r0, r2 = n > 2 ? targetRow(t0, 2) : r0;
  const r3 = n > 3 ? targetRow(t0, 3) : r0, r4 = n > 4 ? targetRow(t0, 4) : r0;
  const r5 = n > 5 ? targetRow(t0, 5) : r0;
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z;
  let b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z;
  for (let i: usize = 0; i < bytes; i += 16) {
    const x = v128.load(h0 + i), y = v128.load(h1 + i);
    let o = v128.load(r0 + i);
    a0 = madd(x, o, a0);
    b0 = madd(y, o, b0);
    if (n > 1) {
      o = v128.load(r1 + i);
      a1 = madd(x, o, a1);
      b1 = madd(y, o, b1);
    }
    if (n > 2) {
      o = v128.load(r2 + i);
      a2 = madd(x, o, a2);
      b2 = madd(y, o, b2);
    }
    if (n > 3) {
      o = v128.load(r3 + i);
      a3 = madd(x, o, a3);
      b3 = madd(y, o, b3);
    }
    if (n > 4) {
      o = v128.load(r4 + i);
      a4 = madd(x, o, a4);
      b4 = madd(y, o, b4);
    }
    if (n > 5) {
      o = v128.load(r5 + i);
      a5 = madd(x, o, a5);
      b5 = madd(y, o, b5);
    }
  }
  v128.store(out0, sum4(a0, a1, a2, a3));
  v128.store(out1, sum4(b0, b1, b2, b3));
  if (n > 4) {
    v128.store(out0, sum4(a4, a5, z, z), 16);
    v128.store(out1, sum4(b4, b5, z, z), 16);
  }
}

/** h . r_k for the n <= 6 rows of the group at t0, into out (as dots2); two lane
 *  blocks per sweep, so that a single context also keeps eight or more chains. */
// @ts-ignore: decorator
@inline function dots1(n: i32, t0: i32, h: usize, bytes: usize, out: usize): void {
  const r0 = targetRow(t0, 0);
  const r1 = n > 1 ? targetRow(t0, 1) : r0, r2 = n > 2 ? targetRow(t0, 2) : r0;
  const r3 = n > 3 ? targetRow(t0, 3) : r0, r4 = n > 4 ? targetRow(t0, 4) : r0;
  const r5 = n > 5 ? targetRow(t0, 5) : r0;
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z;
  let b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z;
  let i: usize = 0;
  for (; i + 32 <= bytes; i += 32) {
    const x = v128.load(h + i), y = v128.load(h + i, 16);
    a0 = madd(x, v128.load(r0 + i), a0);
    b0 = madd(y, v128.load(r0 + i, 16), b0);
    if (n > 1) {
      a1 = madd(x, v128.load(r1 + i), a1);
      b1 = madd(y, v128.load(r1 + i, 16), b1);
    }
    if (n > 2) {
      a2 = madd(x, v128.load(r2 + i), a2);
      b2 = madd(y, v128.load(r2 + i, 16), b2);
    }
    if (n > 3) {
      a3 = madd(x, v128.load(r3 + i), a3);
      b3 = madd(y, v128.load(r3 + i, 16), b3);
    }
    if (n > 4) {
      a4 = madd(x, v128.load(r4 + i), a4);
      b4 = madd(y, v128.load(r4 + i, 16), b4);
    }
    if (n > 5) {
      a5 = madd(x, v128.load(r5 + i), a5);
      b5 = madd(y, v128.load(r5 + i, 16), b5);
    }
  }
  if (i < bytes) {
    const x = v128.load(h + i);
    a0 = madd(x, v128.load(r0 + i), a0);
    if (n > 1) a1 = madd(x, v128.load(r1 + i), a1);
    if (n > 2) a2 = madd(x, v128.load(r2 + i), a2);
    if (n > 3) a3 = madd(x, v128.load(r3 + i), a3);
    if (n > 4) a4 = madd(x, v128.load(r4 + i), a4);
    if (n > 5) a5 = madd(x, v128.load(r5 + i), a5);
  }
  v128.store(out, sum4(f32x4.add(a0, b0), f32x4.add(a1, b1), f32x4.add(a2, b2), f32x4.add(a3, b3)));
  if (n > 4) v128.store(out, sum4(f32x4.add(a4, b4), f32x4.add(a5, b5), z, z), 16);
}

/** Step 3 for one context h (C = 1) and the group of n <= 6 targets at t0, gains
 *  splatted once outside the lane loop: o_k += g_k h (old h), and the gradient
 *  acc = grad + sum_k g_k o_k (old o_k) either goes back to `grad` or, in the
 *  block's last group with `apply`, straight into h. */
// @ts-ignore: decorator
@inline function updateGroup1(
  n: i32, t0: i32, h: usize, grad: usize, bytes: usize, pending: bool, apply: bool,
): void {
  const r0 = targetRow(t0, 0);
  const r1 = n > 1 ? targetRow(t0, 1) : r0, r2 = n > 2 ? targetRow(t0, 2) : r0;
  const r3 = n > 3 ? targetRow(t0, 3) : r0, r4 = n > 4 ? targetRow(t0, 4) : r0;
  const r5 = n > 5 ? targetRow(t0, 5) : r0;
  const gv = v128.load(gains + (<usize>t0 << 2));
  const gw = n > 4 ? v128.load(gains + (<usize>t0 << 2), 16) : gv;
  const g0 = v128.shuffle<f32>(gv, gv, 0, 0, 0, 0), g1 = v128.shuffle<f32>(gv, gv, 1, 1, 1, 1);
  const g2 = v128.shuffle<f32>(gv, gv, 2, 2, 2, 2), g3 = v128.shuffle<f32>(gv, gv, 3, 3, 3, 3);
  const g4 = v128.shuffle<f32>(gw, gw, 0, 0, 0, 0), g5 = v128.shuffle<f32>(gw, gw, 1, 1, 1, 1);
  for (let i: usize = 0; i < bytes; i += 16) {
    const x = v128.load(h + i);
    const o0 = v128.load(r0 + i);
    let acc = pending ? madd(g0, o0, v128.load(grad + i)) : f32x4.mul(g0, o0);
    v128.store(r0 + i, madd(g0, x, o0));
    if (n > 1) {
      const o1 = v128.load(r1 + i);
      acc = madd(g1, o1, acc);
      v128.store(r1 + i, madd(g1, x, o1));
    }
    if (n > 2) {
      const o2 = v128.load(r2 + i);
      acc = madd(g2, o2, acc);
      v128.store(r2 + i, madd(g2, x, o2));
    }
    if (n > 3) {
      const o3 = v128.load(r3 + i);
      acc = madd(g3, o3, acc);
      v128.store(r3 + i, madd(g3, x, o3));
    }
    if (n > 4) {
      const o4 = v128.load(r4 + i);
      acc = madd(g4, o4, acc);
      v128.store(r4 + i, madd(g4, x, o4));
    }
    if (n > 5) {
      const o5 = v128.load(r5 + i);
      acc = madd(g5, o5, acc);
      v128.store(r5 + i, madd(g5, x, o5));
    }
    if (apply) v128.store(h + i, f32x4.add(x, acc));
    else v128.store(grad + i, acc);
  }
}

/** Step 3 for C > 1 contexts and the group of n <= 6 targets at t0. The group's
 *  rows and their updates stay in registers while the contexts stream past, lane
 *  block by lane block; G[c][t0..] is one or two loads (at g + c * stride). Each
 *  context's gradient acc = its pending part (if `pending`) + sum_k g_ck o_k goes
 *  to its grads row, or, in the block's last group with `apply`, straight into the
 *  context row: contexts are distinct rows, so no later context reads it. */
// @ts-ignore: decorator
@inline function updateGroup(
  n: i32, t0: i32, ctx: usize, contexts: i32, g: usize, stride: usize, grads: usize,
  bytes: usize, pending: bool, apply: bool,
): void {
  const r0 = targetRow(t0, 0);
  const r1 = n > 1 ? targetRow(t0, 1) : r0, r2 = n > 2 ? targetRow(t0, 2) : r0;
  const r3 = n > 3 ? targetRow(t0, 3) : r0, r4 = n > 4 ? targetRow(t0, 4) : r0;
  const r5 = n > 5 ? targetRow(t0, 5) : r0;
  const z = f32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const o0 = v128.load(r0 + i);
    const o1 = n > 1 ? v128.load(r1 + i) : z, o2 = n > 2 ? v128.load(r2 + i) : z;
    const o3 = n > 3 ? v128.load(r3 + i) : z, o4 = n > 4 ? v128.load(r4 + i) : z;
    const o5 = n > 5 ? v128.load(r5 + i) : z;
    let u0 = o0, u1 = o1, u2 = o2, u3 = o3, u4 = o4, u5 = o5;
    let dst = grads + i;
    let gc = g;
    let row = ctx;
    for (let c = 0; c < contexts; c++) {
      const at = <usize>load<u32>(row) + i;
      const x = v128.load(at);
      const gv = v128.load(gc);
      const g0 = v128.shuffle<f32>(gv, gv, 0, 0, 0, 0);
      let acc = pending ? madd(g0, o0, v128.load(dst)) : f32x4.mul(g0, o0);
      u0 = madd(g0, x, u0);
      if (n > 1) {
        const g1 = v128.shuffle<f32>(gv, gv, 1, 1, 1, 1);
        acc = madd(g1, o1, acc);
        u1 = madd(g1, x, u1);
      }
      if (n > 2) {
        const g2 = v128.shuffle<f32>(gv, gv, 2, 2, 2, 2);
        acc = madd(g2, o2, acc);
        u2 = madd(g2, x, u2);
      }
      if (n > 3) {
        const g3 = v128.shuffle<f32>(gv, gv, 3, 3, 3, 3);
        acc = madd(g3, o3, acc);
        u3 = madd(g3, x, u3);
      }
      if (n > 4) {
        const gw = v128.load(gc, 16);
        const g4 = v128.shuffle<f32>(gw, gw, 0, 0, 0, 0);
        acc = madd(g4, o4, acc);
        u4 = madd(g4, x, u4);
        if (n > 5) {
          const g5 = v128.shuffle<f32>(gw, gw, 1, 1, 1, 1);
          acc = madd(g5, o5, acc);
          u5 = madd(g5, x, u5);
        }
      }
      if (apply) v128.store(at, f32x4.add(x, acc));
      else v128.store(dst, acc);
      dst += bytes;
      gc += stride;
      row += 4;
    }
    v128.store(r0 + i, u0);
    if (n > 1) v128.store(r1 + i, u1);
    if (n > 2) v128.store(r2 + i, u2);
    if (n > 3) v128.store(r3 + i, u3);
    if (n > 4) v128.store(r4 + i, u4);
    if (n > 5) v128.store(r5 + i, u5);
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
 *  the change it should take, is left in `grads`. */
export function updateBlock(contexts: i32, targets: i32, lr: f32, grads: usize, apply: bool): void {
  const bytes = rowBytes;
  // G is C x Tpad floats, Tpad = targets rounded up to whole vectors.
  const vectors = (targets + 3) >> 2;
  const stride = <usize>vectors << 4;
  for (let t = targets; t < vectors << 2; t++) store<f32>(targetWeights + (<usize>t << 2), 0);
  // Targets in groups of four, except the last group, which takes 1..6 (a window's
  // positive and five negatives in one pass).
  const early = targets > 6 ? (targets - 3) >> 2 : 0;
  const last = early << 2;
  const rest = targets - last;

  // 1. D = H . O^T, two contexts at a time.
  let c = 0;
  for (; c + 2 <= contexts; c += 2) {
    const h0 = rowAt(contextRows, c), h1 = rowAt(contextRows, c + 1);
    const out = gains + <usize>c * stride;
    for (let t = 0; t < last; t += 4) {
      dots2(4, t, h0, h1, bytes, out + (<usize>t << 2), out + stride + (<usize>t << 2));
    }
    const at = out + (<usize>last << 2);
    if (rest == 1) dots2(1, last, h0, h1, bytes, at, at + stride);
    else if (rest == 2) dots2(2, last, h0, h1, bytes, at, at + stride);
    else if (rest == 3) dots2(3, last, h0, h1, bytes, at, at + stride);
    else if (rest == 4) dots2(4, last, h0, h1, bytes, at, at + stride);
    else if (rest == 5) dots2(5, last, h0, h1, bytes, at, at + stride);
    else dots2(6, last, h0, h1, bytes, at, at + stride);
  }
  if (c < contexts) {
    const h = rowAt(contextRows, c);
    const out = gains + <usize>c * stride;
    for (let t = 0; t < last; t += 4) dots1(4, t, h, bytes, out + (<usize>t << 2));
    const at = out + (<usize>last << 2);
    if (rest == 1) dots1(1, last, h, bytes, at);
    else if (rest == 2) dots1(2, last, h, bytes, at);
    else if (rest == 3) dots1(3, last, h, bytes, at);
    else if (rest == 4) dots1(4, last, h, bytes, at);
    else if (rest == 5) dots1(5, last, h, bytes, at);
    else dots1(6, last, h, bytes, at);
  }

  // 2. Gains and loss terms, a vector of four targets at a time, times both
  //    multiplicities. The positive is lane 0 of vector 0: its label is 1 and its
  //    loss is softplus(-d).
  const rate = f32x4.splat(lr);
  const positiveLabel = f32x4.replace_lane(f32x4.splat(0), 0, 1);
  const positiveSign = f32x4.replace_lane(f32x4.splat(1), 0, -1);
  let loss = f32x4.splat(0);
  let steps: f32 = 0;
  for (let k = 0; k < contexts; k++) {
    const row = gains + <usize>k * stride;
    const times = load<f32>(contextWeights + (<usize>k << 2));
    steps += times;
    const scale = f32x4.mul(rate, f32x4.splat(times));
    for (let t = 0; t < vectors; t++) {
      const at = row + (<usize>t << 4);
      const d = v128.load(at);
      const weight = v128.load(targetWeights + (<usize>t << 4));
      const label = t == 0 ? positiveLabel : f32x4.splat(0);
      const signed = t == 0 ? f32x4.mul(d, positiveSign) : d;
      const e = expNegAbs(d); // = e^-|signed|
      v128.store(at, f32x4.mul(f32x4.mul(f32x4.sub(label, sigmoidWith(d, e)), scale), weight));
      loss = madd(softplusWith(signed, e), f32x4.mul(weight, f32x4.splat(times)), loss);
    }
  }
  addLoss(
    <f64>f32x4.extract_lane(loss, 0) + <f64>f32x4.extract_lane(loss, 1) +
      <f64>f32x4.extract_lane(loss, 2) + <f64>f32x4.extract_lane(loss, 3),
    <i32>steps,
  );

  // 3. Input gradients and output updates, group by group. Early groups add their
  //    part of each gradient to `grads`; the last group completes it and, with
  //    `apply`, writes it into the context row itself.
  const pending = early > 0;
  if (pending) zero(grads, <usize>contexts * bytes);
  if (contexts == 1) {
    const h = rowAt(contextRows, 0);
    for (let t = 0; t < last; t += 4) updateGroup1(4, t, h, grads, bytes, true, false);
    if (rest == 1) updateGroup1(1, last, h, grads, bytes, pending, apply);
    else if (rest == 2) updateGroup1(2, last, h, grads, bytes, pending, apply);
    else if (rest == 3) updateGroup1(3, last, h, grads, bytes, pending, apply);
    else if (rest == 4) updateGroup1(4, last, h, grads, bytes, pending, apply);
    else if (rest == 5) updateGroup1(5, last, h, grads, bytes, pending, apply);
    else updateGroup1(6, last, h, grads, bytes, pending, apply);
  } else {
    const ctx = contextRows;
    const g = gains;
    for (let t = 0; t < last; t += 4) {
      updateGroup(4, t, ctx, contexts, g + (<usize>t << 2), stride, grads, bytes, true, false);
    }
    const gl = g + (<usize>last << 2);
    // The last group's flags as constants (the hot default, T <= 6, has no pending
    // part): a run-time flag tested per context and lane block costs ~5%.
    if (!pending) {
      if (rest == 1) updateGroup(1, last, ctx, contexts, gl, stride, grads, bytes, false, true);
      else if (rest == 2) updateGroup(2, last, ctx, contexts, gl, stride, grads, bytes, false, true);
      else if (rest == 3) updateGroup(3, last, ctx, contexts, gl, stride, grads, bytes, false, true);
      else if (rest == 4) updateGroup(4, last, ctx, contexts, gl, stride, grads, bytes, false, true);
      else if (rest == 5) updateGroup(5, last, ctx, contexts, gl, stride, grads, bytes, false, true);
      else updateGroup(6, last, ctx, contexts, gl, stride, grads, bytes, false, true);
    } else if (rest == 3) updateGroup(3, last, ctx, contexts, gl, stride, grads, bytes, true, true);
    else if (rest == 4) updateGroup(4, last, ctx, contexts, gl, stride, grads, bytes, true, true);
    else if (rest == 5) updateGroup(5, last, ctx, contexts, gl, stride, grads, bytes, true, true);
    else updateGroup(6, last, ctx, contexts, gl, stride, grads, bytes, true, true);
  }
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
