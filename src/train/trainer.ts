// Drives a training run: counts the vocabulary, lays out the kernel, then feeds it
// chunks of word ids epoch after epoch, reporting progress. All per-pair work
// happens in the kernel; the host only moves ids in and results out.
import type { Corpus } from "../corpus/source.ts";
import { Kernel } from "../kernel/kernel.ts";
import { MODE_CBOW, MODE_SKIPGRAM, MODE_SKIPGRAM_SHARED } from "../kernel/exports.ts";
import type { KernelVariant } from "../kernel/module.ts";
import { buildVocab, type Vocab, type VocabStats } from "../vocab.ts";
import { resolveConfig, type TrainConfig } from "./config.ts";
import { type IdChunk, idChunks } from "./encode.ts";
import { type ProgressListener, ProgressMeter } from "./progress.ts";
import { layOut } from "./tables.ts";

export interface TrainOptions {
  onProgress?: ProgressListener;
  /** Milliseconds between progress reports (default 500). */
  progressIntervalMs?: number;
  /** Called once the vocabulary is counted. */
  onVocab?: (vocab: Vocab, stats: VocabStats) => void;
  /** Keep encoded ids in memory after the first epoch when the corpus has at
   *  most this many tokens (default 2^26), instead of re-reading the corpus. */
  cacheTokens?: number;
  kernel?: KernelVariant;
  signal?: AbortSignal;
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
  if (config.threads !== 1) {
    throw new Error("threads: only --threads 1 is supported in this version");
  }
  const { vocab, stats } = await buildVocab(corpus, config);
  if (vocab.size === 0) {
    throw new Error(
      `${corpus.name}: no word occurs at least ${config.minCount} times ` +
        `(${stats.tokens} tokens read); lower --min-count or use a larger corpus`,
    );
  }
  options.onVocab?.(vocab, stats);
  return await trainWithVocab(corpus, vocab, config, options);
}

export async function trainWithVocab(
  corpus: Corpus,
  vocab: Vocab,
  config: TrainConfig,
  options: TrainOptions = {},
  initial?: { input: Float32Array; output: Float32Array },
): Promise<TrainedModel> {
  const kernel = await Kernel.create({ variant: options.kernel });
  const k = kernel.exports;
  const layout = layOut(kernel, vocab, config, initial);
  k.setParams(
    config.window,
    config.negative,
    config.lr,
    config.minLr,
    config.epochs * vocab.totalCount,
  );
  k.seed(BigInt(config.seed));
  const mode = config.model === "cbow"
    ? MODE_CBOW
    : config.sharedNegatives
    ? MODE_SKIPGRAM_SHARED
    : MODE_SKIPGRAM;
  const meter = new ProgressMeter(options.progressIntervalMs ?? 500, options.onProgress);
  const cacheLimit = options.cacheTokens ?? 1 << 26;
  let cache: IdChunk[] | undefined = [];
  let cachedTokens = 0;
  let wordsDone = 0;
  const planned = config.epochs * vocab.totalCount;
  let lastLoss = NaN;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const chunks: AsyncIterable<IdChunk> | Iterable<IdChunk> = epoch > 1 && cache
      ? cache
      : idChunks(corpus, vocab, config.chunkTokens);
    for await (const chunk of chunks) {
      options.signal?.throwIfAborted();
      if (epoch === 1 && cache) {
        cachedTokens += chunk.ids.length;
        if (cachedTokens <= cacheLimit) cache.push(chunk);
        else cache = undefined;
      }
      kernel.arena.u32(layout.tokens, chunk.ids.length).set(chunk.ids);
      wordsDone += k.trainChunk(mode, layout.tokens, chunk.ids.length, wordsDone);
      meter.tokens += chunk.tokens;
      const lossSum = k.lossTotal();
      const lossCount = k.lossCount();
      k.resetLoss();
      if (!Number.isFinite(lossSum)) throw new TrainingDiverged(epoch, config.lr);
      if (lossCount > 0) lastLoss = lossSum / lossCount;
      meter.addLoss(lossSum, lossCount);
      meter.maybeReport(epoch, config.epochs, Math.min(1, wordsDone / planned), k.lrAt(wordsDone));
    }
    // Yield to the event loop between epochs so timers and signals get a turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
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
    },
  };
}
