// How far N threads could scale on this machine, beside how far ours do. Each round runs,
// one after the other:
//   alone:        one training on one thread;
//   independent:  N such one-thread trainings at once, each in its own process, sharing
//                 nothing (no memory, no rows, no merges);
//   ours:         one training on N threads (Hogwild over one shared memory).
// The independent trainings are the machine's ceiling in that moment: alone x the sum of
// their speeds (1 / seconds) is the speed-up N threads would reach if they paid nothing for
// sharing and split the work as the cores' speeds allow (ours hands chunks to whichever
// thread is free); cores, caches, memory bandwidth and the host's other guests all still
// count. Ours over alone is our speed-up; ours over the ceiling is the share of it we keep.
// Every second round runs the three in reverse order, so a drift within a round favours
// none of them.
// Times are the training alone (train()'s stats.seconds: no vocabulary pass), as in the
// bench's scaling table. Reads ../shared/data/corpus/en-mixed.txt unless --corpus is given.
//
//   deno task bench:ceiling [--threads 2] [--rounds 6] [--model skipgram] [--epochs 5]
//                           [--corpus F] [--json OUT]
import { parseChoices, parseFlags, parseNumber, UsageError } from "./args.ts";
import { median } from "./stats.ts";
import { writeFileAtomic } from "../src/io/files.ts";

const USAGE = `deno task bench:ceiling [flags]

Rounds of: one training on one thread alone; N one-thread trainings at once in separate
processes (the machine's ceiling for N threads); one training on N threads. Prints each
round's speed-ups over the one-thread run and their medians.

  --threads 2          N
  --rounds 6           rounds (every second one in reverse order)
  --model skipgram     skipgram or cbow (skip-gram with shared negatives, the default)
  --epochs 5           epochs of every training
  --corpus PATH        default ../shared/data/corpus/en-mixed.txt from the repository root
  --json PATH          also write every round as JSON
  --help               this text
`;

interface Round {
  round: number;
  /** Training seconds of the one-thread run alone. */
  alone: number;
  /** Training seconds of each of the N one-thread runs at once. */
  independent: number[];
  /** Training seconds of the N-thread run. */
  ours: number;
}

const trainOne = decodeURIComponent(new URL("./train_one.ts", import.meta.url).pathname);
const defaultCorpus = decodeURIComponent(
  new URL("../../shared/data/corpus/en-mixed.txt", import.meta.url).pathname,
);

/** Starts one training (bench/train_one.ts, its defaults: dim 100, window 5, negative 5,
 *  min-count 5, sample 1e-3, seed 1) and resolves to its training seconds. */
async function startTraining(
  corpus: string,
  model: string,
  epochs: number,
  threads: number,
): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      trainOne,
      ...["--corpus", corpus, "--model", model, "--epochs", String(epochs)],
      ...["--threads", String(threads), "--kernel", "relaxed", "--no-eval"],
      ...["--shared-negatives", model === "skipgram" ? "on" : "off"],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (out.code !== 0) {
    const tail = text.decode(out.stderr).trim().split("\n").slice(-2).join(" | ");
    throw new Error(`train_one.ts exited with ${out.code}: ${tail || "(no message)"}`);
  }
  const lines = text.decode(out.stdout).trim().split("\n");
  return (JSON.parse(lines[lines.length - 1]) as { trainSeconds: number }).trainSeconds;
}

/** "median (min–max)" of speed-ups. */
function summary(xs: number[]): string {
  return `${median(xs).toFixed(2)}x (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
}

const ourSpeedUp = (r: Round) => r.alone / r.ours;
const ceiling = (r: Round) => r.alone * r.independent.reduce((sum, s) => sum + 1 / s, 0);

async function main(): Promise<void> {
  const flags = parseFlags(Deno.args, {
    values: {
      threads: "2",
      rounds: "6",
      model: "skipgram",
      epochs: "5",
      corpus: defaultCorpus,
      json: undefined,
    },
    booleans: ["help"],
  });
  if (flags.booleans.has("help")) {
    console.log(USAGE);
    return;
  }
  const v = flags.values;
  const threads = parseNumber("threads", v.threads!, true);
  const rounds = parseNumber("rounds", v.rounds!, true);
  const epochs = parseNumber("epochs", v.epochs!, true);
  if (threads < 2) throw new UsageError(`--threads: ${threads} must be at least 2`);
  if (rounds < 1 || epochs < 1) throw new UsageError("--rounds and --epochs must be at least 1");
  const [model] = parseChoices("model", v.model!, ["skipgram", "cbow"]);
  const corpus = v.corpus!;
  try {
    await Deno.stat(corpus);
  } catch {
    throw new UsageError(`--corpus: ${corpus} is not readable (the default needs ../shared/data)`);
  }

  const done: Round[] = [];
  for (let round = 1; round <= rounds; round++) {
    const r: Round = { round, alone: 0, independent: [], ours: 0 };
    const steps = [
      async () => r.alone = await startTraining(corpus, model, epochs, 1),
      async () =>
        r.independent = await Promise.all(
          Array.from({ length: threads }, () => startTraining(corpus, model, epochs, 1)),
        ),
      async () => r.ours = await startTraining(corpus, model, epochs, threads),
    ];
    for (const step of round % 2 === 0 ? steps.reverse() : steps) await step();
    done.push(r);
    console.error(
      `round ${round}/${rounds}: alone ${r.alone.toFixed(2)} s, ${threads} independent ` +
        `${r.independent.map((s) => s.toFixed(2)).join(" / ")} s, ours on ${threads} threads ` +
        `${r.ours.toFixed(2)} s`,
    );
  }

  const lines = [
    `## negsamp ceiling: ${model}, ${threads} threads, ${epochs} epochs, ${corpus}`,
    "",
    `| round | one thread alone, s | ${threads} independent at once, s | ours on ${threads} ` +
    `threads, s | ceiling (alone x Σ 1 / independent) | ours × one thread | ` +
    "ours / ceiling |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...done.map((r) =>
      `| ${r.round} | ${r.alone.toFixed(2)} | ${
        r.independent.map((s) => s.toFixed(2)).join(" / ")
      }` +
      ` | ${r.ours.toFixed(2)} | ${ceiling(r).toFixed(2)}x | ${ourSpeedUp(r).toFixed(2)}x | ` +
      `${(ourSpeedUp(r) / ceiling(r)).toFixed(2)} |`
    ),
    "",
    `Median (min–max) over ${done.length} rounds: ceiling ${summary(done.map(ceiling))}, ours ` +
    `${summary(done.map(ourSpeedUp))}, ours / ceiling ` +
    `${median(done.map((r) => ourSpeedUp(r) / ceiling(r))).toFixed(2)}.`,
  ];
  console.log(lines.join("\n"));
  if (v.json !== undefined) {
    const json = JSON.stringify({ model, threads, epochs, rounds: done });
    await writeFileAtomic(v.json, new TextEncoder().encode(json));
  }
}

try {
  await main();
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(
    e instanceof UsageError ? `ceiling: ${message}\n\n${USAGE}` : `ceiling: ${message}`,
  );
  Deno.exit(e instanceof UsageError ? 2 : 1);
}
