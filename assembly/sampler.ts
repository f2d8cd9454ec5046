// Random draws over the vocabulary: noise words for negative sampling, and the
// frequent-word subsampling test. Both tables are built by the host
// (src/train/noise.ts, src/train/subsample.ts) and read here in O(1) per draw.
import { aliasTable, keepTable, NOISE_POOL, noisePool, vocabSize } from "./model";
import { below, nextU64 } from "./rng";

/** One word from unigram^ns_exponent, by Walker's alias method. One 64-bit draw
 *  serves both choices: the high half picks a column, the low half decides between
 *  the column's own word and its alias. Entry = (u32 threshold, u32 alias). */
// @ts-ignore: decorator
@inline export function freshNoise(): u32 {
  const r = nextU64();
  const column = <u32>(((r >> 32) * <u64>vocabSize) >> 32);
  const entry = aliasTable + (<usize>column << 3);
  return <u32>r < load<u32>(entry) ? column : load<u32>(entry, 4);
}

// The noise pool. A fresh noise word is a random row of the output table and a
// random entry of the alias table (8 bytes a word): once the tables outgrow the
// cache, two likely cache misses. So each thread keeps NOISE_POOL fresh draws
// at hand (model.ts noisePool). A step's noise draws start at a random slot and
// take consecutive slots, and every NOISE_REUSE draws the oldest pooled word is
// replaced by a fresh one. Each pooled word is an independent draw from the
// noise distribution and the slots are chosen without looking at what they
// hold, so a step's draws are independent draws from unigram^ns_exponent,
// exactly as fresh ones; only draws of nearby steps are correlated (a word
// serves about NOISE_REUSE of the ~1000 draws it stays). The pooled rows stay
// in cache. On en-mixed, one thread, same-process A/B against fresh draws:
// skip-gram 6-16% faster with shared negatives, 27-43% per pair, CBOW 26-39%;
// analogy accuracy over 3-8 seeds within 0.3 points either way (README, "The
// noise pool").
export const NOISE_REUSE: i32 = 8;
let untilFresh: i32 = NOISE_REUSE;
let oldest: u32 = 0;
let cursor: u32 = 0;

/** Fills the pool with fresh draws. Every training entry point starts with it,
 *  so the pool is a function of the RNG state at a chunk boundary (checkpoints). */
export function refillNoise(): void {
  for (let i: u32 = 0; i < NOISE_POOL; i++) store<u32>(noisePool + (<usize>i << 2), freshNoise());
  untilFresh = NOISE_REUSE;
  oldest = 0;
  cursor = 0;
}

/** Starts one step's noise draws at a uniformly random slot of the pool; the
 *  step's draws then take consecutive slots, so they are distinct pooled words:
 *  independent draws, as fresh ones would be (a repeated pick would make a word a
 *  negative twice in one step more often than the noise distribution does). */
// @ts-ignore: decorator
@inline export function startNoise(): void {
  cursor = below(NOISE_POOL);
}

/** One noise word: the pooled word at the cursor (the oldest pooled word is
 *  replaced by a fresh draw first, every NOISE_REUSE draws). */
// @ts-ignore: decorator
@inline export function drawNoise(): u32 {
  if (--untilFresh == 0) {
    untilFresh = NOISE_REUSE;
    store<u32>(noisePool + (<usize>oldest << 2), freshNoise());
    oldest = (oldest + 1) & (NOISE_POOL - 1);
  }
  const word = load<u32>(noisePool + (<usize>cursor << 2));
  cursor = (cursor + 1) & (NOISE_POOL - 1);
  return word;
}

/** word2vec's subsampling: keep `word` with probability
 *  (sqrt(f / (s*T)) + 1) * (s*T) / f, precomputed as a u32 threshold. */
// @ts-ignore: decorator
@inline export function keep(word: u32): bool {
  const threshold = load<u32>(keepTable + (<usize>word << 2));
  if (threshold == 0xFFFFFFFF) return true;
  return <u32>nextU64() < threshold;
}

/** Fills `out` with `n` fresh alias draws (the alias sampler's distribution test). */
export function sampleAlias(out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(out + (<usize>i << 2), freshNoise());
}

/** Refills the pool, makes n * every noise draws and keeps every every-th in `out`
 *  (the pool's distribution test: draws NOISE_POOL * NOISE_REUSE apart share no
 *  fresh draw, so they are independent). */
export function sampleNoise(out: usize, n: i32, every: i32): void {
  refillNoise();
  for (let i = 0; i < n; i++) {
    for (let skip = 1; skip < every; skip++) drawNoise();
    startNoise();
    store<u32>(out + (<usize>i << 2), drawNoise());
  }
}

/** Counts how many of `n` draws keep each word of `words` (for the subsampling test). */
export function countKept(word: u32, n: i32): i32 {
  let kept = 0;
  for (let i = 0; i < n; i++) if (keep(word)) kept++;
  return kept;
}
