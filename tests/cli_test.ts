// Tests for the command line (train.ts -> src/cli/): the pure formatting and flag parsing,
// the help, every flag-level error (in process, through main() with captured output), and
// end to end runs of `deno run -A train.ts ...` in a temporary directory: training on a
// tiny corpus, the query and evaluation commands, determinism, and the no-argument demo.
import { displayPath } from "../src/cli/common.ts";
import {
  closest,
  editDistance,
  type FlagSpec,
  formatFlags,
  parseArgs,
  UsageError,
  wrap,
} from "../src/cli/flags.ts";
import {
  formatCount,
  formatDuration,
  formatLoss,
  formatLr,
  formatPercent,
  formatRate,
  formatSeconds,
  formatSize,
  progressBar,
  progressLine,
  progressLogLine,
} from "../src/cli/progress.ts";
import { CONFIG_FLAGS, defaultText, DEMO_EPOCHS } from "../src/cli/train.ts";
import { DEFAULTS, type TrainConfig } from "../src/train/config.ts";
import type { TrainProgress } from "../src/train/progress.ts";
import { loadModel } from "../src/model.ts";
import {
  assert,
  assertEquals,
  assertGreater,
  assertNotEquals,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";
import { runCli as cli } from "./support/cli.ts";

const TRAIN_TS = new URL("../train.ts", import.meta.url).pathname;
const dec = new TextDecoder();

// ---------- helpers ----------

interface Result {
  code: number;
  out: string;
  err: string;
}

/** Runs `deno run -A train.ts ...args` in `cwd`. */
async function spawn(args: string[], cwd: string): Promise<Result> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TRAIN_TS, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** Expects a usage error (exit 2) whose message contains every part, with no stack trace. */
async function usageError(args: string[], ...parts: string[]): Promise<string> {
  const r = await cli(args);
  assertEquals(r.code, 2, `exit code of ${args.join(" ")} (stderr: ${r.err})`);
  assertEquals(r.out, "");
  assert(r.err.startsWith("error: "), r.err);
  for (const p of parts) assertStringIncludes(r.err, p);
  assertStringIncludes(r.err, '--help" for usage');
  assert(!/\n\s+at /.test(r.err), `no stack trace: ${r.err}`);
  return r.err;
}

/** Expects a runtime error (exit 1) whose message contains every part. */
function runtimeError(r: Result, ...parts: string[]): void {
  assertEquals(r.code, 1, `exit code (stderr: ${r.err})`);
  assert(r.err.startsWith("error: ") || r.err.includes("\nerror: "), r.err);
  for (const p of parts) assertStringIncludes(r.err, p);
  assert(!/\n\s+at /.test(r.err), `no stack trace: ${r.err}`);
}

const TOPICS = [
  ["cat", "dog", "horse", "cow", "sheep", "goat"],
  ["bread", "milk", "apple", "cheese", "butter", "honey"],
  ["red", "green", "blue", "yellow", "black", "white"],
];

/** 400 sentences of 8 words, each from one topic, with shared filler words. */
function tinyText(): string {
  let x = 1;
  const next = (m: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.floor((x / 2147483648) * m);
  };
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const topic = TOPICS[next(3)];
    const words = [];
    for (let j = 0; j < 8; j++) {
      words.push(next(4) === 0 ? ["the", "and", "a"][next(3)] : topic[next(6)]);
    }
    lines.push(words.join(" "));
  }
  return lines.join("\n") + "\n";
}

// One thread: the CLI defaults to every core, and these runs must be reproducible.
const TINY = [
  "--dim",
  "8",
  "--epochs",
  "3",
  "--min-count",
  "1",
  "--chunk-tokens",
  "16384",
  "--threads",
  "1",
];

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "negsamp_cli_test_" });
  try {
    await Deno.writeTextFile(`${dir}/corpus.txt`, tinyText());
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const kebab = (field: string) => field.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

// ---------- progress and number formatting ----------

const PROGRESS: TrainProgress = {
  epoch: 2,
  epochs: 5,
  progress: 0.4321,
  wordsPerSecond: 812_345,
  lr: 0.0143,
  loss: 2.34567,
  etaSeconds: 65,
  elapsedSeconds: 12.4,
};

Deno.test("progress: number formats", () => {
  assertEquals(formatCount(0), "0");
  assertEquals(formatCount(999), "999");
  assertEquals(formatCount(747975), "747,975");
  assertEquals(formatCount(1234567.4), "1,234,567");
  assertEquals(formatCount(-1000), "-1,000");
  assertEquals(formatRate(812), "812");
  assertEquals(formatRate(999.6), "1k");
  assertEquals(formatRate(1200), "1.2k");
  assertEquals(formatRate(500_000), "500k");
  assertEquals(formatRate(890_000), "890k");
  assertEquals(formatRate(812_345), "812k");
  assertEquals(formatRate(1_000_000), "1M");
  assertEquals(formatRate(1_234_567), "1.23M");
  assertEquals(formatRate(NaN), "-");
  assertEquals(formatDuration(5), "0:05");
  assertEquals(formatDuration(65.4), "1:05");
  assertEquals(formatDuration(3723), "1:02:03");
  assertEquals(formatDuration(NaN), "-:--");
  assertEquals(formatDuration(Infinity), "-:--");
  assertEquals(formatSeconds(0.85), "850 ms");
  assertEquals(formatSeconds(5.27), "5.3 s");
  assertEquals(formatSeconds(125), "2 min 05 s");
  assertEquals(formatLr(0.025), "0.0250");
  assertEquals(formatLr(0.0001), "0.000100");
  assertEquals(formatLoss(2.345678), "2.3457");
  assertEquals(formatLoss(NaN), "-");
  assertEquals(formatPercent(0.4321), "43.2%");
  assertEquals(formatPercent(1), "100.0%");
  assertEquals(formatSize(812), "812 B");
  assertEquals(formatSize(81_200), "81.2 KB");
  assertEquals(formatSize(999_999), "1.00 MB");
  assertEquals(formatSize(6_719_324), "6.72 MB");
  assertEquals(formatSize(2.5e9), "2.50 GB");
});

Deno.test("progress: bar and lines", () => {
  assertEquals(progressBar(0, 10), "[>         ]");
  assertEquals(progressBar(0.5, 10), "[=====>    ]");
  assertEquals(progressBar(1, 10), "[==========]");
  assertEquals(progressBar(1.7, 4), "[====]");
  assertEquals(progressBar(NaN, 4), "[>   ]");
  const line = progressLine(PROGRESS, 100);
  assert(line.startsWith("epoch 2/5 [============>"), line);
  for (const part of [" 43.2%", "812k words/s", "lr 0.0143", "loss 2.3457", "ETA 1:05"]) {
    assertStringIncludes(line, part);
  }
  assert(line.length <= 99, `fits the terminal: ${line.length}`);
  // Narrow terminals: the bar shrinks, then goes; the line never wraps.
  for (const columns of [80, 72, 60, 40]) {
    assert(progressLine(PROGRESS, columns).length <= columns - 1, `width ${columns}`);
  }
  assert(!progressLine(PROGRESS, 70).includes("["), "no bar when there is no room");
  assertEquals(
    progressLogLine(PROGRESS),
    "epoch 2/5  43.2%  812k words/s  lr 0.0143  loss 2.3457  elapsed 0:12  ETA 1:05",
  );
  assertStringIncludes(progressLogLine({ ...PROGRESS, loss: NaN, etaSeconds: NaN }), "loss -");
});

// ---------- flag parsing ----------

const SPECS: FlagSpec[] = [
  { name: "dim", kind: "int", metavar: "N", help: "dimension", default: "100" },
  { name: "lr", kind: "number", help: "rate" },
  { name: "input", kind: "string", metavar: "FILE", help: "input file" },
  { name: "model", kind: "choice", choices: ["skipgram", "cbow"], help: "arch" },
  { name: "shared-negatives", kind: "boolean", help: "share" },
  { name: "k", short: "k", kind: "int", help: "count" },
  { name: "help", short: "h", kind: "boolean", help: "help" },
];

Deno.test("flags: value forms, booleans, short flags, positionals, --", () => {
  const r = parseArgs(
    ["word", "--dim", "50", "--lr=0.5", "-k", "3", "--shared-negatives", "x", "--", "--dim"],
    SPECS,
  );
  assertEquals(Object.fromEntries(r.flags), { dim: 50, lr: 0.5, k: 3, "shared-negatives": true });
  assertEquals(r.positionals, ["word", "x", "--dim"]);
  // Negative numbers are values, not flags; "-" is a positional.
  assertEquals(parseArgs(["--lr", "-0.5", "-"], SPECS).flags.get("lr"), -0.5);
  assertEquals(parseArgs(["--lr", "-0.5", "-"], SPECS).positionals, ["-"]);
  assertEquals(parseArgs(["--lr", "1e-3"], SPECS).flags.get("lr"), 0.001);
  assertEquals(parseArgs(["--shared-negatives=false"], SPECS).flags.get("shared-negatives"), false);
  assertEquals(parseArgs(["-h"], SPECS).flags.get("help"), true);
  assertEquals(parseArgs(["--model", "cbow"], SPECS).flags.get("model"), "cbow");
  assertEquals(parseArgs(["--input", "-"], SPECS).flags.get("input"), "-");
});

Deno.test("flags: every error names the flag", () => {
  const bad = (args: string[], message: string) => {
    const e = assertThrows(() => parseArgs(args, SPECS, "train"), UsageError);
    assertEquals(e.message, message);
    assertEquals((e as UsageError).command, "train");
  };
  bad(["--dim", "abc"], '--dim: "abc" is not a number');
  bad(["--dim", ""], '--dim: "" is not a number');
  bad(["--dim", "1.5"], '--dim: "1.5" is not a whole number');
  bad(["--dim", "1e300"], "--dim: 1e300 is too large");
  bad(["--dim", "Infinity"], '--dim: "Infinity" is not a number');
  bad(["--dim", "0x10"], '--dim: "0x10" is not a number');
  bad(["--lr", "NaN"], '--lr: "NaN" is not a number');
  bad(["--dim"], "--dim: needs a value (N)");
  bad(["--dim", "--lr", "1"], "--dim: needs a value (N)");
  bad(["--input="], "--input: the value is empty");
  bad(["--dim", "5", "--dim=6"], "--dim: given more than once");
  bad(["--model", "glove"], '--model: "glove" is not one of skipgram, cbow');
  bad(["--model", "cbo"], '--model: "cbo" is not one of skipgram, cbow (did you mean cbow?)');
  bad(["--shared-negatives=maybe"], '--shared-negatives: "maybe" is not true or false');
  bad(["--dimm", "5"], "unknown flag --dimm; did you mean --dim?");
  bad(["--shared-negative"], "unknown flag --shared-negative; did you mean --shared-negatives?");
  bad(["-dim", "5"], "unknown flag -dim; long flags take two dashes: --dim");
  bad(["--frobnicate"], "unknown flag --frobnicate");
  bad(["-x"], "unknown flag -x");
});

Deno.test("flags: edit distance, suggestions, wrapping, help lines", () => {
  assertEquals(editDistance("", "abc"), 3);
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("kign", "king"), 1, "a swap counts once");
  assertEquals(closest("epoch", ["--epochs", "epochs", "dim"]), "epochs");
  assertEquals(closest("analog", ["analogies", "pairs"]), "analogies", "a prefix");
  assertEquals(closest("zzzzzz", ["analogies", "pairs"]), undefined);
  assertEquals(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
  const lines = formatFlags(SPECS.slice(0, 1), 80);
  assertEquals(lines, ["  --dim N  dimension (default: 100)"]);
  // A long description wraps under its column; a short default never splits.
  const long = formatFlags([{ ...SPECS[0], help: "word ".repeat(20).trim() }], 40);
  for (const l of long.slice(1)) assert(l.startsWith(" ".repeat(11)) && l.length <= 40, l);
  assertEquals(closest("-x", ["-k", "-h"]), undefined, "no guesses for one letter");
  assert(long.some((l) => l.includes("(default: 100)")), long.join("\n"));
});

Deno.test("cli: displayPath shows paths relative to the current directory", () => {
  assertEquals(displayPath("/a/b/data/x.txt", "/a/b"), "data/x.txt");
  assertEquals(displayPath("/a/shared/eval/", "/a/b/"), "../shared/eval/");
  assertEquals(displayPath("/elsewhere/x", "/a/b"), "/elsewhere/x");
});

// ---------- help ----------

Deno.test("cli: --help documents every configuration field with its default", async () => {
  const r = await cli(["--help"]);
  assertEquals(r.code, 0);
  assertEquals(r.err, "");
  const help = r.out;
  // Each flag's block: its first line up to the next flag line, whitespace normalised.
  const block = (flag: string) => {
    const lines = help.split("\n");
    const start = lines.findIndex((l) => new RegExp(`^  (-\\w, )?${flag}\\b`).test(l));
    assert(start >= 0, `--help lists ${flag}`);
    let end = start + 1;
    while (end < lines.length && /^ {4,}/.test(lines[end])) end++;
    return lines.slice(start, end).join(" ").replace(/\s+/g, " ");
  };
  const fields = [...Object.keys(DEFAULTS), "lr"] as (keyof TrainConfig)[];
  assertStringIncludes(block("--shared-negatives"), "(default: on for skipgram;");
  for (const field of fields) {
    const flag = `--${kebab(field)}`;
    assertEquals(`--${CONFIG_FLAGS[field].flag}`, flag, `flag name of ${field}`);
    const value = field === "lr" ? undefined : DEFAULTS[field as keyof typeof DEFAULTS];
    const expected = field === "lr"
      ? "0.025 for skipgram, 0.05 for cbow"
      : field === "threads"
      ? `the number of cores, ${navigator.hardwareConcurrency} here`
      : typeof value === "boolean"
      ? (value ? "on" : "off")
      : String(value);
    assertEquals(defaultText(field), expected, `default of ${field}`);
    assertStringIncludes(block(flag), `(default: ${expected})`, flag);
  }
  for (const flag of ["--input", "--output", "--quiet", "--help"]) block(flag);
  assertStringIncludes(block("--output"), "out/vectors.vec");
  assertStringIncludes(block("--threads"), "threads");
  for (const command of ["similar WORD", "analogy A B C", "eval analogies FILE", "eval pairs"]) {
    assertStringIncludes(help, command);
  }
  // Every line fits 80 columns.
  for (const line of help.split("\n")) assert(line.length <= 80, `too long: ${line}`);
  // The other ways to ask.
  assertEquals((await cli(["train", "-h"])).out, help);
  assertEquals((await cli(["help"])).out, help);
  for (const command of ["similar", "analogy", "eval"]) {
    const h = await cli([command, "--help"]);
    assertEquals(h.code, 0);
    assertStringIncludes(h.out, `Usage: deno task train ${command}`);
    assertStringIncludes(h.out, "--model PATH");
    assertEquals((await cli(["help", command])).out, h.out);
  }
  await usageError(["help", "nope"], 'unknown command "nope"');
});

// ---------- usage errors (exit 2) ----------

Deno.test("cli: every configuration flag rejects bad values, naming the flag", async () => {
  for (const [field, f] of Object.entries(CONFIG_FLAGS)) {
    const flag = `--${f.flag}`;
    if (f.kind === "int" || f.kind === "number") {
      await usageError([flag, "abc"], `error: ${flag}: "abc" is not a number`);
      await usageError([flag, "--quiet"], `${flag}: needs a value`);
      await usageError([flag, "1", flag, "1"], `${flag}: given more than once`);
    }
    if (f.kind === "int") await usageError([flag, "2.5"], `${flag}: "2.5" is not a whole number`);
    if (f.kind === "choice") {
      await usageError([flag, "bogus"], `${flag}: "bogus" is not one of ${f.choices!.join(", ")}`);
    }
    if (f.kind === "boolean") await usageError([`${flag}=bogus`], `${flag}: "bogus" is not`);
    // Out of range: the range check comes from resolveConfig, reported under the flag name.
    const outOfRange: Record<string, string> = {
      dim: "5000",
      window: "1001",
      negative: "128",
      minCount: "0",
      maxVocab: "2e9",
      sample: "1.5",
      epochs: "10001",
      lr: "1001",
      minLr: "1001",
      nsExponent: "11",
      seed: "-1",
      threads: "257",
      chunkTokens: "100",
    };
    if (field in outOfRange) {
      await usageError([flag, outOfRange[field]], `error: ${flag}: `, "out of range");
    }
  }
  await usageError(["--lr", "0"], "--lr: 0 is out of range (above 0, at most 1000)");
  await usageError(["--seed", "1e17"], "--seed: 1e17 is too large");
  await usageError(["--min-lr", "0.5"], "--min-lr: 0.5 is above the initial lr 0.025");
  await usageError(["--model", "glove"], '--model: "glove" is not one of skipgram, cbow');
  await usageError(
    ["--context", "session", "--model", "cbow"],
    '--context: "session" needs model skipgram (got cbow)',
  );
});

Deno.test("cli: other usage errors", async () => {
  await usageError(["--epoch", "3"], "unknown flag --epoch; did you mean --epochs?");
  await usageError(["--min_count", "3"], "unknown flag --min_count; did you mean --min-count?");
  await usageError(["--output", "out/x.csv"], '--output: out/x.csv: unknown extension ".csv"');
  await usageError(["--input", "a.txt", "extra"], 'unexpected argument "extra"', "--input FILE");
  await usageError(["simlar", "king"], 'unknown command "simlar"', "did you mean similar?");
  await usageError(["corpus.txt"], 'unknown command "corpus.txt"', "use --input corpus.txt");
  await usageError(["similar"], "similar: missing WORD", 'run "deno task train similar --help"');
  await usageError(["similar", "a", "b"], 'similar: unexpected argument "b"');
  await usageError(["similar", "a", "-k", "0"], "-k: 0 is out of range (at least 1)");
  await usageError(["similar", "a", "-k", "two"], '-k: "two" is not a number');
  await usageError(["similar", "a", "--dim", "5"], "unknown flag --dim");
  await usageError(["analogy", "a", "b"], "analogy: missing C");
  await usageError(["eval"], "eval: missing what to evaluate");
  await usageError(
    ["eval", "analogy", "f"],
    'unknown evaluation "analogy"',
    "did you mean analogies?",
  );
  await usageError(["eval", "pairs"], "eval pairs: missing FILE");
  await usageError(
    ["eval", "pairs", "f.tsv", "--restrict", "5"],
    "--restrict: only eval analogies",
  );
  await usageError(["eval", "analogies", "f", "--restrict", "0"], "--restrict: 0 is out of range");
});

// ---------- in-process runs ----------

Deno.test("cli: train in process: .nsm and .bin outputs, TTY progress, quiet, Ctrl-C", async () => {
  await withTempDir(async (dir) => {
    const input = `${dir}/corpus.txt`;
    // A terminal: one progress line redrawn with \r, then a newline.
    const tty = await cli(["--input", input, "--output", `${dir}/m.nsm`, ...TINY], {
      errIsTerminal: true,
      columns: 100,
    });
    assertEquals(tty.code, 0, tty.err);
    assertStringIncludes(tty.err, "\repoch 3/3 [==============================] 100.0%");
    assertStringIncludes(tty.err, "\x1b[K\n");
    assertStringIncludes(tty.err, "vocabulary: 21 words occurring at least 1 time");
    assertStringIncludes(tty.out, `wrote ${dir}/m.nsm (`);
    assertStringIncludes(tty.out, "model: vocabulary, settings, input and output vectors");
    const model = await loadModel(`${dir}/m.nsm`);
    assertEquals(model.vocab.size, 21);
    assertEquals(model.config.dim, 8);
    assertEquals(model.config.epochs, 3);
    assertEquals(model.stats.corpusTokens, 3 * 3200);
    // --quiet: nothing on stderr; results still on stdout.
    const quiet = await cli(["--input", input, "--output", `${dir}/m.bin`, ...TINY, "-q"]);
    assertEquals(quiet.code, 0);
    assertEquals(quiet.err, "");
    assertStringIncludes(quiet.out, "word2vec binary");
    assertGreater((await Deno.stat(`${dir}/m.bin`)).size, 21 * 8 * 4);
    // Ctrl-C during training: exit 130 and nothing written.
    const stopped = await cli(["--input", input, "--output", `${dir}/stopped.vec`, ...TINY], {
      onInterrupt(handler) {
        handler();
        return () => {};
      },
    });
    assertEquals(stopped.code, 130);
    assertStringIncludes(stopped.err, "interrupted (Ctrl-C) while counting words");
    assertStringIncludes(stopped.err, "nothing was written");
    assertEquals(stopped.out, "");
    let exists = true;
    await Deno.stat(`${dir}/stopped.vec`).catch(() => exists = false);
    assert(!exists, "no output after an interrupt");
  });
});

Deno.test("cli: runtime errors exit 1 with the file and the problem", async () => {
  await withTempDir(async (dir) => {
    runtimeError(
      await cli(["--input", `${dir}/nope.txt`]),
      `--input: ${dir}/nope.txt: no such file`,
    );
    runtimeError(
      await cli([
        "--input",
        `${dir}/corpus.txt`,
        "--output",
        `${dir}/x.vec`,
        "--min-count",
        "10000",
      ]),
      "no word occurs at least 10000 times",
      "--min-count",
    );
    runtimeError(
      await cli(["similar", "cat", "--model", `${dir}/missing.nsm`]),
      `--model: ${dir}/missing.nsm: no such file`,
    );
    await Deno.writeTextFile(`${dir}/broken.vec`, "2 3\ncat 1 2 3\ndog 1 2\n");
    runtimeError(
      await cli(["similar", "cat", "--model", `${dir}/broken.vec`]),
      `${dir}/broken.vec:3:`,
    );
    // The output directory cannot be created (a file is in the way): fails before training.
    const blocked = await cli([
      "--input",
      `${dir}/corpus.txt`,
      "--output",
      `${dir}/corpus.txt/m.vec`,
    ]);
    runtimeError(blocked, "cannot create the output directory");
    assertEquals(blocked.out, "");
  });
});

// ---------- end to end: deno run -A train.ts ----------

Deno.test("cli e2e: train, determinism, similar, analogy, eval", async () => {
  await withTempDir(async (dir) => {
    const train = (output: string, seed: string) =>
      spawn(["--input", "corpus.txt", "--output", output, ...TINY, "--seed", seed], dir);
    const [a, b, c] = await Promise.all([
      train("out/a.vec", "5"),
      train("out/b.vec", "5"),
      train("out/c.vec", "6"),
    ]);
    for (const r of [a, b, c]) assertEquals(r.code, 0, r.err);
    assertStringIncludes(a.out, "trained skipgram on corpus.txt: 21 words x 8, 3 epochs");
    assertStringIncludes(a.out, "wrote out/a.vec (");
    assertStringIncludes(a.out, "21 vectors, word2vec text");
    assertStringIncludes(a.err, "corpus: 3,200 words in 400 sentences, 21 distinct");
    assertStringIncludes(a.err, "epoch 3/3  100.0%", "plain progress lines when not a TTY");
    assert(!a.err.includes("\r"), "no carriage returns when not a TTY");
    assertStringIncludes(a.err, "query it: deno task train similar");
    const vecA = await Deno.readFile(`${dir}/out/a.vec`);
    const vecB = await Deno.readFile(`${dir}/out/b.vec`);
    const vecC = await Deno.readFile(`${dir}/out/c.vec`);
    assert(dec.decode(vecA).startsWith("21 8\n"), "word2vec text header");
    assertEquals(vecA, vecB, "same seed: byte-identical output");
    assertNotEquals(vecA, vecC, "another seed: other vectors");

    // Queries against an explicit model file.
    const similar = await spawn(["similar", "cat", "--model", "out/a.vec", "-k", "3"], dir);
    assertEquals(similar.code, 0, similar.err);
    const lines = similar.out.trimEnd().split("\n");
    assertEquals(lines[0], 'nearest to "cat" (out/a.vec, 21 words, dim 8):');
    assertEquals(lines.length, 4);
    assert(/^ {3}1\. \w+ +-?\d\.\d{4}$/.test(lines[1]), lines[1]);
    const analogy = await spawn(["analogy", "CAT", "dog", "bread", "--model", "out/a.vec"], dir);
    assertEquals(analogy.code, 0, analogy.err);
    assert(analogy.out.startsWith("cat : dog :: bread : ?  (out/a.vec"), analogy.out);
    assertEquals(analogy.out.trimEnd().split("\n").length, 6, "5 answers by default");
    const unknown = await spawn(["similar", "caat", "--model", "out/a.vec"], dir);
    runtimeError(unknown, 'unknown word "caat"', "out/a.vec (21 words)", 'did you mean "cat"?');

    // Evaluation files.
    await Deno.writeTextFile(
      `${dir}/q.txt`,
      ": animals\ncat dog cow horse\nsheep goat cat dog\n: food\nbread milk apple cheese\n" +
        "cat dog unicorn horse\n",
    );
    await Deno.writeTextFile(
      `${dir}/p.tsv`,
      "# word pairs\ncat\tdog\t9\ncat\tbread\t1\nmilk\tcheese\t8\nred\tdog\t0.5\nunicorn\tcat\t5\n",
    );
    const evalA = await spawn(["eval", "analogies", "q.txt", "--model", "out/a.vec"], dir);
    assertEquals(evalA.code, 0, evalA.err);
    assertStringIncludes(evalA.out, "analogies q.txt (out/a.vec, 21 words, dim 8;");
    assert(/\n {2}animals +\d+ +2 +0 /.test(evalA.out), evalA.out);
    assert(/\n {2}food +\d+ +1 +1 /.test(evalA.out), evalA.out);
    assertStringIncludes(evalA.out, "answered questions (1 of 4 skipped");
    const evalP = await spawn(["eval", "pairs", "p.tsv", "--model", "out/a.vec"], dir);
    assertEquals(evalP.code, 0, evalP.err);
    assertStringIncludes(evalP.out, "word pairs p.tsv (out/a.vec");
    assertStringIncludes(evalP.out, "pairs      5\n");
    assertStringIncludes(evalP.out, "used       4\n");
    assertStringIncludes(evalP.out, "skipped    1 (20.0% out of vocabulary)");
    assert(/Spearman {3}-?\d\.\d{4}\n/.test(evalP.out), evalP.out);
    const badEval = await spawn(["eval", "pairs", "q.txt", "--model", "out/a.vec"], dir);
    runtimeError(badEval, "q.txt:1: expected");
    // Usage errors exit 2 from a real process too.
    const usage = await spawn(["--dim", "abc"], dir);
    assertEquals(usage.code, 2);
    assertEquals(
      usage.err,
      '--dim: "abc" is not a number\n'.replace(/^/, "error: ") +
        'run "deno task train --help" for usage\n',
    );
  });
});

Deno.test("cli e2e: no arguments trains on the built-in corpus, then query its model", async () => {
  await withTempDir(async (dir) => {
    const demo = await spawn([], dir);
    assertEquals(demo.code, 0, demo.err);
    assertStringIncludes(demo.err, "no --input given: training on the built-in corpus");
    assertStringIncludes(demo.err, "corpus: 747,975 words in 32,922 sentences");
    assertStringIncludes(
      demo.out,
      "trained skipgram on data/public-domain.txt.gz: 8,204 words x 100",
    );
    assertStringIncludes(demo.out, "wrote out/model.nsm (");
    assertStringIncludes(demo.out, "wrote out/vectors.vec (");
    assertStringIncludes(demo.out, "nearest neighbours (cosine similarity):\n  king ");
    assertStringIncludes(demo.out, "built-in analogy check (");
    assertStringIncludes(demo.out, "/72 correct");
    // The full evaluation runs only where the shared data is next to the repository.
    const shared = await Deno.stat(new URL("../../shared/data/eval/", import.meta.url))
      .then(() => true, () => false);
    assertStringIncludes(
      demo.out,
      shared ? "WordSim-353 (" : "WordSim-353 and Google analogies skipped:",
    );
    const model = await loadModel(`${dir}/out/model.nsm`);
    assertEquals(model.vocab.size, 8204);
    // The CLI trains on every core by default; everything else is the library default.
    assertEquals(model.config, {
      ...DEFAULTS,
      lr: 0.025,
      sharedNegatives: true,
      threads: navigator.hardwareConcurrency,
      epochs: DEMO_EPOCHS,
    });
    // The query commands find out/model.nsm by themselves.
    const similar = await spawn(["similar", "god", "-k", "2"], dir);
    assertEquals(similar.code, 0, similar.err);
    assert(similar.out.startsWith('nearest to "god" (out/model.nsm, 8,204 words, dim 100):'));
    assertEquals(similar.out.trimEnd().split("\n").length, 3);
    await Deno.remove(`${dir}/out/model.nsm`);
    const fallback = await spawn(["similar", "war", "-k", "1"], dir);
    assertStringIncludes(fallback.out, "(out/vectors.vec, 8,204 words, dim 100)");
    await Deno.remove(`${dir}/out/vectors.vec`);
    runtimeError(
      await spawn(["similar", "war"], dir),
      "no model found: neither out/model.nsm nor out/vectors.vec exists here",
    );
  });
});
