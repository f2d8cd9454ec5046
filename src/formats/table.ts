/** A plain embedding table: one row of `dim` floats per word, row-major. */
export interface VectorTable {
  words: string[];
  dim: number;
  /** `data.length === words.length * dim`; row i is `data.subarray(i * dim, (i + 1) * dim)`. */
  data: Float32Array;
}

/** Checks the shape invariants of a table before it is encoded (a programming error, not a file error). */
export function checkVectorTable(t: VectorTable): void {
  if (!Number.isSafeInteger(t.dim) || t.dim < 1) {
    throw new RangeError(`VectorTable.dim must be a positive integer, got ${t.dim}`);
  }
  if (t.data.length !== t.words.length * t.dim) {
    throw new RangeError(
      `VectorTable.data has ${t.data.length} floats, expected ${t.words.length} words x ${t.dim}`,
    );
  }
}
