// Multi-threaded (Hogwild) training: same quality as one thread, and a clean
// fallback to one thread where memory cannot be shared.
import { assert, assertEquals, assertGreater, assertRejects } from "./assert.ts";
import { memoryCorpus } from "../src/corpus/source.ts";
import { train, type TrainedModel } from "../src/train/trainer.ts";
import {
  coldSlices,
  type LocalRows,
  localRows,
  spawnWorkers,
  ThreadPool,
} from "../src/train/pool.ts";
import { resolveConfig } from "../src/train/config.ts";
import { buildVocab } from "../src/vocab.ts";
import { layOut } from "../src/train/tables.ts";
import { idChunks } from "../src/train/encode.ts";
import { Kernel } from "../src/kernel/kernel.ts";
import { MODE_SKIPGRAM_SHARED } from "../src/kernel/exports.ts";

/** Sentences drawn from 4 topics of 12 words each; words co-occur only within a topic. */
function topicCorpus(sentences: number, seed = 7): string {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const topic = Math.floor(next() * 4);
    const words = Array.from({ length: 12 }, () => `t${topic}w${Math.floor(next() * 12)}`);
    lines.push(words.join(" "));
  }
  return lines.join("\n");
}

function cosine(m: TrainedModel, a: string, b: string): number {
  const dim = m.config.dim;
  const ia = m.vocab.id(a) * dim, ib = m.vocab.id(b) * dim;
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < dim; i++) {
    const x = m.input[ia + i], y = m.input[ib + i];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Mean within-topic cosine minus mean between-topic cosine. */
function topicSeparation(m: TrainedModel): number {
  let within = 0, nWithin = 0, between = 0, nBetween = 0;
  for (let t = 0; t < 4; t++) {
    for (let u = 0; u < 4; u++) {
      for (let i = 0; i < 12; i += 3) {
        for (let j = 1; j < 12; j += 3) {
          const c = cosine(m, `t${t}w${i}`, `t${u}w${j}`);
          if (t === u) (within += c, nWithin++);
          else (between += c, nBetween++);
        }
      }
    }
  }
  return within / nWithin - between / nBetween;
}

const settings = { dim: 24, epochs: 3, minCount: 1, sample: 0, window: 4, seed: 3 };

for (
  const variant of [{ model: "skipgram" as const }, { model: "cbow" as const }, {
    model: "skipgram" as const,
    sharedNegatives: true,
  }]
) {
  const name = `${variant.model}${
    "sharedNegatives" in variant && variant.sharedNegatives ? " (shared negatives)" : ""
  }`;
  Deno.test(`threads: 2 threads learn the topics as well as 1 thread, ${name}`, async () => {
    const corpus = memoryCorpus("topics", topicCorpus(4000));
    const one = await train(corpus, { ...settings, ...variant, threads: 1 });
    const two = await train(corpus, { ...settings, ...variant, threads: 2 });
    const sepOne = topicSeparation(one);
    const sepTwo = topicSeparation(two);
    assertGreater(sepOne, 0.45, `1 thread separates topics (${sepOne})`);
    assertGreater(sepTwo, sepOne - 0.1, `2 threads (${sepTwo}) vs 1 thread (${sepOne})`);
    assertEquals(two.stats.corpusTokens, one.stats.corpusTokens);
    // Where each thread's time went: trained in the kernel, and no more time in
    // all than the training took (their start comes partly before it).
    assertEquals(one.stats.threads, undefined);
    assertEquals(two.stats.threads?.length, 2);
    for (const t of two.stats.threads!) {
      assertGreater(t.kernelSeconds, 0, "kernel time");
      assertGreater(t.startSeconds, 0, "start time");
      const busy = t.kernelSeconds + t.mergeSeconds + t.idleSeconds;
      assert(busy <= two.stats.seconds + 0.01, `${busy} s busy in ${two.stats.seconds} s`);
    }
  });
}

Deno.test("threads: without SharedArrayBuffer, falls back to 1 thread with a notice", async () => {
  const g = globalThis as { SharedArrayBuffer?: unknown };
  const saved = g.SharedArrayBuffer;
  const notices: string[] = [];
  try {
    delete g.SharedArrayBuffer;
    const corpus = memoryCorpus("topics", topicCorpus(500));
    const model = await train(corpus, { ...settings, epochs: 1, threads: 2 }, {
      onNotice: (m) => notices.push(m),
    });
    assertEquals(model.vocab.size, 48);
  } finally {
    g.SharedArrayBuffer = saved;
  }
  assertEquals(notices.length, 1);
  assert(notices[0].includes("1 thread instead of 2"), notices[0]);
  // The fallback is the deterministic single-thread path: same result as threads 1.
  const corpus = memoryCorpus("topics", topicCorpus(500));
  const a = await train(corpus, { ...settings, epochs: 1, threads: 1 });
  delete g.SharedArrayBuffer;
  let b: TrainedModel;
  try {
    b = await train(corpus, { ...settings, epochs: 1, threads: 2 }, { onNotice: () => {} });
  } finally {
    g.SharedArrayBuffer = saved;
  }
  assertEquals(b.input, a.input);
});

Deno.test("threads: a worker that fails while the vocabulary is counted fails the pool's start", async () => {
  // train() starts its workers before counting; an error in that time (here, a worker
  // script that throws on load) must reach the pool's start, not vanish.
  const url = new URL(`data:text/javascript,${encodeURIComponent("throw new Error('boom')")}`);
  const started = await spawnWorkers(1, url);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the error comes in meanwhile
  const kernel = await Kernel.create({ shared: true });
  try {
    const init = () => ({
      module: kernel.module,
      memory: kernel.memory,
      tables: { input: 0, output: 0, alias: 0, keep: 0, vocabSize: 4, rowFloats: 4 },
      params: { window: 1, negative: 1, lr: 0.1, minLr: 0.1, plannedWords: 1 },
      seed: "1",
      mode: MODE_SKIPGRAM_SHARED,
    });
    const rows = localRows(4, 4, MODE_SKIPGRAM_SHARED);
    const start = () =>
      ThreadPool.start(kernel, {
        threads: 1,
        chunkTokens: 1024,
        rows,
        rowFloats: 4,
        init,
        onResult: () => {},
        started,
      });
    await assertRejects(start, Error, "boom");
  } finally {
    for (const worker of started) worker.terminate();
  }
});

Deno.test("threads: coldSlices cover the output rows past the hot ones, each once", () => {
  for (
    const [words, hot, slices] of [[48, 4, 4], [25086, 2048, 4], [10, 9, 4], [7, 0, 3], [5, 2, 8]]
  ) {
    const cold = coldSlices(words, hot, slices);
    const what = `${words} words, ${hot} hot, ${slices} slices`;
    assert(cold.length >= 1 && cold.length <= slices, `${what}: ${cold.length} slices`);
    let next = hot;
    for (const [first, rows] of cold) {
      assertEquals(first, next, `${what}: slices are contiguous`);
      assertGreater(rows, 0, `${what}: no empty slice`);
      next = first + rows;
    }
    assertEquals(next, words, `${what}: the last slice ends at the last row`);
  }
});

/** Trains `corpus` on a pool of one worker with the given local rows and returns
 *  the tables once the pool has drained. One worker trains on its own local rows,
 *  which the merges never change, so the result depends on the merges only
 *  through what reaches the shared tables. */
async function trainOneWorker(
  text: string,
  rows: (r: LocalRows) => LocalRows,
  /** Drain the pool after every this many chunks too, as a checkpoint does. */
  drainEvery = 0,
) {
  const config = resolveConfig({ ...settings, sharedNegatives: true, chunkTokens: 16384 });
  const corpus = memoryCorpus("topics", text);
  const { vocab } = await buildVocab(corpus, config);
  const kernel = await Kernel.create({ shared: true });
  const rowFloats = Kernel.rowFloats(config.dim);
  const local = rows(localRows(vocab.size, rowFloats, MODE_SKIPGRAM_SHARED));
  const layout = layOut(kernel, vocab, config, undefined, { threads: 1, mode: 0 });
  // Chunks of 600 tokens: many merges in an epoch.
  const pool = await ThreadPool.start(kernel, {
    threads: 1,
    chunkTokens: 600,
    rows: local,
    rowFloats,
    init: (w) => ({
      module: kernel.module,
      memory: kernel.memory,
      tables: { ...layout, vocabSize: vocab.size, rowFloats },
      params: { window: 4, negative: 5, lr: 0.05, minLr: 0.0001, plannedWords: 1e9 },
      seed: String(w + 5),
      mode: MODE_SKIPGRAM_SHARED,
    }),
    onResult: () => {},
  });
  try {
    let chunks = 0;
    for await (const chunk of idChunks(corpus, vocab, 600)) {
      await pool.run(chunk.ids, 0);
      chunks++;
      if (drainEvery > 0 && chunks % drainEvery === 0) await pool.drain();
    }
    assertGreater(chunks, 20, "chunks");
    await pool.drain();
    return {
      input: kernel.readRows(layout.input, vocab.size, config.dim),
      output: kernel.readRows(layout.output, vocab.size, config.dim),
      rows: local,
    };
  } finally {
    pool.close();
  }
}

Deno.test("threads: output rows merged a slice at a time all reach the tables by the drain", async () => {
  const text = topicCorpus(1500);
  // Every output row merged after every chunk, against 4 hot rows and slices of
  // the other 44: the same tables once drained (the drain merges what the
  // slices have not), up to rounding (a merge rounds local - base + shared).
  const every = await trainOneWorker(text, (r) => ({ ...r, hot: r.output }));
  const sliced = await trainOneWorker(text, (r) => ({ ...r, hot: 4 }));
  assertEquals(sliced.rows.output, 48);
  const largest = (a: Float32Array, b: Float32Array) =>
    a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  // A chunk's update of a row is of the order of 1e-3 to 1e-2 here; rounding, 1e-6.
  assert(largest(sliced.input, every.input) < 1e-4, "input tables differ");
  assert(largest(sliced.output, every.output) < 1e-4, "output tables differ");
  // Drained every 7 chunks as well (a checkpoint's drain, then training goes on):
  // the drain's merge leaves the worker's copies in step with the tables, so no
  // change is added twice.
  const drained = await trainOneWorker(text, (r) => ({ ...r, hot: 4 }), 7);
  assert(largest(drained.input, every.input) < 1e-4, "input tables differ (drains)");
  assert(largest(drained.output, every.output) < 1e-4, "output tables differ (drains)");
  // The tables moved from their start (the output rows start at zero).
  assert(every.output.some((v) => v !== 0), "the output rows were trained");
});
