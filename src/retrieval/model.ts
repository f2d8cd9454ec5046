// The pair model (StarSpace-like retrieval): a query and a document are bags of tokens,
// each embedded as the mean of its token rows; training raises the dot product of a query
// with its own document above `negative` other documents of the same chunk (logistic
// loss), in the kernel (assembly/pairs.ts). The pairs are shuffled (seeded) every epoch,
// so that the in-chunk negatives change. The two sides share one table, or the documents
// have their own (`shared: false`).
//
// Search embeds a document collection once into a table in kernel memory; a query is then
// one scoreRows sweep and one selectTopK (DocumentIndex).
import { LABELS_MARK, SENTENCE_END } from "../kernel/exports.ts";
import type { KernelVariant } from "../kernel/module.ts";
import { FormatError } from "../formats/errors.ts";
import { decodeNativeModel, encodeNativeModel } from "../formats/native.ts";
import { readFileBytes, writeFileAtomic } from "../io/files.ts";
import { ConfigError } from "../train/config.ts";
import { Vocab, VocabCounter } from "../vocab.ts";
import { BagKernel } from "../supervised/bagkernel.ts";
import { rankOf } from "./metrics.ts";
import { type Pair, seededRandom, shuffleInPlace } from "./pairs.ts";

export interface PairConfig {
  dim: number;
  epochs: number;
  lr: number;
  minLr: number;
  /** Other documents of the chunk each query is contrasted with. */
  negative: number;
  minCount: number;
  /** One table for queries and documents (true), or a table per side. */
  shared: boolean;
  seed: number;
  /** Pairs per kernel call: the pool the negatives are drawn from. */
  batch: number;
  /** Initial rows uniform in [-initScale/dim, initScale/dim]. */
  initScale: number;
}

/** Bags are means, so each row gets 1/length of a step: the rate is high (measured on the
 *  bench:retrieval pairs; 5 diverged there). */
export const PAIR_DEFAULTS: PairConfig = {
  dim: 100,
  epochs: 10,
  lr: 2,
  minLr: 0.0001,
  negative: 10,
  minCount: 1,
  shared: false,
  seed: 1,
  batch: 1024,
  initScale: 0.5,
};

const PAIR_RANGES: Record<Exclude<keyof PairConfig, "shared">, [number, number, boolean]> = {
  dim: [1, 4096, true],
  epochs: [1, 100000, true],
  lr: [0, 1000, false],
  minLr: [0, 1000, false],
  negative: [1, 127, true],
  minCount: [1, Number.MAX_SAFE_INTEGER, true],
  seed: [0, Number.MAX_SAFE_INTEGER, true],
  batch: [2, 1 << 20, true],
  initScale: [0, 1000, false],
};

export function resolvePairConfig(settings: Partial<PairConfig> = {}): PairConfig {
  const c: PairConfig = { ...PAIR_DEFAULTS };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (!(key in PAIR_DEFAULTS)) throw new ConfigError(key, "unknown setting");
    (c as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, [min, max, integer]] of Object.entries(PAIR_RANGES)) {
    const v = (c as unknown as Record<string, number>)[key];
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new ConfigError(key, `${v} is not a${integer ? " whole" : ""} number`);
    }
    if (v < min || v > max) throw new ConfigError(key, `${v} is outside [${min}, ${max}]`);
  }
  if (!(c.lr > 0)) throw new ConfigError("lr", `${c.lr} must be above 0`);
  if (typeof c.shared !== "boolean") throw new ConfigError("shared", "must be true or false");
  return c;
}

export interface PairTrainOptions {
  kernel?: KernelVariant;
  onProgress?: (p: { epoch: number; epochs: number; progress: number; loss: number }) => void;
  signal?: AbortSignal;
}

export interface PairStats {
  pairs: number;
  /** Pairs dropped because a side had no known token. */
  skipped: number;
  tokensPerEpoch: number;
  trainSeconds: number;
  finalLoss: number;
}

export interface SearchHit {
  /** Index of the document in the collection. */
  doc: number;
  score: number;
}

export const PAIRS_KIND = "pairs";

/** Ids per training chunk; a pair longer than this (query + document) is left out. */
const CHUNK_IDS = 1 << 16;

/** Chunk-format ids of pair i: query ids, LABELS_MARK, document ids, SENTENCE_END. */
interface EncodedPairs {
  ids: Uint32Array;
  starts: Uint32Array;
  tokens: number;
}

export class PairModel {
  stats?: PairStats;
  readonly #bags: BagKernel;

  private constructor(readonly config: PairConfig, readonly vocab: Vocab, bags: BagKernel) {
    this.#bags = bags;
  }

  static async #layOut(config: PairConfig, vocab: Vocab, kernel?: KernelVariant) {
    return await BagKernel.create({
      dim: config.dim,
      inputRows: vocab.size,
      outputRows: config.shared ? 0 : vocab.size,
      tokenCapacity: CHUNK_IDS,
      variant: kernel,
    });
  }

  static async train(
    pairs: readonly Pair[],
    settings: Partial<PairConfig> = {},
    options: PairTrainOptions = {},
  ): Promise<PairModel> {
    const config = resolvePairConfig(settings);
    const counter = new VocabCounter();
    for (const p of pairs) {
      counter.add(p.query);
      counter.add(p.document);
    }
    const vocab = counter.finish({ minCount: config.minCount, maxVocab: 0 });
    if (vocab.size === 0) {
      throw new Error(`no token occurs at least ${config.minCount} times in the pairs`);
    }
    const model = new PairModel(
      config,
      vocab,
      await PairModel.#layOut(config, vocab, options.kernel),
    );
    const encoded = model.#encode(pairs);
    if (encoded.starts.length < 2) {
      throw new Error(`${encoded.starts.length} usable pair(s): training needs at least 2`);
    }
    model.#bags.initTables(config.seed, config.initScale, true);
    const started = performance.now();
    const loss = await model.#run(encoded, options);
    model.stats = {
      pairs: encoded.starts.length,
      skipped: pairs.length - encoded.starts.length,
      tokensPerEpoch: encoded.tokens,
      trainSeconds: (performance.now() - started) / 1000,
      finalLoss: loss,
    };
    return model;
  }

  #encode(pairs: readonly Pair[]): EncodedPairs {
    const index = this.vocab.index;
    const ids: number[] = [];
    const starts: number[] = [];
    let tokens = 0;
    const q: number[] = [];
    const d: number[] = [];
    for (const p of pairs) {
      q.length = 0;
      d.length = 0;
      for (const t of p.query) {
        const id = index.get(t);
        if (id !== undefined) q.push(id);
      }
      for (const t of p.document) {
        const id = index.get(t);
        if (id !== undefined) d.push(id);
      }
      if (q.length === 0 || d.length === 0 || q.length + d.length + 2 > CHUNK_IDS) continue;
      starts.push(ids.length);
      for (const id of q) ids.push(id);
      ids.push(LABELS_MARK);
      for (const id of d) ids.push(id);
      ids.push(SENTENCE_END);
      tokens += q.length + d.length;
    }
    return { ids: Uint32Array.from(ids), starts: Uint32Array.from(starts), tokens };
  }

  async #run(data: EncodedPairs, options: PairTrainOptions): Promise<number> {
    const { config } = this;
    const bags = this.#bags;
    const k = bags.k;
    const rowFloats = bags.rowFloats;
    const capacity = Math.min(config.batch, data.starts.length);
    const offsets = bags.alloc(16 * capacity, "pair offsets");
    const scratch = bags.alloc(k.pairScratchBytes(rowFloats), "pair scratch");
    k.setPairs(bags.input, bags.output, offsets, capacity, scratch);
    const planned = config.epochs * data.tokens;
    k.setParams(1, config.negative, config.lr, config.minLr, planned);
    k.seed(BigInt(config.seed));
    const rand = seededRandom(config.seed);
    const order = Uint32Array.from(data.starts.keys());
    const lengthOf = (i: number) =>
      (i + 1 < data.starts.length ? data.starts[i + 1] : data.ids.length) - data.starts[i];
    const chunk = new Uint32Array(bags.tokenCapacity);
    let done = 0;
    let lastLoss = NaN;
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      shuffleInPlace(order, rand);
      let at = 0;
      while (at < order.length) {
        options.signal?.throwIfAborted();
        // Fill a chunk with up to `capacity` whole pairs.
        let used = 0;
        let n = 0;
        while (at < order.length && n < capacity) {
          const i = order[at];
          const len = lengthOf(i);
          if (used + len > chunk.length) break;
          chunk.set(data.ids.subarray(data.starts[i], data.starts[i] + len), used);
          used += len;
          n++;
          at++;
        }
        const ptr = bags.loadTokens(chunk.subarray(0, used));
        k.resetLoss();
        done += k.trainPairs(ptr, used, done);
        const total = k.lossTotal();
        if (!Number.isFinite(total)) {
          throw new Error(
            `training diverged in epoch ${epoch} (the loss became NaN or infinite at learning ` +
              `rate ${config.lr}); lower --lr and try again`,
          );
        }
        if (k.lossCount() > 0) lastLoss = total / k.lossCount();
        options.onProgress?.({
          epoch,
          epochs: config.epochs,
          progress: Math.min(1, done / planned),
          loss: lastLoss,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return lastLoss;
  }

  get dim(): number {
    return this.config.dim;
  }

  /** Ids of the known tokens of a bag. */
  ids(tokens: readonly string[]): number[] {
    const out: number[] = [];
    for (const t of tokens) {
      const id = this.vocab.index.get(t);
      if (id !== undefined) out.push(id);
    }
    return out;
  }

  /** The embedding of a query (mean of its known tokens' query rows; zero if none). */
  embedQuery(tokens: readonly string[]): Float32Array {
    const bags = this.#bags;
    bags.embed(bags.input, this.ids(tokens));
    return bags.kernel.arena.f32(bags.hidden, this.dim).slice();
  }

  /** The embedding of a document (its rows in the document table). */
  embedDocument(tokens: readonly string[]): Float32Array {
    const bags = this.#bags;
    bags.embed(bags.output, this.ids(tokens));
    return bags.kernel.arena.f32(bags.hidden, this.dim).slice();
  }

  /** Embeds a collection of documents into kernel memory for search. */
  index(documents: readonly (readonly string[])[]): DocumentIndex {
    return new DocumentIndex(this, this.#bags, documents);
  }

  /** Row-major copies of the tables: the query (or shared) table, then the document table
   *  when it is separate. */
  tables(): Float32Array[] {
    const bags = this.#bags;
    const tables = [bags.readTable(bags.input, this.vocab.size)];
    if (!this.config.shared) tables.push(bags.readTable(bags.output, this.vocab.size));
    return tables;
  }

  encode(): Uint8Array {
    const tables = this.tables();
    return encodeNativeModel({
      header: {
        kind: PAIRS_KIND,
        config: { ...this.config },
        ...(this.stats ? { stats: this.stats } : {}),
      },
      words: this.vocab.words,
      counts: this.vocab.counts,
      dim: this.dim,
      tables,
    });
  }

  static async decode(
    bytes: Uint8Array,
    source = "<memory>",
    options: { kernel?: KernelVariant } = {},
  ): Promise<PairModel> {
    const m = decodeNativeModel(bytes, source);
    const fail = (problem: string): never => {
      throw new FormatError(source, problem, { offset: 0 });
    };
    if (m.header.kind !== PAIRS_KIND) {
      fail(`not a pair model (model kind ${JSON.stringify(m.header.kind ?? "vectors")})`);
    }
    let config: PairConfig;
    try {
      config = resolvePairConfig(m.header.config as Partial<PairConfig>);
    } catch (e) {
      return fail(`bad pair model settings: ${(e as Error).message}`);
    }
    if (config.dim !== m.dim) fail(`settings say dim ${config.dim}, the tables have ${m.dim}`);
    const want = config.shared ? 1 : 2;
    if (m.tables.length !== want) fail(`expected ${want} table(s), found ${m.tables.length}`);
    for (const t of m.tables) {
      if (t.length !== m.words.length * m.dim) fail("a table does not have a row per word");
    }
    const vocab = new Vocab(m.words, m.counts);
    const bags = await PairModel.#layOut(config, vocab, options.kernel);
    bags.writeTable(bags.input, m.tables[0], vocab.size);
    if (!config.shared) bags.writeTable(bags.output, m.tables[1], vocab.size);
    const model = new PairModel(config, vocab, bags);
    if (m.header.stats && typeof m.header.stats === "object") {
      model.stats = m.header.stats as PairStats;
    }
    return model;
  }

  async save(path: string): Promise<void> {
    await writeFileAtomic(path, this.encode());
  }

  static async load(path: string, options: { kernel?: KernelVariant } = {}): Promise<PairModel> {
    return await PairModel.decode(await readFileBytes(path), path, options);
  }
}

/** A document collection embedded in kernel memory (one row per document). */
export class DocumentIndex {
  readonly size: number;
  readonly #bags: BagKernel;
  readonly #table: number;

  constructor(
    readonly model: PairModel,
    bags: BagKernel,
    documents: readonly (readonly string[])[],
  ) {
    this.#bags = bags;
    this.size = documents.length;
    this.#table = bags.alloc(Math.max(1, documents.length) * bags.rowBytes, "document vectors");
    documents.forEach((doc, i) => {
      bags.embed(bags.output, model.ids(doc), this.#table + i * bags.rowBytes);
    });
  }

  /** The k documents that score highest (dot product) for a query, best first. */
  search(query: readonly string[], k = 10): SearchHit[] {
    if (this.size === 0) return [];
    const bags = this.#bags;
    const scores = bags.score(
      bags.embed(bags.input, this.model.ids(query)),
      this.#table,
      this.size,
    );
    const top = bags.topK(scores, this.size, k);
    return top.ids.map((doc, i) => ({ doc, score: top.scores[i] }));
  }

  /** The score of every document for a query (a copy). */
  scores(query: readonly string[]): Float32Array {
    const bags = this.#bags;
    bags.score(bags.embed(bags.input, this.model.ids(query)), this.#table, this.size);
    return bags.readScores(this.size);
  }

  /** Rank (1 = best) of document `target` for a query. */
  rankOf(query: readonly string[], target: number): number {
    return rankOf(this.scores(query), target);
  }
}
