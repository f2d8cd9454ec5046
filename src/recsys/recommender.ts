// Item embeddings as a recommender: similar items (cosine of the input vectors), and
// recommendations for a history (the items a user interacted with, oldest first): the mean
// of the history's unit input vectors, optionally weighted towards the most recent items,
// scored against every item's output vector (skip-gram's own prediction of what comes with
// the history; the input vectors when the model has no output table). The scan over all
// items (scores and top-k) runs in the WebAssembly kernel, through Vectors; the host only
// averages the few history vectors.
import type { Corpus } from "../corpus/source.ts";
import { encodeVectorTable, formatFromPath, loadVectorTable } from "../formats/detect.ts";
import { FormatError } from "../formats/errors.ts";
import { decodeNativeModel, encodeNativeModel, isNativeModel } from "../formats/native.ts";
import type { VectorTable } from "../formats/table.ts";
import { readFileBytes, writeFileAtomic } from "../io/files.ts";
import type { KernelVariant } from "../kernel/module.ts";
import type { TrainConfig } from "../train/config.ts";
import { train, type TrainedModel, type TrainOptions } from "../train/trainer.ts";
import { Vectors } from "../vectors.ts";
import { type Session, sessionCorpus } from "./sessions.ts";

/**
 * Training settings for item2vec, picked by the MovieLens ml-latest-small sweep of
 * bench/recsys.ts (`deno task bench:recsys`; leave-last-out next-item, selected on a
 * validation split): window context beat session context, ns_exponent 0.5-1 beat 0 and
 * below, 20 epochs, window 10, min_count 5. With recency half-life 1 and output-vector
 * scoring: test HR@10 0.116, NDCG@10 0.062 (3 seeds), against most-popular 0.043 / 0.019 and
 * item-item co-occurrence 0.057 / 0.026. Anything not set here is the engine's default
 * (skip-gram, negative 5, dim 100, ...).
 */
export const ITEM2VEC_DEFAULTS: Readonly<Partial<TrainConfig>> = Object.freeze({
  context: "window",
  nsExponent: 0.75,
  epochs: 20,
  window: 10,
  minCount: 5,
  sample: 1e-3,
  // The sweep (bench/recsys.ts) drew noise items per pair; keep what it measured.
  sharedNegatives: false,
});

/** Half-life (in items) of the recency weighting when `recencyWeighting: true` (the
 *  MovieLens sweep's pick: the last item counts most, the one before half as much, ...). */
export const DEFAULT_RECENCY_HALF_LIFE = 1;

/** The `kind` in the header of an item model (.nsm). */
export const ITEM_MODEL_KIND = "items";

export interface ScoredItem {
  item: string;
  score: number;
}

/** Thrown when a query names an item the model does not know. */
export class UnknownItemError extends Error {
  constructor(readonly item: string) {
    super(`unknown item ${JSON.stringify(item)}: it is not among the model's items`);
    this.name = "UnknownItemError";
  }
}

/** What a history is scored against: "output" (default when the model has them) the items'
 *  output vectors, "input" their input vectors (as similarItems). */
export type ScoringTable = "output" | "input";

export interface RecommendOptions {
  /** Leave out the items of the history (default true). */
  excludeSeen?: boolean;
  scoring?: ScoringTable;
  /**
   * Weight recent items more: a number is a half-life in items (the item `h` places before
   * the last counts half as much as the last); true = DEFAULT_RECENCY_HALF_LIFE; false, 0 or
   * undefined = a plain mean.
   */
  recencyWeighting?: boolean | number;
  /** Further items never returned. */
  exclude?: Iterable<string>;
}

export interface ItemRecommenderOptions {
  /** Interactions per item, in row order (popularity); by default the row order itself
   *  (rows of a trained model are sorted by count, most frequent first). */
  counts?: Float64Array;
  /** The output (negative-sampling) vectors, same shape as the input ones: recommend scores
   *  histories against them. */
  output?: Float32Array;
  kernel?: KernelVariant;
}

/** Turns a `recencyWeighting` option into a half-life (Infinity = no weighting). */
export function recencyHalfLife(option: boolean | number | undefined): number {
  if (option === undefined || option === false || option === 0) return Infinity;
  if (option === true) return DEFAULT_RECENCY_HALF_LIFE;
  if (typeof option !== "number" || !(option > 0)) {
    throw new RangeError(
      `recencyWeighting must be true, false or a positive half-life in items, got ${option}`,
    );
  }
  return option;
}

export class ItemRecommender {
  readonly #vectors: Vectors;
  readonly #output: Vectors | null;
  readonly #data: Float32Array;
  readonly #outputData: Float32Array | null;
  readonly #counts: Float64Array | null;
  #popular: Int32Array | undefined;

  private constructor(
    vectors: Vectors,
    data: Float32Array,
    output: Vectors | null,
    outputData: Float32Array | null,
    counts: Float64Array | null,
  ) {
    this.#vectors = vectors;
    this.#data = data;
    this.#output = output;
    this.#outputData = outputData;
    this.#counts = counts;
  }

  /** A recommender over item vectors: row i of `data` (`dim` floats) is items[i]'s. */
  static async create(
    items: string[],
    dim: number,
    data: Float32Array,
    options: ItemRecommenderOptions = {},
  ): Promise<ItemRecommender> {
    const counts = options.counts ?? null;
    if (counts && counts.length !== items.length) {
      throw new RangeError(`ItemRecommender: ${counts.length} counts for ${items.length} items`);
    }
    const vectors = await Vectors.create(items, dim, data, { kernel: options.kernel });
    const outputData = options.output ?? null;
    if (outputData && outputData.length !== data.length) {
      throw new RangeError(
        `ItemRecommender: the output table has ${outputData.length} floats, the input ` +
          `table ${data.length}`,
      );
    }
    const output = outputData
      ? await Vectors.create(items, dim, outputData, { kernel: options.kernel })
      : null;
    return new ItemRecommender(vectors, data, output, outputData, counts);
  }

  /** A recommender over a trained model's vectors (both tables) and vocabulary counts. */
  static fromTrained(
    model: TrainedModel,
    options: { kernel?: KernelVariant } = {},
  ): Promise<ItemRecommender> {
    return ItemRecommender.create(model.vocab.words, model.config.dim, model.input, {
      counts: model.vocab.counts,
      output: model.output,
      kernel: options.kernel,
    });
  }

  /** The input vectors as keyed vectors (similarItems; all searches run in the kernel). */
  get vectors(): Vectors {
    return this.#vectors;
  }

  /** The output vectors as keyed vectors, when the model has them. */
  get outputVectors(): Vectors | null {
    return this.#output;
  }

  /** The items, by row (most popular first for a trained model). */
  get items(): readonly string[] {
    return this.#vectors.words;
  }

  get size(): number {
    return this.#vectors.size;
  }

  get dim(): number {
    return this.#vectors.dim;
  }

  has(item: string): boolean {
    return this.#vectors.has(item);
  }

  /** Interactions with `item` in the training data (0 when unknown; NaN when the model
   *  carries no counts, e.g. loaded from a .vec file). */
  popularity(item: string): number {
    const row = this.#vectors.index(item);
    if (row < 0) return 0;
    return this.#counts ? this.#counts[row] : NaN;
  }

  /** The k items most similar (cosine) to `item`, best first, without `item` itself. */
  similarItems(item: string, k = 10): ScoredItem[] {
    if (!this.has(item)) throw new UnknownItemError(item);
    return this.#vectors.mostSimilar(item, [], k).map((n) => ({ item: n.word, score: n.score }));
  }

  /**
   * The mean of the unit vectors of the known items of `history` (oldest first), weighted by
   * recency when `halfLife` is finite; null when no item of the history is known.
   */
  historyVector(history: readonly string[], halfLife = Infinity): Float32Array | null {
    const dim = this.dim;
    const sum = new Float64Array(dim);
    let known = 0;
    const last = history.length - 1;
    for (let i = last; i >= 0; i--) {
      const item = history[i];
      if (!this.#vectors.has(item)) continue;
      const w = halfLife === Infinity ? 1 : Math.pow(0.5, (last - i) / halfLife);
      if (w < 1e-6) break; // the older items no longer change the direction
      const v = this.#vectors.unitVector(item);
      for (let j = 0; j < dim; j++) sum[j] += w * v[j];
      known++;
    }
    if (known === 0) return null;
    return Float32Array.from(sum);
  }

  /**
   * Recommendations for a history (item ids, oldest first): every item scored by the cosine
   * to the (optionally recency-weighted) mean of the history's item vectors, best first.
   * Unknown history items are ignored; when none is known, the most popular items come back
   * (scored by popularity relative to the most popular item).
   */
  recommend(history: readonly string[], k = 10, options: RecommendOptions = {}): ScoredItem[] {
    if (!Array.isArray(history)) throw new TypeError("recommend: history must be a list of items");
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`recommend: k must be an integer >= 1, got ${k}`);
    }
    const halfLife = recencyHalfLife(options.recencyWeighting);
    const excluded = new Set<string>();
    if (options.excludeSeen ?? true) { for (const item of history) excluded.add(item); }
    for (const item of options.exclude ?? []) excluded.add(item);
    const exclude = [...excluded].filter((item) => this.#vectors.has(item));
    const scoring = options.scoring ?? (this.#output ? "output" : "input");
    if (scoring !== "output" && scoring !== "input") {
      throw new RangeError(`recommend: scoring must be "output" or "input", got ${scoring}`);
    }
    if (scoring === "output" && !this.#output) {
      throw new Error(
        'recommend: scoring "output" needs the output vectors, which this model does not ' +
          "have (a .vec/.bin file holds the input vectors only; save item models as .nsm)",
      );
    }
    const query = this.historyVector(history, halfLife);
    if (query === null) return this.mostPopular(k, exclude);
    let norm = 0;
    for (let i = 0; i < query.length; i++) norm += query[i] * query[i];
    if (norm === 0) return this.mostPopular(k, exclude);
    const table = scoring === "output" ? this.#output! : this.#vectors;
    return table.mostSimilarToVector(query, k, { exclude })
      .map((n) => ({ item: n.word, score: n.score }));
  }

  /** The k most popular items (by count, else by row order) not in `exclude`. */
  mostPopular(k = 10, exclude: Iterable<string> = []): ScoredItem[] {
    const skip = new Set(exclude);
    const order = this.#popularOrder();
    const counts = this.#counts;
    const top = counts && order.length > 0 ? counts[order[0]] : 0;
    const out: ScoredItem[] = [];
    const items = this.items;
    for (let i = 0; i < order.length && out.length < k; i++) {
      const item = items[order[i]];
      if (skip.has(item)) continue;
      const score = counts ? (top > 0 ? counts[order[i]] / top : 0) : 1 - i / order.length;
      out.push({ item, score });
    }
    return out;
  }

  #popularOrder(): Int32Array {
    if (this.#popular) return this.#popular;
    const order = Int32Array.from({ length: this.size }, (_, i) => i);
    const counts = this.#counts;
    if (counts) order.sort((a, b) => counts[b] - counts[a] || a - b);
    this.#popular = order;
    return order;
  }

  /** The raw item (input) vectors as a table (for saving in any vector format). */
  toVectorTable(): VectorTable {
    return { words: this.items.slice(), dim: this.dim, data: this.#data };
  }

  /** The raw output vectors, when the model has them. */
  get outputData(): Float32Array | null {
    return this.#outputData;
  }

  /** The popularity counts, when the recommender has them. */
  get counts(): Float64Array | null {
    return this.#counts;
  }
}

/** Options of trainItems: the training hooks plus the kernel for the recommender. */
export interface TrainItemsOptions extends TrainOptions {
  /** Called with the raw trained model (e.g. to save both tables). */
  onTrained?: (model: TrainedModel) => void;
}

/**
 * Trains item2vec on sessions (a Corpus of item-id lines, or lists of item ids / Sessions)
 * with ITEM2VEC_DEFAULTS under `settings`, and returns the recommender over the result.
 */
export async function trainItems(
  sessions: Corpus | Iterable<readonly string[] | Session>,
  settings: Partial<TrainConfig> = {},
  options: TrainItemsOptions = {},
): Promise<ItemRecommender> {
  const corpus = isCorpus(sessions) ? sessions : sessionCorpus(sessions);
  const model = await train(corpus, { ...ITEM2VEC_DEFAULTS, ...settings }, options);
  options.onTrained?.(model);
  return await ItemRecommender.fromTrained(model, { kernel: options.kernel });
}

function isCorpus(x: unknown): x is Corpus {
  return typeof (x as Corpus).sentences === "function" && typeof (x as Corpus).name === "string";
}

/**
 * The bytes of an item model for `path`: `.nsm` keeps the items, both vector tables, the
 * popularity counts and `header` (e.g. the training config); `.vec`/`.txt` and `.bin` hold
 * the input vectors only (word2vec formats: item ids may not contain whitespace there), so
 * recommend falls back to scoring against the input vectors.
 */
export function encodeItemModel(
  rec: ItemRecommender,
  path: string,
  header: Record<string, unknown> = {},
): Uint8Array {
  const table = rec.toVectorTable();
  if (formatFromPath(path) !== "native") return encodeVectorTable(table, path);
  return encodeNativeModel({
    header: { kind: ITEM_MODEL_KIND, ...header },
    words: table.words,
    counts: rec.counts ?? new Float64Array(table.words.length),
    dim: table.dim,
    tables: rec.outputData ? [table.data, rec.outputData] : [table.data],
  });
}

/** Writes an item model (atomically) in the format `path`'s extension names. */
export async function saveItemModel(
  rec: ItemRecommender,
  path: string,
  header: Record<string, unknown> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeItemModel(rec, path, header));
}

/** An item recommender from the bytes of any vector file: .nsm (an item model or a word
 *  model trained on sessions; popularity from its counts), .vec/.txt or .bin. */
export async function itemRecommenderFromBytes(
  bytes: Uint8Array,
  path: string,
  options: { kernel?: KernelVariant } = {},
): Promise<ItemRecommender> {
  let table: VectorTable;
  let counts: Float64Array | undefined;
  let output: Float32Array | undefined;
  if (isNativeModel(bytes)) {
    const m = decodeNativeModel(bytes, path);
    const first = m.tables[0];
    if (first === undefined || first.length < m.words.length * m.dim) {
      throw new FormatError(path, "model has no vector table with a row per item");
    }
    table = { words: m.words, dim: m.dim, data: first.slice(0, m.words.length * m.dim) };
    // A table of zero counts (a plain vector file saved as .nsm) says nothing.
    if (m.counts.some((c) => c > 0)) counts = m.counts;
    const second = m.tables[1];
    if (second !== undefined && second.length >= m.words.length * m.dim) {
      output = second.slice(0, m.words.length * m.dim);
    }
  } else table = loadVectorTable(bytes, path);
  if (table.words.length === 0) throw new FormatError(path, "holds no vectors");
  return await ItemRecommender.create(table.words, table.dim, table.data, {
    counts,
    output,
    kernel: options.kernel,
  });
}

/** Loads an item recommender from a file (see itemRecommenderFromBytes). */
export async function loadItemRecommender(
  path: string,
  options: { kernel?: KernelVariant } = {},
): Promise<ItemRecommender> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(path);
  } catch (e) {
    throw new Error(`cannot read item model ${path}: ${(e as Error).message}`);
  }
  return await itemRecommenderFromBytes(bytes, path, options);
}
