// Random draws over the vocabulary: noise words for negative sampling, and the
// frequent-word subsampling test. Both tables are built by the host
// (src/train/noise.ts, src/train/subsample.ts) and read here in O(1) per draw.
import { aliasTable, keepTable, vocabSize } from "./model";
import { nextU64 } from "./rng";

/** One noise word from unigram^ns_exponent, by Walker's alias method. One 64-bit
 *  draw serves both choices: the high half picks a column, the low half decides
 *  between the column's own word and its alias. Entry = (u32 threshold, u32 alias). */
// @ts-ignore: decorator
@inline export function drawNoise(): u32 {
  const r = nextU64();
  const column = <u32>(((r >> 32) * <u64>vocabSize) >> 32);
  const entry = aliasTable + (<usize>column << 3);
  return <u32>r < load<u32>(entry) ? column : load<u32>(entry, 4);
}

/** word2vec's subsampling: keep `word` with probability
 *  (sqrt(f / (s*T)) + 1) * (s*T) / f, precomputed as a u32 threshold. */
// @ts-ignore: decorator
@inline export function keep(word: u32): bool {
  const threshold = load<u32>(keepTable + (<usize>word << 2));
  if (threshold == 0xFFFFFFFF) return true;
  return <u32>nextU64() < threshold;
}

/** Fills `out` with `n` noise draws (for the sampler's distribution test). */
export function sampleNoise(out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(out + (<usize>i << 2), drawNoise());
}

/** Counts how many of `n` draws keep each word of `words` (for the subsampling test). */
export function countKept(word: u32, n: i32): i32 {
  let kept = 0;
  for (let i = 0; i < n; i++) if (keep(word)) kept++;
  return kept;
}
