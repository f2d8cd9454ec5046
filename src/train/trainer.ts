// Drives a training run: counts the vocabulary, lays out the kernel, then feeds it
// chunks of word ids epoch after epoch, reporting progress. All per-pair work
// happens in the kernel; the host only moves ids in and results out.
import type { Corpus } from "../corpus/source.ts";
import { Kernel } from "../kernel/kernel.ts";
import {
  MODE_CBOW,
  MODE_SESSION,
  MODE_SESSION_SHARED,
  MODE_SKIPGRAM,
  MODE_SKIPGRAM_SHARED,
} from "../kernel/exports.ts";
import { canShareMemory } from "../kernel/module.ts";
import {
  type ChunkResult,
  localRows,
  spawnWorkers,
  ThreadPool,
  type ThreadTimes,
  type WorkerHandle,
} from "./pool.ts";
import type { KernelVariant } from "../kernel/module.ts";
import { buildVocab, type Vocab, type VocabStats } from "../vocab.ts";
import { resolveConfig, type TrainConfig } from "./config.ts";
import { type IdChunk, idChunks, remapChunks } from "./encode.ts";
import { type ProgressListener, ProgressMeter } from "./progress.ts";
import { layOut } from "./tables.ts";

export interface TrainOptions {
  onProgress?: ProgressListener;
  /** Milliseconds between progress reports (default 500). */
  progressIntervalMs?: number;
  /** Called once the vocabulary is counted. */
  onVocab?: (vocab: Vocab, stats: VocabStats) => void;
  /** Keep the corpus in memory as ids (4 bytes a token: recorded while counting the
   *  vocabulary, replayed every epoch) when it has at most this many tokens (default
   *  2^26); a larger corpus is read again every epoch. */
  cacheTokens?: number;
  kernel?: KernelVariant;
  signal?: AbortSignal;
  /** Non-fatal notices (e.g. falling back to one thread); default console.warn. */
  onNotice?: (message: string) => void;
  /** Receives a checkpoint at the end of every epoch but the last, every
   *  `checkpointSeconds` (if set), and when `signal` aborts training. Training
   *  waits for it (so an atomic file write completes before training goes on). */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => void | Promise<void>;
  checkpointSeconds?: number;
  /** Continue an interrupted run from its checkpoint (same corpus and settings). */
  resume?: TrainingCheckpoint;
}

export interface TrainedModel {
  config: TrainConfig;
  vocab: Vocab;
  /** V x dim input vectors (the embeddings), row-major. */
  input: Float32Array;
  /** V x dim output vectors (negative-sampling weights). */
  output: Float32Array;
  stats: TrainStats;
}

export interface TrainStats {
  corpusTokens: number;
  seconds: number;
  wordsPerSecond: number;
  finalLoss: number;
  /** On several threads, where each one's time went (not saved with a model). */
  threads?: ThreadTimes[];
}

/** Everything needed to continue a run where it stopped: single-thread runs resume
 *  to byte-identical results. Taken at a chunk boundary. */
export interface TrainingCheckpoint {
  config: TrainConfig;
  vocab: Vocab;
  input: Float32Array;
  output: Float32Array;
  /** The epoch (1-based) to continue in, and how many of its chunks are done. */
  epoch: number;
  chunk: number;
  /** In-vocabulary words trained so far (the learning-rate position). */
  wordsDone: number;
  corpusTokens: number;
  /** The kernel's random stream (decimal u64); meaningful for one thread. */
  rngState: string;
  lastLoss: number;
}

/** Training stopped by its AbortSignal; `checkpoint` tells where it was saved from. */
export class TrainingInterrupted extends Error {
  constructor(readonly checkpoint: TrainingCheckpoint | undefined) {
    super(
      checkpoint
        ? `training interrupted in epoch ${checkpoint.epoch} after ${checkpoint.wordsDone} words`
        : "training interrupted",
    );
    this.name = "TrainingInterrupted";
  }
}

export class TrainingDiverged extends Error {
  constructor(epoch: number, lr: number) {
    super(
      `training diverged in epoch ${epoch} (the loss became NaN or infinite at learning ` +
        `rate ${lr}); lower --lr and try again`,
    );
    this.name = "TrainingDiverged";
  }
}

export async function train(
  corpus: Corpus,
  settings: Partial<TrainConfig> = {},
  options: TrainOptions = {},
): Promise<TrainedModel> {
  const config = resolveConfig(settings);
  // Training threads start loading now, on the core the count leaves idle.
  const started = config.threads > 1 && canShareMemory()
    ? await spawnWorkers(config.threads)
    : undefined;
  try {
    // The counting pass also records the corpus as ids (while it is small enough), so
    // the first epoch need not read and hash it again.
    const cacheLimit = options.cacheTokens ?? DEFAULT_CACHE_TOKENS;
    const { vocab, stats, counter } = await buildVocab(corpus, config, cacheLimit);
    if (stats.tokens === 0) throw new Error(`${corpus.name}: the corpus holds no words`);
    if (vocab.size === 0) {
      throw new Error(
        `${corpus.name}: no word occurs at least ${config.minCount} times ` +
          `(${stats.tokens} tokens read); lower --min-count or use a larger corpus`,
      );
    }
    options.onVocab?.(vocab, stats);
    const recorded = counter.recording(vocab);
    const encoded = recorded ? remapChunks(recorded, config.chunkTokens) : undefined;
    return await trainWithVocab(corpus, vocab, config, options, undefined, encoded, started);
  } finally {
    // Training has closed them, unless it failed before it could take them.
    for (const worker of started ?? []) worker.terminate();
  }
}

/** Corpora up to this many tokens are kept in memory as ids (4 bytes each) rather
 *  than read again every epoch. */
const DEFAULT_CACHE_TOKENS = 1 << 26;

/** A checkpoint must belong to this vocabulary and configuration. */
function checkResume(resume: TrainingCheckpoint, vocab: Vocab, config: TrainConfig): void {
  const cells = vocab.size * config.dim;
  if (resume.input.length !== cells || resume.output.length !== cells) {
    throw new Error(
      `the checkpoint's tables do not match ${vocab.size} words x ${config.dim} dimensions`,
    );
  }
  if (!(resume.epoch >= 1 && resume.epoch <= config.epochs && resume.chunk >= 0)) {
    throw new Error(`the checkpoint's position (epoch ${resume.epoch}) is outside the run`);
  }
}

/** The kernel's training mode for a configuration. */
export function kernelMode(config: TrainConfig): number {
  if (config.model === "cbow") return MODE_CBOW;
  if (config.context === "session") {
    return config.sharedNegatives ? MODE_SESSION_SHARED : MODE_SESSION;
  }
  return config.sharedNegatives ? MODE_SKIPGRAM_SHARED : MODE_SKIPGRAM;
}

export async function trainWithVocab(
  corpus: Corpus,
  vocab: Vocab,
  config: TrainConfig,
  options: TrainOptions = {},
  initial?: { input: Float32Array; output: Float32Array },
  /** The corpus already encoded for this vocabulary (then it is not read again). */
  encoded?: IdChunk[],
  /** Training workers already started (by train, while it counted). */
  started?: WorkerHandle[],
): Promise<TrainedModel> {
  let threads = config.threads;
  if (threads > 1 && !canShareMemory()) {
    (options.onNotice ?? console.warn)(
      `negsamp: this runtime cannot share memory between threads (no SharedArrayBuffer; ` +
        `a web page needs cross-origin isolation): training on 1 thread instead of ${threads}`,
    );
    threads = 1;
  }
  const resume = options.resume;
  if (resume) checkResume(resume, vocab, config);
  const kernel = await Kernel.create({ variant: options.kernel, shared: threads > 1 });
  const k = kernel.exports;
  const mode = kernelMode(config);
  const layout = layOut(kernel, vocab, config, resume ?? initial, { threads, mode });
  const planned = config.epochs * vocab.totalCount;
  const params = {
    window: config.window,
    negative: config.negative,
    lr: config.lr,
    minLr: config.minLr,
    plannedWords: planned,
  };
  k.setParams(params.window, params.negative, params.lr, params.minLr, params.plannedWords);
  k.seed(BigInt(resume ? resume.rngState : config.seed));
  const meter = new ProgressMeter(options.progressIntervalMs ?? 500, options.onProgress);
  let lastLoss = NaN;
  let diverged = false;
  // Words handed to the kernel and words it reports consumed: equal at the end of
  // a run, or some chunk was not trained whole (workers train chunks in parts).
  let wordsHanded = 0;
  let wordsConsumed = 0;
  const collect = (r: ChunkResult) => {
    wordsConsumed += r.seen;
    if (!Number.isFinite(r.lossSum)) diverged = true;
    else if (r.lossCount > 0) lastLoss = r.lossSum / r.lossCount;
    meter.addLoss(r.lossSum, r.lossCount);
  };
  // One thread: the kernel runs here, synchronously, and the run is reproducible.
  // Several: a pool of workers over the shared memory (Hogwild, not reproducible).
  const rowFloats = Kernel.rowFloats(config.dim);
  const pool = threads > 1
    ? await ThreadPool.start(kernel, {
      threads,
      chunkTokens: config.chunkTokens,
      rows: localRows(vocab.size, rowFloats, mode),
      rowFloats,
      init: (w) => ({
        module: kernel.module,
        memory: kernel.memory,
        tables: {
          input: layout.input,
          output: layout.output,
          alias: layout.alias,
          keep: layout.keep,
          vocabSize: vocab.size,
          rowFloats,
        },
        params,
        // Each worker has its own stream, derived from the seed and its index.
        seed: BigInt.asUintN(64, BigInt(config.seed) + BigInt(w + 1) * 0x9E3779B97F4A7C15n)
          .toString(),
        mode,
      }),
      onResult: collect,
      started,
    })
    : undefined;
  const cacheLimit = options.cacheTokens ?? DEFAULT_CACHE_TOKENS;
  // Encoded chunks of the first full pass, replayed by later epochs if small enough.
  let cache: IdChunk[] | undefined = encoded ?? [];
  let cacheComplete = encoded !== undefined;
  let cachedTokens = 0;
  let wordsDone = resume?.wordsDone ?? 0;
  meter.tokens = resume?.corpusTokens ?? 0;
  let lastCheckpoint = performance.now();
  let lastYield = performance.now();
  const checkpoint = async (epoch: number, chunk: number): Promise<TrainingCheckpoint> => {
    await pool?.drain();
    // Never save diverged tables: the last good checkpoint must stay the newest.
    if (diverged) throw new TrainingDiverged(epoch, config.lr);
    const snapshot: TrainingCheckpoint = {
      config,
      vocab,
      input: kernel.readRows(layout.input, vocab.size, config.dim),
      output: kernel.readRows(layout.output, vocab.size, config.dim),
      epoch,
      chunk,
      wordsDone,
      corpusTokens: meter.tokens,
      rngState: k.rngState().toString(),
      lastLoss,
    };
    lastCheckpoint = performance.now();
    await options.onCheckpoint?.(snapshot);
    return snapshot;
  };
  try {
    for (let epoch = resume?.epoch ?? 1; epoch <= config.epochs; epoch++) {
      const replay = cacheComplete && cache !== undefined;
      const chunks: AsyncIterable<IdChunk> | Iterable<IdChunk> = replay
        ? cache!
        : idChunks(corpus, vocab, config.chunkTokens);
      let index = 0;
      const skip = resume && epoch === resume.epoch ? resume.chunk : 0;
      for await (const chunk of chunks) {
        if (!replay && cache) {
          cachedTokens += chunk.ids.length;
          if (cachedTokens <= cacheLimit) cache.push(chunk);
          else cache = undefined;
        }
        // Resuming: the chunks trained before the checkpoint are read, not trained.
        if (index++ < skip) continue;
        if (options.signal?.aborted) {
          throw new TrainingInterrupted(
            options.onCheckpoint ? await checkpoint(epoch, index - 1) : undefined,
          );
        }
        if (pool) await pool.run(chunk.ids, wordsDone);
        else {
          kernel.arena.u32(layout.tokens, chunk.ids.length).set(chunk.ids);
          k.trainChunk(mode, layout.tokens, chunk.ids.length, wordsDone);
          collect({ seen: chunk.words, lossSum: k.lossTotal(), lossCount: k.lossCount() });
          k.resetLoss();
        }
        wordsDone += chunk.words;
        wordsHanded += chunk.words;
        meter.tokens += chunk.tokens;
        if (diverged) throw new TrainingDiverged(epoch, config.lr);
        meter.maybeReport(
          epoch,
          config.epochs,
          Math.min(1, wordsDone / planned),
          k.lrAt(wordsDone),
        );
        const every = options.checkpointSeconds;
        if (every && options.onCheckpoint && performance.now() - lastCheckpoint >= every * 1000) {
          await checkpoint(epoch, index);
        }
        // Let signals and timers in every 50 ms (a chunk takes tens of milliseconds).
        if (performance.now() - lastYield >= 50) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
      }
      if (!replay && cache) cacheComplete = true;
      if (epoch < config.epochs && options.onCheckpoint) await checkpoint(epoch + 1, 0);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await pool?.drain();
    if (diverged) throw new TrainingDiverged(config.epochs, config.lr);
    if (wordsConsumed !== wordsHanded) {
      throw new Error(
        `negsamp internal error: the kernel trained ${wordsConsumed} of the ${wordsHanded} ` +
          `words handed to it`,
      );
    }
  } finally {
    pool?.close();
  }
  meter.maybeReport(config.epochs, config.epochs, 1, k.lrAt(wordsDone), true);
  const seconds = meter.elapsedSeconds;
  return {
    config,
    vocab,
    input: kernel.readRows(layout.input, vocab.size, config.dim),
    output: kernel.readRows(layout.output, vocab.size, config.dim),
    stats: {
      corpusTokens: meter.tokens,
      seconds,
      wordsPerSecond: meter.tokens / seconds,
      finalLoss: lastLoss,
      ...(pool ? { threads: pool.times } : {}),
    },
  };
}
