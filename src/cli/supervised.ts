// Classification commands with fastText's names and flags: `supervised` trains a classifier,
// `predict` / `predict-prob` label lines of text, `test` prints N, P@k, R@k as fastText does.
// fastText's single-dash spellings (-input, -epoch, -wordNgrams, -neg, -minCount,
// -pretrainedVectors, -thread, ...) are accepted next to the GNU-style long flags.
import { loadVectorTable } from "../formats/detect.ts";
import { encodeWord2VecText } from "../formats/word2vec_text.ts";
import { readFileBytes, writeFileAtomic } from "../io/files.ts";
import { readLines } from "../corpus/lines.ts";
import {
  Classifier,
  type ClassifierConfig,
  type ClassifierProgress,
  LOSS_KINDS,
  type LossKind,
} from "../supervised/classifier.ts";
import { DEFAULT_LABEL_PREFIX, fileExamples, splitTokens } from "../supervised/labels.ts";
import { ConfigError } from "../train/config.ts";
import { type CliIO, type Command, denoIO, HELP_FLAG, PROG } from "./common.ts";
import { type FlagSpec, type FlagValue, formatFlags, parseArgs, UsageError } from "./flags.ts";

/** fastText's camelCase / singular spellings -> our long names. */
const ALIASES: Record<string, string> = {
  epoch: "epochs",
  wordNgrams: "word-ngrams",
  neg: "negative",
  minCount: "min-count",
  minCountLabel: "min-count-label",
  pretrainedVectors: "pretrained-vectors",
  thread: "threads",
};

/** Rewrites `--epoch`, `-wordNgrams=2`, ... to the long names the parser knows. */
export function normalizeFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const m = /^--?([A-Za-z][A-Za-z-]*)(=.*)?$/.exec(arg);
    const alias = m ? ALIASES[m[1]] : undefined;
    out.push(alias ? `--${alias}${m![2] ?? ""}` : arg);
  }
  return out;
}

/** A flag with fastText's single-dash name as its short form (`-dim`, `-lr`). */
function flag(spec: FlagSpec, fastText?: string): FlagSpec {
  return { ...spec, short: fastText ?? spec.name };
}

const SUPERVISED_FLAGS: FlagSpec[] = [
  flag({
    name: "input",
    kind: "string",
    metavar: "FILE",
    help: "training file: one example per line, labels as __label__NAME tokens",
  }),
  flag({
    name: "output",
    kind: "string",
    metavar: "PREFIX",
    help: "writes PREFIX.nsm (the model) and PREFIX.vec (the word vectors)",
  }),
  flag({ name: "dim", kind: "int", metavar: "N", help: "vector size", default: "100" }),
  flag(
    { name: "epochs", kind: "int", metavar: "N", help: "passes over the data", default: "5" },
    "epoch",
  ),
  flag({ name: "lr", kind: "number", metavar: "X", help: "initial learning rate", default: "0.1" }),
  flag({
    name: "word-ngrams",
    kind: "int",
    metavar: "N",
    help: "longest word n-gram; 1 = words only",
    default: "1",
  }, "wordNgrams"),
  flag({
    name: "bucket",
    kind: "int",
    metavar: "N",
    help: "hash buckets of the word n-grams (only the buckets seen take memory)",
    default: "2000000",
  }),
  flag({
    name: "loss",
    kind: "choice",
    choices: LOSS_KINDS,
    help: "ns: negative sampling over labels; softmax: every label",
    default: "softmax",
  }),
  flag({
    name: "negative",
    kind: "int",
    metavar: "N",
    help: "labels sampled per example (--loss ns)",
    default: "5",
  }, "neg"),
  flag({
    name: "min-count",
    kind: "int",
    metavar: "N",
    help: "drop words seen fewer times",
    default: "1",
  }, "minCount"),
  flag({
    name: "min-count-label",
    kind: "int",
    metavar: "N",
    help: "drop labels seen fewer times",
    default: "0",
  }, "minCountLabel"),
  flag({
    name: "label",
    kind: "string",
    metavar: "PREFIX",
    help: "label prefix",
    default: DEFAULT_LABEL_PREFIX,
  }),
  flag({
    name: "pretrained-vectors",
    kind: "string",
    metavar: "FILE",
    help: "initial word vectors (.vec, .bin or .nsm); their words join the vocabulary",
  }, "pretrainedVectors"),
  flag({ name: "seed", kind: "int", metavar: "N", help: "random seed", default: "1" }),
  flag({
    name: "threads",
    kind: "int",
    metavar: "N",
    help: "accepted for fastText command lines; training runs on 1 thread",
    default: "1",
  }, "thread"),
  flag({
    name: "vec",
    kind: "boolean",
    help: "also write PREFIX.vec (--vec=false to skip)",
    default: "true",
  }),
  flag({ name: "verbose", kind: "int", metavar: "N", help: "0: no progress", default: "2" }),
  HELP_FLAG,
];

function supervisedHelp(): string {
  return [
    `Usage: ${PROG} supervised -input FILE -output PREFIX [flags]`,
    "",
    "Trains a text classifier as fastText's supervised mode: a line is the mean of its word",
    "(and word n-gram) vectors, each label has an output vector; --loss ns scores the true",
    "label against sampled ones, --loss softmax against all. Example:",
    "",
    `  ${PROG} supervised -input train.txt -output out/polarity -wordNgrams 2 -loss ns`,
    "",
    "Flags (-input and --input, -wordNgrams and --word-ngrams, ... are the same):",
    ...formatFlags(SUPERVISED_FLAGS),
    "",
  ].join("\n");
}

function modelPaths(output: string): { model: string; vec: string } {
  const prefix = output.endsWith(".nsm") ? output.slice(0, -4) : output;
  return { model: `${prefix}.nsm`, vec: `${prefix}.vec` };
}

function settingsOf(flags: Map<string, FlagValue>): Partial<ClassifierConfig> {
  const num = (name: string) => flags.get(name) as number | undefined;
  return {
    dim: num("dim"),
    epochs: num("epochs"),
    lr: num("lr"),
    wordNgrams: num("word-ngrams"),
    bucket: num("bucket"),
    loss: flags.get("loss") as LossKind | undefined,
    negative: num("negative"),
    minCount: num("min-count"),
    minCountLabel: num("min-count-label"),
    seed: num("seed"),
    labelPrefix: flags.get("label") as string | undefined,
  };
}

function progressLine(p: ClassifierProgress): string {
  return `Progress: ${(100 * p.progress).toFixed(1).padStart(5)}%  epoch ${p.epoch}/${p.epochs}` +
    `  lr: ${p.lr.toFixed(6)}  avg.loss: ${p.loss.toFixed(6)}`;
}

async function supervised(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(normalizeFlags(args), SUPERVISED_FLAGS, "supervised");
  if (flags.get("help")) {
    io.out(supervisedHelp());
    return;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])} (use -input FILE)`,
      "supervised",
    );
  }
  const input = flags.get("input") as string | undefined;
  const output = flags.get("output") as string | undefined;
  if (input === undefined) throw new UsageError("-input FILE is required", "supervised");
  if (output === undefined) throw new UsageError("-output PREFIX is required", "supervised");
  const settings = settingsOf(flags);
  const verbose = (flags.get("verbose") as number | undefined) ?? 2;
  const threads = (flags.get("threads") as number | undefined) ?? 1;
  if (threads > 1 && verbose > 0) {
    io.err(`note: supervised training runs on 1 thread (-thread ${threads} ignored)\n`);
  }
  let pretrained;
  const pretrainedPath = flags.get("pretrained-vectors") as string | undefined;
  if (pretrainedPath !== undefined) {
    pretrained = loadVectorTable(await readFileBytes(pretrainedPath), pretrainedPath);
    settings.dim ??= pretrained.dim;
  }
  const source = fileExamples(input, {
    labelPrefix: (settings.labelPrefix as string | undefined) ?? DEFAULT_LABEL_PREFIX,
  });
  let lastDraw = 0;
  const onProgress = verbose > 1
    ? (p: ClassifierProgress) => {
      const t = performance.now();
      if (io.errIsTerminal && (t - lastDraw > 100 || p.progress >= 1)) {
        lastDraw = t;
        io.err(`\r${progressLine(p)}`);
      }
    }
    : undefined;
  let model: Classifier;
  try {
    model = await Classifier.train(source, settings, { pretrained, onProgress });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message, "supervised");
    throw e;
  }
  const paths = modelPaths(output);
  await writeFileAtomic(paths.model, model.encode());
  if (flags.get("vec") !== false) {
    await writeFileAtomic(paths.vec, encodeWord2VecText(model.wordVectors()));
  }
  if (verbose > 0) {
    const s = model.stats!;
    const d = model.dictionary;
    if (io.errIsTerminal && verbose > 1) io.err("\n");
    io.err(
      `Number of words:  ${d.nwords}\nNumber of labels: ${d.nlabels}\n` +
        `Examples: ${s.examples}${s.skipped ? ` (${s.skipped} skipped: no known label)` : ""}` +
        `, n-gram rows: ${d.ngramBuckets.length}\n` +
        `Trained in ${s.trainSeconds.toFixed(2)} s (${s.totalSeconds.toFixed(2)} s with reading)` +
        `, final avg.loss ${s.finalLoss.toFixed(6)}\n` +
        `Saved ${paths.model}${flags.get("vec") !== false ? ` and ${paths.vec}` : ""}\n`,
    );
  }
}

const PREDICT_FLAGS: FlagSpec[] = [
  { name: "prob", kind: "boolean", help: "print each label's probability (predict-prob)" },
  HELP_FLAG,
];

function predictHelp(): string {
  return [
    `Usage: ${PROG} predict MODEL.nsm FILE|- [K] [THRESHOLD]`,
    `       ${PROG} predict-prob MODEL.nsm FILE|- [K] [THRESHOLD]`,
    "",
    "The K most likely labels (default 1) of each line of FILE (- reads stdin), one line of",
    "output per input line, as fastText prints them; predict-prob (or --prob) adds each",
    "label's probability; labels below THRESHOLD (default 0) are left out.",
    "",
    "Flags:",
    ...formatFlags(PREDICT_FLAGS),
    "",
  ].join("\n");
}

async function* inputLines(path: string): AsyncGenerator<string> {
  let stream: ReadableStream<Uint8Array>;
  if (path === "-") stream = Deno.stdin.readable;
  else {
    const bytes = await readFileBytes(path);
    stream = new ReadableStream({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    });
  }
  let pending: string | undefined;
  for await (const piece of readLines(stream)) {
    if (piece.continued && pending !== undefined) {
      pending += piece.text;
      continue;
    }
    if (pending !== undefined) yield pending;
    pending = piece.text;
  }
  if (pending !== undefined) yield pending;
}

function positiveInt(raw: string | undefined, what: string, command: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${what}: ${JSON.stringify(raw)} is not a whole number >= 1`, command);
  }
  return n;
}

function threshold(raw: string | undefined, command: string): number {
  if (raw === undefined) return 0;
  const x = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1) {
    throw new UsageError(`THRESHOLD: ${JSON.stringify(raw)} is not a number in [0, 1]`, command);
  }
  return x;
}

async function loadClassifier(path: string): Promise<Classifier> {
  return await Classifier.load(path);
}

/** `%.3g`-like, as fastText prints with std::setprecision(3). */
export function threeDigits(x: number): string {
  return String(Number(x.toPrecision(3)));
}

function makePredict(name: string, alwaysProb: boolean) {
  return async (args: string[], io: CliIO): Promise<void> => {
    const { flags, positionals } = parseArgs(args, PREDICT_FLAGS, name);
    if (flags.get("help")) {
      io.out(predictHelp());
      return;
    }
    if (positionals.length < 2 || positionals.length > 4) {
      throw new UsageError(`expected MODEL FILE [K] [THRESHOLD]`, name);
    }
    const k = positiveInt(positionals[2], "K", name) ?? 1;
    const th = threshold(positionals[3], name);
    const prob = alwaysProb || flags.get("prob") === true;
    const model = await loadClassifier(positionals[0]);
    const prefix = model.config.labelPrefix;
    let buffer = "";
    for await (const line of inputLines(positionals[1])) {
      const predictions = model.predictTokens(
        splitTokens(line).filter((t) => !t.startsWith(prefix)),
        k,
        th,
      );
      buffer += predictions.map((p) =>
        prob ? `${prefix}${p.label} ${probabilityText(p.probability)}` : `${prefix}${p.label}`
      ).join(" ") + "\n";
      if (buffer.length > 1 << 16) {
        io.out(buffer);
        buffer = "";
      }
    }
    io.out(buffer);
  };
}

function probabilityText(p: number): string {
  // fastText prints min(exp(log p), 1) with its default 6 significant digits.
  return String(Number(Math.min(p, 1).toPrecision(6)));
}

const TEST_FLAGS: FlagSpec[] = [HELP_FLAG];

function testHelp(): string {
  return [
    `Usage: ${PROG} test MODEL.nsm FILE [K]`,
    "",
    "Evaluates a classifier on a labelled file as fastText's test: N (examples with a known",
    "label), P@K (correct labels among the K predicted per line), R@K (correct among the",
    "gold labels), then the accuracy of the best label. K defaults to 1.",
    "",
    "Flags:",
    ...formatFlags(TEST_FLAGS),
    "",
  ].join("\n");
}

async function test(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(args, TEST_FLAGS, "test");
  if (flags.get("help")) {
    io.out(testHelp());
    return;
  }
  if (positionals.length < 2 || positionals.length > 3) {
    throw new UsageError("expected MODEL FILE [K]", "test");
  }
  const k = positiveInt(positionals[2], "K", "test") ?? 1;
  const model = await loadClassifier(positionals[0]);
  const r = await model.test(
    fileExamples(positionals[1], { labelPrefix: model.config.labelPrefix, requireLabels: false }),
    k,
  );
  if (r.examples === 0) {
    throw new Error(
      `${positionals[1]}: no line has a label the model knows (${r.skipped} lines skipped)`,
    );
  }
  io.out(
    `N\t${r.examples}\nP@${k}\t${threeDigits(r.precision)}\nR@${k}\t${threeDigits(r.recall)}\n` +
      `Accuracy\t${threeDigits(r.accuracy)}\n`,
  );
}

export const supervisedCommand: Command = {
  name: "supervised",
  summary: "train a text classifier (fastText's supervised mode)",
  help: supervisedHelp,
  run: supervised,
};

export const predictCommand: Command = {
  name: "predict",
  summary: "most likely labels of each line (a classifier)",
  help: predictHelp,
  run: makePredict("predict", false),
};

export const predictProbCommand: Command = {
  name: "predict-prob",
  summary: "most likely labels of each line, with probabilities",
  help: predictHelp,
  run: makePredict("predict-prob", true),
};

export const testCommand: Command = {
  name: "test",
  summary: "precision and recall at k of a classifier on a labelled file",
  help: testHelp,
  run: test,
};

/** Runs a command and turns errors into a message on stderr and an exit status (2 for a bad
 *  command line, 1 for any other failure), as src/cli/main.ts does. */
export async function runCommand(command: Command, args: string[], io: CliIO): Promise<number> {
  try {
    await command.run(args, io);
    return 0;
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\nrun "${PROG} ${command.name} --help" for usage\n`);
      return 2;
    }
    io.err(`error: ${error.message}\n`);
    return 1;
  }
}

export function runSupervised(args: string[], io: CliIO = denoIO()): Promise<number> {
  return runCommand(supervisedCommand, args, io);
}

export function runPredict(args: string[], io: CliIO = denoIO()): Promise<number> {
  return runCommand(predictCommand, args, io);
}

export function runPredictProb(args: string[], io: CliIO = denoIO()): Promise<number> {
  return runCommand(predictProbCommand, args, io);
}

export function runTest(args: string[], io: CliIO = denoIO()): Promise<number> {
  return runCommand(testCommand, args, io);
}
