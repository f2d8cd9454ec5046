// The kernel's whole exported surface: numbers in, numbers out. It knows nothing of
// files, strings or words; the host (src/kernel/) lays out memory and calls these.
import { keptLength, nextSentence, resetWordsSeen, wordsSeen } from "./chunk";
import { learningRate } from "./params";
import {
  addContext,
  drawTargets,
  lossSteps,
  lossSum,
  resetLoss,
  stepLoss,
  updateBlock,
  updateTargets,
} from "./sgns";
import { trainSentence as skipgramSentence } from "./skipgram";
import { trainSentence as cbowSentence } from "./cbow";
import { trainSentence as sharedSentence } from "./shared";
import { trainSentence as sessionSentence } from "./session";
import { getState, setState } from "./rng";
import { refillNoise } from "./sampler";
import { gradRow, inputRow, outputRow, targetRows, targetWeights } from "./model";

export {
  MAX_NEGATIVE,
  MAX_SENTENCE,
  NOISE_POOL,
  scratchBytes,
  setScratch,
  setTables,
} from "./model";
export { setParams } from "./params";
export {
  mergeLocalBlock,
  mergeLocalInputRows,
  mergeLocalOutputRows,
  mergeLocalRows,
  setLocalRows,
} from "./local_rows";
export { setExact } from "./sigmoid";
export { countKept, NOISE_REUSE, refillNoise, sampleAlias, sampleNoise } from "./sampler";
export { initRows } from "./init";
export { LABELS_MARK, partEnd, SENTENCE_END } from "./chunk";
export { meanRowsOf } from "./bags";
export {
  LOSS_NS,
  LOSS_SOFTMAX,
  predictExamples,
  setSupervised,
  softmaxLoss,
  softmaxTestStep,
  trainExamples,
} from "./supervised";
export { pairScratchBytes, setPairs, trainPairs } from "./pairs";
export { analogyBatch, normalizeRows, scoreCosMul, scoreRows, selectTopK } from "./search";

export const MODE_SKIPGRAM: i32 = 0;
export const MODE_CBOW: i32 = 1;
export const MODE_SKIPGRAM_SHARED: i32 = 2;
/** item2vec: every item of the session is a context (sampled when long). */
export const MODE_SESSION: i32 = 3;
export const MODE_SESSION_SHARED: i32 = 4;

/** Where the kernel's own static data ends; the host lays its regions out above. */
export function heapBase(): usize {
  return __heap_base;
}

export function seed(s: u64): void {
  setState(s);
}

export function rngState(): u64 {
  return getState();
}

/** Trains on `count` token ids at `tokens` (sentences ended by 0xFFFFFFFF).
 *  `wordsBefore` is the run's word count before this chunk (drives lr decay).
 *  Returns the number of words consumed (before subsampling). */
export function trainChunk(mode: i32, tokens: usize, count: i32, wordsBefore: f64): f64 {
  resetWordsSeen();
  refillNoise();
  let at = 0;
  while (at < count) {
    const lr = learningRate(wordsBefore + wordsSeen);
    at = nextSentence(tokens, at, count);
    if (mode == MODE_CBOW) cbowSentence(keptLength, lr);
    else if (mode == MODE_SKIPGRAM_SHARED) sharedSentence(keptLength, lr);
    else if (mode == MODE_SESSION || mode == MODE_SESSION_SHARED) {
      sessionSentence(keptLength, lr, mode == MODE_SESSION_SHARED);
    }
    else skipgramSentence(keptLength, lr);
  }
  return wordsSeen;
}

/** -objective summed over steps since the last reset, and the step count. */
export function lossTotal(): f64 {
  return lossSum;
}

export function lossCount(): f64 {
  return lossSteps;
}

export { resetLoss };

/** Current learning rate at a given run position (for progress reports). */
export function lrAt(wordsDone: f64): f32 {
  return learningRate(wordsDone);
}

// --- Hooks for tests: one step with explicit targets, no randomness. ---

/** Loads `n` output-row word ids (positive first) from `ids` as targets of
 *  multiplicity 1 (the test passes distinct ids, or checks the merge itself). */
function loadTargets(ids: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    store<u32>(targetRows + (<usize>j << 2), <u32>outputRow(load<u32>(ids + (<usize>j << 2))));
    store<f32>(targetWeights + (<usize>j << 2), 1);
  }
}

/** One SGD step of vector h (row address) against targets ids[0..n), gradient into grad. */
export function testStep(h: usize, grad: usize, ids: usize, n: i32, lr: f32): void {
  loadTargets(ids, n);
  updateTargets(h, grad, n, lr);
}

/** The loss of h against targets ids[0..n). */
export function testLoss(h: usize, ids: usize, n: i32): f64 {
  loadTargets(ids, n);
  return stepLoss(h, n);
}

/** One shared-negatives block: the input rows of word ids ctx[0..c) against the
 *  output rows of ids[0..n) (ids[0] the positive), as skip-gram's window step. */
export function testBlock(ctx: usize, c: i32, ids: usize, n: i32, lr: f32): void {
  loadTargets(ids, n);
  let count = 0;
  for (let k = 0; k < c; k++) {
    count = addContext(<u32>inputRow(load<u32>(ctx + (<usize>k << 2))), count);
  }
  updateBlock(count, n, lr, gradRow, true);
}

/** The block's loss: the sum over its contexts of each context's step loss. */
export function testBlockLoss(ctx: usize, c: i32, ids: usize, n: i32): f64 {
  loadTargets(ids, n);
  let loss: f64 = 0;
  for (let k = 0; k < c; k++) loss += stepLoss(inputRow(load<u32>(ctx + (<usize>k << 2))), n);
  return loss;
}

/** Draws targets for a positive word; returns how many (1 + kept negatives). */
export function testDrawTargets(positive: u32): i32 {
  return drawTargets(positive);
}
