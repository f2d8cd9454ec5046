// Frequent-word subsampling (Mikolov et al. 2013, word2vec.c's formula): a word
// with count f out of T training words is kept with probability
//   min(1, (sqrt(f / (s*T)) + 1) * (s*T) / f)
// stored as a u32 threshold per word for the kernel (assembly/sampler.ts: keep()).

export function keepProbability(count: number, sample: number, totalWords: number): number {
  if (sample <= 0) return 1;
  const threshold = sample * totalWords;
  return Math.min(1, (Math.sqrt(count / threshold) + 1) * threshold / count);
}

export function keepThresholds(
  counts: Float64Array,
  sample: number,
  totalWords: number,
): Uint32Array {
  return Uint32Array.from(counts, (c) => {
    const p = keepProbability(c, sample, totalWords);
    return p >= 1 ? 0xFFFFFFFF : Math.floor(p * 4294967296);
  });
}
