// Multi-threaded (Hogwild) training: same quality as one thread, and a clean
// fallback to one thread where memory cannot be shared.
import { assert, assertEquals, assertGreater, assertRejects } from "./assert.ts";
import { memoryCorpus } from "../src/corpus/source.ts";
import { train, type TrainedModel } from "../src/train/trainer.ts";
import { spawnWorkers, ThreadPool } from "../src/train/pool.ts";
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
  // script that throws on load) must reach ThreadPool.start, not vanish.
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
    await assertRejects(
      () => ThreadPool.start(kernel, 1, 1024, init, () => {}, started),
      Error,
      "boom",
    );
  } finally {
    for (const worker of started) worker.terminate();
  }
});
