// Where the model lives. The host owns the memory layout: it allocates every
// region in linear memory (see src/kernel/layout.ts) and hands the addresses in.
// These globals are per instance, so each thread holds its own copies of the
// addresses (pointing at the same shared tables) and of its scratch area.

/** Input vectors (the embeddings): vocabSize rows of rowBytes, 16-byte aligned. */
export let inputTable: usize = 0;
/** Output vectors (the negative-sampling weights): same shape as inputTable. */
export let outputTable: usize = 0;
/** Noise distribution as an alias table: per word a u32 threshold and a u32 alias. */
export let aliasTable: usize = 0;
/** Subsampling: per word a u32 keep threshold (0xFFFFFFFF keeps always). */
export let keepTable: usize = 0;
export let vocabSize: u32 = 0;
/** Floats per row: the dimension rounded up to a multiple of 4 (pad lanes stay 0). */
export let rowFloats: i32 = 0;
export let rowBytes: usize = 0;

/** Per-thread scratch, laid out by scratchLayout(): hidden + gradient rows,
 *  target row addresses, gains, and the current (subsampled) sentence. */
export let scratch: usize = 0;
export let hiddenRow: usize = 0;
/** MAX_BATCH gradient rows (CBOW uses the first; shared negatives all). */
export let gradRow: usize = 0;
export let queryRow: usize = 0;
export let targetRows: usize = 0;
/** Multiplicity of each target (a noise word drawn twice counts twice). */
export let targetWeights: usize = 0;
export let contextRows: usize = 0;
/** Multiplicity of each context (a word twice in one window counts twice). */
export let contextWeights: usize = 0;
export let gains: usize = 0;
export let sentence: usize = 0;

/** Longest sentence the kernel holds; the host splits longer lines. */
export const MAX_SENTENCE: i32 = 10000;
/** Context rows per shared-negatives block (wider windows run in several). */
export const MAX_BATCH: i32 = 16;
/** Upper bound on negatives per positive (the host validates against it). */
export const MAX_NEGATIVE: i32 = 127;

export function setTables(
  input: usize,
  output: usize,
  alias: usize,
  keep: usize,
  words: u32,
  floatsPerRow: i32,
): void {
  inputTable = input;
  outputTable = output;
  aliasTable = alias;
  keepTable = keep;
  vocabSize = words;
  rowFloats = floatsPerRow;
  rowBytes = <usize>floatsPerRow << 2;
}

/** Bytes of scratch one thread needs for rows of `floatsPerRow`. */
export function scratchBytes(floatsPerRow: i32): usize {
  const row = <usize>floatsPerRow << 2;
  return (2 + <usize>MAX_BATCH) * row + 8 * <usize>(MAX_NEGATIVE + 1) +
    4 * <usize>MAX_BATCH * <usize>(MAX_NEGATIVE + 1) + 8 * <usize>MAX_BATCH +
    4 * <usize>MAX_SENTENCE;
}

export function setScratch(ptr: usize): void {
  scratch = ptr;
  hiddenRow = ptr;
  queryRow = hiddenRow + rowBytes;
  gradRow = queryRow + rowBytes;
  targetRows = gradRow + <usize>MAX_BATCH * rowBytes;
  targetWeights = targetRows + 4 * <usize>(MAX_NEGATIVE + 1);
  gains = targetWeights + 4 * <usize>(MAX_NEGATIVE + 1);
  // gains: G, MAX_BATCH x (MAX_NEGATIVE + 1) floats at most (16-byte aligned)
  contextRows = gains + 4 * <usize>MAX_BATCH * <usize>(MAX_NEGATIVE + 1);
  contextWeights = contextRows + 4 * <usize>MAX_BATCH;
  sentence = contextWeights + 4 * <usize>MAX_BATCH;
}

// @ts-ignore: decorator
@inline export function inputRow(word: u32): usize {
  return inputTable + <usize>word * rowBytes;
}

// @ts-ignore: decorator
@inline export function outputRow(word: u32): usize {
  return outputTable + <usize>word * rowBytes;
}
