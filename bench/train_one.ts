// Trains one configuration with negsamp, evaluates it and prints one JSON line. The bench
// runs each of our trainings in its own Deno process (under /usr/bin/time -v) so that peak
// memory is measured per training, the same way as for the external tools.
//
//   deno run --allow-read --allow-write --allow-env bench/train_one.ts --corpus F \
//     --model skipgram --dim 100 --window 5 --negative 5 --min-count 5 --sample 1e-3 \
//     --epochs 5 [--lr 0.025] --threads 1 --seed 1 --kernel relaxed --shared-negatives off \
//     --questions Q --wordsim W [--vec OUT.vec] [--no-eval]
//
// "seconds" is the wall time of the whole train() call: vocabulary count, kernel set-up and
// training (not the Deno start-up, not the saving or evaluation); "cpuSeconds" its CPU time.
// The bench passes --vec and --no-eval and scores the .vec in another process (eval_vec.ts),
// so the measured peak memory is the training's alone.
import process from "node:process";
import { fileCorpus } from "../src/corpus/source.ts";
import { formatFloat32 } from "../src/formats/word2vec_text.ts";
import type { KernelVariant } from "../src/kernel/module.ts";
import { train } from "../src/train/trainer.ts";
import type { ModelKind, TrainConfig } from "../src/train/config.ts";
import { parseChoices, parseFlags, parseNumber, required, UsageError } from "./args.ts";
import { evaluate } from "./evaluate.ts";

const MB = 1024 * 1024;

/** word2vec text, written ~1 MiB at a time so saving adds little to the peak memory
 *  (gensim and fastText also stream their .vec out). */
async function writeVecStreaming(
  path: string,
  words: readonly string[],
  dim: number,
  data: Float32Array,
): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  const enc = new TextEncoder();
  try {
    let buf = `${words.length} ${dim}\n`;
    const fields = new Array<string>(dim + 1);
    for (let i = 0; i < words.length; i++) {
      fields[0] = words[i];
      for (let j = 0; j < dim; j++) fields[j + 1] = formatFloat32(data[i * dim + j]);
      buf += fields.join(" ") + "\n";
      if (buf.length >= MB) {
        await writer.write(enc.encode(buf));
        buf = "";
      }
    }
    if (buf.length > 0) await writer.write(enc.encode(buf));
  } finally {
    await writer.close();
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(Deno.args, {
    values: {
      corpus: undefined,
      model: "skipgram",
      dim: "100",
      window: "5",
      negative: "5",
      "min-count": "5",
      sample: "1e-3",
      epochs: "5",
      lr: undefined,
      "min-lr": "0.0001",
      threads: "1",
      seed: "1",
      kernel: undefined,
      "shared-negatives": "off",
      questions: undefined,
      wordsim: undefined,
      vec: undefined,
    },
    booleans: ["no-eval"],
  });
  const v = flags.values;
  const int = (name: string) => parseNumber(name, required(flags, name), true);
  const num = (name: string) => parseNumber(name, required(flags, name));
  const [model] = parseChoices<ModelKind>("model", required(flags, "model"), [
    "skipgram",
    "cbow",
  ]);
  const [shared] = parseChoices("shared-negatives", required(flags, "shared-negatives"), [
    "on",
    "off",
  ]);
  const kernel = v.kernel === undefined
    ? undefined
    : parseChoices<KernelVariant>("kernel", v.kernel, ["simd", "relaxed"])[0];
  const settings: Partial<TrainConfig> = {
    model,
    dim: int("dim"),
    window: int("window"),
    negative: int("negative"),
    minCount: int("min-count"),
    sample: num("sample"),
    epochs: int("epochs"),
    minLr: num("min-lr"),
    threads: int("threads"),
    seed: int("seed"),
    sharedNegatives: shared === "on",
  };
  if (v.lr !== undefined) settings.lr = parseNumber("lr", v.lr);
  const evaluateToo = !flags.booleans.has("no-eval");
  const questions = evaluateToo ? required(flags, "questions") : "";
  const wordsim = evaluateToo ? required(flags, "wordsim") : "";

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const trained = await train(fileCorpus(required(flags, "corpus")), settings, { kernel });
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - start) / 1000;
  const rssAfterTrain = Deno.memoryUsage().rss;

  const words = trained.vocab.words;
  const dim = trained.config.dim;
  if (v.vec !== undefined) {
    await writeVecStreaming(v.vec, words, dim, trained.input);
  }
  const quality = evaluateToo
    ? await evaluate(words, dim, trained.input, questions, wordsim)
    : undefined;
  console.log(JSON.stringify({
    tool: "ours",
    config: trained.config,
    kernel: kernel ?? "default",
    seconds,
    /** CPU time (user + system, all threads) of the train() call. */
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    trainSeconds: trained.stats.seconds,
    corpusTokens: trained.stats.corpusTokens,
    finalLoss: trained.stats.finalLoss,
    threadTimes: trained.stats.threads,
    vocabSize: trained.vocab.size,
    rssAfterTrainMB: rssAfterTrain / MB,
    eval: quality,
  }));
}

try {
  await main();
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e instanceof UsageError ? `train_one: ${message}` : `train_one failed: ${message}`);
  Deno.exit(e instanceof UsageError ? 2 : 1);
}
