// Train word vectors and query them from a plain Node (>= 20) script, through the package
// entry: `import ... from "negsamp"` resolves via package.json "exports" to the esbuild bundle
// in dist/ (inside this repository the package references itself; elsewhere, after
// `npm install negsamp`, the same import works).
//
//   node build/bundle.mjs                          # once: builds dist/
//   node examples/node/train_and_query.mjs         # built-in public-domain corpus
//   node examples/node/train_and_query.mjs --corpus my.txt --epochs 5 --out out/my.nsq
import { parseArgs } from "node:util";
import {
  defaultCorpus,
  fileCorpus,
  loadVectors,
  saveModel,
  trainModel,
  UnknownWordError,
} from "negsamp";

const { values } = parseArgs({
  options: {
    corpus: { type: "string" },
    epochs: { type: "string", default: "3" },
    dim: { type: "string", default: "50" },
    threads: { type: "string", default: "1" },
    out: { type: "string", default: "out/node-example.nsq" },
  },
});

const corpus = values.corpus ? fileCorpus(values.corpus) : await defaultCorpus();
const model = await trainModel(
  corpus,
  { dim: Number(values.dim), epochs: Number(values.epochs), threads: Number(values.threads) },
  {
    onProgress: (p) =>
      process.stderr.write(
        `\repoch ${p.epoch}/${p.epochs}  ${(100 * p.progress).toFixed(0).padStart(3)}%  ` +
          `loss ${p.loss.toFixed(3)}  ${Math.round(p.wordsPerSecond / 1000)}k words/s `,
      ),
  },
);
process.stderr.write("\n");
console.log(
  `trained ${model.vocab.size} words x ${model.dim} on ${corpus.name} ` +
    `in ${model.stats.seconds.toFixed(1)} s`,
);

const vectors = await model.vectors();
for (const word of ["king", "love", "war", "god"]) {
  try {
    const near = vectors.mostSimilar(word, [], 5);
    console.log(`${word}: ${near.map((n) => `${n.word} ${n.score.toFixed(2)}`).join(", ")}`);
  } catch (e) {
    if (!(e instanceof UnknownWordError)) throw e;
    console.log(`${word}: not in the vocabulary`);
  }
}
const [answer] = vectors.analogy("man", "king", "woman");
console.log(`man : king :: woman : ${answer?.word}`);

// Save in the compact int8 format and load it back (what a Worker or a web page would ship).
await saveModel(model, values.out);
const loaded = await loadVectors(values.out);
console.log(
  `saved ${values.out}; reloaded ${loaded.size} words, ` +
    `king ~ queen ${loaded.similarity("king", "queen").toFixed(3)} ` +
    `(float ${vectors.similarity("king", "queen").toFixed(3)})`,
);
