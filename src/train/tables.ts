// Lays out a training run in kernel memory: both embedding tables, the noise and
// subsampling tables, the per-thread scratch and token buffer. Sizes are checked
// against the 4 GiB address space before anything is allocated.
import { Kernel } from "../kernel/kernel.ts";
import { formatBytes, MAX_MEMORY_BYTES, OutOfKernelMemory } from "../kernel/memory.ts";
import type { Vocab } from "../vocab.ts";
import type { TrainConfig } from "./config.ts";
import { MODE_SKIPGRAM_SHARED } from "../kernel/exports.ts";
import { localRows } from "./pool.ts";
import { aliasTable, noiseWeights } from "./noise.ts";
import { keepThresholds } from "./subsample.ts";

export interface TrainingLayout {
  input: number;
  output: number;
  alias: number;
  keep: number;
  scratch: number;
  tokens: number;
}

/** Bytes the two embedding tables take for a vocabulary and dimension. */
export function tableBytes(vocabSize: number, dim: number): number {
  return vocabSize * Kernel.rowFloats(dim) * 4;
}

/** Refuses, with the numbers, a model that cannot fit a WebAssembly memory. On
 *  several threads, each worker also needs two token buffers and its local rows
 *  (src/train/pool.ts); `mode` says whether it keeps local rows. */
export function checkFits(
  vocabSize: number,
  dim: number,
  chunkTokens: number,
  threads = 1,
  mode = MODE_SKIPGRAM_SHARED,
): void {
  const tables = 2 * tableBytes(vocabSize, dim);
  const rowFloats = Kernel.rowFloats(dim);
  const localRowsBytes = localRows(vocabSize, rowFloats, mode).bytes;
  const perThread = threads > 1 ? 2 * chunkTokens * 4 + localRowsBytes + (1 << 20) : 0;
  const need = tables + vocabSize * 12 + chunkTokens * 4 + (1 << 20) + threads * perThread;
  if (need > MAX_MEMORY_BYTES) {
    throw new OutOfKernelMemory(
      need,
      `a vocabulary of ${vocabSize} words at dimension ${dim} (2 tables of ` +
        `${formatBytes(tableBytes(vocabSize, dim))})` +
        (threads > 1 ? ` on ${threads} threads (${formatBytes(perThread)} each)` : ""),
    );
  }
}

/** Allocates and fills the training tables. Initial vectors come from `initial`
 *  (continued training) or word2vec's initialisation from the seed. */
export function layOut(
  kernel: Kernel,
  vocab: Vocab,
  config: TrainConfig,
  initial?: { input: Float32Array; output: Float32Array },
  /** The threads that will train (and the kernel mode), for the memory check. */
  workers: { threads: number; mode: number } = { threads: 1, mode: MODE_SKIPGRAM_SHARED },
): TrainingLayout {
  const k = kernel.exports;
  const v = vocab.size;
  const dim = config.dim;
  const rowFloats = Kernel.rowFloats(dim);
  checkFits(v, dim, config.chunkTokens, workers.threads, workers.mode);
  const bytes = tableBytes(v, dim);
  const a = kernel.arena;
  const layout: TrainingLayout = {
    input: a.alloc(bytes, "the input table"),
    output: a.alloc(bytes, "the output table"),
    alias: a.alloc(v * 8, "the noise table"),
    keep: a.alloc(v * 4, "the subsampling table"),
    scratch: a.alloc(k.scratchBytes(rowFloats), "the kernel scratch"),
    tokens: a.alloc(config.chunkTokens * 4, "the token buffer"),
  };
  a.u32(layout.alias, 2 * v).set(aliasTable(noiseWeights(vocab.counts, config.nsExponent)));
  a.u32(layout.keep, v).set(keepThresholds(vocab.counts, config.sample, vocab.totalCount));
  k.setTables(layout.input, layout.output, layout.alias, layout.keep, v, rowFloats);
  k.setScratch(layout.scratch);
  if (initial) {
    kernel.writeRows(layout.input, initial.input, v, dim);
    kernel.writeRows(layout.output, initial.output, v, dim);
  } else {
    // The initialisation draws from its own stream, derived from the seed.
    k.seed(BigInt.asUintN(64, BigInt(config.seed) * 0x9E3779B97F4A7C15n + 0x1234567n));
    k.initRows(layout.input, 0, v, dim, 1);
    // The output rows start at zero, as a new memory's regions already are (the
    // arena never hands one out twice): not writing them leaves their pages unmapped
    // until training touches them (on this microVM a first touch costs 3.2 ms a
    // MiB), and on several threads, where each worker trains its own copies of
    // them, the main thread never has to.
    if (!a.zeroed) k.initRows(layout.output, 0, v, dim, 0);
  }
  return layout;
}
