// A trained model: the vocabulary with its counts, the configuration it was trained with,
// both embedding tables (input = the word vectors, output = the negative-sampling weights)
// and the statistics of the run that produced it. It saves to negsamp's own format (.nsm)
// with everything needed to continue training, or to word2vec .vec/.bin with the input
// vectors only.
//
// The encode/decode functions work on bytes and never touch files, so a browser or a
// worker can use them on fetched data; only saveModel/loadModel/loadVectors read or write.
import type { Corpus } from "./corpus/source.ts";
import { encodeVectorTable, formatFromPath, loadVectorTable } from "./formats/detect.ts";
import { FormatError } from "./formats/errors.ts";
import { decodeNativeModel, encodeNativeModel, type NativeModel } from "./formats/native.ts";
import type { VectorTable } from "./formats/table.ts";
import { readFileBytes, writeFileAtomic } from "./io/files.ts";
import { ConfigError, resolveConfig, type TrainConfig } from "./train/config.ts";
import {
  train,
  type TrainedModel,
  type TrainingCheckpoint,
  type TrainOptions,
  type TrainStats,
  trainWithVocab,
} from "./train/trainer.ts";
import { Vectors, type VectorsOptions } from "./vectors.ts";
import { Vocab } from "./vocab.ts";

/** The `kind` a native file's header carries for a trainable word2vec model. */
export const MODEL_KIND = "word2vec";

/** The extension of negsamp's own model format. */
export const MODEL_EXTENSION = ".nsm";

export class Model {
  readonly config: TrainConfig;
  readonly vocab: Vocab;
  /** V x dim input vectors (the word embeddings), row-major. */
  readonly input: Float32Array;
  /** V x dim output vectors (negative-sampling weights), row-major. */
  readonly output: Float32Array;
  /** Statistics of the most recent training run. */
  readonly stats: TrainStats;
  /** Training runs that produced this model (1, plus one per continueTraining). */
  readonly runs: number;

  constructor(
    config: TrainConfig,
    vocab: Vocab,
    input: Float32Array,
    output: Float32Array,
    stats: TrainStats,
    runs = 1,
  ) {
    const cells = vocab.size * config.dim;
    if (vocab.size === 0) throw new RangeError("Model: the vocabulary is empty");
    for (const [name, table] of [["input", input], ["output", output]] as const) {
      if (table.length !== cells) {
        throw new RangeError(
          `Model: the ${name} table has ${table.length} floats, expected ${vocab.size} words x ` +
            `${config.dim} = ${cells}`,
        );
      }
    }
    if (!Number.isSafeInteger(runs) || runs < 1) {
      throw new RangeError(`Model: runs must be an integer >= 1, got ${runs}`);
    }
    this.config = config;
    this.vocab = vocab;
    this.input = input;
    this.output = output;
    this.stats = stats;
    this.runs = runs;
  }

  /** Wraps the result of `train` / `trainWithVocab`. */
  static fromTrained(trained: TrainedModel, runs = 1): Model {
    return new Model(
      trained.config,
      trained.vocab,
      trained.input,
      trained.output,
      trained.stats,
      runs,
    );
  }

  get dim(): number {
    return this.config.dim;
  }

  get words(): readonly string[] {
    return this.vocab.words;
  }

  /** The input vectors as a plain table (shares the model's array). */
  toVectorTable(): VectorTable {
    return { words: this.vocab.words, dim: this.config.dim, data: this.input };
  }

  /** Keyed vectors over the input table, for similarity queries and evaluation. */
  vectors(options: VectorsOptions = {}): Promise<Vectors> {
    return Vectors.create(this.vocab.words, this.config.dim, this.input, options);
  }

  /** The native-format view of the model (shares the model's arrays). */
  toNative(): NativeModel {
    return {
      header: {
        kind: MODEL_KIND,
        producer: "negsamp",
        config: { ...this.config },
        stats: {
          corpusTokens: this.stats.corpusTokens,
          seconds: this.stats.seconds,
          wordsPerSecond: this.stats.wordsPerSecond,
          // JSON has no NaN: a run too short to measure a loss stores null.
          finalLoss: Number.isFinite(this.stats.finalLoss) ? this.stats.finalLoss : null,
        },
        runs: this.runs,
      },
      words: this.vocab.words,
      counts: this.vocab.counts,
      dim: this.config.dim,
      tables: [this.input, this.output],
    };
  }

  /**
   * A model from a decoded native file. `source` names the file in errors (FormatError):
   * a file of another kind (e.g. vectors only), a bad configuration in the header or
   * tables of the wrong shape are refused.
   */
  static fromNative(m: NativeModel, source = "<memory>"): Model {
    const fail = (problem: string): never => {
      throw new FormatError(source, problem);
    };
    const kind = m.header.kind;
    if (kind !== MODEL_KIND) {
      fail(
        `holds ${
          typeof kind === "string" ? `a model of kind ${JSON.stringify(kind)}` : "no model kind"
        }, not a trainable ${MODEL_KIND} model (only its vectors can be loaded: use loadVectors)`,
      );
    }
    const raw = m.header.config;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      fail("header has no training configuration (config)");
    }
    const config = configFromHeader(raw as Partial<TrainConfig>, source);
    if (config.dim !== m.dim) {
      fail(`header config.dim ${config.dim} differs from the file's dim ${m.dim}`);
    }
    checkTrainingTables(m, source);
    const s = (m.header.stats ?? {}) as Record<string, unknown>;
    const num = (v: unknown, fallback: number) => typeof v === "number" ? v : fallback;
    const stats: TrainStats = {
      corpusTokens: num(s.corpusTokens, 0),
      seconds: num(s.seconds, 0),
      wordsPerSecond: num(s.wordsPerSecond, 0),
      finalLoss: num(s.finalLoss, NaN),
    };
    const runs = Number.isSafeInteger(m.header.runs) && (m.header.runs as number) >= 1
      ? m.header.runs as number
      : 1;
    return new Model(
      config,
      new Vocab(m.words, m.counts),
      m.tables[0],
      m.tables[1],
      stats,
      runs,
    );
  }
}

function configFromHeader(raw: Partial<TrainConfig>, source: string): TrainConfig {
  try {
    return resolveConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) throw new FormatError(source, `header config: ${e.message}`);
    throw e;
  }
}

/** Trains a model on `corpus` (see `train`) and wraps the result as a Model. */
export async function trainModel(
  corpus: Corpus,
  settings: Partial<TrainConfig> = {},
  options: TrainOptions = {},
): Promise<Model> {
  return Model.fromTrained(await train(corpus, settings, options));
}

/** A trained model in native format (.nsm) bytes. */
export function encodeModel(model: Model): Uint8Array {
  return encodeNativeModel(model.toNative());
}

/**
 * A model from native format (.nsm) bytes; `source` names them in errors. Bytes of another
 * format (word2vec .vec/.bin) are refused with a FormatError that points to loadVectors.
 */
export function decodeModel(bytes: Uint8Array, source = "<memory>"): Model {
  return Model.fromNative(decodeNativeModelOrExplain(bytes, source), source);
}

/**
 * The bytes of `model` in the format `path`'s extension names: `.nsm` everything (vocabulary
 * with counts, config, both tables, stats); `.vec`/`.txt` and `.bin` the input vectors in
 * word2vec text or binary format. Throws for any other extension.
 */
export function encodeModelFile(model: Model, path: string): Uint8Array {
  return formatFromPath(path) === "native"
    ? encodeModel(model)
    : encodeVectorTable(model.toVectorTable(), path);
}

/** Writes `model` to `path` (atomically), in the format its extension names. */
export async function saveModel(model: Model, path: string): Promise<void> {
  const bytes = encodeModelFile(model, path); // fails on a bad extension before any IO
  await writeFileAtomic(path, bytes);
}

/**
 * Loads a trainable model from a native file (.nsm). word2vec .vec/.bin files hold only the
 * word vectors: they are refused with a FormatError that points to loadVectors.
 */
export async function loadModel(path: string): Promise<Model> {
  return decodeModel(await readFile(path, "model"), path);
}

function decodeNativeModelOrExplain(bytes: Uint8Array, path: string): NativeModel {
  try {
    return decodeNativeModel(bytes, path);
  } catch (e) {
    if (e instanceof FormatError && e.offset === 0 && formatFromPathOrNull(path) !== "native") {
      throw new FormatError(
        path,
        "not a negsamp model (.nsm): word2vec .vec/.bin and quantized .nsq files hold only " +
          "the word vectors, " +
          "which can be queried (loadVectors) but not trained further",
      );
    }
    throw e;
  }
}

function formatFromPathOrNull(path: string): string | null {
  try {
    return formatFromPath(path);
  } catch {
    return null;
  }
}

/** Word vectors from any supported file: .vec/.txt, .bin, .nsq (dequantized), or the input
 *  table of a .nsm. */
export async function loadVectors(path: string, options: VectorsOptions = {}): Promise<Vectors> {
  const bytes = await readFile(path, "vectors");
  return await vectorsFromBytes(bytes, path, options);
}

/** loadVectors on bytes already in memory (`path` picks the format and names errors). */
export function vectorsFromBytes(
  bytes: Uint8Array,
  path: string,
  options: VectorsOptions = {},
): Promise<Vectors> {
  const table = loadVectorTable(bytes, path);
  if (table.words.length === 0) throw new FormatError(path, "holds no vectors");
  return Vectors.create(table.words, table.dim, table.data, options);
}

async function readFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFileBytes(path);
  } catch (e) {
    throw new Error(`cannot read ${what} file ${path}: ${(e as Error).message}`);
  }
}

/**
 * Trains `model` further on `corpus`, keeping its vocabulary: words of the corpus that are
 * not in it are ignored, and the noise and subsampling distributions stay those of the
 * original counts. `overrides` may change the training settings (epochs, lr, window,
 * negative, sample, seed, ...) but not `dim`; minCount and maxVocab have no effect.
 *
 * The learning rate decays over the new corpus: from `lr` (by default the model's initial
 * rate) down to `minLr` across `epochs` passes. Returns a new Model; `model` is unchanged.
 */
export async function continueTraining(
  model: Model,
  corpus: Corpus,
  overrides: Partial<TrainConfig> = {},
  options: TrainOptions = {},
): Promise<Model> {
  if (overrides.dim !== undefined && overrides.dim !== model.config.dim) {
    throw new ConfigError(
      "dim",
      `cannot change from ${model.config.dim} to ${overrides.dim} when continuing training`,
    );
  }
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as Partial<TrainConfig>;
  // A new model type keeps the old lr only if it was set explicitly; resolveConfig fills in
  // the default lr of the new type when lr is absent.
  const base: Partial<TrainConfig> = { ...model.config };
  if (defined.model !== undefined && defined.model !== model.config.model) {
    delete base.lr;
    delete base.sharedNegatives;
  }
  const config = resolveConfig({ ...base, ...defined });

  // The trainer plans its learning-rate schedule from the vocabulary's total count. Scale
  // the counts so their total is the number of in-vocabulary tokens of the new corpus: the
  // noise distribution (count^a, normalised) and the subsampling (count / total) depend only
  // on the ratios, which stay those of the original counts.
  const index = model.vocab.index;
  let inVocab = 0;
  for await (const sentence of corpus.sentences()) {
    for (const word of sentence) if (index.has(word)) inVocab++;
  }
  if (inVocab === 0) {
    throw new Error(
      `${corpus.name}: none of its words is in the model's vocabulary ` +
        `(${model.vocab.size} words); nothing to train on`,
    );
  }
  const scale = inVocab / model.vocab.totalCount;
  const scaled = new Vocab(model.vocab.words, model.vocab.counts.map((c) => c * scale));
  const trained = await trainWithVocab(corpus, scaled, config, options, {
    input: model.input,
    output: model.output,
  });
  return new Model(
    config,
    model.vocab,
    trained.input,
    trained.output,
    trained.stats,
    model.runs + 1,
  );
}

// ---------- training checkpoints ----------

/** The `kind` a native file's header carries for a training checkpoint. */
export const CHECKPOINT_KIND = "checkpoint";

/**
 * What identifies the corpus a run trains on, stored in its checkpoints so that a resume on
 * another corpus is refused: its name and what counting the vocabulary saw.
 */
export interface CorpusFingerprint {
  name: string;
  tokens: number;
  sentences: number;
  distinct: number;
}

/** A decoded checkpoint file. */
export interface CheckpointFile {
  checkpoint: TrainingCheckpoint;
  corpus?: CorpusFingerprint;
  /** Any other header fields its writer added (e.g. the command line's inputs and outputs). */
  extra: Record<string, unknown>;
}

const CHECKPOINT_FIELDS = new Set([
  "kind",
  "producer",
  "config",
  "position",
  "rngState",
  "lastLoss",
  "corpus",
  "dim",
  "vocabSize",
  "tableRows",
]);

/**
 * The native-format view of a training checkpoint (shares its arrays): header.kind
 * "checkpoint" with the configuration, the position (epoch, chunk, words done), the random
 * state and the last loss; the vocabulary with its counts; the input and output tables.
 * Its vectors can be queried like a model's (loadVectors); `extra` adds header fields.
 */
export function checkpointToNative(
  c: TrainingCheckpoint,
  extra: { corpus?: CorpusFingerprint } & Record<string, unknown> = {},
): NativeModel {
  return {
    header: {
      ...extra,
      kind: CHECKPOINT_KIND,
      producer: "negsamp",
      config: { ...c.config },
      position: {
        epoch: c.epoch,
        chunk: c.chunk,
        wordsDone: c.wordsDone,
        corpusTokens: c.corpusTokens,
      },
      rngState: c.rngState,
      lastLoss: Number.isFinite(c.lastLoss) ? c.lastLoss : null,
    },
    words: c.vocab.words,
    counts: c.vocab.counts,
    dim: c.config.dim,
    tables: [c.input, c.output],
  };
}

/**
 * A checkpoint from a decoded native file; anything inconsistent (another kind of file, a
 * bad configuration, a position outside the run, tables of the wrong shape, non-finite
 * values) is a FormatError naming `source`.
 */
export function checkpointFromNative(m: NativeModel, source = "<memory>"): CheckpointFile {
  const fail = (problem: string): never => {
    throw new FormatError(source, problem);
  };
  const h = m.header;
  if (h.kind !== CHECKPOINT_KIND) {
    fail(
      `holds ${
        typeof h.kind === "string" ? `a model of kind ${JSON.stringify(h.kind)}` : "no model kind"
      }, not a training checkpoint`,
    );
  }
  if (typeof h.config !== "object" || h.config === null || Array.isArray(h.config)) {
    fail("header has no training configuration (config)");
  }
  const config = configFromHeader(h.config as Partial<TrainConfig>, source);
  if (config.dim !== m.dim) {
    fail(`header config.dim ${config.dim} differs from the file's dim ${m.dim}`);
  }
  checkTrainingTables(m, source);
  const p = (typeof h.position === "object" && h.position !== null ? h.position : {}) as Record<
    string,
    unknown
  >;
  const int = (v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? v as number
      : fail(`header ${what} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  const epoch = int(p.epoch, "position.epoch", 1, config.epochs);
  const chunk = int(p.chunk, "position.chunk", 0);
  const wordsDone = int(p.wordsDone, "position.wordsDone", 0);
  const corpusTokens = int(p.corpusTokens, "position.corpusTokens", 0);
  const rng = h.rngState;
  // The kernel's u64 state, as its i64 export shows it (so possibly negative).
  if (
    typeof rng !== "string" || !/^-?\d{1,20}$/.test(rng) || BigInt(rng) >= 1n << 64n ||
    BigInt(rng) < -(1n << 63n)
  ) {
    fail(`header rngState must be a decimal 64-bit integer, got ${JSON.stringify(rng)}`);
  }
  const loss = h.lastLoss;
  if (loss !== null && (typeof loss !== "number" || !Number.isFinite(loss))) {
    fail(`header lastLoss must be a number or null, got ${JSON.stringify(loss)}`);
  }
  let corpus: CorpusFingerprint | undefined;
  if (h.corpus !== undefined) {
    const c = (typeof h.corpus === "object" && h.corpus !== null ? h.corpus : {}) as Record<
      string,
      unknown
    >;
    if (typeof c.name !== "string") fail("header corpus.name must be a string");
    corpus = {
      name: c.name as string,
      tokens: int(c.tokens, "corpus.tokens", 0),
      sentences: int(c.sentences, "corpus.sentences", 0),
      distinct: int(c.distinct, "corpus.distinct", 0),
    };
  }
  const extra = Object.fromEntries(Object.entries(h).filter(([k]) => !CHECKPOINT_FIELDS.has(k)));
  return {
    checkpoint: {
      config,
      vocab: new Vocab(m.words, m.counts),
      input: m.tables[0],
      output: m.tables[1],
      epoch,
      chunk,
      wordsDone,
      corpusTokens,
      rngState: rng as string,
      lastLoss: loss === null ? NaN : loss as number,
    },
    corpus,
    extra,
  };
}

/** A training model or checkpoint must hold a word, counts >= 0 and two finite tables. */
function checkTrainingTables(m: NativeModel, source: string): void {
  const fail = (problem: string): never => {
    throw new FormatError(source, problem);
  };
  if (m.words.length === 0) fail("the vocabulary is empty");
  for (let i = 0; i < m.counts.length; i++) {
    if (!(m.counts[i] >= 0 && m.counts[i] < Infinity)) {
      fail(`the count of word ${i} ${JSON.stringify(m.words[i])} is ${m.counts[i]}`);
    }
  }
  if (m.tables.length < 2) fail(`expected input and output tables, found ${m.tables.length}`);
  const cells = m.words.length * m.dim;
  for (let i = 0; i < 2; i++) {
    const t = m.tables[i];
    if (t.length !== cells) {
      fail(`table ${i} has ${t.length / m.dim} rows, expected one per word (${m.words.length})`);
    }
    for (let j = 0; j < t.length; j++) {
      if (!Number.isFinite(t[j])) {
        fail(
          `table ${i} holds ${t[j]} in the row of ${
            JSON.stringify(m.words[Math.floor(j / m.dim)])
          }`,
        );
      }
    }
  }
}

/** A checkpoint in native format (.nsm) bytes. */
export function encodeCheckpoint(
  c: TrainingCheckpoint,
  extra: { corpus?: CorpusFingerprint } & Record<string, unknown> = {},
): Uint8Array {
  return encodeNativeModel(checkpointToNative(c, extra));
}

/** A checkpoint from native format bytes; `source` names them in errors (FormatError). */
export function decodeCheckpoint(bytes: Uint8Array, source = "<memory>"): CheckpointFile {
  return checkpointFromNative(decodeNativeModel(bytes, source), source);
}

/** Writes a checkpoint to `path` atomically: readers see the previous one or the new one. */
export async function saveCheckpoint(
  path: string,
  c: TrainingCheckpoint,
  extra: { corpus?: CorpusFingerprint } & Record<string, unknown> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(c, extra));
}

/** Reads a checkpoint written by saveCheckpoint (or the command line's --checkpoint). */
export async function loadCheckpoint(path: string): Promise<CheckpointFile> {
  return decodeCheckpoint(await readFile(path, "checkpoint"), path);
}
