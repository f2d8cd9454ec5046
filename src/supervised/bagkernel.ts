// One kernel instance laid out for bag-of-ids models (the classifier and the pair
// model): an input table, an output table (labels, or documents' own rows), the noise
// and keep tables the kernel's sampler reads, scratch, a token buffer for training
// chunks, and query buffers (ids, scores, top-k) for prediction and search. Every scan
// over a table runs in the kernel: meanRowsOf to embed a bag, scoreRows for the scores of
// all rows, selectTopK for the best k.
import { Kernel } from "../kernel/kernel.ts";
import type { KernelExports } from "../kernel/exports.ts";
import type { KernelVariant } from "../kernel/module.ts";
import { aliasTable } from "../train/noise.ts";

export interface BagKernelSpec {
  dim: number;
  inputRows: number;
  /** Rows of the output table; 0 for none (a model whose two sides share one table). */
  outputRows: number;
  /** Weights of the noise distribution over the output rows (alias table columns);
   *  uniform over one column when absent. */
  noise?: Float64Array;
  /** Room for this many u32 ids per training chunk. */
  tokenCapacity: number;
  variant?: KernelVariant;
}

/** The kernel's initial-state stream for tables, derived from the run's seed (so that
 *  initialisation and training draw from different streams). */
export function initSeed(seed: number): bigint {
  return BigInt.asUintN(64, BigInt(seed) * 0x9E3779B97F4A7C15n + 0x1234567n);
}

export interface TopK {
  ids: number[];
  scores: number[];
}

export class BagKernel {
  readonly k: KernelExports;
  readonly rowFloats: number;
  readonly rowBytes: number;
  readonly input: number;
  readonly output: number;
  readonly outputRows: number;
  readonly noiseColumns: number;
  readonly scratch: number;
  /** One row: the embedded query / document. */
  readonly hidden: number;
  readonly tokens: number;
  readonly tokenCapacity: number;
  #ids = 0;
  #idCapacity = 0;
  #scores = 0;
  #scoreCapacity = 0;
  #top = 0;
  #topCapacity = 0;

  private constructor(
    readonly kernel: Kernel,
    readonly dim: number,
    readonly inputRows: number,
    spec: BagKernelSpec,
  ) {
    const k = kernel.exports;
    this.k = k;
    this.rowFloats = Kernel.rowFloats(dim);
    this.rowBytes = this.rowFloats * 4;
    const a = kernel.arena;
    this.input = a.alloc(inputRows * this.rowBytes, "the input table");
    this.outputRows = spec.outputRows;
    this.output = spec.outputRows > 0
      ? a.alloc(spec.outputRows * this.rowBytes, "the output table")
      : this.input;
    const noise = spec.noise ?? new Float64Array(1).fill(1);
    this.noiseColumns = noise.length;
    const alias = a.alloc(noise.length * 8, "the noise table");
    a.u32(alias, 2 * noise.length).set(aliasTable(noise));
    // No subsampling: every id is kept.
    const keep = a.alloc(noise.length * 4, "the keep table");
    a.u32(keep, noise.length).fill(0xFFFFFFFF);
    this.scratch = a.alloc(k.scratchBytes(this.rowFloats), "the kernel scratch");
    this.hidden = a.alloc(this.rowBytes, "a query row");
    this.tokenCapacity = spec.tokenCapacity;
    this.tokens = a.alloc(spec.tokenCapacity * 4, "the token buffer");
    k.setTables(this.input, this.output, alias, keep, noise.length, this.rowFloats);
    k.setScratch(this.scratch);
  }

  static async create(spec: BagKernelSpec): Promise<BagKernel> {
    const kernel = await Kernel.create({ variant: spec.variant });
    return new BagKernel(kernel, spec.dim, spec.inputRows, spec);
  }

  /**
   * Random input rows uniform in [-scale/dim, scale/dim] (the kernel draws
   * [-0.5/dim, 0.5/dim]; fastText uses scale 1, word2vec 0.5), drawn from `seed`; output
   * rows random the same way when `randomOutput`, else zero (word2vec, fastText).
   */
  initTables(seed: number, scale: number, randomOutput: boolean): void {
    const k = this.k;
    k.seed(initSeed(seed));
    k.initRows(this.input, 0, this.inputRows, this.dim, 1);
    if (this.output !== this.input) {
      k.initRows(this.output, 0, this.outputRows, this.dim, randomOutput ? 1 : 0);
    }
    if (scale !== 0.5) {
      const factor = scale / 0.5;
      const scaleTable = (ptr: number, rows: number) => {
        const view = this.kernel.arena.f32(ptr, rows * this.rowFloats);
        for (let i = 0; i < view.length; i++) view[i] *= factor;
      };
      scaleTable(this.input, this.inputRows);
      if (this.output !== this.input && randomOutput) scaleTable(this.output, this.outputRows);
    }
  }

  /** Sets row `row` of a table to `values` (dim floats), or to zero. */
  setRow(table: number, row: number, values?: ArrayLike<number>): void {
    const view = this.kernel.arena.f32(table + row * this.rowBytes, this.rowFloats);
    view.fill(0);
    if (values) { for (let i = 0; i < this.dim; i++) view[i] = values[i]; }
  }

  /** Copies a chunk of ids into the token buffer; returns its address. */
  loadTokens(ids: Uint32Array): number {
    if (ids.length > this.tokenCapacity) {
      throw new RangeError(`chunk of ${ids.length} ids exceeds the buffer (${this.tokenCapacity})`);
    }
    this.kernel.arena.u32(this.tokens, ids.length).set(ids);
    return this.tokens;
  }

  /** `dst` (default the hidden row) = mean of the rows of `table` listed in `ids`. */
  embed(table: number, ids: ArrayLike<number>, dst = this.hidden): number {
    if (ids.length > this.#idCapacity) {
      this.#idCapacity = Math.max(64, 2 * ids.length);
      this.#ids = this.kernel.arena.alloc(this.#idCapacity * 4, "query ids");
    }
    const view = this.kernel.arena.u32(this.#ids, ids.length);
    for (let i = 0; i < ids.length; i++) view[i] = ids[i];
    this.k.meanRowsOf(table, this.#ids, ids.length, dst);
    return dst;
  }

  /** Scores of the first `rows` rows of `table` against the row at `query` (dot
   *  products), in kernel memory; returns the address of the score array. */
  score(query: number, table: number, rows: number): number {
    if (rows > this.#scoreCapacity) {
      this.#scoreCapacity = rows;
      this.#scores = this.kernel.arena.alloc(rows * 4, "scores");
    }
    this.k.scoreRows(query, table, rows, this.rowBytes, this.#scores);
    return this.#scores;
  }

  /** A copy of the last `rows` scores. */
  readScores(rows: number): Float32Array {
    return this.kernel.arena.f32(this.#scores, rows).slice();
  }

  /** The best k of `rows` scores at `scores` (kernel memory), best first (ties: lower id). */
  topK(scores: number, rows: number, k: number): TopK {
    const want = Math.min(k, rows);
    if (want > this.#topCapacity) {
      this.#topCapacity = Math.max(16, want);
      this.#top = this.kernel.arena.alloc(this.#topCapacity * 8, "top-k buffers");
    }
    const outIds = this.#top;
    const outScores = this.#top + this.#topCapacity * 4;
    const n = this.k.selectTopK(scores, rows, want, 0, 0, outIds, outScores);
    const a = this.kernel.arena;
    return { ids: Array.from(a.u32(outIds, n)), scores: Array.from(a.f32(outScores, n)) };
  }

  /** Allocates a region in this kernel's memory. */
  alloc(bytes: number, what: string): number {
    return this.kernel.arena.alloc(bytes, what);
  }

  readTable(table: number, rows: number): Float32Array {
    return this.kernel.readRows(table, rows, this.dim);
  }

  writeTable(table: number, data: Float32Array, rows: number): void {
    this.kernel.writeRows(table, data, rows, this.dim);
  }
}

/** Splits examples (each ending at `ends[i]` in `ids`) into chunks of at most `limit` ids
 *  without splitting one; an example longer than `limit` is a chunk of its own. Returns
 *  the chunk boundaries [0, e1, e2, ..., ids.length]. */
export function chunkBoundaries(ends: ArrayLike<number>, limit: number): number[] {
  const bounds = [0];
  let start = 0;
  let last = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    if (end - start > limit && last > start) {
      bounds.push(last);
      start = last;
    }
    last = end;
  }
  if (last > start) bounds.push(last);
  return bounds;
}
