/** The WebAssembly kernel's exports (assembly/index.ts), as the host sees them.
 *  Addresses are byte offsets into the imported memory. */
export interface KernelExports {
  heapBase(): number;
  scratchBytes(floatsPerRow: number): number;
  setScratch(ptr: number): void;
  setTables(
    input: number,
    output: number,
    alias: number,
    keep: number,
    words: number,
    floatsPerRow: number,
  ): void;
  setParams(
    window: number,
    negative: number,
    lr: number,
    minLr: number,
    plannedWords: number,
  ): void;
  setExact(on: number): void;
  setLocalRows(block: number, words: number, inputWords: number): void;
  mergeLocalRows(): void;
  mergeLocalOutputRows(first: number, count: number): void;
  mergeLocalBlock(block: number, words: number, inputWords: number): void;
  mergeLocalInputRows(): void;
  seed(state: bigint): void;
  rngState(): bigint;
  initRows(table: number, first: number, count: number, dim: number, uniform: number): void;
  trainChunk(mode: number, tokens: number, count: number, wordsBefore: number): number;
  partEnd(tokens: number, from: number, count: number, want: number): number;
  lossTotal(): number;
  lossCount(): number;
  resetLoss(): void;
  lrAt(wordsDone: number): number;
  sampleAlias(out: number, n: number): void;
  sampleNoise(out: number, n: number, every: number): void;
  refillNoise(): void;
  countKept(word: number, n: number): number;
  normalizeRows(src: number, dst: number, rows: number, rowBytes: number): void;
  scoreRows(query: number, table: number, rows: number, rowBytes: number, out: number): void;
  scoreCosMul(
    ids: number,
    nPos: number,
    nNeg: number,
    table: number,
    rows: number,
    rowBytes: number,
    out: number,
  ): void;
  selectTopK(
    scores: number,
    n: number,
    k: number,
    exclude: number,
    nExclude: number,
    outIds: number,
    outScores: number,
  ): number;
  analogyBatch(
    triples: number,
    count: number,
    table: number,
    rows: number,
    rowBytes: number,
    out: number,
    query: number,
  ): void;
  testStep(h: number, grad: number, ids: number, n: number, lr: number): void;
  testLoss(h: number, ids: number, n: number): number;
  testDrawTargets(positive: number): number;
  testBlock(ctx: number, c: number, ids: number, n: number, lr: number): void;
  testBlockLoss(ctx: number, c: number, ids: number, n: number): number;
  // Supervised mode (assembly/supervised.ts)
  setSupervised(loss: number, labels: number, scores: number): void;
  trainExamples(tokens: number, count: number, wordsBefore: number): number;
  predictExamples(tokens: number, count: number, out: number): number;
  softmaxLoss(h: number, target: number): number;
  softmaxTestStep(h: number, grad: number, target: number, lr: number): void;
  meanRowsOf(table: number, ids: number, n: number, dst: number): void;
  // Pair mode (assembly/pairs.ts)
  pairScratchBytes(floatsPerRow: number): number;
  setPairs(queries: number, docs: number, offsets: number, capacity: number, rows: number): void;
  trainPairs(tokens: number, count: number, wordsBefore: number): number;
  MAX_NEGATIVE: WebAssembly.Global;
  NOISE_POOL: WebAssembly.Global;
  NOISE_REUSE: WebAssembly.Global;
  MAX_SENTENCE: WebAssembly.Global;
}

export const MODE_SKIPGRAM = 0;
export const MODE_CBOW = 1;
export const MODE_SKIPGRAM_SHARED = 2;
/** item2vec: the whole session is the context (sampled when long). */
export const MODE_SESSION = 3;
export const MODE_SESSION_SHARED = 4;
export const LOSS_NS = 0;
export const LOSS_SOFTMAX = 1;
/** Marks the end of a sentence (or example) in a chunk of token ids. */
export const SENTENCE_END = 0xFFFFFFFF;
/** Separates inputs from labels (supervised) or a query from its document (pairs). */
export const LABELS_MARK = 0xFFFFFFFE;
