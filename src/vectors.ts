// Keyed word vectors (like gensim's KeyedVectors): a word -> row lookup over a table
// of unit-normalised rows held in one kernel instance's memory. Every scan over the
// table (scores, 3CosMul, top-k, analogies) runs in the WebAssembly kernel; the host
// only builds query rows and reads back the k winners.
import { Kernel } from "./kernel/kernel.ts";
import type { KernelVariant } from "./kernel/module.ts";

/** Thrown when a query names a word that is not in the vocabulary. */
export class UnknownWordError extends Error {
  constructor(readonly word: string) {
    super(`unknown word ${quoteWord(word)}: it is not in the vocabulary`);
    this.name = "UnknownWordError";
  }
}

/**
 * A word as messages show it: quoted with escapes (control characters and all), and cut
 * after `max` characters with its length, so a megabyte of query never lands in a message.
 */
export function quoteWord(word: string, max = 60): string {
  if (typeof word !== "string") return String(word);
  if (word.length <= max) return JSON.stringify(word);
  return `${JSON.stringify(word.slice(0, max)).slice(0, -1)}..." (${word.length} characters)`;
}

export interface VectorsOptions {
  /** Force a kernel build ("simd" or "relaxed"); by default the best the runtime supports. */
  kernel?: KernelVariant;
}

/** One search result: a word and its score (cosine for 3CosAdd, the 3CosMul objective otherwise). */
export interface Neighbor {
  word: string;
  score: number;
}

export interface SearchOptions {
  /** Search only the first `restrict` rows (the most frequent words); larger values mean all. */
  restrict?: number;
}

export interface VectorSearchOptions extends SearchOptions {
  /** Words never returned (e.g. the words the vector was built from). */
  exclude?: string[];
}

/** Analogy triples sent to the kernel per call: keeps the triples buffer at 12 KiB. */
const ANALOGY_BATCH = 1024;
/** Initial room for input ids (exclusions, 3CosMul terms); grown on demand. */
const INITIAL_ID_CAPACITY = 64;

export class Vectors {
  readonly #words: readonly string[];
  readonly #index: Map<string, number>;
  readonly #data: Float32Array;
  readonly #kernel: Kernel;
  readonly #dim: number;
  readonly #rowBytes: number;
  readonly #table: number;
  readonly #scores: number;
  readonly #query: number;
  readonly #outIds: number;
  readonly #outScores: number;
  readonly #triples: number;
  readonly #answers: number;
  #ids: number;
  #idCapacity: number;

  private constructor(
    words: string[],
    index: Map<string, number>,
    dim: number,
    data: Float32Array,
    kernel: Kernel,
  ) {
    this.#words = Object.freeze(words.slice());
    this.#index = index;
    this.#dim = dim;
    this.#data = data;
    this.#kernel = kernel;
    const rows = words.length;
    this.#rowBytes = Kernel.rowFloats(dim) * 4;
    const arena = kernel.arena;
    this.#table = arena.alloc(rows * this.#rowBytes, "the normalised vector table");
    this.#scores = arena.alloc(rows * 4, "the similarity scores");
    this.#query = arena.alloc(this.#rowBytes, "the query row");
    this.#outIds = arena.alloc(rows * 4, "the top-k ids");
    this.#outScores = arena.alloc(rows * 4, "the top-k scores");
    this.#triples = arena.alloc(ANALOGY_BATCH * 12, "the analogy triples");
    this.#answers = arena.alloc(ANALOGY_BATCH * 4, "the analogy answers");
    this.#idCapacity = INITIAL_ID_CAPACITY;
    this.#ids = arena.alloc(this.#idCapacity * 4, "the query word ids");
    kernel.writeRows(this.#table, data, rows, dim);
    kernel.exports.normalizeRows(this.#table, this.#table, rows, this.#rowBytes);
  }

  /**
   * Keyed vectors over `words` (row i of `data` is the vector of words[i]; ids are
   * expected in frequency order, so `restrict` keeps the most frequent words).
   * The raw data is copied (for `get`); unit-normalised rows go to kernel memory.
   */
  static async create(
    words: string[],
    dim: number,
    data: Float32Array,
    options: VectorsOptions = {},
  ): Promise<Vectors> {
    if (!Number.isSafeInteger(dim) || dim < 1) {
      throw new RangeError(`Vectors: dim must be a positive integer, got ${dim}`);
    }
    if (words.length === 0) throw new RangeError("Vectors: the vocabulary is empty");
    if (data.length !== words.length * dim) {
      throw new RangeError(
        `Vectors: data has ${data.length} floats, expected ${words.length} words x ${dim} = ` +
          `${words.length * dim}`,
      );
    }
    const index = new Map<string, number>();
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (typeof w !== "string") {
        throw new TypeError(`Vectors: word ${i} is not a string (${typeof w})`);
      }
      const first = index.get(w);
      if (first !== undefined) {
        throw new Error(
          `Vectors: duplicate word ${JSON.stringify(w)} at rows ${first} and ${i}`,
        );
      }
      index.set(w, i);
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        const row = Math.floor(i / dim);
        throw new RangeError(
          `Vectors: the vector of ${JSON.stringify(words[row])} (row ${row}) holds ${data[i]} ` +
            `at component ${i - row * dim}`,
        );
      }
    }
    const kernel = await Kernel.create({ variant: options.kernel });
    return new Vectors(words, index, dim, data.slice(), kernel);
  }

  /** The vocabulary, by row (read-only). */
  get words(): readonly string[] {
    return this.#words;
  }

  get dim(): number {
    return this.#dim;
  }

  /** Number of words. */
  get size(): number {
    return this.#words.length;
  }

  has(word: string): boolean {
    return this.#index.has(word);
  }

  /** The row of `word`, or -1. */
  index(word: string): number {
    return this.#index.get(word) ?? -1;
  }

  /** A copy of the raw (not normalised) vector of `word`. */
  get(word: string): Float32Array {
    const row = this.#row(word);
    return this.#data.slice(row * this.#dim, (row + 1) * this.#dim);
  }

  /** A copy of the unit-length vector of `word` (all zeros for a zero vector). */
  unitVector(word: string): Float32Array {
    const row = this.#row(word);
    return this.#unitRow(row).slice(0, this.#dim);
  }

  /** Cosine similarity of two words (0 when either vector is zero). */
  similarity(a: string, b: string): number {
    const ra = this.#row(a);
    const rb = this.#row(b);
    const k = this.#kernel.exports;
    k.scoreRows(this.#rowAddr(ra), this.#rowAddr(rb), 1, this.#rowBytes, this.#scores);
    return this.#kernel.arena.f32(this.#scores, 1)[0];
  }

  /**
   * The k words closest (cosine) to the mean of the unit vectors of `positive`
   * (weight +1) and `negative` (weight -1), as gensim's most_similar (3CosAdd);
   * the input words are never returned. Best first.
   */
  mostSimilar(
    positive: string | string[],
    negative: string | string[] = [],
    k = 10,
    options: SearchOptions = {},
  ): Neighbor[] {
    const pos = asList(positive, "positive");
    const neg = asList(negative, "negative");
    if (pos.length + neg.length === 0) {
      throw new RangeError(
        "mostSimilar: positive and negative are both empty; give at least one word",
      );
    }
    const topK = this.#checkK(k, "mostSimilar");
    const rows = this.#checkRestrict(options.restrict, "mostSimilar");
    const posIds = pos.map((w) => this.#row(w));
    const negIds = neg.map((w) => this.#row(w));
    // Mean of weighted unit vectors; the kernel normalises it (the 1/n scale drops out).
    const q = this.#queryView();
    q.fill(0);
    const mean = new Float64Array(this.#dim);
    for (const id of posIds) addScaled(mean, this.#unitRow(id), 1);
    for (const id of negIds) addScaled(mean, this.#unitRow(id), -1);
    for (let i = 0; i < this.#dim; i++) q[i] = mean[i];
    return this.#searchQuery(rows, topK, posIds.concat(negIds));
  }

  /** The k words whose vectors are closest (cosine) to `vector`, best first. */
  mostSimilarToVector(
    vector: Float32Array | number[],
    k = 10,
    options: VectorSearchOptions = {},
  ): Neighbor[] {
    if (vector.length !== this.#dim) {
      throw new RangeError(
        `mostSimilarToVector: the vector has ${vector.length} components, expected ${this.#dim}`,
      );
    }
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i])) {
        throw new RangeError(`mostSimilarToVector: component ${i} of the vector is ${vector[i]}`);
      }
    }
    const topK = this.#checkK(k, "mostSimilarToVector");
    const rows = this.#checkRestrict(options.restrict, "mostSimilarToVector");
    const exclude = (options.exclude ?? []).map((w) => this.#row(w));
    const q = this.#queryView();
    q.fill(0);
    q.set(vector);
    return this.#searchQuery(rows, topK, exclude);
  }

  /**
   * 3CosMul (Levy & Goldberg 2014), as gensim's most_similar_cosmul: with cosines
   * shifted to [0, 1], the product over `positive` divided by (the product over
   * `negative` + 1e-6). The input words are never returned. Best first.
   */
  mostSimilarCosmul(
    positive: string | string[],
    negative: string | string[] = [],
    k = 10,
    options: SearchOptions = {},
  ): Neighbor[] {
    const pos = asList(positive, "positive");
    const neg = asList(negative, "negative");
    if (pos.length === 0) {
      throw new RangeError("mostSimilarCosmul: positive is empty; give at least one word");
    }
    const topK = this.#checkK(k, "mostSimilarCosmul");
    const rows = this.#checkRestrict(options.restrict, "mostSimilarCosmul");
    const ids = pos.map((w) => this.#row(w)).concat(neg.map((w) => this.#row(w)));
    this.#ensureIdCapacity(ids.length);
    this.#kernel.arena.u32(this.#ids, ids.length).set(ids);
    this.#kernel.exports.scoreCosMul(
      this.#ids,
      pos.length,
      neg.length,
      this.#table,
      rows,
      this.#rowBytes,
      this.#scores,
    );
    return this.#selectTop(rows, topK, ids);
  }

  /** The word furthest from the mean of the words' unit vectors (gensim's doesnt_match). */
  doesntMatch(words: string[]): string {
    if (!Array.isArray(words) || words.length === 0) {
      throw new RangeError("doesntMatch: the word list is empty");
    }
    const ids = words.map((w) => this.#row(w));
    const mean = new Float64Array(this.#dim);
    for (const id of ids) addScaled(mean, this.#unitRow(id), 1);
    const q = this.#queryView();
    q.fill(0);
    for (let i = 0; i < this.#dim; i++) q[i] = mean[i];
    const k = this.#kernel.exports;
    k.normalizeRows(this.#query, this.#query, 1, this.#rowBytes);
    let worst = "";
    let worstScore = Infinity;
    for (let i = 0; i < ids.length; i++) {
      k.scoreRows(this.#query, this.#rowAddr(ids[i]), 1, this.#rowBytes, this.#scores);
      const s = this.#kernel.arena.f32(this.#scores, 1)[0];
      // gensim sorts (score, word) pairs descending and takes the last: lowest score,
      // then the smallest word among equal scores.
      if (s < worstScore || (s === worstScore && words[i] < worst)) {
        worstScore = s;
        worst = words[i];
      }
    }
    return worst;
  }

  /** a : b :: c : ?  (3CosAdd: mostSimilar([b, c], [a], k)). */
  analogy(a: string, b: string, c: string, k = 1, options: SearchOptions = {}): Neighbor[] {
    return this.mostSimilar([b, c], [a], k, options);
  }

  /**
   * 3CosAdd over row ids: `triples` holds (a, b, c) row ids; answer i is the row
   * among the first `restrict` closest to b - a + c, excluding a, b and c (-1 if none).
   */
  analogyBatch(triples: Int32Array, restrict: number = this.size): Int32Array {
    if (triples.length % 3 !== 0) {
      throw new RangeError(
        `analogyBatch: triples holds ${triples.length} ids, not a multiple of 3 (a, b, c per question)`,
      );
    }
    const rows = this.#checkRestrict(restrict, "analogyBatch");
    for (let i = 0; i < triples.length; i++) {
      const id = triples[i];
      if (id < 0 || id >= this.size) {
        throw new RangeError(
          `analogyBatch: triples[${i}] = ${id} is not a row id (0..${this.size - 1})`,
        );
      }
    }
    const count = triples.length / 3;
    const out = new Int32Array(count);
    const k = this.#kernel.exports;
    for (let start = 0; start < count; start += ANALOGY_BATCH) {
      const n = Math.min(ANALOGY_BATCH, count - start);
      this.#kernel.arena.i32(this.#triples, n * 3).set(
        triples.subarray(start * 3, (start + n) * 3),
      );
      k.analogyBatch(
        this.#triples,
        n,
        this.#table,
        rows,
        this.#rowBytes,
        this.#answers,
        this.#query,
      );
      out.set(this.#kernel.arena.i32(this.#answers, n), start);
    }
    return out;
  }

  // ---------- internals ----------

  #row(word: string): number {
    const row = this.#index.get(word);
    if (row === undefined) throw new UnknownWordError(word);
    return row;
  }

  #rowAddr(row: number): number {
    return this.#table + row * this.#rowBytes;
  }

  /** A view of a normalised row, padded (valid until the next allocation). */
  #unitRow(row: number): Float32Array {
    return this.#kernel.arena.f32(this.#rowAddr(row), this.#rowBytes / 4);
  }

  #queryView(): Float32Array {
    return this.#kernel.arena.f32(this.#query, this.#rowBytes / 4);
  }

  #checkK(k: number, what: string): number {
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`${what}: k must be an integer >= 1, got ${k}`);
    }
    return Math.min(k, this.size);
  }

  /** The number of rows to search: `restrict` clamped to the vocabulary size. */
  #checkRestrict(restrict: number | undefined, what: string): number {
    if (restrict === undefined) return this.size;
    if (!Number.isInteger(restrict) || restrict < 1) {
      throw new RangeError(`${what}: restrict must be an integer >= 1, got ${restrict}`);
    }
    return Math.min(restrict, this.size);
  }

  #ensureIdCapacity(n: number): void {
    if (n <= this.#idCapacity) return;
    // The arena only bumps: the old buffer is abandoned (queries this large are rare).
    let capacity = this.#idCapacity;
    while (capacity < n) capacity *= 2;
    this.#ids = this.#kernel.arena.alloc(capacity * 4, "the query word ids");
    this.#idCapacity = capacity;
  }

  /** Normalises the query row, scores the first `rows` rows and selects the top k. */
  #searchQuery(rows: number, k: number, exclude: number[]): Neighbor[] {
    const e = this.#kernel.exports;
    e.normalizeRows(this.#query, this.#query, 1, this.#rowBytes);
    e.scoreRows(this.#query, this.#table, rows, this.#rowBytes, this.#scores);
    return this.#selectTop(rows, k, exclude);
  }

  #selectTop(rows: number, k: number, exclude: number[]): Neighbor[] {
    this.#ensureIdCapacity(exclude.length);
    const arena = this.#kernel.arena;
    arena.u32(this.#ids, exclude.length).set(exclude);
    const n = this.#kernel.exports.selectTopK(
      this.#scores,
      rows,
      Math.min(k, rows),
      this.#ids,
      exclude.length,
      this.#outIds,
      this.#outScores,
    );
    const ids = arena.u32(this.#outIds, n);
    const scores = arena.f32(this.#outScores, n);
    const out: Neighbor[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { word: this.#words[ids[i]], score: scores[i] };
    return out;
  }
}

function asList(words: string | string[], what: string): string[] {
  if (typeof words === "string") return [words];
  if (!Array.isArray(words)) throw new TypeError(`${what} must be a word or a list of words`);
  return words;
}

function addScaled(acc: Float64Array, row: Float32Array, weight: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] += weight * row[i];
}
