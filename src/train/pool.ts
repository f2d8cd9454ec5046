// Hogwild training on several threads: every worker instantiates the threaded
// kernel against one shared WebAssembly.Memory and updates the same tables
// without locks (sparse updates rarely collide; word2vec, gensim and fastText
// all train this way). The exception, for skip-gram and item2vec, is the output
// and input rows of the most frequent words, which nearly every window hits: each
// worker trains its own copy of those and merges it into the shared tables under a
// lock: the input rows after every part of a chunk, the output rows after every
// chunk (the rarer ones a slice at a time), and what is left when the pool drains
// (assembly/local_rows.ts says why; localRows says how many, and CBOW's). The main
// thread reads the corpus and writes chunks of ids into per-worker buffers in
// shared memory (two per worker, so one can be filled while the other trains);
// only small messages cross threads.
import type { Kernel } from "../kernel/kernel.ts";
import { MODE_CBOW, MODE_SESSION_SHARED, MODE_SKIPGRAM_SHARED } from "../kernel/exports.ts";
import { importNode } from "../runtime/node.ts";

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  tables: {
    input: number;
    output: number;
    alias: number;
    keep: number;
    vocabSize: number;
    rowFloats: number;
  };
  scratch: number;
  /** The worker's local rows (two copies of `words` output rows, then two of
   *  `inputWords` input rows: assembly/local_rows.ts), the i32 lock guarding
   *  merges into the tables, the tokens in a part of a chunk, and which local
   *  rows are merged after every part (all are after the chunk; "none": a chunk
   *  is one part). */
  local: {
    block: number;
    words: number;
    inputWords: number;
    lock: number;
    partTokens: number;
    perPart: LocalRows["perPart"];
    /** Output rows merged after every chunk; the others in `coldSlices` slices. */
    hot: number;
    coldSlices: number;
  };
  params: { window: number; negative: number; lr: number; minLr: number; plannedWords: number };
  /** Decimal string of the worker's 64-bit RNG state. */
  seed: string;
  mode: number;
}

export interface WorkerJob {
  slot: number;
  tokens: number;
  count: number;
  wordsBefore: number;
}

export interface WorkerReply {
  slot: number;
  seen: number;
  lossSum: number;
  lossCount: number;
  /** The worker's times so far. */
  times: ThreadTimes;
}

/** Where a training thread's time went, in seconds: starting (instantiating the
 *  kernel, copying its local rows in), training in the kernel, merging its local
 *  rows (waiting for the lock included) and waiting for chunks between the first
 *  and the last. */
export interface ThreadTimes {
  startSeconds: number;
  kernelSeconds: number;
  mergeSeconds: number;
  idleSeconds: number;
}

/** A started worker. Errors are kept until a handler is set, so a worker started
 *  early (spawnWorkers) cannot fail unheard while the vocabulary is counted. */
export interface WorkerHandle {
  post(message: WorkerInit | WorkerJob): void;
  onMessage(handler: (message: WorkerReply | { ready: true } | { error: string }) => void): void;
  onError(handler: (error: Error) => void): void;
  terminate(): void;
}

/** Where the worker script is: the TypeScript source when running from source,
 *  the bundled file beside the bundle otherwise. */
function defaultWorkerUrl(): URL {
  return import.meta.url.endsWith(".ts")
    ? new URL("./worker.ts", import.meta.url)
    : new URL("./negsamp-worker.js", import.meta.url);
}

/** Starts `count` training workers. The trainer starts them before it counts the
 *  vocabulary, so that they load (a runtime each) on the core the count leaves
 *  idle: two-thread runs on en-mixed took 0.11-0.23 s less; ThreadPool.start
 *  then gives them their memory and tables. */
export async function spawnWorkers(
  count: number,
  url = defaultWorkerUrl(),
): Promise<WorkerHandle[]> {
  const workers: WorkerHandle[] = [];
  for (let w = 0; w < count; w++) workers.push(await spawn(url));
  return workers;
}

async function spawn(url: URL): Promise<WorkerHandle> {
  let failure: Error | undefined;
  let onError: ((error: Error) => void) | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    onError?.(e);
  };
  const errors = {
    onError: (h: (error: Error) => void) => {
      onError = h;
      if (failure) h(failure);
    },
  };
  if (typeof Worker !== "undefined") {
    const w = new Worker(url.href, { type: "module" });
    w.addEventListener("error", (e) => {
      e.preventDefault();
      fail(new Error(e.message));
    });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (h) => w.addEventListener("message", (e) => h(e.data)),
      ...errors,
      terminate: () => w.terminate(),
    };
  }
  const { Worker: NodeWorker } = await importNode<typeof import("node:worker_threads")>(
    "node:worker_threads",
  );
  const w = new NodeWorker(url);
  w.on("error", fail);
  return {
    post: (m) => w.postMessage(m),
    onMessage: (h) => w.on("message", h),
    ...errors,
    terminate: () => void w.terminate(),
  };
}

/** Bytes of one of the two copies of a worker's local output rows, at most: all
 *  the rows of a small vocabulary, the most frequent words' of a large one (41k
 *  words at dim 100, 14k at dim 300). */
export const LOCAL_OUTPUT_BYTES = 16 << 20;
/** Bytes of one of the two copies of the rows a worker merges after every part of
 *  a chunk, at most: skip-gram's local input rows, CBOW's local output rows. */
export const LOCAL_PART_BYTES = 2 << 20;
/** Tokens between two merges of the rows above: a chunk is trained in parts of at
 *  least this many, each ending with a sentence. */
export const LOCAL_PART_TOKENS = 16384;
/** Local input rows (skip-gram with shared negatives): those of the most frequent
 *  words, which nearly every window has among its contexts, up to 1024 words and
 *  LOCAL_PART_BYTES a copy (1024 words at dim 100 and 300, 128 at dim 4096). A
 *  worker sees the others' changes to these rows only when it merges, so the more
 *  words, the faster and the less accurate, unless merges come more often: these
 *  are merged after every part. Two threads, en-mixed, 5 runs each, interleaved:
 *  1024 words merged every 16,384 tokens took 6-13% less time training per worker
 *  than 64 words merged every chunk (the old setting), at analogy accuracy 9.65%
 *  against 9.79% (9.4-9.9% against 9.6-9.9%) and WordSim-353 0.401 against
 *  0.380. Merged once a chunk, 1024 words cost 0.35 points (9.51% against 9.86%,
 *  6 runs each) and 4096 words, merged every part, 0.37. Per-pair skip-gram lost
 *  0.5 points with 256 words merged once a chunk (8.8% twice, against 9.1-9.6%),
 *  so it keeps every input row shared. */
export const LOCAL_INPUT_WORDS = 1024;
/** CBOW's local output rows: those of its 2048 most frequent words (at most
 *  LOCAL_PART_BYTES a copy), merged after every part. CBOW once kept every row
 *  shared, because local copies of all its output rows, merged once a chunk, cost
 *  about a point of analogy accuracy (9.6% against 10.7% on two threads;
 *  averaging the threads' changes instead of adding them did worse, 8.4-8.9%),
 *  and its two threads then ran no faster than one (1.00x in bench run 13). Two
 *  threads, en-mixed, interleaved: 2048 words merged every 16,384 or 8,192 tokens
 *  took 24-26% less time training than every row shared (3.9-4.0 s against
 *  5.2-5.3 s), at 9.96% against 10.17% mean analogy accuracy (8 runs each) and
 *  WordSim-353 0.385 against 0.377. 1024 words: 9.56%, 4096 words: 9.78%
 *  (3 runs each); every row merged once a chunk: 9.2-9.6%. */
export const CBOW_LOCAL_OUTPUT_WORDS = 2048;

/** Skip-gram's local output rows merged after every chunk: those of the most
 *  frequent words. The rest are merged a slice at a time, one of
 *  LOCAL_COLD_SLICES after each chunk, so a merge sweeps far fewer rows (with
 *  every row merged after every chunk, merging took 0.17-0.22 s of each of two
 *  workers' 6 s on en-mixed, dim 100, 25k words); all are merged when the pool
 *  drains. A rarer word's row changes a few times a chunk, so it can wait. */
export const LOCAL_HOT_OUTPUT_WORDS = 2048;
export const LOCAL_COLD_SLICES = 4;

/** What a worker keeps locally: output and input rows (the most frequent words'),
 *  which of them it merges after every part of a chunk rather than once a chunk
 *  ("none": no parts), and how many output rows it merges after every chunk
 *  (`hot`; the rest in LOCAL_COLD_SLICES slices). A worker adds at most
 *  2 x 16 MiB + 2 x 2 MiB. */
export function localRows(
  vocabSize: number,
  rowFloats: number,
  mode: number,
): LocalRows {
  const rowBytes = rowFloats * 4;
  const partRows = Math.floor(LOCAL_PART_BYTES / rowBytes);
  const withBytes = (rows: Omit<LocalRows, "bytes">) => ({
    ...rows,
    bytes: 2 * (rows.output + rows.input) * rowBytes,
  });
  if (mode === MODE_CBOW) {
    const output = Math.min(vocabSize, CBOW_LOCAL_OUTPUT_WORDS, partRows);
    return withBytes({ output, input: 0, perPart: "all", hot: output });
  }
  const sharedNegatives = mode === MODE_SKIPGRAM_SHARED || mode === MODE_SESSION_SHARED;
  const output = Math.min(vocabSize, Math.floor(LOCAL_OUTPUT_BYTES / rowBytes));
  return withBytes({
    output,
    input: sharedNegatives ? Math.min(vocabSize, LOCAL_INPUT_WORDS, partRows) : 0,
    perPart: sharedNegatives ? "input" : "none",
    hot: Math.min(output, LOCAL_HOT_OUTPUT_WORDS),
  });
}

/** The slices (first row, rows) in which a worker merges its output rows
 *  hot..words-1, one after each chunk, round and round: at most `slices`, none
 *  empty, together each row once. */
export function coldSlices(words: number, hot: number, slices: number): [number, number][] {
  const size = Math.ceil((words - hot) / slices);
  const out: [number, number][] = [];
  for (let first = hot; first < words; first += size) {
    out.push([first, Math.min(size, words - first)]);
  }
  return out;
}

/** A worker's local rows: how many output and input rows, which of them it
 *  merges after every part of a chunk ("none": a chunk is one part), how many
 *  output rows after every chunk, and the bytes of their two copies (the rows
 *  and their base). */
export interface LocalRows {
  output: number;
  input: number;
  perPart: "none" | "input" | "all";
  hot: number;
  bytes: number;
}

export interface ChunkResult {
  seen: number;
  lossSum: number;
  lossCount: number;
}

interface Slot {
  worker: number;
  tokens: number;
}

/** A worker, its local rows (for the drain's merge) and whether it is ready. */
interface PoolWorker {
  handle: WorkerHandle;
  block: number;
  ready: Promise<void>;
}

/** What ThreadPool.start needs besides the kernel. */
export interface PoolOptions {
  threads: number;
  chunkTokens: number;
  rows: LocalRows;
  rowFloats: number;
  /** Each worker's init message, but for the scratch and local rows the pool allocates. */
  init: (worker: number) => Omit<WorkerInit, "scratch" | "local">;
  onResult: (r: ChunkResult) => void;
  /** Workers `spawnWorkers` started (new ones are started otherwise). */
  started?: WorkerHandle[];
}

/** Training threads over one kernel memory. */
export class ThreadPool {
  #workers: PoolWorker[] = [];
  #slots: Slot[] = [];
  #free: number[] = [];
  #waiting: (() => void)[] = [];
  #pending = 0;
  #failure: Error | undefined;
  #lock = 0;
  #times: ThreadTimes[] = [];

  private constructor(
    readonly kernel: Kernel,
    readonly rows: LocalRows,
    readonly onResult: (r: ChunkResult) => void,
  ) {}

  /** Allocates the merge lock and each worker's scratch, local rows and two token
   *  buffers, and gives every worker its init message. Resolves once every worker
   *  is ready; closes the pool if one fails. */
  static async start(kernel: Kernel, options: PoolOptions): Promise<ThreadPool> {
    const pool = new ThreadPool(kernel, options.rows, options.onResult);
    pool.#lock = kernel.arena.alloc(4, "the merge lock");
    kernel.arena.i32(pool.#lock, 1)[0] = 0;
    try {
      for (let w = 0; w < options.threads; w++) await pool.#add(w, options);
      await Promise.all(pool.#workers.map((w) => w.ready));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /** start, for worker `w`: its memory, its handle and messages, its init. */
  async #add(w: number, options: PoolOptions): Promise<void> {
    const { kernel, rows } = this;
    const arena = kernel.arena;
    const scratch = arena.alloc(kernel.exports.scratchBytes(options.rowFloats), "worker scratch");
    const block = arena.alloc(rows.bytes, "a worker's local rows");
    const tokens = [0, 1].map(() => arena.alloc(options.chunkTokens * 4, "worker token buffer"));
    const handle = options.started?.[w] ?? await spawn(defaultWorkerUrl());
    const ready = new Promise<void>((resolve, reject) => {
      handle.onError((e) => {
        this.#fail(e);
        reject(e);
      });
      handle.onMessage((m) => {
        if ("ready" in m) resolve();
        else if ("error" in m) {
          const e = new Error(`training thread ${w + 1}: ${m.error}`);
          this.#fail(e);
          reject(e);
        } else this.#finished(m);
      });
    });
    // Awaited once every worker has its init; until then a failure must not count
    // as unhandled.
    ready.catch(() => {});
    this.#workers.push({ handle, block, ready });
    this.#times.push({ startSeconds: 0, kernelSeconds: 0, mergeSeconds: 0, idleSeconds: 0 });
    for (const buffer of tokens) {
      this.#free.push(this.#slots.length);
      this.#slots.push({ worker: w, tokens: buffer });
    }
    const local = {
      block,
      words: rows.output,
      inputWords: rows.input,
      lock: this.#lock,
      partTokens: LOCAL_PART_TOKENS,
      perPart: rows.perPart,
      hot: rows.hot,
      coldSlices: LOCAL_COLD_SLICES,
    };
    handle.post({ ...options.init(w), scratch, local });
  }

  /** Each worker's times so far (ThreadTimes), as of its last finished chunk. */
  get times(): ThreadTimes[] {
    return this.#times.map((t) => ({ ...t }));
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const wake of this.#waiting.splice(0)) wake();
  }

  #finished(reply: WorkerReply): void {
    this.#pending--;
    this.#free.push(reply.slot);
    this.#times[this.#slots[reply.slot].worker] = reply.times;
    this.onResult(reply);
    // Wake every waiter; each re-checks its own condition.
    for (const wake of this.#waiting.splice(0)) wake();
  }

  /** Hands a chunk to the next free buffer (waiting for one if all are busy). */
  async run(ids: Uint32Array, wordsBefore: number): Promise<void> {
    while (this.#free.length === 0 && !this.#failure) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#failure) throw this.#failure;
    const slotIndex = this.#free.pop()!;
    const slot = this.#slots[slotIndex];
    this.kernel.arena.u32(slot.tokens, ids.length).set(ids);
    this.#pending++;
    this.#workers[slot.worker].handle.post({
      slot: slotIndex,
      tokens: slot.tokens,
      count: ids.length,
      wordsBefore,
    });
  }

  /** Waits until every chunk handed out has been trained, then merges what the
   *  workers have not merged yet (the slices of their output rows still to come),
   *  so the shared tables hold every update. */
  async drain(): Promise<void> {
    while (this.#pending > 0 && !this.#failure) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#failure) throw this.#failure;
    // Every worker is idle and has merged its part-merged rows: no lock needed.
    for (const worker of this.#workers) {
      this.kernel.exports.mergeLocalBlock(worker.block, this.rows.output, this.rows.input);
    }
  }

  close(): void {
    for (const worker of this.#workers) worker.handle.terminate();
    this.#workers = [];
    this.#slots = [];
  }
}
