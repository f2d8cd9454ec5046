// Evaluates a word2vec text file (gensim's or fastText's .vec) with negsamp's evaluation
// code and prints one JSON line, so every tool is scored by the same protocol.
//
//   deno run --allow-read bench/eval_vec.ts --vec F.vec --questions Q --wordsim W
import { decodeWord2VecText } from "../src/formats/word2vec_text.ts";
import { parseFlags, required, UsageError } from "./args.ts";
import { evaluate } from "./evaluate.ts";

async function main(): Promise<void> {
  const flags = parseFlags(Deno.args, {
    values: { vec: undefined, questions: undefined, wordsim: undefined },
  });
  const path = required(flags, "vec");
  const table = decodeWord2VecText(await Deno.readFile(path), path);
  const result = await evaluate(
    table.words,
    table.dim,
    table.data,
    required(flags, "questions"),
    required(flags, "wordsim"),
  );
  console.log(JSON.stringify(result));
}

try {
  await main();
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e instanceof UsageError ? `eval_vec: ${message}` : `eval_vec failed: ${message}`);
  Deno.exit(e instanceof UsageError ? 2 : 1);
}
