// Thread-local rows for the most frequent words. Every window draws its noise
// words from the most frequent words and takes most of its contexts from them, so
// under Hogwild both threads keep writing the same output and input rows, and
// each such write moves the row's cache lines over from the other core (a
// ~500 ns round trip here, bench/core_latency.ts). Two skip-gram threads on one
// shared output table ran anywhere from 0.8x to 1.9x one thread's speed, run to
// run; with local output rows, 1.45x to 1.65x. Once the noise pool (sampler.ts)
// had taken the noise rows' cache misses away, the shared input rows were most of
// what was left: with every input row local too (a speed experiment), each of two
// threads trained as fast as one thread alone. So each training thread trains its
// own copy of the first localWords output rows and of the first localInputWords
// input rows and, when it merges, adds what it changed to the shared tables:
//   shared += local - base;  local = base = shared
// The host holds a lock around every merge (two merges must not interleave), so
// no update is lost; a thread sees the other's changes to these rows at its next
// merge. Skip-gram's few local input rows go stale soonest (a frequent context
// word is updated by both threads many times a chunk), so threads merge them
// after every part of a chunk, the output rows after the chunk (the rarer words'
// a slice at a time: mergeLocalOutputRows; whatever is left, the host merges with
// mergeLocalBlock when the threads are idle); CBOW keeps only
// its most frequent output rows local and merges them after every part. How many
// rows of each, and how often: src/train/pool.ts localRows. CBOW and the bag
// modes read input rows straight from inputTable, so they must not be given
// local input rows.
import * as model from "./model";

/** Starts this thread's local rows from the shared tables: output rows for words
 *  0..words-1 and input rows for words 0..inputWords-1. `block` holds, each
 *  rowBytes a word: the output rows, their base, the input rows, their base. */
export function setLocalRows(block: usize, words: u32, inputWords: u32): void {
  const outBytes = <usize>words * model.rowBytes;
  const inBytes = <usize>inputWords * model.rowBytes;
  model.localOutput = block;
  model.localOutputBase = block + outBytes;
  model.localWords = words;
  model.localInput = block + 2 * outBytes;
  model.localInputBase = model.localInput + inBytes;
  model.localInputWords = inputWords;
  memory.copy(model.localOutput, model.outputTable, outBytes);
  memory.copy(model.localOutputBase, model.outputTable, outBytes);
  memory.copy(model.localInput, model.inputTable, inBytes);
  memory.copy(model.localInputBase, model.inputTable, inBytes);
}

/** Adds this thread's changes since its last merge to the shared rows and takes
 *  everyone's back. */
export function mergeLocalRows(): void {
  mergeLocalOutputRows(0, model.localWords);
  mergeLocalInputRows();
}

/** The same for local output rows first..first+count-1 alone: skip-gram's
 *  threads merge their most frequent words' rows after every chunk and the rest
 *  a slice at a time (src/train/pool.ts localRows). */
export function mergeLocalOutputRows(first: u32, count: u32): void {
  const at = <usize>first * model.rowBytes;
  mergeRows(
    model.outputTable + at,
    model.localOutput + at,
    model.localOutputBase + at,
    <usize>count * model.rowBytes,
  );
}

/** Merges every row of a thread's local block (laid out as setLocalRows does)
 *  from outside the thread: the host calls it, from its own instance, while the
 *  thread is idle, to bring in the rows the thread has not merged yet. */
export function mergeLocalBlock(block: usize, words: u32, inputWords: u32): void {
  const outBytes = <usize>words * model.rowBytes;
  const inBytes = <usize>inputWords * model.rowBytes;
  mergeRows(model.outputTable, block, block + outBytes, outBytes);
  const input = block + 2 * outBytes;
  mergeRows(model.inputTable, input, input + inBytes, inBytes);
}

/** The same for the local input rows alone: skip-gram's threads merge these
 *  more often than their output rows (after every part of a chunk,
 *  src/train/worker.ts), as they hold few and go stale sooner. */
export function mergeLocalInputRows(): void {
  const inBytes = <usize>model.localInputWords * model.rowBytes;
  mergeRows(model.inputTable, model.localInput, model.localInputBase, inBytes);
}

/** shared += local - base; local = base = shared, in one flat sweep: the rows are
 *  contiguous in all three. */
function mergeRows(shared: usize, local: usize, base: usize, bytes: usize): void {
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
