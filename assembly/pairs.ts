// Pair mode (StarSpace-style retrieval): a query and a document are bags of tokens;
// each side is the mean of its rows (the query side in the input table, the
// document side in `docTable`: the same table, or the output table for separate
// embeddings). The true document is scored against `negative` other documents
// drawn from the same chunk, with the logistic negative-sampling loss on the dot
// product; gradients go to every token row of the query and of each document.
//
// Chunk format: query ids..., LABELS_MARK, document ids..., SENTENCE_END; repeated.
import { LABELS_MARK, SENTENCE_END } from "./chunk";
import { meanRowsOf } from "./bags";
import { hiddenRow, MAX_NEGATIVE, rowBytes } from "./model";
import { learningRate, negative } from "./params";
import { below } from "./rng";
import { addLoss } from "./sgns";
import { logSigmoid, sigmoid } from "./sigmoid";
import { axpy, dot, scale, zero } from "./simd";

let docTable: usize = 0;
let queryTable: usize = 0;
/** 16 bytes per example: query start, query length, doc start, doc length. */
let offsets: usize = 0;
let maxExamples: i32 = 0;
/** Per-thread scratch (pairScratchBytes): the query gradient row, one document
 *  vector row, then per target its example index (i32) and its gain (f32). */
let pairRows: usize = 0;
let targetExample: usize = 0;
let targetGain: usize = 0;

export function pairScratchBytes(floatsPerRow: i32): usize {
  return 8 * <usize>floatsPerRow + 8 * <usize>(MAX_NEGATIVE + 1);
}

export function setPairs(queries: usize, docs: usize, offsetsPtr: usize, capacity: i32, rows: usize): void {
  queryTable = queries;
  docTable = docs;
  offsets = offsetsPtr;
  maxExamples = capacity;
  pairRows = rows;
  targetExample = rows + 2 * rowBytes;
  targetGain = targetExample + 4 * <usize>(MAX_NEGATIVE + 1);
}

/** dst rows of `table` listed at ids[0..n) += g. */
function addToRows(table: usize, ids: usize, n: i32, g: usize): void {
  for (let i = 0; i < n; i++) {
    const row = table + <usize>load<u32>(ids + (<usize>i << 2)) * rowBytes;
    axpy(1, g, row, rowBytes);
  }
}

/** Splits the chunk into examples; returns how many (at most maxExamples). */
function index(tokens: usize, count: i32): i32 {
  let n = 0;
  let at = 0;
  while (at < count && n < maxExamples) {
    const q = at;
    while (at < count && load<u32>(tokens + (<usize>at << 2)) != LABELS_MARK) at++;
    const d = at + 1;
    at = d;
    while (at < count && load<u32>(tokens + (<usize>at << 2)) != SENTENCE_END) at++;
    const e = offsets + (<usize>n << 4);
    store<i32>(e, q);
    store<i32>(e, d - 1 - q, 4);
    store<i32>(e, d, 8);
    store<i32>(e, at - d, 12);
    at++;
    if (d - 1 - q > 0 && at - 1 - d > 0) n++;
  }
  return n;
}

/** Trains on a chunk of pairs; returns the number of query + document tokens. */
export function trainPairs(tokens: usize, count: i32, wordsBefore: f64): f64 {
  const examples = index(tokens, count);
  let seen: f64 = 0;
  const bytes = rowBytes;
  for (let e = 0; e < examples; e++) {
    const lr = learningRate(wordsBefore + seen);
    const ex = offsets + (<usize>e << 4);
    const qIds = tokens + (<usize>load<i32>(ex) << 2);
    const qLen = load<i32>(ex, 4);
    seen += <f64>(qLen + load<i32>(ex, 12));
    meanRowsOf(queryTable, qIds, qLen, hiddenRow);
    // 1. Targets: the true document, then negatives drawn from the other examples;
    //    scores, gains, and the query gradient sum_j g_j * h_d_j (old rows).
    const targets = examples > 1 ? 1 + negative : 1;
    const queryGrad = pairRows;
    const docVector = pairRows + bytes;
    zero(queryGrad, bytes);
    let loss: f64 = 0;
    for (let j = 0; j < targets; j++) {
      let other = e;
      if (j > 0) {
        other = <i32>below(<u32>(examples - 1));
        if (other >= e) other++;
      }
      const ox = offsets + (<usize>other << 4);
      meanRowsOf(docTable, tokens + (<usize>load<i32>(ox, 8) << 2), load<i32>(ox, 12), docVector);
      const f = dot(hiddenRow, docVector, bytes);
      const label: f32 = j == 0 ? 1 : 0;
      const g = (label - sigmoid(f)) * lr;
      loss += j == 0 ? -logSigmoid(f) : <f64>f - logSigmoid(f);
      axpy(g, docVector, queryGrad, bytes);
      store<i32>(targetExample + (<usize>j << 2), other);
      store<f32>(targetGain + (<usize>j << 2), g);
    }
    addLoss(loss, 1);
    // 2. Document rows: each row of document j moves by g_j * h_q / length (old h_q).
    for (let j = 0; j < targets; j++) {
      const ox = offsets + (<usize>load<i32>(targetExample + (<usize>j << 2)) << 4);
      const dLen = load<i32>(ox, 12);
      zero(docVector, bytes);
      axpy(load<f32>(targetGain + (<usize>j << 2)) / <f32>dLen, hiddenRow, docVector, bytes);
      addToRows(docTable, tokens + (<usize>load<i32>(ox, 8) << 2), dLen, docVector);
    }
    // 3. Query rows share the query gradient, divided by the query length.
    scale(1 / <f32>qLen, queryGrad, bytes);
    addToRows(queryTable, qIds, qLen, queryGrad);
  }
  return seen;
}
