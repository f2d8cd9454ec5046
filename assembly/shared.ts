// Skip-gram with shared negatives (Ji et al. 2016, "HogBatch"): for one centre
// word, the noise words are drawn once and shared by every context word of its
// window. The step becomes three small dense products over a C x T block
// (C context input rows, T = 1 + negatives output rows):
//   D = In . Out^T,  G = (labels - sigma(D)) * lr,
//   grad_In = G . Out (old Out),  Out += G^T . In (old In),  In += grad_In.
// The T output rows are fetched once per window instead of once per pair, and
// there are C times fewer random draws; the arithmetic is the same as per pair.
import {
  contextRows,
  gains,
  gradRow,
  inputRow,
  MAX_BATCH,
  rowBytes,
  sentence,
  targetRows,
  targetWeights,
} from "./model";
import { window } from "./params";
import { below } from "./rng";
import { addLoss, drawTargets } from "./sgns";
import { logSigmoid, sigmoid } from "./sigmoid";
import { addTo, axpy, dot, dot4, madd, zero } from "./simd";

export function trainSentence(length: i32, lr: f32): void {
  for (let pos = 0; pos < length; pos++) {
    const word = load<u32>(sentence + (<usize>pos << 2));
    const reach = window - <i32>below(<u32>window);
    const first = pos - reach < 0 ? 0 : pos - reach;
    const last = pos + reach >= length ? length - 1 : pos + reach;
    if (last - first < 1) continue;
    const targets = drawTargets(word);
    let count = 0;
    for (let c = first; c <= last; c++) {
      if (c == pos) continue;
      store<u32>(
        contextRows + (<usize>count << 2),
        <u32>inputRow(load<u32>(sentence + (<usize>c << 2))),
      );
      count++;
      if (count == MAX_BATCH) {
        updateBlock(count, targets, lr);
        count = 0;
      }
    }
    if (count > 0) updateBlock(count, targets, lr);
  }
}

// @ts-ignore: decorator
@inline function rowAt(list: usize, k: i32): usize {
  return <usize>load<u32>(list + (<usize>k << 2));
}

// @ts-ignore: decorator
@inline function splatAt(base: usize, k: i32): v128 {
  return v128.load32_splat(base + (<usize>k << 2));
}

/** One C x T block: contexts in contextRows[0..C), targets in targetRows[0..T).
 *  Gains are stored twice: G[c][t] at gains[c * T + t] (read per context) and the
 *  transpose at gainsT[t * C + c] (read per target), so every group of four reads
 *  its gains from one contiguous run. */
export function updateBlock(contexts: i32, targets: i32, lr: f32): void {
  const bytes = rowBytes;
  const gainsT = gains + (<usize>(contexts * targets) << 2);
  // 1. Dot products and gains, four targets per sweep of each context row.
  let loss: f64 = 0;
  for (let c = 0; c < contexts; c++) {
    const h = rowAt(contextRows, c);
    let t = 0;
    for (; t + 4 <= targets; t += 4) {
      const d = dot4(
        h,
        rowAt(targetRows, t),
        rowAt(targetRows, t + 1),
        rowAt(targetRows, t + 2),
        rowAt(targetRows, t + 3),
        bytes,
      );
      loss += gainOf(c, t, f32x4.extract_lane(d, 0), lr, contexts, targets, gainsT) +
        gainOf(c, t + 1, f32x4.extract_lane(d, 1), lr, contexts, targets, gainsT) +
        gainOf(c, t + 2, f32x4.extract_lane(d, 2), lr, contexts, targets, gainsT) +
        gainOf(c, t + 3, f32x4.extract_lane(d, 3), lr, contexts, targets, gainsT);
    }
    for (; t < targets; t++) {
      loss += gainOf(c, t, dot(h, rowAt(targetRows, t), bytes), lr, contexts, targets, gainsT);
    }
  }
  addLoss(loss, contexts);
  // 2. Input gradients from the old output rows: grad_c = sum_t G[c][t] * out_t.
  for (let c = 0; c < contexts; c++) {
    const g = gains + (<usize>(c * targets) << 2);
    accumulate(gradRow + <usize>c * bytes, g, targetRows, targets, bytes, false);
  }
  // 3. Output rows from the old input rows: out_t += sum_c G[c][t] * in_c.
  for (let t = 0; t < targets; t++) {
    const g = gainsT + (<usize>(t * contexts) << 2);
    accumulate(rowAt(targetRows, t), g, contextRows, contexts, bytes, true);
  }
  // 4. Apply the input gradients (duplicate context words each get their own).
  for (let c = 0; c < contexts; c++) {
    addTo(gradRow + <usize>c * bytes, rowAt(contextRows, c), bytes);
  }
}

/** dst = (add ? dst : 0) + sum_k g[k] * row_k over `count` rows listed at `rows`,
 *  four rows per sweep over the lanes (addresses and gains held in locals). */
function accumulate(dst: usize, g: usize, rows: usize, count: i32, bytes: usize, add: bool): void {
  if (!add) zero(dst, bytes);
  let k = 0;
  for (; k + 4 <= count; k += 4) {
    const r0 = rowAt(rows, k), r1 = rowAt(rows, k + 1);
    const r2 = rowAt(rows, k + 2), r3 = rowAt(rows, k + 3);
    const g0 = splatAt(g, k), g1 = splatAt(g, k + 1);
    const g2 = splatAt(g, k + 2), g3 = splatAt(g, k + 3);
    for (let i: usize = 0; i < bytes; i += 16) {
      let acc = madd(g0, v128.load(r0 + i), v128.load(dst + i));
      acc = madd(g1, v128.load(r1 + i), acc);
      acc = madd(g2, v128.load(r2 + i), acc);
      v128.store(dst + i, madd(g3, v128.load(r3 + i), acc));
    }
  }
  for (; k + 2 <= count; k += 2) {
    const r0 = rowAt(rows, k), r1 = rowAt(rows, k + 1);
    const g0 = splatAt(g, k), g1 = splatAt(g, k + 1);
    for (let i: usize = 0; i < bytes; i += 16) {
      const acc = madd(g0, v128.load(r0 + i), v128.load(dst + i));
      v128.store(dst + i, madd(g1, v128.load(r1 + i), acc));
    }
  }
  if (k < count) axpy(load<f32>(g + (<usize>k << 2)), rowAt(rows, k), dst, bytes);
}

/** Stores G[c][t] and its transpose; returns the pair's loss term. */
// @ts-ignore: decorator
@inline function gainOf(
  c: i32, t: i32, f: f32, lr: f32, contexts: i32, targets: i32, gainsT: usize,
): f64 {
  const label: f32 = t == 0 ? 1 : 0;
  const weight = load<f32>(targetWeights + (<usize>t << 2));
  const g = (label - sigmoid(f)) * lr * weight;
  store<f32>(gains + (<usize>(c * targets + t) << 2), g);
  store<f32>(gainsT + (<usize>(t * contexts + c) << 2), g);
  return <f64>weight * (t == 0 ? -logSigmoid(f) : <f64>f - logSigmoid(f));
}
