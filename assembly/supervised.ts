// Supervised mode (fastText-style classification): a document is the mean of its
// input rows (words and hashed word n-grams); labels have their own output rows
// (the output table). Per example one of its labels is the target (chosen
// uniformly, as fastText does), scored against `negative` noise labels (LOSS_NS)
// or against every label through a softmax (LOSS_SOFTMAX). The gradient of the
// mean is divided by the number of inputs and added to each input row.
//
// Chunk format: input ids..., LABELS_MARK, label ids..., SENTENCE_END; repeated.
import { LABELS_MARK, SENTENCE_END } from "./chunk";
import { meanRowsOf } from "./bags";
import { gradRow, hiddenRow, inputRow, inputTable, outputRow, rowBytes } from "./model";
import { learningRate } from "./params";
import { below } from "./rng";
import { refillNoise } from "./sampler";
import { addLoss, drawTargets, updateTargets } from "./sgns";
import { addTo, axpy, dot, scale, zero } from "./simd";

export const LOSS_NS: i32 = 0;
export const LOSS_SOFTMAX: i32 = 1;

let lossKind: i32 = LOSS_NS;
let labelCount: i32 = 0;
/** labelCount floats of scratch for the softmax. */
let labelScores: usize = 0;

export function setSupervised(kind: i32, labels: i32, scores: usize): void {
  lossKind = kind;
  labelCount = labels;
  labelScores = scores;
}

/** Full softmax over the labels: one step towards `target`. */
function softmaxStep(h: usize, grad: usize, target: u32, lr: f32): void {
  const bytes = rowBytes;
  let max: f32 = -Infinity;
  for (let l = 0; l < labelCount; l++) {
    const s = dot(h, outputRow(<u32>l), bytes);
    store<f32>(labelScores + (<usize>l << 2), s);
    if (s > max) max = s;
  }
  let sum: f64 = 0;
  for (let l = 0; l < labelCount; l++) {
    const e = Mathf.exp(load<f32>(labelScores + (<usize>l << 2)) - max);
    store<f32>(labelScores + (<usize>l << 2), e);
    sum += <f64>e;
  }
  const inv = <f32>(1 / sum);
  const p = load<f32>(labelScores + (<usize>target << 2)) * inv;
  addLoss(-Math.log(<f64>(p > 1e-30 ? p : 1e-30)), 1);
  for (let l = 0; l < labelCount; l++) {
    const prob = load<f32>(labelScores + (<usize>l << 2)) * inv;
    const g = ((<u32>l == target ? <f32>1 : <f32>0) - prob) * lr;
    const row = outputRow(<u32>l);
    axpy(g, row, grad, bytes); // grad += g * o_l (old o_l)
    axpy(g, h, row, bytes); // o_l += g * h
  }
}

/** Trains on a chunk of labelled examples; returns the input tokens consumed. */
export function trainExamples(tokens: usize, count: i32, wordsBefore: f64): f64 {
  refillNoise();
  let seen: f64 = 0;
  let at = 0;
  while (at < count) {
    const start = at;
    while (at < count && load<u32>(tokens + (<usize>at << 2)) != LABELS_MARK) at++;
    const inputs = at - start;
    const labelsStart = at + 1;
    at = labelsStart;
    while (at < count && load<u32>(tokens + (<usize>at << 2)) != SENTENCE_END) at++;
    const labels = at - labelsStart;
    at++;
    if (inputs == 0 || labels <= 0) continue;
    const lr = learningRate(wordsBefore + seen);
    seen += <f64>inputs;
    const ids = tokens + (<usize>start << 2);
    meanRowsOf(inputTable, ids, inputs, hiddenRow);
    zero(gradRow, rowBytes);
    const target = load<u32>(tokens + (<usize>(labelsStart + <i32>below(<u32>labels)) << 2));
    if (lossKind == LOSS_SOFTMAX) softmaxStep(hiddenRow, gradRow, target, lr);
    // Noise labels equal to the target are drawn again (fastText's getNegative).
    else updateTargets(hiddenRow, gradRow, drawTargets(target, labelCount > 1), lr);
    scale(1 / <f32>inputs, gradRow, rowBytes);
    for (let i = 0; i < inputs; i++) addTo(gradRow, inputRow(load<u32>(ids + (<usize>i << 2))), rowBytes);
  }
  return seen;
}

/** For each example of a chunk (same format; labels may be absent), the best
 *  label by score h . o_l over the first `labels` output rows; -1 if no input. */
export function predictExamples(tokens: usize, count: i32, out: usize): i32 {
  let at = 0;
  let example = 0;
  while (at < count) {
    const start = at;
    while (
      at < count && load<u32>(tokens + (<usize>at << 2)) != LABELS_MARK &&
      load<u32>(tokens + (<usize>at << 2)) != SENTENCE_END
    ) at++;
    const inputs = at - start;
    while (at < count && load<u32>(tokens + (<usize>at << 2)) != SENTENCE_END) at++;
    at++;
    let best: i32 = -1;
    if (inputs > 0) {
      meanRowsOf(inputTable, tokens + (<usize>start << 2), inputs, hiddenRow);
      let bestScore: f32 = -Infinity;
      for (let l = 0; l < labelCount; l++) {
        const s = dot(hiddenRow, outputRow(<u32>l), rowBytes);
        if (s > bestScore) {
          bestScore = s;
          best = l;
        }
      }
    }
    store<i32>(out + (<usize>example << 2), best);
    example++;
  }
  return example;
}

/** Test hooks: loss of h against every label (softmax), and one softmax step. */
export function softmaxLoss(h: usize, target: u32): f64 {
  let max: f64 = -Infinity;
  for (let l = 0; l < labelCount; l++) {
    const s = <f64>dot(h, outputRow(<u32>l), rowBytes);
    if (s > max) max = s;
  }
  let sum: f64 = 0;
  for (let l = 0; l < labelCount; l++) sum += Math.exp(<f64>dot(h, outputRow(<u32>l), rowBytes) - max);
  return -(<f64>dot(h, outputRow(target), rowBytes) - max - Math.log(sum));
}

export function softmaxTestStep(h: usize, grad: usize, target: u32, lr: f32): void {
  softmaxStep(h, grad, target, lr);
}

