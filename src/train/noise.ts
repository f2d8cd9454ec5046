// The noise distribution for negative sampling: P(w) proportional to
// count(w)^exponent, as a Walker/Vose alias table of V entries (8 bytes each):
// O(V) memory instead of word2vec's 10^8-entry table, O(1) per draw in the kernel
// (assembly/sampler.ts). Entry i = (threshold_i, alias_i): a draw picks column i
// uniformly, then keeps i when a uniform u32 < threshold_i, else takes alias_i.

export function noiseWeights(counts: Float64Array, exponent: number): Float64Array {
  return counts.map((c) => Math.pow(c, exponent));
}

/** Builds the alias table as interleaved u32 pairs [threshold0, alias0, ...]. */
export function aliasTable(weights: Float64Array): Uint32Array {
  const n = weights.length;
  const table = new Uint32Array(2 * n);
  let total = 0;
  for (const w of weights) total += w;
  if (n === 0 || !(total > 0)) throw new Error("noise distribution: no positive weight");
  // Scaled probabilities: column i holds prob[i] of its own word (out of 1).
  const prob = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    prob[i] = (weights[i] * n) / total;
    (prob[i] < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large[large.length - 1];
    table[2 * s] = toThreshold(prob[s]);
    table[2 * s + 1] = l;
    prob[l] = prob[l] + prob[s] - 1;
    if (prob[l] < 1) {
      large.pop();
      small.push(l);
    }
  }
  // Leftovers are 1 up to rounding: they keep their own word always.
  for (const i of [...small, ...large]) {
    table[2 * i] = 0xFFFFFFFF;
    table[2 * i + 1] = i;
  }
  return table;
}

function toThreshold(p: number): number {
  return Math.min(0xFFFFFFFF, Math.max(0, Math.round(p * 4294967296)));
}

/** The probabilities the table actually encodes (for tests). */
export function aliasProbabilities(table: Uint32Array): Float64Array {
  const n = table.length / 2;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const own = table[2 * i] === 0xFFFFFFFF ? 1 : table[2 * i] / 4294967296;
    p[i] += own / n;
    p[table[2 * i + 1]] += (1 - own) / n;
  }
  return p;
}
