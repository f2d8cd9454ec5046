// Tests for src/model.ts (Model, save/load in the three formats, continued training),
// src/corpus/default.ts and the public API in src/mod.ts. Trains only on a tiny synthetic
// corpus (a few thousand tokens, dim 8), so the whole file runs in a few seconds.
import { memoryCorpus } from "../src/corpus/source.ts";
import { DEFAULT_CORPUS_NAME, defaultCorpus } from "../src/corpus/default.ts";
import { encodeVectorTable } from "../src/formats/detect.ts";
import { FormatError } from "../src/formats/errors.ts";
import { decodeNativeModel, encodeNativeModel } from "../src/formats/native.ts";
import {
  continueTraining,
  decodeModel,
  encodeModel,
  encodeModelFile,
  loadModel,
  loadVectors,
  Model,
  saveModel,
  trainModel,
} from "../src/model.ts";
import { ConfigError, type TrainConfig } from "../src/train/config.ts";
import type { TrainProgress } from "../src/train/progress.ts";
import { Vocab } from "../src/vocab.ts";
import * as api from "../src/mod.ts";
import {
  assert,
  assertClose,
  assertEquals,
  assertGreater,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";

// ---------- a tiny corpus with three topics ----------

const TOPICS = [
  ["cat", "dog", "horse", "cow", "sheep", "goat"],
  ["bread", "milk", "apple", "cheese", "butter", "honey"],
  ["red", "green", "blue", "yellow", "black", "white"],
];

/** `n` sentences of 8 words, each from one topic, with a few shared filler words. */
function tinyText(n: number, seed = 1, extra: string[] = []): string {
  let x = seed;
  const next = (m: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * m);
  };
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = TOPICS[next(TOPICS.length)];
    const words: string[] = [];
    for (let j = 0; j < 8; j++) {
      words.push(next(4) === 0 ? ["the", "and", "a"][next(3)] : topic[next(topic.length)]);
    }
    if (extra.length > 0) words.push(extra[next(extra.length)]);
    lines.push(words.join(" "));
  }
  return lines.join("\n") + "\n";
}

const SETTINGS: Partial<TrainConfig> = {
  dim: 8,
  epochs: 4,
  minCount: 1,
  window: 3,
  negative: 4,
  sample: 0,
  chunkTokens: 16384,
  seed: 3,
};

const corpus = memoryCorpus("tiny", tinyText(400));
let trained: Model | undefined;

async function tinyModel(): Promise<Model> {
  trained ??= await trainModel(corpus, SETTINGS);
  return trained;
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "negsamp_model_test_" });
}

function sameModel(a: Model, b: Model): void {
  assertEquals(b.config, a.config, "config");
  assertEquals(b.vocab.words, a.vocab.words, "words");
  assertEquals(b.vocab.counts, a.vocab.counts, "counts");
  assertEquals(b.input, a.input, "input");
  assertEquals(b.output, a.output, "output");
  assertEquals(b.stats.corpusTokens, a.stats.corpusTokens, "corpusTokens");
  assertEquals(b.stats.seconds, a.stats.seconds, "seconds");
  assertEquals(b.stats.finalLoss, a.stats.finalLoss, "finalLoss");
  assertEquals(b.runs, a.runs, "runs");
}

// ---------- the Model ----------

Deno.test("model: trainModel gives a Model with vocab, config, both tables and stats", async () => {
  const m = await tinyModel();
  assertEquals(m.dim, 8);
  assertEquals(m.vocab.size, 6 * 3 + 3);
  assertEquals(m.words, m.vocab.words);
  assertEquals(m.input.length, m.vocab.size * 8);
  assertEquals(m.output.length, m.vocab.size * 8);
  assertEquals(m.config.epochs, 4);
  assertEquals(m.runs, 1);
  assertGreater(m.stats.corpusTokens, 0);
  assert(Number.isFinite(m.stats.finalLoss), "final loss");
  assertNotEquals(m.input, m.output);
  // The vectors learned the topics: a word's nearest neighbour shares its topic.
  const v = await m.vectors();
  assertEquals(v.size, m.vocab.size);
  let same = 0;
  for (const topic of TOPICS) {
    for (const w of topic) if (topic.includes(v.mostSimilar(w, [], 1)[0].word)) same++;
  }
  assertGreater(same, 12, "words whose nearest neighbour is in their topic (of 18)");
});

Deno.test("model: the constructor checks the table shapes", async () => {
  const m = await tinyModel();
  assertThrows(
    () => new Model(m.config, m.vocab, m.input.subarray(8), m.output, m.stats),
    RangeError,
    "input table has",
  );
  assertThrows(
    () => new Model(m.config, m.vocab, m.input, new Float32Array(3), m.stats),
    RangeError,
    "output table has 3 floats",
  );
  assertThrows(
    () => new Model(m.config, new Vocab([], new Float64Array()), m.input, m.output, m.stats),
    RangeError,
    "vocabulary is empty",
  );
  assertThrows(
    () => new Model(m.config, m.vocab, m.input, m.output, m.stats, 0),
    RangeError,
    "runs",
  );
});

Deno.test("model: toNative / fromNative and encodeModel / decodeModel round trip", async () => {
  const m = await tinyModel();
  const native = m.toNative();
  assertEquals(native.header.kind, "word2vec");
  assertEquals((native.header.config as TrainConfig).dim, 8);
  assertEquals(native.tables.length, 2);
  sameModel(m, Model.fromNative(native));
  const bytes = encodeModel(m);
  sameModel(m, decodeModel(bytes, "mem.nsm"));
  // The header of the file holds the config, the kind and the training stats.
  const header = decodeNativeModel(bytes).header;
  assertEquals(header.kind, "word2vec");
  assertEquals((header.config as TrainConfig).seed, 3);
  assertEquals((header.stats as { corpusTokens: number }).corpusTokens, m.stats.corpusTokens);
  // NaN (no loss measured) is stored as null and read back as NaN.
  const noLoss = new Model(m.config, m.vocab, m.input, m.output, { ...m.stats, finalLoss: NaN });
  assert(Number.isNaN(decodeModel(encodeModel(noLoss)).stats.finalLoss), "NaN loss");
});

Deno.test("model: fromNative refuses other kinds, bad configs and bad tables", async () => {
  const m = await tinyModel();
  const vectorsOnly = decodeNativeModel(
    encodeVectorTable(m.toVectorTable(), "v.nsm"),
    "v.nsm",
  );
  const e = assertThrows(() => Model.fromNative(vectorsOnly, "v.nsm"), FormatError);
  assertStringIncludes(e.message, 'v.nsm: holds a model of kind "vectors"');
  assertStringIncludes(e.message, "loadVectors");

  const native = m.toNative();
  const withHeader = (header: Record<string, unknown>) => ({ ...native, header });
  assertThrows(
    () => Model.fromNative(withHeader({ ...native.header, kind: undefined }), "x.nsm"),
    FormatError,
    "holds no model kind",
  );
  assertThrows(
    () => Model.fromNative(withHeader({ ...native.header, config: "dim=8" }), "x.nsm"),
    FormatError,
    "x.nsm: header has no training configuration",
  );
  assertThrows(
    () =>
      Model.fromNative(
        withHeader({ ...native.header, config: { ...m.config, window: 0 } }),
        "x.nsm",
      ),
    FormatError,
    "x.nsm: header config: invalid window: 0 is out of range",
  );
  assertThrows(
    () =>
      Model.fromNative(
        withHeader({ ...native.header, config: { ...m.config, dim: 9 } }),
        "x.nsm",
      ),
    FormatError,
    "header config.dim 9 differs from the file's dim 8",
  );
  assertThrows(
    () => Model.fromNative({ ...native, tables: [m.input] }, "x.nsm"),
    FormatError,
    "expected input and output tables, found 1",
  );
  assertThrows(
    () => Model.fromNative({ ...native, tables: [m.input, m.output.subarray(8)] }, "x.nsm"),
    FormatError,
    "table 1 has",
  );
});

// ---------- files ----------

Deno.test("model: save and load in all three formats", async () => {
  const m = await tinyModel();
  const dir = await tempDir();
  try {
    // .nsm: everything, as a Model.
    await saveModel(m, `${dir}/m.nsm`);
    sameModel(m, await loadModel(`${dir}/m.nsm`));
    // .vec and .bin: the input vectors, exactly (text uses round-trip float formatting).
    for (const ext of ["vec", "bin", "nsm"]) {
      const path = `${dir}/m.${ext}`;
      if (ext !== "nsm") await saveModel(m, path);
      const v = await loadVectors(path);
      assertEquals([...v.words], m.vocab.words, `${ext} words`);
      assertEquals(v.dim, 8);
      for (const w of ["cat", "honey", "the"]) {
        const i = m.vocab.id(w);
        assertEquals(v.get(w), m.input.slice(i * 8, i * 8 + 8), `${ext} vector of ${w}`);
      }
    }
    // The text file is word2vec text: "V dim" then one word per line.
    const text = await Deno.readTextFile(`${dir}/m.vec`);
    assert(text.startsWith(`${m.vocab.size} 8\n${m.vocab.words[0]} `), text.slice(0, 40));
    // encodeModelFile gives the same bytes saveModel wrote.
    assertEquals(encodeModelFile(m, "x.bin"), await Deno.readFile(`${dir}/m.bin`));
    // Overwriting keeps a valid file and leaves no temporary file behind.
    await saveModel(m, `${dir}/m.nsm`);
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assertEquals(names.sort(), ["m.bin", "m.nsm", "m.vec"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("model: file errors name the file", async () => {
  const m = await tinyModel();
  const dir = await tempDir();
  try {
    assertThrows(() => encodeModelFile(m, "model.pkl"), Error, 'unknown extension ".pkl"');
    await assertRejects(() => saveModel(m, `${dir}/m.txt.gz`), Error, "unknown extension");
    await assertRejects(() => loadModel(`${dir}/missing.nsm`), Error, "cannot read model file");
    await assertRejects(() => loadVectors(`${dir}/missing.vec`), Error, "cannot read vectors");
    // A .vec cannot be continued: loadModel says so and points to loadVectors.
    await saveModel(m, `${dir}/m.vec`);
    const e = await assertRejects(() => loadModel(`${dir}/m.vec`), FormatError);
    assertStringIncludes(e.message, `${dir}/m.vec: not a negsamp model (.nsm)`);
    assertStringIncludes(e.message, "loadVectors");
    // A damaged .nsm is reported by the decoder (checksum).
    const bytes = encodeModel(m);
    bytes[bytes.length - 20] ^= 0xff;
    await Deno.writeFile(`${dir}/bad.nsm`, bytes);
    await assertRejects(() => loadModel(`${dir}/bad.nsm`), FormatError, "checksum mismatch");
    // A vectors-only .nsm loads as vectors but not as a model.
    await Deno.writeFile(`${dir}/v.nsm`, encodeVectorTable(m.toVectorTable(), "v.nsm"));
    assertEquals((await loadVectors(`${dir}/v.nsm`)).size, m.vocab.size);
    await assertRejects(() => loadModel(`${dir}/v.nsm`), FormatError, 'kind "vectors"');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------- continued training ----------

Deno.test("model: continue training from a .nsm changes the vectors, keeps the vocab", async () => {
  const m = await tinyModel();
  const before = m.input.slice();
  const dir = await tempDir();
  try {
    await saveModel(m, `${dir}/m.nsm`);
    const loaded = await loadModel(`${dir}/m.nsm`);
    // New words ("zebra", "quartz") are not in the vocabulary: they are ignored.
    const more = memoryCorpus("more", tinyText(200, 7, ["zebra", "quartz"]));
    const next = await continueTraining(loaded, more, { epochs: 2 });
    assertEquals(next.vocab.words, m.vocab.words, "words kept");
    assertEquals(next.vocab.counts, m.vocab.counts, "counts kept");
    assertEquals(next.vocab.id("zebra"), -1);
    assertEquals(next.runs, 2);
    assertEquals(next.config.epochs, 2);
    assertEquals(next.config.dim, 8);
    assertEquals(next.config.seed, 3, "settings not overridden are the model's");
    assertNotEquals(next.input, m.input, "input vectors changed");
    assertNotEquals(next.output, m.output, "output vectors changed");
    assertEquals(m.input, before, "the original model is not modified");
    assertEquals(loaded.input, before, "nor the loaded one");
    // It still knows its topics.
    const v = await next.vectors();
    assert(TOPICS[0].includes(v.mostSimilar("cat", [], 1)[0].word), "cat's neighbour");
    // Saved again, it round-trips with runs = 2.
    await saveModel(next, `${dir}/next.nsm`);
    sameModel(next, await loadModel(`${dir}/next.nsm`));
    // Deterministic: the same continuation gives the same vectors.
    const again = await continueTraining(loaded, more, { epochs: 2 });
    assertEquals(again.input, next.input, "same seed, same result");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("model: continued training decays the learning rate over the new corpus", async () => {
  const m = await tinyModel();
  // A corpus a quarter the size of the original: the run must still end at minLr.
  const small = memoryCorpus("small", tinyText(100, 11));
  let last: TrainProgress | undefined;
  const next = await continueTraining(m, small, { epochs: 1, lr: 0.02, minLr: 0.0001 }, {
    onProgress: (p) => last = p,
  });
  assert(last !== undefined, "progress reported");
  assertEquals(last.progress, 1);
  assertClose(last.lr, 0.0001, 2e-4, "final lr");
  assertEquals(next.config.lr, 0.02);
});

Deno.test("model: continueTraining errors", async () => {
  const m = await tinyModel();
  await assertRejects(
    () => continueTraining(m, corpus, { dim: 16 }),
    ConfigError,
    "invalid dim: cannot change from 8 to 16 when continuing training",
  );
  await assertRejects(
    () => continueTraining(m, corpus, { window: -1 }),
    ConfigError,
    "invalid window",
  );
  await assertRejects(
    () => continueTraining(m, memoryCorpus("alien", "zebra quartz\nquartz zebra\n"), {}),
    Error,
    "alien: none of its words is in the model's vocabulary",
  );
  // Switching to CBOW without an lr takes CBOW's default rate.
  const cbow = await continueTraining(m, corpus, { model: "cbow", epochs: 1 });
  assertEquals(cbow.config.model, "cbow");
  assertEquals(cbow.config.lr, 0.05);
});

// ---------- the built-in corpus and the public API ----------

Deno.test("default corpus: read from data/ next to the sources", async () => {
  const c = await defaultCorpus();
  assertEquals(c.name, DEFAULT_CORPUS_NAME);
  for await (const sentence of c.sentences()) {
    assertEquals(sentence.slice(0, 4), ["fellow", "citizens", "of", "the"]);
    break;
  }
  assert((await Deno.stat(new URL("../data/public-domain.txt.gz", import.meta.url))).size > 1e6);
});

Deno.test("mod.ts: exports the public API", () => {
  const names = [
    "train",
    "trainWithVocab",
    "trainModel",
    "TrainingDiverged",
    "resolveConfig",
    "DEFAULTS",
    "defaultLr",
    "ConfigError",
    "fileCorpus",
    "memoryCorpus",
    "streamCorpus",
    "defaultCorpus",
    "Vocab",
    "Vectors",
    "UnknownWordError",
    "Model",
    "saveModel",
    "loadModel",
    "loadVectors",
    "continueTraining",
    "encodeModel",
    "decodeModel",
    "encodeVectorTable",
    "loadVectorTable",
    "encodeNativeModel",
    "decodeNativeModel",
    "FormatError",
    "evaluateAnalogies",
    "evaluateWordPairs",
    "useKernelModule",
  ];
  const exported = api as Record<string, unknown>;
  for (const name of names) assert(exported[name] !== undefined, `mod.ts exports ${name}`);
  assertEquals(api.DEFAULTS, api.DEFAULTS);
  assert(encodeNativeModel === api.encodeNativeModel, "same function objects");
});
