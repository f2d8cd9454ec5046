// Table initialisation as word2vec: input rows uniform in [-0.5/dim, 0.5/dim],
// output rows zero. Pad lanes (dim..rowFloats) are zeroed so they never contribute.
import { rowBytes, rowFloats } from "./model";
import { unit } from "./rng";

export function initRows(table: usize, first: u32, count: u32, dim: i32, uniform: bool): void {
  const scale: f32 = 1 / <f32>dim;
  for (let r: u32 = 0; r < count; r++) {
    const row = table + <usize>(first + r) * rowBytes;
    for (let i = 0; i < rowFloats; i++) {
      const v: f32 = uniform && i < dim ? (unit() - 0.5) * scale : 0;
      store<f32>(row + (<usize>i << 2), v);
    }
  }
}
