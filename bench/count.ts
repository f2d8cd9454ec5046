// The vocabulary pass, timed two ways in fresh processes, alternating: from UTF-8
// tokens read straight from the bytes (what training does: src/corpus/byte_tokens.ts)
// and from decoded lines (readLines + VocabCounter.addPiece). Each count runs in its
// own process, as a training's does, so its cold start (compiling, first touches of
// memory) is in the time. Reads ../shared/data/corpus/en-mixed.txt unless given a file.
//   deno run -A bench/count.ts [--corpus FILE] [--repeat 4]
import { fileCorpus } from "../src/corpus/source.ts";
import { buildVocab } from "../src/vocab.ts";
import { parseFlags, parseNumber } from "./args.ts";

const flags = parseFlags(Deno.args, {
  values: { corpus: undefined, repeat: "4", way: undefined },
});
const corpusPath = flags.values.corpus ??
  decodeURIComponent(new URL("../../shared/data/corpus/en-mixed.txt", import.meta.url).pathname);

if (flags.values.way) {
  // One count, in this process: prints its seconds.
  const file = fileCorpus(corpusPath);
  const corpus = flags.values.way === "bytes" ? file : {
    name: file.name,
    pieces: file.pieces,
    sentences: file.sentences,
    byteLength: file.byteLength,
  };
  const start = performance.now();
  const { vocab, stats } = await buildVocab(corpus, { minCount: 5, maxVocab: 0 }, 1 << 26);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, words: vocab.size, tokens: stats.tokens }));
} else {
  try {
    await Deno.stat(corpusPath);
  } catch {
    console.error(`count: ${corpusPath} is missing (the shared data, or give --corpus FILE)`);
    Deno.exit(2);
  }
  const repeat = parseNumber("repeat", flags.values.repeat!, true);
  const times: Record<string, number[]> = { bytes: [], text: [] };
  let shape = "";
  for (let r = 0; r < repeat; r++) {
    for (const way of ["bytes", "text"]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL(import.meta.url).pathname,
          "--corpus",
          corpusPath,
          "--way",
          way,
        ],
        stderr: "inherit",
      }).output();
      if (!out.success) Deno.exit(1);
      const run = JSON.parse(new TextDecoder().decode(out.stdout));
      const runShape = `${run.words} words of ${run.tokens} tokens`;
      if (shape && runShape !== shape) {
        throw new Error(`the two ways differ: ${runShape}, ${shape}`);
      }
      shape = runShape;
      times[way].push(run.seconds);
    }
  }
  const fmt = (xs: number[]) =>
    `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)} s (${Math.min(...xs).toFixed(3)}-${
      Math.max(...xs).toFixed(3)
    })`;
  console.log(`vocabulary pass over ${corpusPath} (${shape}), ${repeat} runs each, alternating:`);
  console.log(`  UTF-8 tokens from the bytes: ${fmt(times.bytes)}`);
  console.log(`  decoded lines:               ${fmt(times.text)}`);
}
