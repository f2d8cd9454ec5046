// The negative-sampling step. For C input vectors h_c (contexts) and T output
// rows o_t (o_0 the positive, then the noise words) it climbs
//   sum_c [ log sigma(h_c . o_0) + sum_{t>0} log sigma(-h_c . o_t) ]
// by one SGD step of size lr. Skip-gram with shared negatives passes a window's
// contexts at once; per-pair skip-gram, CBOW (h = the window mean) and the
// classifier pass C = 1. The step is three small dense products over the C x T
// block, each register-blocked so that every SIMD load feeds several FMAs:
//   1. D = H . O^T          (two contexts x four targets per sweep: 8 chains)
//   2. G = (labels - sigma(D)) * lr * multiplicity, four targets per vector
//   3. grad_c = G[c] . O (old O) and O += G^T . H (old H), fused per group of
//      four targets: the group's rows and sums stay in registers while the
//      contexts stream past, lane block by lane block.
//   4. h_c += grad_c (optional: CBOW and the classifier spread grad themselves).
import { negative } from "./params";
import { contextRows, gains, outputRow, rowBytes, targetRows, targetWeights } from "./model";
import { drawNoise } from "./sampler";
import { expNegAbs, logSigmoid, sigmoidWith, softplusWith } from "./sigmoid";
import { addTo, dot, madd, zero } from "./simd";

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

/** h0 . r_k and h1 . r_k for the n <= 4 rows of the group starting at target t0,
 *  into out0 and out1 (one vector each; lanes k >= n are left 0). n is a constant
 *  at every call site, so the unused rows' code folds away. Each lane block of a
 *  row is loaded once for two FMAs; the accumulators are independent chains
 *  (eight for a full group), enough to hide the FMA latency. */
// @ts-ignore: decorator
@inline function dots2(
  n: i32, t0: i32, h0: usize, h1: usize, bytes: usize, out0: usize, out1: usize,
): void {
  const r0 = rowAt(targetRows, t0);
  const r1 = n > 1 ? rowAt(targetRows, t0 + 1) : r0;
  const r2 = n > 2 ? rowAt(targetRows, t0 + 2) : r0;
  const r3 = n > 3 ? rowAt(targetRows, t0 + 3) : r0;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
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
  }
  v128.store(out0, sum4(a0, a1, a2, a3));
  v128.store(out1, sum4(b0, b1, b2, b3));
}

/** h . r_k for the n <= 4 rows of the group at t0, into out; two lane blocks per
 *  sweep, so that a single context also keeps up to eight chains in flight. */
// @ts-ignore: decorator
@inline function dots1(n: i32, t0: i32, h: usize, bytes: usize, out: usize): void {
  const r0 = rowAt(targetRows, t0);
  const r1 = n > 1 ? rowAt(targetRows, t0 + 1) : r0;
  const r2 = n > 2 ? rowAt(targetRows, t0 + 2) : r0;
  const r3 = n > 3 ? rowAt(targetRows, t0 + 3) : r0;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
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
  }
  if (i < bytes) {
    const x = v128.load(h + i);
    a0 = madd(x, v128.load(r0 + i), a0);
    if (n > 1) a1 = madd(x, v128.load(r1 + i), a1);
    if (n > 2) a2 = madd(x, v128.load(r2 + i), a2);
    if (n > 3) a3 = madd(x, v128.load(r3 + i), a3);
  }
  v128.store(out, sum4(f32x4.add(a0, b0), f32x4.add(a1, b1), f32x4.add(a2, b2), f32x4.add(a3, b3)));
}

/** Step 3 for one context h (C = 1) and the group of n <= 4 targets at t0: as
 *  updateGroup, with the gains splatted once outside the lane loop. */
// @ts-ignore: decorator
@inline function updateGroup1(n: i32, t0: i32, h: usize, grad: usize, bytes: usize): void {
  const r0 = rowAt(targetRows, t0);
  const r1 = n > 1 ? rowAt(targetRows, t0 + 1) : r0;
  const r2 = n > 2 ? rowAt(targetRows, t0 + 2) : r0;
  const r3 = n > 3 ? rowAt(targetRows, t0 + 3) : r0;
  const gv = v128.load(gains + (<usize>t0 << 2));
  const g0 = v128.shuffle<f32>(gv, gv, 0, 0, 0, 0), g1 = v128.shuffle<f32>(gv, gv, 1, 1, 1, 1);
  const g2 = v128.shuffle<f32>(gv, gv, 2, 2, 2, 2), g3 = v128.shuffle<f32>(gv, gv, 3, 3, 3, 3);
  for (let i: usize = 0; i < bytes; i += 16) {
    const x = v128.load(h + i);
    const o0 = v128.load(r0 + i);
    let acc = madd(g0, o0, v128.load(grad + i));
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
    v128.store(grad + i, acc);
  }
}

/** Step 3 for the group of n <= 4 targets starting at t0 (n is a constant at every
 *  call site, so the unused lanes' code folds away). The n output rows and their
 *  updates live in registers across the context loop; G[c][t0..t0+3] is one load
 *  (at g + c * stride). ctx: the C input row addresses; grads: C rows, added to. */
// @ts-ignore: decorator
@inline function updateGroup(
  n: i32, t0: i32, ctx: usize, contexts: i32, g: usize, stride: usize, grads: usize, bytes: usize,
): void {
  const r0 = rowAt(targetRows, t0);
  const r1 = n > 1 ? rowAt(targetRows, t0 + 1) : r0;
  const r2 = n > 2 ? rowAt(targetRows, t0 + 2) : r0;
  const r3 = n > 3 ? rowAt(targetRows, t0 + 3) : r0;
  const none = f32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const o0 = v128.load(r0 + i);
    const o1 = n > 1 ? v128.load(r1 + i) : none;
    const o2 = n > 2 ? v128.load(r2 + i) : none;
    const o3 = n > 3 ? v128.load(r3 + i) : none;
    let u0 = o0, u1 = o1, u2 = o2, u3 = o3;
    let dst = grads + i;
    let gc = g;
    let row = ctx;
    for (let c = 0; c < contexts; c++) {
      const x = v128.load(<usize>load<u32>(row) + i);
      row += 4;
      const gv = v128.load(gc);
      const g0 = v128.shuffle<f32>(gv, gv, 0, 0, 0, 0);
      let acc = madd(g0, o0, v128.load(dst));
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
      v128.store(dst, acc);
      dst += bytes;
      gc += stride;
    }
    v128.store(r0 + i, u0);
    if (n > 1) v128.store(r1 + i, u1);
    if (n > 2) v128.store(r2 + i, u2);
    if (n > 3) v128.store(r3 + i, u3);
  }
}

/** One step over the block: input rows at contextRows[0..contexts), output rows
 *  at targetRows[0..targets) (row 0 the positive) with multiplicities at
 *  targetWeights. Writes grad_c (the change h_c should take) to `grads` (one row
 *  each), and adds it to h_c when `apply`. Rows of contextRows may repeat (each
 *  occurrence gets its own gradient); target rows must be distinct. */
export function updateBlock(contexts: i32, targets: i32, lr: f32, grads: usize, apply: bool): void {
  const bytes = rowBytes;
  // G is C x Tpad floats, Tpad = targets rounded up to whole vectors.
  const groups = (targets + 3) >> 2;
  const stride = <usize>groups << 4;
  for (let t = targets; t < groups << 2; t++) store<f32>(targetWeights + (<usize>t << 2), 0);

  // 1. D = H . O^T, two contexts at a time (full groups, then the last 1..3).
  const full = targets >> 2;
  const rest = targets & 3;
  const last = full << 2;
  let c = 0;
  for (; c + 2 <= contexts; c += 2) {
    const h0 = rowAt(contextRows, c), h1 = rowAt(contextRows, c + 1);
    const out = gains + <usize>c * stride;
    for (let t = 0; t < last; t += 4) dots2(4, t, h0, h1, bytes, out + (<usize>t << 2), out + stride + (<usize>t << 2));
    const rout = out + (<usize>last << 2);
    if (rest == 1) dots2(1, last, h0, h1, bytes, rout, rout + stride);
    else if (rest == 2) dots2(2, last, h0, h1, bytes, rout, rout + stride);
    else if (rest == 3) dots2(3, last, h0, h1, bytes, rout, rout + stride);
  }
  if (c < contexts) {
    const h = rowAt(contextRows, c);
    const out = gains + <usize>c * stride;
    for (let t = 0; t < last; t += 4) dots1(4, t, h, bytes, out + (<usize>t << 2));
    const rout = out + (<usize>last << 2);
    if (rest == 1) dots1(1, last, h, bytes, rout);
    else if (rest == 2) dots1(2, last, h, bytes, rout);
    else if (rest == 3) dots1(3, last, h, bytes, rout);
  }

  // 2. Gains and loss terms, a vector of four targets at a time. The positive is
  //    lane 0 of group 0: its label is 1 and its loss is softplus(-d).
  const rate = f32x4.splat(lr);
  const positiveLabel = f32x4.replace_lane(f32x4.splat(0), 0, 1);
  const positiveSign = f32x4.replace_lane(f32x4.splat(1), 0, -1);
  let loss = f32x4.splat(0);
  for (let k = 0; k < contexts; k++) {
    const row = gains + <usize>k * stride;
    for (let t = 0; t < groups; t++) {
      const at = row + (<usize>t << 4);
      const d = v128.load(at);
      const weight = v128.load(targetWeights + (<usize>t << 4));
      const label = t == 0 ? positiveLabel : f32x4.splat(0);
      const signed = t == 0 ? f32x4.mul(d, positiveSign) : d;
      const e = expNegAbs(d); // = e^-|signed|
      v128.store(at, f32x4.mul(f32x4.mul(f32x4.sub(label, sigmoidWith(d, e)), rate), weight));
      loss = f32x4.add(loss, f32x4.mul(softplusWith(signed, e), weight));
    }
  }
  addLoss(
    <f64>f32x4.extract_lane(loss, 0) + <f64>f32x4.extract_lane(loss, 1) +
      <f64>f32x4.extract_lane(loss, 2) + <f64>f32x4.extract_lane(loss, 3),
    contexts,
  );

  // 3. Input gradients and output updates, group by group (full groups, then the
  //    last 1..3 targets).
  zero(grads, <usize>contexts * bytes);
  if (contexts == 1) {
    const h = rowAt(contextRows, 0);
    for (let t = 0; t < last; t += 4) updateGroup1(4, t, h, grads, bytes);
    if (rest == 1) updateGroup1(1, last, h, grads, bytes);
    else if (rest == 2) updateGroup1(2, last, h, grads, bytes);
    else if (rest == 3) updateGroup1(3, last, h, grads, bytes);
  } else {
    const ctx = contextRows;
    const g = gains;
    for (let t = 0; t < last; t += 4) {
      updateGroup(4, t, ctx, contexts, g + (<usize>t << 2), stride, grads, bytes);
    }
    const gl = g + (<usize>last << 2);
    if (rest == 1) updateGroup(1, last, ctx, contexts, gl, stride, grads, bytes);
    else if (rest == 2) updateGroup(2, last, ctx, contexts, gl, stride, grads, bytes);
    else if (rest == 3) updateGroup(3, last, ctx, contexts, gl, stride, grads, bytes);
  }

  // 4. Apply (duplicate contexts each add their own gradient to the shared row).
  if (apply) {
    for (let k = 0; k < contexts; k++) addTo(grads + <usize>k * bytes, rowAt(contextRows, k), bytes);
  }
}

/** One step of a single input vector h (the window mean for CBOW, a context row
 *  for per-pair skip-gram): grad = the change h should take (not applied). */
export function updateTargets(h: usize, grad: usize, n: i32, lr: f32): void {
  store<u32>(contextRows, <u32>h);
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
