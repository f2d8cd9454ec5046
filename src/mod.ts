/**
 * negsamp: word embeddings (word2vec skip-gram and CBOW with negative sampling) trained by a
 * WebAssembly SIMD kernel, in Deno, Node, browsers and Cloudflare Workers.
 *
 * ```ts
 * import { defaultCorpus, saveModel, trainModel } from "./src/mod.ts";
 *
 * const model = await trainModel(await defaultCorpus(), { epochs: 5, dim: 100 });
 * const vectors = await model.vectors();
 * console.log(vectors.mostSimilar("king", [], 5));
 * await saveModel(model, "out/model.nsm");
 * ```
 *
 * Nothing here touches Deno or Node APIs at import time: file access (fileCorpus, saveModel,
 * loadModel, loadVectors, defaultCorpus) is resolved when called, and everything else works on
 * bytes and strings.
 *
 * @module
 */

// Training
export {
  train,
  type TrainedModel,
  type TrainingCheckpoint,
  TrainingDiverged,
  TrainingInterrupted,
  type TrainOptions,
  type TrainStats,
  trainWithVocab,
} from "./train/trainer.ts";
export {
  ConfigError,
  defaultLr,
  DEFAULTS,
  type ModelKind,
  resolveConfig,
  type TrainConfig,
} from "./train/config.ts";
export type { ProgressListener, TrainProgress } from "./train/progress.ts";

// Corpora and vocabulary
export {
  type Corpus,
  type CorpusOptions,
  fileCorpus,
  memoryCorpus,
  streamCorpus,
} from "./corpus/source.ts";
export type { InvalidUtf8, ReadReport } from "./corpus/lines.ts";
export { DEFAULT_CORPUS_NAME, defaultCorpus, defaultCorpusUrl } from "./corpus/default.ts";
export { MAX_SENTENCE_TOKENS, tokenize } from "./corpus/sentences.ts";
export { Vocab, type VocabOptions, type VocabStats } from "./vocab.ts";

// Models and vectors
export {
  CHECKPOINT_KIND,
  type CheckpointFile,
  checkpointFromNative,
  checkpointToNative,
  continueTraining,
  type CorpusFingerprint,
  decodeCheckpoint,
  decodeModel,
  encodeCheckpoint,
  encodeModel,
  encodeModelFile,
  loadCheckpoint,
  loadModel,
  loadVectors,
  Model,
  MODEL_EXTENSION,
  MODEL_KIND,
  saveCheckpoint,
  saveModel,
  trainModel,
  vectorsFromBytes,
} from "./model.ts";
export {
  type Neighbor,
  type SearchOptions,
  UnknownWordError,
  Vectors,
  type VectorSearchOptions,
  type VectorsOptions,
} from "./vectors.ts";
export {
  type MapPoint,
  type NeighborMap,
  neighborMap,
  pca,
  type PcaResult,
} from "./vectors_pca.ts";

// File formats
export {
  detectFormat,
  encodeVectorTable,
  formatFromPath,
  loadVectorTable,
  type VectorFormat,
} from "./formats/detect.ts";
export {
  decodeNativeModel,
  encodeNativeModel,
  isNativeModel,
  type NativeModel,
} from "./formats/native.ts";
export {
  decodeQuantized,
  decodeQuantizedTable,
  dequantizeTable,
  encodeQuantized,
  isQuantized,
  QUANTIZED_EXTENSION,
  type QuantizedTable,
  quantizeTable,
} from "./formats/quantized.ts";
export { decodeWord2VecText, encodeWord2VecText } from "./formats/word2vec_text.ts";
export { decodeWord2VecBinary, encodeWord2VecBinary } from "./formats/word2vec_binary.ts";
export type { VectorTable } from "./formats/table.ts";
export { FormatError, type FormatErrorLocation } from "./formats/errors.ts";

// Evaluation
export {
  type AccuracyCount,
  type AnalogyOptions,
  type AnalogyQuestion,
  type AnalogyResult,
  type AnalogySection,
  type AnalogySectionResult,
  evaluateAnalogies,
  parseAnalogies,
} from "./eval/analogies.ts";
export {
  evaluateWordPairs,
  parseWordPairs,
  type WordPair,
  type WordPairOptions,
  type WordPairResult,
} from "./eval/wordpairs.ts";
export { pearson, spearman } from "./eval/stats.ts";

// Kernel
export {
  canShareMemory,
  type KernelVariant,
  supportsRelaxedSimd,
  useKernelModule,
} from "./kernel/module.ts";
export { OutOfKernelMemory } from "./kernel/memory.ts";

// Supervised classification (fastText-style) and pair retrieval (StarSpace-style)
export {
  Classifier,
  CLASSIFIER_DEFAULTS,
  type ClassifierConfig,
  ClassifierDiverged,
  type ClassifierProgress,
  type ClassifierStats,
  type ClassifierTrainOptions,
  type LossKind,
  type Prediction,
  resolveClassifierConfig,
  type TestResult,
  trainClassifier,
} from "./supervised/classifier.ts";
export {
  arrayExamples,
  DEFAULT_LABEL_PREFIX,
  type Example,
  type ExampleSource,
  fileExamples,
  parseExamples,
  textExamples,
} from "./supervised/labels.ts";
export { Dictionary } from "./supervised/dictionary.ts";
export { fastTextHash, wordNgramBuckets } from "./supervised/ngrams.ts";
export {
  DocumentIndex,
  PAIR_DEFAULTS,
  type PairConfig,
  PairModel,
  type SearchHit,
} from "./retrieval/model.ts";
export { halvesOf, type Pair, parsePairs, readPairs } from "./retrieval/pairs.ts";
export { BM25 } from "./retrieval/bm25.ts";
export {
  evaluateRanking,
  type RankingMetrics,
  rankingMetrics,
  rankOf,
} from "./retrieval/metrics.ts";

// Recommendations: item2vec on interaction sessions, with next-item evaluation
export * from "./recsys/mod.ts";
