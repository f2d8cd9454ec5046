// Size and quality of the int8 inference format (.nsq) against the float model it came from:
// WordSim-353 Spearman and Google analogy accuracy (3CosAdd over the 30,000 most frequent
// words, questions with an unknown word skipped), plus how often the nearest neighbours agree.
// The model is trained with the standard settings (skip-gram, dim 100, window 5, negative 5,
// min_count 5, sample 1e-3, 5 epochs) on en-mixed, or loaded with --model.
// Target: within 0.01 Spearman and 1 analogy point of the float model.
//   deno run -A bench/quantize.ts [--corpus PATH] [--model out/quantize-bench.nsm]
//     [--threads 1] [--eval ../shared/data/eval]
import {
  decodeQuantized,
  encodeModelFile,
  evaluateAnalogies,
  evaluateWordPairs,
  fileCorpus,
  loadModel,
  type Model,
  saveModel,
  trainModel,
  type Vectors,
  vectorsFromBytes,
} from "../src/mod.ts";
import { fileExists } from "../src/io/files.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const corpusPath = flag("corpus", "../shared/data/corpus/en-mixed.txt");
const modelPath = flag("model", "out/quantize-bench.nsm");
const threads = Number(flag("threads", "1"));
const evalDir = flag("eval", "../shared/data/eval");
const RESTRICT = 30000;

let model: Model;
if (await fileExists(modelPath)) {
  console.error(`loading ${modelPath}`);
  model = await loadModel(modelPath);
} else {
  console.error(`training on ${corpusPath} (standard settings, ${threads} thread(s))`);
  model = await trainModel(fileCorpus(corpusPath), {
    model: "skipgram",
    dim: 100,
    window: 5,
    negative: 5,
    minCount: 5,
    sample: 1e-3,
    epochs: 5,
    seed: 1,
    threads,
  });
  await Deno.mkdir(modelPath.slice(0, Math.max(0, modelPath.lastIndexOf("/"))) || ".", {
    recursive: true,
  });
  await saveModel(model, modelPath);
  console.error(`saved ${modelPath} (${model.stats.seconds.toFixed(1)} s of training)`);
}

const questions = await Deno.readTextFile(`${evalDir}/questions-words.txt`);
const wordsim = await Deno.readTextFile(`${evalDir}/wordsim353.tsv`);

function score(v: Vectors) {
  const a = evaluateAnalogies(v, questions, { restrict: RESTRICT });
  const w = evaluateWordPairs(v, wordsim);
  return { analogy: 100 * a.accuracy, correct: a.correct, total: a.total, spearman: w.spearman };
}

const floatVectors = await model.vectors({ kernel: "simd" });
const nsq = encodeModelFile(model, "m.nsq");
let t0 = performance.now();
const q = decodeQuantized(nsq);
const decodeMs = performance.now() - t0;
t0 = performance.now();
const quantVectors = await vectorsFromBytes(nsq, "m.nsq", { kernel: "simd" });
const loadMs = performance.now() - t0;

const f = score(floatVectors);
const s = score(quantVectors);

// Agreement of the top-10 neighbours over the 2,000 most frequent words.
let overlap = 0, sameFirst = 0;
const probes = Math.min(2000, model.vocab.size);
for (let i = 0; i < probes; i++) {
  const w = model.vocab.words[i];
  const a = floatVectors.mostSimilar(w, [], 10).map((n) => n.word);
  const b = new Set(quantVectors.mostSimilar(w, [], 10).map((n) => n.word));
  overlap += a.filter((x) => b.has(x)).length / 10;
  if (b.has(a[0]) && quantVectors.mostSimilar(w, [], 1)[0].word === a[0]) sameFirst++;
}
// Cosine between each original row and its dequantized version.
let worstCos = 1, meanCos = 0;
for (let r = 0; r < q.words.length; r++) {
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < q.dim; j++) {
    const x = model.input[r * q.dim + j], y = q.codes[r * q.dim + j] * q.scales[r];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const c = na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 1;
  worstCos = Math.min(worstCos, c);
  meanCos += c / q.words.length;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}
const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
const sizes: [string, Uint8Array][] = [
  [".nsm (whole model: both tables, counts, config)", encodeModelFile(model, "m.nsm")],
  [".bin (word2vec binary, float32 vectors)", encodeModelFile(model, "m.bin")],
  [".vec (word2vec text)", encodeModelFile(model, "m.vec")],
  [".nsq (int8 + per-row scale)", nsq],
];
console.log(
  `\n## Quantized vectors (.nsq) vs float — ${corpusPath}, ${model.vocab.size} words x ` +
    `${model.dim}\n`,
);
console.log("| file | size | gzip |");
console.log("| --- | ---: | ---: |");
for (const [name, bytes] of sizes) {
  console.log(`| ${name} | ${mb(bytes.length)} | ${mb(await gzipSize(bytes))} |`);
}
const dS = s.spearman - f.spearman, dA = s.analogy - f.analogy;
console.log("\n| vectors | WS353 Spearman | analogy % (3CosAdd, top 30k) |");
console.log("| --- | ---: | ---: |");
console.log(
  `| float32 | ${f.spearman.toFixed(4)} | ${f.analogy.toFixed(2)} (${f.correct}/${f.total}) |`,
);
console.log(
  `| int8 .nsq | ${s.spearman.toFixed(4)} | ${s.analogy.toFixed(2)} (${s.correct}/${s.total}) |`,
);
console.log(
  `| difference | ${dS >= 0 ? "+" : ""}${dS.toFixed(4)} | ${dA >= 0 ? "+" : ""}${
    dA.toFixed(2)
  } pp |`,
);
console.log(
  `\nTop-10 neighbours of the ${probes} most frequent words: ${
    (100 * overlap / probes).toFixed(1)
  }% ` +
    `shared, same first neighbour for ${(100 * sameFirst / probes).toFixed(1)}%. Cosine of each ` +
    `row to its dequantized self: mean ${meanCos.toFixed(6)}, worst ${worstCos.toFixed(6)}.`,
);
console.log(
  `Decoding the .nsq: ${decodeMs.toFixed(1)} ms (checks + CRC); into Vectors (dequantize, ` +
    `normalise into the kernel): ${loadMs.toFixed(1)} ms.`,
);
const ok = Math.abs(dS) <= 0.01 && Math.abs(dA) <= 1;
console.log(`\nTarget (|Δ Spearman| <= 0.01, |Δ analogy| <= 1 pp): ${ok ? "met" : "NOT met"}`);
if (!ok) Deno.exitCode = 1;
