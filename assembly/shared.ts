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
} from "./model";
import { window } from "./params";
import { below } from "./rng";
import { addLoss, drawTargets } from "./sgns";
import { logSigmoid, sigmoid } from "./sigmoid";
import { dot, madd } from "./simd";

export function trainSentence(length: i32, lr: f32): void {
  for (let pos = 0; pos < length; pos++) {
    const word = load<u32>(sentence + (<usize> pos << 2));
    const reach = window - <i32> below(<u32> window);
    const first = pos - reach < 0 ? 0 : pos - reach;
    const last = pos + reach >= length ? length - 1 : pos + reach;
    if (last - first < 1) continue;
    const targets = drawTargets(word);
    let count = 0;
    for (let c = first; c <= last; c++) {
      if (c == pos) continue;
      store<u32>(
        contextRows + (<usize> count << 2),
        <u32> inputRow(load<u32>(sentence + (<usize> c << 2))),
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
function rowAt(list: usize, k: i32): usize {
  return <usize> load<u32>(list + (<usize> k << 2));
}

// Gain of (context c, target t), stored at gains[c * T + t].
// @ts-ignore: decorator
function gainAt(c: i32, t: i32, targets: i32): usize {
  return gains + (<usize> (c * targets + t) << 2);
}

/** One C x T block: contexts in contextRows[0..C), targets in targetRows[0..T). */
export function updateBlock(contexts: i32, targets: i32, lr: f32): void {
  const bytes = rowBytes;
  // 1. Dot products and gains.
  let loss: f64 = 0;
  for (let c = 0; c < contexts; c++) {
    const h = rowAt(contextRows, c);
    for (let t = 0; t < targets; t++) {
      const f = dot(h, rowAt(targetRows, t), bytes);
      const label: f32 = t == 0 ? 1 : 0;
      store<f32>(gainAt(c, t, targets), (label - sigmoid(f)) * lr);
      loss += t == 0 ? -logSigmoid(f) : <f64> f - logSigmoid(f);
    }
  }
  addLoss(loss, contexts);
  // 2. Input gradients from the old output rows: grad_c = sum_t G[c][t] * out_t.
  for (let c = 0; c < contexts; c++) {
    const grad = gradRow + <usize> c * bytes;
    for (let i: usize = 0; i < bytes; i += 16) {
      let acc0 = f32x4.splat(0);
      let acc1 = f32x4.splat(0);
      let t = 0;
      for (; t + 2 <= targets; t += 2) {
        acc0 = madd(
          v128.load32_splat(gainAt(c, t, targets)),
          v128.load(rowAt(targetRows, t) + i),
          acc0,
        );
        acc1 = madd(
          v128.load32_splat(gainAt(c, t + 1, targets)),
          v128.load(rowAt(targetRows, t + 1) + i),
          acc1,
        );
      }
      if (t < targets) {
        acc0 = madd(
          v128.load32_splat(gainAt(c, t, targets)),
          v128.load(rowAt(targetRows, t) + i),
          acc0,
        );
      }
      v128.store(grad + i, f32x4.add(acc0, acc1));
    }
  }
  // 3. Output rows from the old input rows: out_t += sum_c G[c][t] * in_c.
  for (let t = 0; t < targets; t++) {
    const out = rowAt(targetRows, t);
    for (let i: usize = 0; i < bytes; i += 16) {
      let acc0 = v128.load(out + i);
      let acc1 = f32x4.splat(0);
      let c = 0;
      for (; c + 2 <= contexts; c += 2) {
        acc0 = madd(
          v128.load32_splat(gainAt(c, t, targets)),
          v128.load(rowAt(contextRows, c) + i),
          acc0,
        );
        acc1 = madd(
          v128.load32_splat(gainAt(c + 1, t, targets)),
          v128.load(rowAt(contextRows, c + 1) + i),
          acc1,
        );
      }
      if (c < contexts) {
        acc0 = madd(
          v128.load32_splat(gainAt(c, t, targets)),
          v128.load(rowAt(contextRows, c) + i),
          acc0,
        );
      }
      v128.store(out + i, f32x4.add(acc0, acc1));
    }
  }
  // 4. Apply the input gradients (duplicate context words each get their own).
  for (let c = 0; c < contexts; c++) {
    const h = rowAt(contextRows, c);
    const grad = gradRow + <usize> c * bytes;
    for (let i: usize = 0; i < bytes; i += 16) {
      v128.store(h + i, f32x4.add(v128.load(h + i), v128.load(grad + i)));
    }
  }
}
