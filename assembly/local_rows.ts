// Thread-local output rows for the most frequent words. Every window draws its
// noise words from the most frequent words, so under Hogwild both threads keep
// writing the same output rows, and each such write moves the row's cache lines
// over from the other core (a ~500 ns round trip here, bench/core_latency.ts).
// Two skip-gram threads on one shared output table ran anywhere from 0.8x to
// 1.9x one thread's speed, run to run; with local rows, 1.45x to 1.65x. So each
// training thread trains its own copy of the first localWords output rows and,
// after every chunk, adds what it changed to the shared table:
//   shared += local - base;  local = base = shared
// The host holds a lock around mergeLocalRows (two merges must not interleave),
// so no update is lost; a thread sees the other's changes to these rows at its
// next merge. The input rows stay shared: private copies of them as well
// measured no faster (contexts are corpus words after subsampling, far less
// concentrated than the noise). CBOW does not use local rows (src/train/pool.ts
// says why).
import * as model from "./model";

/** Starts this thread's local output rows for words 0..words-1 from the shared
 *  table. `block` holds two copies of words x rowBytes bytes: the rows, then
 *  their base. */
export function setLocalRows(block: usize, words: u32): void {
  const bytes = <usize>words * model.rowBytes;
  model.localOutput = block;
  model.localOutputBase = block + bytes;
  model.localWords = words;
  memory.copy(model.localOutput, model.outputTable, bytes);
  memory.copy(model.localOutputBase, model.outputTable, bytes);
}

/** Adds this thread's changes since its last merge to the shared rows and takes
 *  everyone's back. One flat sweep: the rows are contiguous in all three. */
export function mergeLocalRows(): void {
  const bytes = <usize>model.localWords * model.rowBytes;
  const shared = model.outputTable;
  const local = model.localOutput;
  const base = model.localOutputBase;
  for (let i: usize = 0; i < bytes; i += 16) {
    const merged = f32x4.add(
      v128.load(shared + i),
      f32x4.sub(v128.load(local + i), v128.load(base + i)),
    );
    v128.store(shared + i, merged);
    v128.store(local + i, merged);
    v128.store(base + i, merged);
  }
}
