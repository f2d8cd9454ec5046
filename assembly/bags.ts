// A bag of tokens as one vector: the mean of their rows (supervised documents,
// retrieval queries and documents, CBOW windows).
import { rowBytes } from "./model";
import { addThenScale, addTo, copyRow, zero } from "./simd";

/** dst = mean of the rows of `table` listed at ids[0..n). */
export function meanRowsOf(table: usize, ids: usize, n: i32, dst: usize): void {
  meanRowsSkipping(table, ids, n, -1, dst);
}

/** dst = mean of the rows of `table` listed at ids[0..n), leaving out position
 *  `skip` (CBOW leaves out the centre of its window; -1 leaves out none). Summed
 *  in list order: the first row copied, the 1/count folded into the last add,
 *  two sweeps of dst fewer than zeroing, adding and scaling (CBOW ran 4-8%
 *  faster). No rows: zeros. */
// @ts-ignore: decorator
@inline export function meanRowsSkipping(table: usize, ids: usize, n: i32, skip: i32, dst: usize): void {
  const bytes = rowBytes;
  const first = skip == 0 ? 1 : 0;
  const last = skip == n - 1 ? n - 2 : n - 1;
  if (last < first) {
    zero(dst, bytes);
    return;
  }
  copyRow(rowOf(table, ids, first), dst, bytes);
  if (last == first) return;
  for (let i = first + 1; i < last; i++) if (i != skip) addTo(rowOf(table, ids, i), dst, bytes);
  const count = skip >= 0 && skip < n ? n - 1 : n;
  addThenScale(rowOf(table, ids, last), 1 / <f32>count, dst, bytes);
}

// @ts-ignore: decorator
@inline function rowOf(table: usize, ids: usize, i: i32): usize {
  return table + <usize>load<u32>(ids + (<usize>i << 2)) * rowBytes;
}
