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
  initTables(): void;
  setExact(on: number): void;
  seed(state: bigint): void;
  rngState(): bigint;
  initRows(table: number, first: number, count: number, dim: number, uniform: number): void;
  trainChunk(mode: number, tokens: number, count: number, wordsBefore: number): number;
  lossTotal(): number;
  lossCount(): number;
  resetLoss(): void;
  lrAt(wordsDone: number): number;
  sampleNoise(out: number, n: number): void;
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
  MAX_NEGATIVE: WebAssembly.Global;
  MAX_SENTENCE: WebAssembly.Global;
}

export const MODE_SKIPGRAM = 0;
export const MODE_CBOW = 1;
export const MODE_SKIPGRAM_SHARED = 2;
/** Marks the end of a sentence in a chunk of token ids. */
export const SENTENCE_END = 0xFFFFFFFF;
