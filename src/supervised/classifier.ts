// Text classification as fastText's supervised mode: a document is the mean of the input
// rows of its words, of "</s>" and of its hashed word n-grams; each label has an output
// row; training climbs the log-likelihood of one of the example's labels (chosen uniformly
// per example and epoch) against `negative` sampled labels (loss "ns": logistic loss,
// noise labels drawn by count^0.5 as fastText) or against every label (loss "softmax").
// The kernel (assembly/supervised.ts) does every step, a chunk of ~64k ids per call.
//
// Settings and initialisation follow fastText: lr 0.1 decaying linearly to 0 over
// epochs x input ids, input rows uniform in [-1/dim, 1/dim], label rows zero.
import { LABELS_MARK, LOSS_NS, LOSS_SOFTMAX, SENTENCE_END } from "../kernel/exports.ts";
import type { KernelVariant } from "../kernel/module.ts";
import { FormatError } from "../formats/errors.ts";
import { decodeNativeModel, encodeNativeModel } from "../formats/native.ts";
import type { VectorTable } from "../formats/table.ts";
import { readFileBytes, writeFileAtomic } from "../io/files.ts";
import { ConfigError } from "../train/config.ts";
import { noiseWeights } from "../train/noise.ts";
import { BagKernel, chunkBoundaries } from "./bagkernel.ts";
import { buildDictionary, Dictionary } from "./dictionary.ts";
import {
  arrayExamples,
  DEFAULT_LABEL_PREFIX,
  type Example,
  type ExampleSource,
  splitTokens,
} from "./labels.ts";

export type LossKind = "ns" | "softmax";
export const LOSS_KINDS: readonly LossKind[] = ["ns", "softmax"];

export interface ClassifierConfig {
  dim: number;
  epochs: number;
  /** Initial learning rate (fastText's supervised default 0.1), decaying linearly. */
  lr: number;
  /** Floor of the decay (fastText: 0). */
  minLr: number;
  /** Longest word n-gram (1 = words only). */
  wordNgrams: number;
  /** Hash buckets of the word n-grams. */
  bucket: number;
  loss: LossKind;
  /** Noise labels per example (loss "ns"). */
  negative: number;
  minCount: number;
  minCountLabel: number;
  /** Exponent of the noise distribution over label counts (fastText: 0.5). */
  nsExponent: number;
  seed: number;
  labelPrefix: string;
  /** Ids per kernel call. */
  chunkTokens: number;
}

/** fastText's supervised defaults (its -loss default is softmax). */
export const CLASSIFIER_DEFAULTS: ClassifierConfig = {
  dim: 100,
  epochs: 5,
  lr: 0.1,
  minLr: 0,
  wordNgrams: 1,
  bucket: 2000000,
  loss: "softmax",
  negative: 5,
  minCount: 1,
  minCountLabel: 0,
  nsExponent: 0.5,
  seed: 1,
  labelPrefix: DEFAULT_LABEL_PREFIX,
  chunkTokens: 65536,
};

const RANGES: Record<
  Exclude<keyof ClassifierConfig, "loss" | "labelPrefix">,
  [number, number, boolean]
> = {
  // [min, max, integer]
  dim: [1, 4096, true],
  epochs: [1, 100000, true],
  lr: [0, 1000, false],
  minLr: [0, 1000, false],
  wordNgrams: [1, 100, true],
  bucket: [0, 2 ** 31 - 1, true],
  negative: [1, 127, true],
  minCount: [1, Number.MAX_SAFE_INTEGER, true],
  minCountLabel: [0, Number.MAX_SAFE_INTEGER, true],
  nsExponent: [-10, 10, false],
  seed: [0, Number.MAX_SAFE_INTEGER, true],
  chunkTokens: [64, 1 << 24, true],
};

/** Fills in defaults and checks every field; throws ConfigError naming the field. */
export function resolveClassifierConfig(
  settings: Partial<ClassifierConfig> = {},
): ClassifierConfig {
  const c: ClassifierConfig = { ...CLASSIFIER_DEFAULTS };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (!(key in CLASSIFIER_DEFAULTS)) throw new ConfigError(key, "unknown setting");
    (c as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, [min, max, integer]] of Object.entries(RANGES)) {
    const v = (c as unknown as Record<string, number>)[key];
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new ConfigError(key, `${v} is not a${integer ? " whole" : ""} number`);
    }
    if (v < min || v > max) throw new ConfigError(key, `${v} is outside [${min}, ${max}]`);
  }
  if (!(c.lr > 0)) throw new ConfigError("lr", `${c.lr} must be above 0`);
  if (!LOSS_KINDS.includes(c.loss)) {
    throw new ConfigError("loss", `${JSON.stringify(c.loss)} is not one of ${LOSS_KINDS}`);
  }
  if (typeof c.labelPrefix !== "string" || c.labelPrefix === "" || /\s/.test(c.labelPrefix)) {
    throw new ConfigError("labelPrefix", "must be a non-empty string without spaces");
  }
  return c;
}

export interface ClassifierProgress {
  epoch: number;
  epochs: number;
  /** Share of the run done, 0..1. */
  progress: number;
  /** Mean loss per example over the last chunk. */
  loss: number;
  lr: number;
}

export interface ClassifierTrainOptions {
  /** Input vectors to start from (fastText's -pretrainedVectors): their words join the
   *  vocabulary; their dimension must be the model's. */
  pretrained?: VectorTable;
  kernel?: KernelVariant;
  onProgress?: (p: ClassifierProgress) => void;
  signal?: AbortSignal;
}

export interface ClassifierStats {
  /** Training examples used per epoch (with a known label and at least one input row). */
  examples: number;
  /** Lines read that were skipped (no known label). */
  skipped: number;
  /** Input rows (words, "</s>", n-grams) per epoch: the lr schedule's unit. */
  inputsPerEpoch: number;
  /** Seconds spent in the training loop (not reading and counting). */
  trainSeconds: number;
  /** Seconds from the start of train() to a usable model. */
  totalSeconds: number;
  finalLoss: number;
}

export interface Prediction {
  /** The label, without its prefix. */
  label: string;
  /** Softmax probability (loss "softmax") or sigmoid of the score (loss "ns"). */
  probability: number;
}

export interface TestResult {
  /** Examples evaluated (a known label and at least one input row). */
  examples: number;
  /** Lines skipped: none of their labels is known to the model. */
  skipped: number;
  k: number;
  /** Correct predictions / predictions (fastText's P@k). */
  precision: number;
  /** Correct predictions / gold labels (fastText's R@k). */
  recall: number;
  /** Share of examples whose best label is one of theirs. */
  accuracy: number;
}

/** Thrown when the loss becomes NaN or infinite. */
export class ClassifierDiverged extends Error {
  constructor(epoch: number, lr: number) {
    super(
      `training diverged in epoch ${epoch} (the loss became NaN or infinite at learning ` +
        `rate ${lr}); lower --lr and try again`,
    );
    this.name = "ClassifierDiverged";
  }
}

/** The kind tag of a classifier in the native model format. */
export const CLASSIFIER_KIND = "classifier";

interface Encoded {
  ids: Uint32Array;
  ends: number[];
  inputs: number;
  examples: number;
  skipped: number;
  longest: number;
}

/** Encodes examples in the kernel's chunk format: inputs, LABELS_MARK, labels, SENTENCE_END. */
async function encodeExamples(
  dictionary: Dictionary,
  source: ExampleSource,
  requireInputs: boolean,
): Promise<Encoded> {
  let ids = new Uint32Array(1 << 16);
  let used = 0;
  const ends: number[] = [];
  let inputs = 0;
  let examples = 0;
  let skipped = 0;
  let longest = 0;
  const row: number[] = [];
  for await (const e of source.examples()) {
    const labels = dictionary.labelIds(e.labels);
    row.length = 0;
    dictionary.encodeInputs(e.tokens, row);
    if (labels.length === 0 || (requireInputs && row.length === 0)) {
      skipped++;
      continue;
    }
    const need = row.length + labels.length + 2;
    if (used + need > ids.length) {
      const bigger = new Uint32Array(Math.max(2 * ids.length, used + need));
      bigger.set(ids.subarray(0, used));
      ids = bigger;
    }
    ids.set(row, used);
    used += row.length;
    ids[used++] = LABELS_MARK;
    ids.set(labels, used);
    used += labels.length;
    ids[used++] = SENTENCE_END;
    ends.push(used);
    inputs += row.length;
    examples++;
    longest = Math.max(longest, need);
  }
  return { ids: ids.subarray(0, used), ends, inputs, examples, skipped, longest };
}

function now(): number {
  return performance.now();
}

export class Classifier {
  /** Training statistics (undefined for a model loaded from a file). */
  stats?: ClassifierStats;
  readonly #bags: BagKernel;
  readonly #labelScores: number;

  private constructor(
    readonly config: ClassifierConfig,
    readonly dictionary: Dictionary,
    bags: BagKernel,
  ) {
    this.#bags = bags;
    this.#labelScores = bags.alloc(dictionary.nlabels * 4, "label scores");
    bags.k.setSupervised(
      config.loss === "ns" ? LOSS_NS : LOSS_SOFTMAX,
      dictionary.nlabels,
      this.#labelScores,
    );
  }

  /** Trains a classifier on labelled examples (fastText's `supervised`). */
  static async train(
    data: ExampleSource | readonly Example[],
    settings: Partial<ClassifierConfig> = {},
    options: ClassifierTrainOptions = {},
  ): Promise<Classifier> {
    const started = now();
    const config = resolveClassifierConfig(settings);
    const source = "examples" in data ? data : arrayExamples("<examples>", data);
    const pretrained = options.pretrained;
    if (pretrained && pretrained.dim !== config.dim) {
      throw new ConfigError(
        "dim",
        `the pretrained vectors have dimension ${pretrained.dim}, the model ${config.dim}; ` +
          `pass --dim ${pretrained.dim}`,
      );
    }
    const { dictionary } = await buildDictionary(source, config, pretrained?.words ?? []);
    if (dictionary.nlabels === 0) {
      throw new Error(
        `${source.name}: no label occurs at least ${config.minCountLabel} times ` +
          `(labels are tokens starting with ${config.labelPrefix})`,
      );
    }
    const data2 = await encodeExamples(dictionary, source, true);
    dictionary.freeze();
    if (data2.examples === 0) throw new Error(`${source.name}: no training example`);
    const bags = await BagKernel.create({
      dim: config.dim,
      inputRows: dictionary.inputRows,
      outputRows: dictionary.nlabels,
      noise: noiseWeights(dictionary.labelCounts, config.nsExponent),
      tokenCapacity: Math.max(config.chunkTokens, data2.longest),
      variant: options.kernel,
    });
    const model = new Classifier(config, dictionary, bags);
    bags.initTables(config.seed, 1, false);
    bags.setRow(bags.input, dictionary.unseenNgramRow);
    if (pretrained) {
      for (let i = 0; i < pretrained.words.length; i++) {
        const id = dictionary.wordIndex.get(pretrained.words[i]);
        if (id === undefined) continue;
        bags.setRow(bags.input, id, pretrained.data.subarray(i * config.dim, (i + 1) * config.dim));
      }
    }
    const trainStart = now();
    const finalLoss = await model.#run(data2, options);
    const end = now();
    model.stats = {
      examples: data2.examples,
      skipped: data2.skipped,
      inputsPerEpoch: data2.inputs,
      trainSeconds: (end - trainStart) / 1000,
      totalSeconds: (end - started) / 1000,
      finalLoss,
    };
    return model;
  }

  async #run(data: Encoded, options: ClassifierTrainOptions): Promise<number> {
    const { config } = this;
    const k = this.#bags.k;
    const planned = config.epochs * data.inputs;
    k.setParams(1, config.negative, config.lr, config.minLr, planned);
    k.seed(BigInt(config.seed));
    const bounds = chunkBoundaries(data.ends, config.chunkTokens);
    let done = 0;
    let lastLoss = NaN;
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      for (let c = 0; c + 1 < bounds.length; c++) {
        options.signal?.throwIfAborted();
        const chunk = data.ids.subarray(bounds[c], bounds[c + 1]);
        const ptr = this.#bags.loadTokens(chunk);
        k.resetLoss();
        done += k.trainExamples(ptr, chunk.length, done);
        const total = k.lossTotal();
        if (!Number.isFinite(total)) throw new ClassifierDiverged(epoch, config.lr);
        const count = k.lossCount();
        if (count > 0) lastLoss = total / count;
        options.onProgress?.({
          epoch,
          epochs: config.epochs,
          progress: Math.min(1, done / planned),
          loss: lastLoss,
          lr: k.lrAt(done),
        });
      }
      // Let timers and signals run between epochs.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return lastLoss;
  }

  get labels(): readonly string[] {
    return this.dictionary.labels;
  }

  get dim(): number {
    return this.config.dim;
  }

  /** The input rows of a line's tokens (words, "</s>", n-gram buckets). */
  inputIds(tokens: readonly string[]): number[] {
    const ids: number[] = [];
    this.dictionary.encodeInputs(tokens, ids);
    return ids;
  }

  /** The document vector of a text: the mean of its input rows. */
  documentVector(text: string): Float32Array {
    const ids = this.inputIds(this.#tokens(text));
    const bags = this.#bags;
    bags.embed(bags.input, ids);
    return bags.kernel.arena.f32(bags.hidden, this.dim).slice();
  }

  #tokens(text: string): string[] {
    // Labels in the text are not inputs.
    return splitTokens(text).filter((t) => !t.startsWith(this.config.labelPrefix));
  }

  /** The k most likely labels of a text, best first, with their probabilities (those below
   *  `threshold` left out), as fastText's `predict-prob`. */
  predict(text: string, k = 1, threshold = 0): Prediction[] {
    return this.predictTokens(this.#tokens(text), k, threshold);
  }

  predictTokens(tokens: readonly string[], k = 1, threshold = 0): Prediction[] {
    if (!(k >= 1)) throw new RangeError(`k must be at least 1, got ${k}`);
    const ids = this.inputIds(tokens);
    if (ids.length === 0) return [];
    const bags = this.#bags;
    const n = this.dictionary.nlabels;
    const scores = bags.score(bags.embed(bags.input, ids), bags.output, n);
    const top = bags.topK(scores, n, k);
    let toProbability: (s: number) => number;
    if (this.config.loss === "softmax") {
      // Normalise over every label's score (the top k alone are not enough).
      const all = bags.kernel.arena.f32(scores, n);
      const max = top.scores[0];
      let sum = 0;
      for (let i = 0; i < n; i++) sum += Math.exp(all[i] - max);
      toProbability = (s) => Math.exp(s - max) / sum;
    } else toProbability = (s) => 1 / (1 + Math.exp(-s));
    const out: Prediction[] = [];
    for (let i = 0; i < top.ids.length; i++) {
      const probability = toProbability(top.scores[i]);
      if (probability < threshold) break;
      out.push({ label: this.dictionary.labels[top.ids[i]], probability });
    }
    return out;
  }

  /**
   * Precision and recall at k over labelled examples, as fastText's `test` computes them
   * (an example none of whose labels the model knows is skipped), and the accuracy of the
   * best label. The best label of every example comes from the kernel in batches.
   */
  async test(data: ExampleSource | readonly Example[], k = 1): Promise<TestResult> {
    if (!(k >= 1)) throw new RangeError(`k must be at least 1, got ${k}`);
    const source = "examples" in data ? data : arrayExamples("<examples>", data);
    const encoded = await encodeExamples(this.dictionary, source, true);
    const bags = this.#bags;
    const ids = encoded.ids;
    let predicted = 0;
    let gold = 0;
    let correct = 0;
    let accurate = 0;
    const bounds = chunkBoundaries(encoded.ends, bags.tokenCapacity);
    let best = new Int32Array(0);
    let bestPtr = 0;
    let example = 0;
    for (let c = 0; c + 1 < bounds.length; c++) {
      const chunk = ids.subarray(bounds[c], bounds[c + 1]);
      if (chunk.length > bags.tokenCapacity) {
        // A single example longer than the buffer: score it on its own.
        const e = this.#scoreOne(chunk, k);
        predicted += e.predicted;
        gold += e.gold;
        correct += e.correct;
        accurate += e.accurate;
        example++;
        continue;
      }
      const ptr = bags.loadTokens(chunk);
      const examples = countExamples(chunk);
      if (best.length < examples) {
        bestPtr = bags.alloc(examples * 4, "predictions");
        best = new Int32Array(examples);
      }
      bags.k.predictExamples(ptr, chunk.length, bestPtr);
      const top1 = bags.kernel.arena.i32(bestPtr, examples);
      let at = 0;
      for (let e = 0; e < examples; e++) {
        const start = at;
        while (chunk[at] !== LABELS_MARK) at++;
        const inputEnd = at;
        at++;
        const labelStart = at;
        while (chunk[at] !== SENTENCE_END) at++;
        const labels = chunk.subarray(labelStart, at);
        at++;
        const first = top1[e];
        const hit = first >= 0 && labels.includes(first);
        if (hit) accurate++;
        if (k === 1) {
          predicted += first >= 0 ? 1 : 0;
          gold += labels.length;
          correct += hit ? 1 : 0;
        } else {
          const r = this.#scoreOne(chunk.subarray(start, at), k, inputEnd - start);
          predicted += r.predicted;
          gold += r.gold;
          correct += r.correct;
        }
        example++;
      }
    }
    return {
      examples: example,
      skipped: encoded.skipped,
      k,
      precision: predicted > 0 ? correct / predicted : 0,
      recall: gold > 0 ? correct / gold : 0,
      accuracy: example > 0 ? accurate / example : 0,
    };
  }

  /** One encoded example (inputs, MARK, labels, END) scored with top-k. */
  #scoreOne(
    example: Uint32Array,
    k: number,
    inputs = example.indexOf(LABELS_MARK),
  ): { predicted: number; gold: number; correct: number; accurate: number } {
    const labels = example.subarray(inputs + 1, example.length - 1);
    const bags = this.#bags;
    const n = this.dictionary.nlabels;
    const scores = bags.score(bags.embed(bags.input, example.subarray(0, inputs)), bags.output, n);
    const top = bags.topK(scores, n, k);
    let correct = 0;
    for (const id of top.ids) if (labels.includes(id)) correct++;
    return {
      predicted: top.ids.length,
      gold: labels.length,
      correct,
      accurate: top.ids.length > 0 && labels.includes(top.ids[0]) ? 1 : 0,
    };
  }

  /** The input rows of the vocabulary words (fastText's .vec of a supervised model). */
  wordVectors(): VectorTable {
    const data = this.#bags.readTable(this.#bags.input, this.dictionary.nwords);
    return { words: [...this.dictionary.words], dim: this.dim, data };
  }

  /** Row-major copies of the two tables: input (words, n-gram rows, unseen row), labels. */
  tables(): { input: Float32Array; output: Float32Array } {
    const bags = this.#bags;
    return {
      input: bags.readTable(bags.input, this.dictionary.inputRows),
      output: bags.readTable(bags.output, this.dictionary.nlabels),
    };
  }

  /** The model in negsamp's native format (kind "classifier"). */
  encode(): Uint8Array {
    const d = this.dictionary;
    const { input, output } = this.tables();
    return encodeNativeModel({
      header: {
        kind: CLASSIFIER_KIND,
        config: { ...this.config },
        labels: d.labels,
        labelCounts: Array.from(d.labelCounts),
        ngramBuckets: d.ngramBuckets,
        ...(this.stats ? { stats: this.stats } : {}),
      },
      words: d.words,
      counts: d.wordCounts,
      dim: this.dim,
      tables: [input, output],
    });
  }

  static async decode(
    bytes: Uint8Array,
    source = "<memory>",
    options: { kernel?: KernelVariant } = {},
  ): Promise<Classifier> {
    const m = decodeNativeModel(bytes, source);
    const h = m.header;
    const fail = (problem: string): never => {
      throw new FormatError(source, problem, { offset: 0 });
    };
    if (h.kind !== CLASSIFIER_KIND) {
      fail(`not a classifier (model kind ${JSON.stringify(h.kind ?? "vectors")})`);
    }
    let config: ClassifierConfig;
    try {
      config = resolveClassifierConfig(h.config as Partial<ClassifierConfig>);
    } catch (e) {
      return fail(`bad classifier settings: ${(e as Error).message}`);
    }
    if (config.dim !== m.dim) fail(`settings say dim ${config.dim}, the tables have ${m.dim}`);
    const labels = h.labels;
    const labelCounts = h.labelCounts;
    const buckets = h.ngramBuckets;
    const isStrings = (a: unknown): a is string[] =>
      Array.isArray(a) && a.every((x) => typeof x === "string");
    const isCounts = (a: unknown): a is number[] =>
      Array.isArray(a) && a.every((x) => Number.isSafeInteger(x) && x >= 0);
    if (!isStrings(labels) || labels.length === 0) fail("header labels must be a list of names");
    if (!isCounts(labelCounts) || labelCounts.length !== (labels as string[]).length) {
      fail("header labelCounts must be one count per label");
    }
    if (!isCounts(buckets)) fail("header ngramBuckets must be a list of bucket numbers");
    const dictionary = new Dictionary(
      m.words,
      m.counts,
      labels as string[],
      Float64Array.from(labelCounts as number[]),
      config.wordNgrams,
      config.wordNgrams > 1 ? config.bucket : 0,
      buckets as number[],
    );
    dictionary.freeze();
    if (m.tables.length !== 2) fail(`expected 2 tables, found ${m.tables.length}`);
    const [input, output] = m.tables;
    if (input.length !== dictionary.inputRows * m.dim) {
      fail(`the input table has ${input.length / m.dim} rows, expected ${dictionary.inputRows}`);
    }
    if (output.length !== dictionary.nlabels * m.dim) {
      fail(`the label table has ${output.length / m.dim} rows, expected ${dictionary.nlabels}`);
    }
    const bags = await BagKernel.create({
      dim: config.dim,
      inputRows: dictionary.inputRows,
      outputRows: dictionary.nlabels,
      noise: noiseWeights(dictionary.labelCounts.map((c) => Math.max(c, 1)), config.nsExponent),
      tokenCapacity: config.chunkTokens,
      variant: options.kernel,
    });
    bags.writeTable(bags.input, input, dictionary.inputRows);
    bags.writeTable(bags.output, output, dictionary.nlabels);
    const model = new Classifier(config, dictionary, bags);
    const stats = h.stats as ClassifierStats | undefined;
    if (stats && typeof stats === "object") model.stats = stats;
    return model;
  }

  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.encode());
  }

  static async load(path: string, options: { kernel?: KernelVariant } = {}): Promise<Classifier> {
    return await Classifier.decode(await readFileBytes(path), path, options);
  }
}

function countExamples(chunk: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === SENTENCE_END) n++;
  return n;
}

/** Trains a classifier (same as Classifier.train). */
export function trainClassifier(
  data: ExampleSource | readonly Example[],
  settings: Partial<ClassifierConfig> = {},
  options: ClassifierTrainOptions = {},
): Promise<Classifier> {
  return Classifier.train(data, settings, options);
}
