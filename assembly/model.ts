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
/** A row of zeros: the padding target of a step (its updates stay 0: gain 0). */
export let zeroRow: usize = 0;
export let targetRows: usize = 0;
/** Multiplicity of each target (a noise word drawn twice counts twice). */
export let targetWeights: usize = 0;
export let contextRows: usize = 0;
/** Multiplicity of each context (a word twice in one window counts twice). */
export let contextWeights: usize = 0;
export let gains: usize = 0;
export let sentence: usize = 0;
/** The noise pool (sampler.ts): NOISE_POOL word ids. */
export let noisePool: usize = 0;

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
  localWords = 0;
  localInputWords = 0;
}

/** A step takes its targets (the positive and up to MAX_NEGATIVE noise words) in
 *  groups of six, the last padded with the zero row (sgns.ts); each group has
 *  eight floats (two vectors) of gains per context. */
export const MAX_GROUPS: i32 = (MAX_NEGATIVE + 1 + 5) / 6;
export const MAX_TARGETS: i32 = 6 * MAX_GROUPS;
const GAINS_BYTES: usize = 32 * <usize>MAX_BATCH * <usize>MAX_GROUPS;
/** Noise words a thread keeps at hand (sampler.ts): at dim 100 their output rows
 *  take 50 KiB, about a Zen 5 core's 48 KiB L1 data cache (AMD's specification;
 *  in A/B, 128 words reused 8 times ran faster than 256 x 4 or 512 x 8). A power
 *  of two (the cursor wraps by a mask). */
export const NOISE_POOL: u32 = 128;

/** Bytes of scratch one thread needs for rows of `floatsPerRow`. */
export function scratchBytes(floatsPerRow: i32): usize {
  const row = <usize>floatsPerRow << 2;
  return (3 + <usize>MAX_BATCH) * row + 8 * <usize>MAX_TARGETS +
    GAINS_BYTES + 8 * <usize>MAX_BATCH +
    4 * <usize>MAX_SENTENCE + 4 * <usize>NOISE_POOL;
}

export function setScratch(ptr: usize): void {
  scratch = ptr;
  hiddenRow = ptr;
  queryRow = hiddenRow + rowBytes;
  gradRow = queryRow + rowBytes;
  zeroRow = gradRow + <usize>MAX_BATCH * rowBytes;
  memory.fill(zeroRow, 0, rowBytes);
  targetRows = zeroRow + rowBytes;
  targetWeights = targetRows + 4 * <usize>MAX_TARGETS;
  gains = targetWeights + 4 * <usize>MAX_TARGETS;
  // gains: G, MAX_BATCH x MAX_GROUPS x 8 floats at most (16-byte aligned)
  contextRows = gains + GAINS_BYTES;
  contextWeights = contextRows + 4 * <usize>MAX_BATCH;
  sentence = contextWeights + 4 * <usize>MAX_BATCH;
  noisePool = sentence + 4 * <usize>MAX_SENTENCE;
}

// @ts-ignore: decorator
@inline export function inputRow(word: u32): usize {
  return select<usize>(localInput, inputTable, word < localInputWords) + <usize>word * rowBytes;
}

/** A training thread's own copies of the output rows of words 0..localWords-1
 *  (the most frequent: ids are sorted by count), merged into outputTable by
 *  local_rows.ts, and those rows as of the last merge. localWords 0 (the
 *  default, and always on one thread): none. */
export let localOutput: usize = 0;
export let localOutputBase: usize = 0;
export let localWords: u32 = 0;
/** The same for the input rows of words 0..localInputWords-1 (the contexts). */
export let localInput: usize = 0;
export let localInputBase: usize = 0;
export let localInputWords: u32 = 0;

// @ts-ignore: decorator
@inline export function outputRow(word: u32): usize {
  return select<usize>(localOutput, outputTable, word < localWords) + <usize>word * rowBytes;
}
