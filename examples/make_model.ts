// Makes the quantized model (.nsq) the Worker and the browser page serve: trains one (on the
// built-in public-domain corpus unless --corpus names a file) or converts an existing model
// or vectors file (--from .nsm/.vec/.bin), keeping the --words most frequent words.
//   deno run -A examples/make_model.ts --out examples/worker/model.nsq
//   deno run -A examples/make_model.ts --corpus ../shared/data/corpus/en-mixed.txt --threads 2
//   deno run -A examples/make_model.ts --from out/model.nsm --words 30000 --out m.nsq
import {
  defaultCorpus,
  encodeQuantized,
  fileCorpus,
  loadVectorTable,
  trainModel,
  type VectorTable,
} from "../src/mod.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const out = flag("out") ?? "examples/worker/model.nsq";
const words = Number(flag("words") ?? "30000");
const from = flag("from");

let table: VectorTable;
if (from) {
  table = loadVectorTable(await Deno.readFile(from), from);
} else {
  const corpusPath = flag("corpus");
  const corpus = corpusPath ? fileCorpus(corpusPath) : await defaultCorpus();
  const model = await trainModel(corpus, {
    dim: Number(flag("dim") ?? "100"),
    epochs: Number(flag("epochs") ?? "5"),
    threads: Number(flag("threads") ?? "1"),
  }, {
    onProgress: (p) =>
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `\r${corpus.name}: epoch ${p.epoch}/${p.epochs} ${(100 * p.progress).toFixed(0)}% ` +
            `loss ${p.loss.toFixed(3)} `,
        ),
      ),
  });
  console.error("");
  table = model.toVectorTable();
}
// Rows are in frequency order: the first `words` are the most frequent.
const keep = Math.min(words, table.words.length);
const bytes = encodeQuantized(
  {
    words: table.words.slice(0, keep),
    dim: table.dim,
    data: table.data.subarray(0, keep * table.dim),
  },
  { kind: "vectors", producer: "negsamp examples/make_model.ts", source: from ?? "trained" },
);
await Deno.writeFile(out, bytes);
console.log(`wrote ${out}: ${keep} words x ${table.dim}, ${(bytes.length / 1e6).toFixed(2)} MB`);
