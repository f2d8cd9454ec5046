// A training thread. It instantiates the threaded kernel against the shared
// memory the main thread laid out, with its own scratch, token buffers and RNG
// stream, then trains whatever chunk the main thread writes into one of its
// buffers. Runs as a Web Worker (Deno, browsers) or a Node worker_thread.
import type { KernelExports } from "../kernel/exports.ts";
import { coldSlices, type WorkerInit, type WorkerJob, type WorkerReply } from "./pool.ts";
import { importNode } from "../runtime/node.ts";

interface Port {
  post(message: WorkerReply | { ready: true } | { error: string }): void;
  listen(handler: (message: WorkerInit | WorkerJob) => void): void;
}

async function parentPort(): Promise<Port> {
  const scope = globalThis as unknown as {
    postMessage?: (m: unknown) => void;
    addEventListener?: (type: string, f: (e: MessageEvent) => void) => void;
  };
  if (typeof scope.postMessage === "function" && typeof scope.addEventListener === "function") {
    return {
      post: (m) => scope.postMessage!(m),
      listen: (h) => scope.addEventListener!("message", (e) => h(e.data)),
    };
  }
  const { parentPort } = await importNode<typeof import("node:worker_threads")>(
    "node:worker_threads",
  );
  if (!parentPort) throw new Error("negsamp worker: not started as a worker thread");
  return { post: (m) => parentPort.postMessage(m), listen: (h) => parentPort.on("message", h) };
}

const port = await parentPort();
let kernel: KernelExports | undefined;
let mode = 0;
/** The i32 lock (in shared memory) that serialises merges of local rows. */
let mergeLock: Int32Array | undefined;
/** Tokens in a part of a chunk (0: the chunk is one part), and the merge that
 *  follows each part but the last (src/train/pool.ts localRows). */
let partTokens = 0;
let mergePart: (k: KernelExports) => void = (k) => k.mergeLocalInputRows();
/** The merge after a chunk: every local row (CBOW), or the input rows, the hot
 *  output rows and the next slice of the others (src/train/pool.ts localRows). */
let mergeChunk: (k: KernelExports) => void = (k) => k.mergeLocalRows();
/** Where this thread's time went, in milliseconds (reported as ThreadTimes). */
const times = { start: 0, kernel: 0, merge: 0, idle: 0 };
/** When the last chunk ended (0: none yet), to time the waits between chunks. */
let lastChunkEnd = 0;

/** Runs `merge` (a kernel merge of local rows into the shared tables,
 *  assembly/local_rows.ts) holding the lock, so two merges never interleave. */
function locked(lock: Int32Array, merge: () => void): void {
  const t0 = performance.now();
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1);
  try {
    merge();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0, 1);
    times.merge += performance.now() - t0;
  }
}

/** A merge after each chunk of the input rows, output rows 0..hot-1 and the next
 *  of the slices of the others (src/train/pool.ts coldSlices). */
function mergeBySlices(words: number, hot: number, slices: number): (k: KernelExports) => void {
  const cold = coldSlices(words, hot, slices);
  let next = 0;
  return (k) => {
    k.mergeLocalInputRows();
    k.mergeLocalOutputRows(0, hot);
    const [first, rows] = cold[next];
    k.mergeLocalOutputRows(first, rows);
    next = (next + 1) % cold.length;
  };
}

/** The kernel's trainChunk, timed. */
function kernelChunk(k: KernelExports, tokens: number, count: number, wordsBefore: number): number {
  const t0 = performance.now();
  const seen = k.trainChunk(mode, tokens, count, wordsBefore);
  times.kernel += performance.now() - t0;
  return seen;
}

/** Trains a chunk; with local rows, in parts of at least partTokens tokens,
 *  merging some local rows after each part (mergePart) and more at the end
 *  (mergeChunk). Returns the words consumed. */
function trainChunk(k: KernelExports, job: WorkerJob): number {
  if (!mergeLock) return kernelChunk(k, job.tokens, job.count, job.wordsBefore);
  const lock = mergeLock;
  let seen = 0;
  for (let at = 0; at < job.count;) {
    const end = partTokens > 0 ? k.partEnd(job.tokens, at, job.count, partTokens) : job.count;
    seen += kernelChunk(k, job.tokens + 4 * at, end - at, job.wordsBefore + seen);
    at = end;
    if (at < job.count) locked(lock, () => mergePart(k));
  }
  locked(lock, () => mergeChunk(k));
  return seen;
}

port.listen((message) => {
  try {
    if ("module" in message) {
      const t0 = performance.now();
      // Instantiation re-applies the module's data segments (libm's constant tables,
      // below heapBase) to the shared memory: the same bytes, so nothing changes.
      const instance = new WebAssembly.Instance(message.module, {
        env: { memory: message.memory },
      });
      const k = instance.exports as unknown as KernelExports;
      const t = message.tables;
      k.setTables(t.input, t.output, t.alias, t.keep, t.vocabSize, t.rowFloats);
      k.setScratch(message.scratch);
      const p = message.params;
      k.setParams(p.window, p.negative, p.lr, p.minLr, p.plannedWords);
      k.seed(BigInt(message.seed));
      const local = message.local;
      if (local.words + local.inputWords > 0) {
        k.setLocalRows(local.block, local.words, local.inputWords);
        mergeLock = new Int32Array(message.memory.buffer, local.lock, 1);
        if (local.perPart !== "none") partTokens = local.partTokens;
        if (local.perPart === "all") mergePart = (k) => k.mergeLocalRows();
        if (local.hot < local.words) {
          mergeChunk = mergeBySlices(local.words, local.hot, local.coldSlices);
        }
      }
      mode = message.mode;
      kernel = k;
      times.start += performance.now() - t0;
      port.post({ ready: true });
      return;
    }
    const k = kernel!;
    const t0 = performance.now();
    if (lastChunkEnd > 0) times.idle += t0 - lastChunkEnd;
    const seen = trainChunk(k, message);
    lastChunkEnd = performance.now();
    const reply: WorkerReply = {
      slot: message.slot,
      seen,
      lossSum: k.lossTotal(),
      lossCount: k.lossCount(),
      times: {
        startSeconds: times.start / 1000,
        kernelSeconds: times.kernel / 1000,
        mergeSeconds: times.merge / 1000,
        idleSeconds: times.idle / 1000,
      },
    };
    k.resetLoss();
    port.post(reply);
  } catch (e) {
    port.post({ error: e instanceof Error ? e.message : String(e) });
  }
});
