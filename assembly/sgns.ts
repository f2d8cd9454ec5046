// The negative-sampling update for one input vector h against one positive word
// and `negative` noise words: the objective
//   log sigma(h . o_pos) + sum_i log sigma(-h . o_neg_i)
// climbed by one SGD step of size lr. Both skip-gram and CBOW call it.
import { dot, dot4, madd } from "./simd";
import { negative } from "./params";
import { gains, outputRow, rowBytes, targetRows, targetWeights } from "./model";
import { drawNoise } from "./sampler";
import { logSigmoid, sigmoid } from "./sigmoid";

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
 *  multiplicity 2 (targetWeights): the passes below read every target row before
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

/** One step over targetRows[0..n) (row 0 is the positive), in two passes, each
 *  taking targets four at a time so that their row addresses and gains sit in
 *  locals (registers) for a whole sweep over the lanes:
 *  Pass 1: dot products h . o_j (h loaded once per lane block for four targets)
 *  and gains g_j = (label_j - sigma(h . o_j)) * lr.
 *  Pass 2: o_j += g_j * h (old h) while grad += g_j * o_j (old o_j).
 *  grad must not alias h (the caller adds grad to h afterwards for skip-gram). */
export function updateTargets(h: usize, grad: usize, n: i32, lr: f32): void {
  const bytes = rowBytes;
  let loss: f64 = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const d = dot4(h, rowOf(j), rowOf(j + 1), rowOf(j + 2), rowOf(j + 3), bytes);
    loss += gain(j, f32x4.extract_lane(d, 0), lr) + gain(j + 1, f32x4.extract_lane(d, 1), lr) +
      gain(j + 2, f32x4.extract_lane(d, 2), lr) + gain(j + 3, f32x4.extract_lane(d, 3), lr);
  }
  for (; j < n; j++) loss += gain(j, dot(h, rowOf(j), bytes), lr);
  addLoss(loss, 1);

  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const r0 = rowOf(t), r1 = rowOf(t + 1), r2 = rowOf(t + 2), r3 = rowOf(t + 3);
    const g0 = gainOf(t), g1 = gainOf(t + 1), g2 = gainOf(t + 2), g3 = gainOf(t + 3);
    for (let i: usize = 0; i < bytes; i += 16) {
      const hv = v128.load(h + i);
      const o0 = v128.load(r0 + i), o1 = v128.load(r1 + i);
      const o2 = v128.load(r2 + i), o3 = v128.load(r3 + i);
      let acc = madd(g0, o0, v128.load(grad + i));
      acc = madd(g1, o1, acc);
      acc = madd(g2, o2, acc);
      acc = madd(g3, o3, acc);
      v128.store(grad + i, acc);
      v128.store(r0 + i, madd(g0, hv, o0));
      v128.store(r1 + i, madd(g1, hv, o1));
      v128.store(r2 + i, madd(g2, hv, o2));
      v128.store(r3 + i, madd(g3, hv, o3));
    }
  }
  for (; t + 2 <= n; t += 2) {
    const r0 = rowOf(t), r1 = rowOf(t + 1);
    const g0 = gainOf(t), g1 = gainOf(t + 1);
    for (let i: usize = 0; i < bytes; i += 16) {
      const hv = v128.load(h + i);
      const o0 = v128.load(r0 + i), o1 = v128.load(r1 + i);
      v128.store(grad + i, madd(g1, o1, madd(g0, o0, v128.load(grad + i))));
      v128.store(r0 + i, madd(g0, hv, o0));
      v128.store(r1 + i, madd(g1, hv, o1));
    }
  }
  for (; t < n; t++) {
    const r0 = rowOf(t);
    const g0 = gainOf(t);
    for (let i: usize = 0; i < bytes; i += 16) {
      const o0 = v128.load(r0 + i);
      v128.store(grad + i, madd(g0, o0, v128.load(grad + i)));
      v128.store(r0 + i, madd(g0, v128.load(h + i), o0));
    }
  }
}

// @ts-ignore: decorator
@inline function rowOf(j: i32): usize {
  return <usize>load<u32>(targetRows + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function gainOf(j: i32): v128 {
  return v128.load32_splat(gains + (<usize>j << 2));
}

/** Stores target j's gain (times its multiplicity) and returns its loss term
 *  (j == 0 is the positive). */
// @ts-ignore: decorator
@inline function gain(j: i32, f: f32, lr: f32): f64 {
  const label: f32 = j == 0 ? 1 : 0;
  const weight = load<f32>(targetWeights + (<usize>j << 2));
  store<f32>(gains + (<usize>j << 2), (label - sigmoid(f)) * lr * weight);
  // -log sigma(-f) = f - log sigma(f)
  return <f64>weight * (j == 0 ? -logSigmoid(f) : <f64>f - logSigmoid(f));
}

/** Loss of one step with explicit negatives, computed exactly (for gradient tests). */
export function stepLoss(h: usize, n: i32): f64 {
  let loss: f64 = 0;
  for (let j = 0; j < n; j++) {
    const f = dot(h, <usize>load<u32>(targetRows + (<usize>j << 2)), rowBytes);
    const weight = <f64>load<f32>(targetWeights + (<usize>j << 2));
    loss -= weight * (j == 0 ? logSigmoid(f) : logSigmoid(f) - <f64>f);
  }
  return loss;
}
