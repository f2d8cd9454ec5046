// Queries over a table of unit-normalised rows: scores for every row in one SIMD
// sweep, then top-k selection with a small binary min-heap (k ids + k scores in
// the caller's output buffers), so no score array is ever sorted.
import { dot, hsum, madd } from "./simd";

/** dst row = src row / |src row|; zero rows stay zero. src may equal dst. */
export function normalizeRows(src: usize, dst: usize, rows: i32, rowBytes: usize): void {
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * rowBytes;
    const d = dst + <usize>r * rowBytes;
    const norm = Mathf.sqrt(dot(s, s, rowBytes));
    const inv = f32x4.splat(norm > 0 ? 1 / norm : 0);
    for (let i: usize = 0; i < rowBytes; i += 16) {
      v128.store(d + i, f32x4.mul(v128.load(s + i), inv));
    }
  }
}

/** out[r] = query . row r for the first `rows` rows. Four rows per sweep of the
 *  query, so each query block is loaded once for four dot products. */
export function scoreRows(
  query: usize,
  table: usize,
  rows: i32,
  rowBytes: usize,
  out: usize,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const r0 = table + <usize>r * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let i: usize = 0; i < rowBytes; i += 16) {
      const q = v128.load(query + i);
      a0 = madd(q, v128.load(r0 + i), a0);
      a1 = madd(q, v128.load(r1 + i), a1);
      a2 = madd(q, v128.load(r2 + i), a2);
      a3 = madd(q, v128.load(r3 + i), a3);
    }
    const o = out + (<usize>r << 2);
    store<f32>(o, hsum(a0));
    store<f32>(o, hsum(a1), 4);
    store<f32>(o, hsum(a2), 8);
    store<f32>(o, hsum(a3), 12);
  }
  for (; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), dot(query, table + <usize>r * rowBytes, rowBytes));
  }
}

/** 3CosMul scores (Levy & Goldberg 2014, as gensim's most_similar_cosmul): with
 *  cosines shifted to [0, 1], prod(pos) / (prod(neg) + 1e-6). `ids` holds nPos
 *  positive then nNeg negative row indices. */
export function scoreCosMul(
  ids: usize,
  nPos: i32,
  nNeg: i32,
  table: usize,
  rows: i32,
  rowBytes: usize,
  out: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const row = table + <usize>r * rowBytes;
    let pos: f32 = 1;
    let neg: f32 = 1;
    for (let k = 0; k < nPos + nNeg; k++) {
      const other = table + <usize>load<u32>(ids + (<usize>k << 2)) * rowBytes;
      const c = (dot(row, other, rowBytes) + 1) * 0.5;
      if (k < nPos) pos *= c;
      else neg *= c;
    }
    store<f32>(out + (<usize>r << 2), pos / (neg + 1e-6));
  }
}

// Min-heap on (score, id) pairs: the root is the weakest of the current top k.
// @ts-ignore: decorator
@inline function less(scores: usize, ids: usize, a: i32, b: i32): bool {
  const sa = load<f32>(scores + (<usize>a << 2));
  const sb = load<f32>(scores + (<usize>b << 2));
  // Ties broken by id (lower id = more frequent word ranks first), so results are stable.
  return sa < sb ||
    (sa == sb && load<u32>(ids + (<usize>a << 2)) > load<u32>(ids + (<usize>b << 2)));
}

function swap(scores: usize, ids: usize, a: i32, b: i32): void {
  const pa = <usize>a << 2, pb = <usize>b << 2;
  const s = load<f32>(scores + pa);
  store<f32>(scores + pa, load<f32>(scores + pb));
  store<f32>(scores + pb, s);
  const i = load<u32>(ids + pa);
  store<u32>(ids + pa, load<u32>(ids + pb));
  store<u32>(ids + pb, i);
}

function siftDown(scores: usize, ids: usize, n: i32, at: i32): void {
  let i = at;
  while (true) {
    const l = 2 * i + 1, r = l + 1;
    let m = i;
    if (l < n && less(scores, ids, l, m)) m = l;
    if (r < n && less(scores, ids, r, m)) m = r;
    if (m == i) return;
    swap(scores, ids, i, m);
    i = m;
  }
}

/** The k best of scores[0..n) (skipping NaN and the `nExclude` ids at `exclude`),
 *  written best first to outIds/outScores. Returns how many were written. Excluded
 *  entries of `scores` are overwritten with NaN first, so a long exclude list (a
 *  user's whole history) costs O(n + nExclude), not O(n x nExclude). */
export function selectTopK(
  scores: usize,
  n: i32,
  k: i32,
  exclude: usize,
  nExclude: i32,
  outIds: usize,
  outScores: usize,
): i32 {
  for (let e = 0; e < nExclude; e++) {
    const id = load<u32>(exclude + (<usize>e << 2));
    if (id < <u32>n) store<f32>(scores + (<usize>id << 2), NaN);
  }
  let size = 0;
  for (let r = 0; r < n; r++) {
    const s = load<f32>(scores + (<usize>r << 2));
    if (s != s) continue;
    if (size < k) {
      store<f32>(outScores + (<usize>size << 2), s);
      store<u32>(outIds + (<usize>size << 2), r);
      size++;
      // Restore the heap property bottom-up for the new leaf.
      let c = size - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!less(outScores, outIds, c, p)) break;
        swap(outScores, outIds, c, p);
        c = p;
      }
    } else if (
      s > load<f32>(outScores) || (s == load<f32>(outScores) && <u32>r < load<u32>(outIds))
    ) {
      store<f32>(outScores, s);
      store<u32>(outIds, r);
      siftDown(outScores, outIds, size, 0);
    }
  }
  // Heap-sort in place: repeatedly move the weakest to the end -> best first.
  for (let end = size - 1; end > 0; end--) {
    swap(outScores, outIds, 0, end);
    siftDown(outScores, outIds, end, 0);
  }
  return size;
}

/** 3CosAdd analogies in one call: for each (a, b, c) triple of row ids, the row
 *  closest to b - a + c among the first `rows`, excluding a, b and c (-1 if none).
 *  `query` is scratch for one row. */
export function analogyBatch(
  triples: usize,
  count: i32,
  table: usize,
  rows: i32,
  rowBytes: usize,
  out: usize,
  query: usize,
): void {
  for (let q = 0; q < count; q++) {
    const t = triples + <usize>q * 12;
    const a = load<u32>(t), b = load<u32>(t, 4), c = load<u32>(t, 8);
    const ra = table + <usize>a * rowBytes;
    const rb = table + <usize>b * rowBytes;
    const rc = table + <usize>c * rowBytes;
    for (let i: usize = 0; i < rowBytes; i += 16) {
      v128.store(
        query + i,
        f32x4.add(f32x4.sub(v128.load(rb + i), v128.load(ra + i)), v128.load(rc + i)),
      );
    }
    let best: i32 = -1;
    let bestScore: f32 = -Infinity;
    for (let r = 0; r < rows; r++) {
      if (<u32>r == a || <u32>r == b || <u32>r == c) continue;
      const s = dot(query, table + <usize>r * rowBytes, rowBytes);
      if (s > bestScore) {
        bestScore = s;
        best = r;
      }
    }
    store<i32>(out + (<usize>q << 2), best);
  }
}
