// Principal component analysis for small sets of vectors: a word and its neighbours projected
// to 2-D for a map. With k rows of dim components (k small, dim ~100), the k x k Gram matrix
// of the centred rows has the same nonzero eigenvalues as the dim x dim covariance, and its
// eigenvectors scaled by sqrt(eigenvalue) are the projections themselves; a cyclic Jacobi
// eigen-solver on that tiny symmetric matrix is exact and deterministic.
import type { Neighbor, Vectors } from "./vectors.ts";

export interface PcaResult {
  /** rows x components, row-major: row i's coordinates on the principal axes. */
  coords: Float64Array;
  rows: number;
  components: number;
  /** Share of the total variance along each axis (0..1), largest first. */
  explained: number[];
}

/**
 * Projects `rows` vectors of `dim` components (row-major in `data`) onto their first
 * `components` principal axes (after centring). Axes are oriented so that the coordinate of
 * largest magnitude on each is positive; axes beyond the data's rank get zeros.
 */
export function pca(
  data: ArrayLike<number>,
  rows: number,
  dim: number,
  components = 2,
): PcaResult {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`pca: rows must be >= 1`);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`pca: dim must be >= 1`);
  if (data.length !== rows * dim) {
    throw new RangeError(`pca: data has ${data.length} values, expected ${rows} x ${dim}`);
  }
  if (!Number.isInteger(components) || components < 1) {
    throw new RangeError(`pca: components must be >= 1`);
  }
  // Centre the rows.
  const x = new Float64Array(rows * dim);
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * dim + j];
    mean /= rows;
    for (let i = 0; i < rows; i++) x[i * dim + j] = data[i * dim + j] - mean;
  }
  // Gram matrix G = X X^T (rows x rows).
  const g = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = a; b < rows; b++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += x[a * dim + j] * x[b * dim + j];
      g[a * rows + b] = s;
      g[b * rows + a] = s;
    }
  }
  let trace = 0;
  for (let i = 0; i < rows; i++) trace += g[i * rows + i];
  const { values, vectors } = jacobiEigen(g, rows);
  const order = Array.from(values.keys()).sort((p, q) => values[q] - values[p]);
  const coords = new Float64Array(rows * components);
  const explained: number[] = [];
  for (let c = 0; c < components; c++) {
    const e = c < rows ? order[c] : -1;
    const raw = e >= 0 ? values[e] : 0;
    // Eigenvalues at rounding-noise level are zero (data of lower rank than `components`).
    const lambda = raw > trace * 1e-12 ? raw : 0;
    explained.push(trace > 0 ? lambda / trace : 0);
    if (lambda === 0) continue;
    const scale = Math.sqrt(lambda);
    let big = 0;
    for (let i = 0; i < rows; i++) {
      const v = vectors[i * rows + e];
      if (Math.abs(v) > Math.abs(big)) big = v;
    }
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < rows; i++) {
      coords[i * components + c] = sign * scale * vectors[i * rows + e];
    }
  }
  return { coords, rows, components, explained };
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric n x n matrix. */
function jacobiEigen(m: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const a = m.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = Array.from({ length: n }, (_, i) => a[i * n + i]);
  return { values, vectors: v };
}

/** One word on a neighbour map. */
export interface MapPoint {
  word: string;
  /** Cosine similarity to the centre word (1 for the centre itself). */
  score: number;
  x: number;
  y: number;
}

export interface NeighborMap {
  /** The centre word first, then its neighbours best first. */
  points: MapPoint[];
  /** Share of the variance of these points that the x and y axes show. */
  explained: [number, number];
}

/**
 * `word` and its `k` nearest neighbours, placed in 2-D by PCA of their unit vectors (so
 * distances on the map follow cosine distances as far as two axes allow).
 */
export function neighborMap(vectors: Vectors, word: string, k = 12): NeighborMap {
  const neighbors: Neighbor[] = vectors.mostSimilar(word, [], k);
  const entries: Neighbor[] = [{ word, score: 1 }, ...neighbors];
  const dim = vectors.dim;
  const data = new Float64Array(entries.length * dim);
  entries.forEach((e, i) => data.set(vectors.unitVector(e.word), i * dim));
  const { coords, explained } = pca(data, entries.length, dim, 2);
  return {
    points: entries.map((e, i) => ({
      word: e.word,
      score: e.score,
      x: coords[2 * i],
      y: coords[2 * i + 1],
    })),
    explained: [explained[0], explained[1]],
  };
}
