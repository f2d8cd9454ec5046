// A bag of tokens as one vector: the mean of their rows (supervised documents,
// retrieval queries and documents).
import { rowBytes } from "./model";
import { scale, zero } from "./simd";

/** dst = mean of the rows of `table` listed at ids[0..n). */
export function meanRowsOf(table: usize, ids: usize, n: i32, dst: usize): void {
  zero(dst, rowBytes);
  for (let i = 0; i < n; i++) {
    const row = table + <usize>load<u32>(ids + (<usize>i << 2)) * rowBytes;
    for (let b: usize = 0; b < rowBytes; b += 16) {
      v128.store(dst + b, f32x4.add(v128.load(dst + b), v128.load(row + b)));
    }
  }
  if (n > 0) scale(1 / <f32>n, dst, rowBytes);
}

