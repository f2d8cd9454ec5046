// Correlation statistics for intrinsic evaluation (as scipy.stats.pearsonr /
// spearmanr, without the p-values). All sums are in float64.

function checkPair(xs: ArrayLike<number>, ys: ArrayLike<number>, what: string): void {
  if (xs.length !== ys.length) {
    throw new RangeError(`${what}: the samples differ in length (${xs.length} and ${ys.length})`);
  }
  for (const sample of [xs, ys]) {
    for (let i = 0; i < sample.length; i++) {
      if (Number.isNaN(sample[i])) throw new RangeError(`${what}: value ${i} is NaN`);
    }
  }
}

/** 1-based ranks, ties given the average of the ranks they span
 *  (scipy.stats.rankdata's "average" method). */
export function ranks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => xs[a] - xs[b] || a - b);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && xs[order[j]] === xs[order[i]]) j++;
    // Positions i..j-1 (ranks i+1..j) are tied: each gets their mean.
    const rank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) out[order[t]] = rank;
    i = j;
  }
  return out;
}

/** Pearson's correlation coefficient; NaN with fewer than 2 values or a constant sample. */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  checkPair(xs, ys, "pearson");
  const n = xs.length;
  if (n < 2) return NaN;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx, dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  // Rounding can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, r));
}

/** Spearman's rank correlation: Pearson's r of the (tie-averaged) ranks. */
export function spearman(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  checkPair(xs, ys, "spearman");
  return pearson(ranks(xs), ranks(ys));
}
