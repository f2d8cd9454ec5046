// `train`: trains a model on a corpus and writes it. With no arguments at all it is a demo:
// the built-in public domain corpus, the standard configuration, then nearest neighbours and
// a short evaluation, and both out/model.nsm and out/vectors.vec.
import { DEFAULT_CORPUS_NAME, defaultCorpus } from "../corpus/default.ts";
import { type InvalidUtf8, MAX_PENDING } from "../corpus/lines.ts";
import { type Corpus, fileCorpus } from "../corpus/source.ts";
import { evaluateAnalogies } from "../eval/analogies.ts";
import { evaluateWordPairs } from "../eval/wordpairs.ts";
import { formatFromPath } from "../formats/detect.ts";
import { fileExists, readFileBytes, writeFileAtomic } from "../io/files.ts";
import {
  type CheckpointFile,
  type CorpusFingerprint,
  encodeModelFile,
  loadCheckpoint,
  Model,
  saveCheckpoint,
} from "../model.ts";
import {
  ConfigError,
  defaultLr,
  DEFAULTS,
  resolveConfig,
  type TrainConfig,
} from "../train/config.ts";
import type { TrainProgress } from "../train/progress.ts";
import {
  train,
  type TrainingCheckpoint,
  TrainingDiverged,
  TrainingInterrupted,
} from "../train/trainer.ts";
import type { Vectors } from "../vectors.ts";
import type { VocabStats } from "../vocab.ts";
import type { Vocab } from "../vocab.ts";
import {
  type CliIO,
  type Command,
  displayPath,
  HELP_FLAG,
  PROG,
  repoRoot,
  signalExitCode,
  type StopSignal,
} from "./common.ts";
import {
  flagColumn,
  type FlagKind,
  type FlagSpec,
  formatFlags,
  parseArgs,
  UsageError,
  wrap,
} from "./flags.ts";
import {
  formatCount,
  formatLoss,
  formatPercent,
  formatRate,
  formatSeconds,
  formatSize,
  progressLine,
  progressLogLine,
} from "./progress.ts";

interface ConfigFlag {
  flag: string;
  kind: FlagKind;
  metavar?: string;
  choices?: readonly string[];
  help: string;
  /** Listed under "Advanced" in the help. */
  advanced?: boolean;
}

/**
 * One flag per configuration field. The Record type makes `deno check` fail when a field is
 * added to TrainConfig without a flag; the defaults in the help come from DEFAULTS.
 */
export const CONFIG_FLAGS: Record<keyof TrainConfig, ConfigFlag> = {
  model: {
    flag: "model",
    kind: "choice",
    choices: ["skipgram", "cbow"],
    help: "architecture: skipgram predicts the context words from each word, cbow predicts " +
      "each word from the mean of its context",
  },
  dim: { flag: "dim", kind: "int", metavar: "N", help: "dimension of the word vectors" },
  window: {
    flag: "window",
    kind: "int",
    metavar: "N",
    help: "largest distance between a word and a context word",
  },
  negative: {
    flag: "negative",
    kind: "int",
    metavar: "N",
    help: "noise words drawn for each positive example",
  },
  minCount: {
    flag: "min-count",
    kind: "int",
    metavar: "N",
    help: "ignore words that occur fewer times than this",
  },
  maxVocab: {
    flag: "max-vocab",
    kind: "int",
    metavar: "N",
    help: "keep at most the N most frequent words, 0 for no limit; also bounds the memory " +
      "used while counting",
  },
  sample: {
    flag: "sample",
    kind: "number",
    metavar: "T",
    help: "subsampling threshold, 0 for none: words more frequent than T are randomly " +
      "skipped",
  },
  epochs: { flag: "epochs", kind: "int", metavar: "N", help: "passes over the corpus" },
  lr: {
    flag: "lr",
    kind: "number",
    metavar: "RATE",
    help: "initial learning rate, decaying linearly to --min-lr",
  },
  minLr: { flag: "min-lr", kind: "number", metavar: "RATE", help: "final learning rate" },
  nsExponent: {
    flag: "ns-exponent",
    kind: "number",
    metavar: "X",
    help: "noise words are drawn with probability proportional to count^X",
  },
  seed: {
    flag: "seed",
    kind: "int",
    metavar: "N",
    help: "random seed; on 1 thread, the same seed, corpus and settings give identical " +
      "vectors",
  },
  threads: {
    flag: "threads",
    kind: "int",
    metavar: "N",
    help: "training threads; more than 1 trains in parallel (Hogwild): faster, but the " +
      "result is no longer reproducible (use --threads 1 for identical vectors from a seed)",
  },
  sharedNegatives: {
    flag: "shared-negatives",
    kind: "boolean",
    help: "skip-gram only: draw the noise words once per window and share them across its " +
      "context words (faster, same quality in bench/bench.ts); off draws them per pair, " +
      "as word2vec",
  },
  context: {
    flag: "context",
    kind: "choice",
    choices: ["window", "session"],
    help: "skip-gram only: a word's context is its neighbours within --window (window, as " +
      "word2vec) or every other item of its line (session, as item2vec: one line per user " +
      "session; long lines are sampled down to 2 x --window)",
  },
  chunkTokens: {
    flag: "chunk-tokens",
    kind: "int",
    metavar: "N",
    advanced: true,
    help: "word ids handed to the kernel per call",
  },
};

const CONFIG_FIELDS = Object.keys(CONFIG_FLAGS) as (keyof TrainConfig)[];

/** The default of a configuration field as the help shows it. */
export function defaultText(field: keyof TrainConfig): string {
  if (field === "lr") return `${defaultLr("skipgram")} for skipgram, ${defaultLr("cbow")} for cbow`;
  if (field === "sharedNegatives") return "on for skipgram; --shared-negatives=false turns it off";
  if (field === "threads") return `the number of cores, ${cliDefaultThreads()} here`;
  const value = DEFAULTS[field];
  return typeof value === "boolean" ? (value ? "on" : "off") : String(value);
}

function configSpec(field: keyof TrainConfig): FlagSpec {
  const f = CONFIG_FLAGS[field];
  return {
    name: f.flag,
    kind: f.kind,
    metavar: f.metavar,
    choices: f.choices,
    help: f.help,
    default: defaultText(field),
  };
}

/** Where the output goes when --output is not given. */
export const DEFAULT_OUTPUTS = ["out/model.nsm", "out/vectors.vec"] as const;

const IO_FLAGS: FlagSpec[] = [
  {
    name: "input",
    kind: "string",
    metavar: "FILE",
    help: "training text, plain or gzip: one sentence per line, words separated by " +
      "whitespace and used as they are, so lowercase and strip punctuation beforehand",
    default: `the built-in corpus ${DEFAULT_CORPUS_NAME}`,
  },
  {
    name: "output",
    kind: "string",
    metavar: "FILE",
    help: "where to write, by extension: .vec for word2vec text, .bin for word2vec binary, " +
      ".nsm for the whole model, which can be queried and trained further",
    default: `${DEFAULT_OUTPUTS[1]}, plus the model ${DEFAULT_OUTPUTS[0]}`,
  },
];

/** How often checkpoints are written when checkpointing is on and no interval is given. */
export const DEFAULT_CHECKPOINT_SECONDS = 60;
/** The checkpoint's file name in the output directory when --checkpoint is not given. */
export const CHECKPOINT_NAME = "checkpoint.nsm";

const CHECKPOINT_FLAGS: FlagSpec[] = [
  {
    name: "checkpoint",
    kind: "string",
    metavar: "FILE",
    help: "write training checkpoints (.nsm) to FILE, atomically: at the end of each epoch, " +
      "every --checkpoint-every seconds, and on Ctrl-C or SIGTERM, which always write one; " +
      "deleted once the run completes; a new run never overwrites one left by another",
    default: `${CHECKPOINT_NAME} in the directory of the first output`,
  },
  {
    name: "checkpoint-every",
    kind: "number",
    metavar: "SECONDS",
    help: "seconds between checkpoints; giving this or --checkpoint turns checkpointing on",
    default: String(DEFAULT_CHECKPOINT_SECONDS),
  },
  {
    name: "resume",
    kind: "string",
    metavar: "FILE",
    help: "continue the run a checkpoint was written by, with its corpus, settings and " +
      "outputs (flags given must agree with them; --threads may change): on one thread the " +
      "result is identical to an uninterrupted run",
  },
];

/** What invalid UTF-8 in the corpus does (see src/corpus/lines.ts). */
const INVALID_UTF8_CHOICES = ["replace", "error"] as const;

const OTHER_FLAGS: FlagSpec[] = [
  {
    name: "invalid-utf8",
    kind: "choice",
    choices: INVALID_UTF8_CHOICES,
    help: "corpus bytes that are not UTF-8: replace reads them as U+FFFD and warns with a " +
      "count, error stops at the first with its byte offset",
    default: "replace",
  },
  {
    name: "progress-every",
    kind: "number",
    metavar: "SECONDS",
    help: "seconds between progress lines",
    default: "3, or 0.2 on a terminal",
  },
  {
    name: "quiet",
    short: "q",
    kind: "boolean",
    help: "no progress or status on stderr (results still go to stdout)",
  },
  HELP_FLAG,
];

const MODEL_FIELDS = CONFIG_FIELDS.filter((f) => !CONFIG_FLAGS[f].advanced);
const ADVANCED_FIELDS = CONFIG_FIELDS.filter((f) => CONFIG_FLAGS[f].advanced);

/** Every flag `train` accepts. */
export const TRAIN_FLAGS: FlagSpec[] = [
  ...IO_FLAGS,
  ...CONFIG_FIELDS.map(configSpec),
  ...CHECKPOINT_FLAGS,
  ...OTHER_FLAGS,
];

/** Passes the no-argument demo makes over the built-in corpus: 748k words is little text,
 *  and 5 epochs left WordSim-353 at 0.11 where 20 reach about 0.38. */
export const DEMO_EPOCHS = 20;

/** Words whose neighbours the demo shows, when they are in the vocabulary. */
const PROBES = ["king", "god", "war", "america", "love", "water"];

function trainHelp(): string {
  const column = flagColumn(TRAIN_FLAGS);
  const lines = [
    "negsamp: word embeddings with negative sampling (word2vec skip-gram and CBOW)",
    "",
    "Usage:",
    `  ${PROG} [train] [FLAGS]           train a model (the default command)`,
    `  ${PROG} similar WORD [-k N] [--model PATH]`,
    `  ${PROG} analogy A B C [-k N] [--model PATH]`,
    `  ${PROG} eval analogies FILE [--restrict N] [--model PATH]`,
    `  ${PROG} eval pairs FILE [--model PATH]`,
    `  ${PROG} COMMAND --help            help for a command`,
    "",
    ...wrap(
      "With no arguments at all it trains on the built-in public domain corpus with the " +
        `standard settings but ${DEMO_EPOCHS} epochs (a small corpus needs more passes; about ` +
        "20 s here), shows nearest neighbours and a short evaluation, " +
        `and writes ${DEFAULT_OUTPUTS[0]} and ${DEFAULT_OUTPUTS[1]} for the query commands.`,
      80,
    ),
    "",
    "Input and output:",
    ...formatFlags(IO_FLAGS, 80, column),
    "",
    "Training:",
    ...formatFlags(MODEL_FIELDS.map(configSpec), 80, column),
    "",
    "Advanced:",
    ...formatFlags(ADVANCED_FIELDS.map(configSpec), 80, column),
    "",
    "Checkpoints and interruption:",
    ...formatFlags(CHECKPOINT_FLAGS, 80, column),
    "",
    "Other:",
    ...formatFlags(OTHER_FLAGS, 80, column),
    "",
    ...wrap(
      "Values may also be written --flag=VALUE. Progress and status go to stderr, results " +
        "to stdout. Ctrl-C or SIGTERM during training writes a checkpoint and prints the " +
        "command that resumes the run. Exit status: 0 done, 1 error (file, data, training), " +
        "2 bad command line, 130 interrupted by Ctrl-C, 143 by SIGTERM.",
      80,
    ),
  ];
  return lines.join("\n") + "\n";
}

/** Raised when Ctrl-C (exit status 130) or SIGTERM (143) stops a run. */
export class Interrupted extends Error {
  constructor(message: string, readonly exitCode = 130) {
    super(message);
    this.name = "Interrupted";
  }
}

function kebabToField(): Map<string, keyof TrainConfig> {
  return new Map(CONFIG_FIELDS.map((f) => [CONFIG_FLAGS[f].flag, f]));
}

/** The CLI trains on every core unless told otherwise; the library's default is 1
 *  thread, which is reproducible. */
export function cliDefaultThreads(): number {
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  return Number.isInteger(cores) && cores! >= 1 ? Math.min(cores!, 256) : 1;
}

/** The configuration the flags ask for; a bad value is a UsageError naming the flag. */
export function configFromFlags(flags: Map<string, unknown>): TrainConfig {
  const partial: Record<string, unknown> = { threads: cliDefaultThreads() };
  for (const [flag, field] of kebabToField()) {
    if (flags.has(flag)) partial[field] = flags.get(flag);
  }
  try {
    return resolveConfig(partial as Partial<TrainConfig>);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const known = e.field in CONFIG_FLAGS;
    const flag = known ? `--${CONFIG_FLAGS[e.field as keyof TrainConfig].flag}` : e.field;
    const prefix = `invalid ${e.field}: `;
    const detail = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    throw new UsageError(`${flag}: ${detail}`, "train");
  }
}

function describeConfig(c: TrainConfig): string {
  const parts = [
    `dim ${c.dim}`,
    `window ${c.window}`,
    `negative ${c.negative}`,
    `sample ${c.sample}`,
    `epochs ${c.epochs}`,
    `lr ${c.lr}`,
    `seed ${c.seed}`,
    `${c.threads} thread${c.threads === 1 ? "" : "s"}`,
  ];
  if (c.sharedNegatives && c.model === "skipgram") parts.push("shared negatives");
  if (c.context !== DEFAULTS.context) parts.push(`${c.context} contexts`);
  return `${c.model}: ${parts.join(", ")}`;
}

function formatFromPathOrNull(path: string): string | null {
  try {
    return formatFromPath(path);
  } catch {
    return null;
  }
}

function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}

async function makeDirs(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const dir = dirOf(path);
    if (dir === "." || dir === "/") continue;
    try {
      await Deno.mkdir(dir, { recursive: true });
    } catch (e) {
      throw new Error(`cannot create the output directory ${dir}: ${(e as Error).message}`);
    }
  }
}

/** A path as it can be pasted into a shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** What the command line keeps in a checkpoint's header to resume the run without flags. */
interface CliState {
  /** The corpus file, or null for the built-in corpus. */
  input: string | null;
  outputs: string[];
}

function cliStateOf(saved: CheckpointFile): Partial<CliState> {
  const raw = saved.extra.cli;
  if (typeof raw !== "object" || raw === null) return {};
  const { input, outputs } = raw as Record<string, unknown>;
  return {
    input: typeof input === "string" || input === null ? input : undefined,
    outputs: Array.isArray(outputs) && outputs.length > 0 &&
        outputs.every((o) => typeof o === "string" && o !== "")
      ? outputs as string[]
      : undefined,
  };
}

/**
 * The configuration of a resumed run: the checkpoint's. Configuration flags given as well
 * must agree with it (a run continues with the settings it started with), except --threads.
 */
function resumedConfig(flags: Map<string, unknown>, saved: TrainConfig, path: string): TrainConfig {
  for (const [flag, field] of kebabToField()) {
    if (!flags.has(flag) || field === "threads") continue;
    const given = flags.get(flag);
    if (given !== saved[field]) {
      throw new UsageError(
        `--${flag} ${given}: the run in ${path} was started with ${flag} ${saved[field]}, and ` +
          `a resumed run keeps its settings (drop the flag, or start a new run without --resume)`,
        "train",
      );
    }
  }
  const threads = flags.has("threads") ? flags.get("threads") as number : saved.threads;
  return resolveConfig({ ...saved, threads });
}

/** A checkpoint's vocabulary must be the one counted again from the corpus. */
function sameVocab(a: Vocab, b: Vocab): boolean {
  if (a.size !== b.size) return false;
  for (let i = 0; i < a.size; i++) {
    if (a.words[i] !== b.words[i] || a.counts[i] !== b.counts[i]) return false;
  }
  return true;
}

function positiveSeconds(flags: Map<string, unknown>, flag: string): number | undefined {
  if (!flags.has(flag)) return undefined;
  const value = flags.get(flag) as number;
  if (!(value > 0 && value <= 1e9)) {
    throw new UsageError(`--${flag}: ${value} is out of range (above 0, at most 1e9)`, "train");
  }
  return value;
}

function describePosition(c: TrainingCheckpoint): string {
  const done = c.wordsDone / Math.max(1, c.vocab.totalCount * c.config.epochs);
  return `epoch ${c.epoch} of ${c.config.epochs}, ${formatPercent(Math.min(1, done))} done`;
}

async function run(args: string[], io: CliIO): Promise<void> {
  const demo = args.length === 0;
  const { flags, positionals } = parseArgs(args, TRAIN_FLAGS, "train");
  if (flags.get("help")) {
    io.out(trainHelp());
    return;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])}; ` +
        `give the corpus with --input FILE`,
      "train",
    );
  }
  const quiet = flags.get("quiet") === true;
  const status = (text: string) => {
    if (!quiet) io.err(text + "\n");
  };
  const checkpointEvery = positiveSeconds(flags, "checkpoint-every");
  const progressEvery = positiveSeconds(flags, "progress-every");

  // Resuming: the checkpoint supplies the settings, the corpus and the outputs.
  const resumePath = flags.get("resume") as string | undefined;
  let saved: CheckpointFile | undefined;
  if (resumePath !== undefined) {
    if (!(await fileExists(resumePath))) throw new Error(`--resume: ${resumePath}: no such file`);
    saved = await loadCheckpoint(resumePath);
  }
  const state = saved ? cliStateOf(saved) : {};
  const config = saved
    ? resumedConfig(flags, saved.checkpoint.config, resumePath!)
    : demo
    ? { ...configFromFlags(flags), epochs: DEMO_EPOCHS }
    : configFromFlags(flags);

  const outputs = flags.has("output")
    ? [flags.get("output") as string]
    : state.outputs ?? [...DEFAULT_OUTPUTS];
  for (const path of outputs) {
    try {
      formatFromPath(path);
    } catch (e) {
      throw new UsageError(`--output: ${(e as Error).message}`, "train");
    }
  }

  // Checkpoints: always written on Ctrl-C/SIGTERM; also periodically when asked for.
  const periodic = flags.has("checkpoint") || checkpointEvery !== undefined || saved !== undefined;
  const checkpointPath = (flags.get("checkpoint") as string | undefined) ?? resumePath ??
    `${dirOf(outputs[0]) === "." ? "" : dirOf(outputs[0]) + "/"}${CHECKPOINT_NAME}`;
  if (formatFromPathOrNull(checkpointPath) !== "native") {
    throw new UsageError(
      `--checkpoint: ${checkpointPath}: a checkpoint is a negsamp model file; name it *.nsm`,
      "train",
    );
  }
  if (outputs.includes(checkpointPath)) {
    throw new UsageError(
      `--checkpoint: ${checkpointPath} is also the output; give the checkpoint another name`,
      "train",
    );
  }
  // (a path that cannot be checked, e.g. under a file, is reported by makeDirs below)
  if (saved === undefined && await fileExists(checkpointPath).catch(() => false)) {
    throw new Error(
      `${checkpointPath} already exists: it holds the checkpoint of an unfinished run. ` +
        `Resume that run with "${PROG} --resume ${shellQuote(checkpointPath)}", or delete the ` +
        `file (or pass --checkpoint OTHER.nsm) to start afresh; it is never overwritten by ` +
        `a new run`,
    );
  }

  const inputPath = flags.has("input")
    ? flags.get("input") as string
    : state.input === undefined
    ? undefined
    : state.input ?? undefined;
  const invalidUtf8 = (flags.get("invalid-utf8") ?? "replace") as InvalidUtf8;
  let corpus: Corpus;
  if (inputPath !== undefined) {
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.stat(inputPath);
    } catch {
      info = undefined;
    }
    if (info === undefined) {
      throw new Error(
        `--input: ${inputPath}: no such file` +
          (saved && !flags.has("input")
            ? ` (the corpus the checkpoint was trained on; pass --input FILE if it moved)`
            : ""),
      );
    }
    if (info.isDirectory) throw new Error(`--input: ${inputPath} is a directory, not a file`);
    if (info.size === 0) {
      throw new Error(`--input: ${inputPath} is empty; give a text file with words in it`);
    }
    const warned = new Set<string>();
    const warn = (message: string) => {
      if (!warned.has(message)) status(`warning: ${message}`);
      warned.add(message);
    };
    corpus = fileCorpus(inputPath, {
      invalidUtf8,
      onReport(r) {
        if (r.invalidUtf8 > 0) {
          warn(
            `${inputPath}: ${formatCount(r.invalidUtf8)} invalid UTF-8 sequence` +
              `${r.invalidUtf8 === 1 ? "" : "s"} read as U+FFFD (the first at byte offset ` +
              `${r.firstInvalidOffset}); --invalid-utf8 error refuses such input`,
          );
        }
        if (r.droppedRuns > 0) {
          warn(
            `${inputPath}: dropped ${formatCount(r.droppedRuns)} run${
              r.droppedRuns === 1 ? "" : "s"
            } of over ${formatCount(MAX_PENDING)} characters without whitespace (not words)`,
          );
        }
      },
    });
  } else {
    corpus = await defaultCorpus();
    status(
      `no --input given: training on the built-in corpus ${DEFAULT_CORPUS_NAME} ` +
        `(public domain: US presidential addresses, Genesis, Shakespeare)` +
        (demo ? `; see ${PROG} --help for every option` : ""),
    );
  }
  await makeDirs([...outputs, checkpointPath]); // before training: a bad path wastes no run

  if (saved) {
    status(
      `resuming the run in ${resumePath} (${describePosition(saved.checkpoint)}); ` +
        `counting words in ${corpus.name} again to check it is the same corpus ...`,
    );
  } else status(`counting words in ${corpus.name} ...`);
  const tty = io.errIsTerminal;
  let drawn = false;
  const onProgress = (p: TrainProgress) => {
    if (quiet) return;
    if (tty) {
      io.err(`\r${progressLine(p, io.columns)}\x1b[K`);
      drawn = true;
    } else io.err(progressLogLine(p) + "\n");
  };
  let fingerprint: CorpusFingerprint | undefined;
  let counting = true;
  const onVocab = (vocab: Vocab, stats: VocabStats) => {
    counting = false;
    fingerprint = {
      name: corpus.name,
      tokens: stats.tokens,
      sentences: stats.sentences,
      distinct: stats.distinct,
    };
    if (saved) checkSameCorpus(saved, resumePath!, fingerprint, vocab, status);
    status(
      `corpus: ${formatCount(stats.tokens)} words in ${formatCount(stats.sentences)} ` +
        `sentences, ${formatCount(stats.distinct)} distinct; vocabulary: ` +
        `${formatCount(vocab.size)} words occurring at least ${formatCount(config.minCount)} ` +
        `time${config.minCount === 1 ? "" : "s"}` +
        (config.maxVocab > 0 ? ` (at most ${formatCount(config.maxVocab)})` : ""),
    );
    status(`training ${describeConfig(config)}`);
  };

  const controller = new AbortController();
  let stopSignal: StopSignal = "SIGINT";
  const stopTrap = io.onInterrupt?.((signal) => {
    stopSignal = signal ?? "SIGINT";
    controller.abort();
  });
  const stopped = (what: string) =>
    new Interrupted(
      `interrupted (${stopSignal === "SIGINT" ? "Ctrl-C" : stopSignal}) ${what}`,
      signalExitCode(stopSignal),
    );
  // Counting the vocabulary of a large corpus takes a while: a stop then ends it at once.
  const watched: Corpus = {
    name: corpus.name,
    async *sentences() {
      for await (const sentence of corpus.sentences()) {
        if (counting && controller.signal.aborted) {
          throw stopped("while counting words; nothing was written");
        }
        yield sentence;
      }
    },
  };
  const cliState: CliState = { input: inputPath ?? null, outputs };
  let lastWritten: TrainingCheckpoint | undefined;
  let writeFailed = false;
  const writeCheckpoint = async (c: TrainingCheckpoint) => {
    try {
      await saveCheckpoint(checkpointPath, c, { corpus: fingerprint, cli: cliState });
      lastWritten = c;
    } catch (e) {
      const message = `cannot write the checkpoint ${checkpointPath}: ${(e as Error).message}`;
      if (controller.signal.aborted) throw new Error(message);
      if (!writeFailed) status(`warning: ${message}; training goes on`);
      writeFailed = true;
    }
  };
  let model: Model;
  try {
    model = Model.fromTrained(
      await train(watched, config, {
        onProgress,
        onVocab,
        progressIntervalMs: (progressEvery ?? (tty ? 0.2 : 3)) * 1000,
        signal: controller.signal,
        onNotice: (message) => status(message),
        onCheckpoint: (c) => periodic || controller.signal.aborted ? writeCheckpoint(c) : undefined,
        checkpointSeconds: periodic ? checkpointEvery ?? DEFAULT_CHECKPOINT_SECONDS : undefined,
        resume: saved?.checkpoint,
      }),
    );
  } catch (e) {
    if (drawn) io.err("\n");
    drawn = false;
    if (e instanceof Interrupted) throw e;
    if (e instanceof TrainingInterrupted) {
      const c = e.checkpoint;
      if (c === undefined || c !== lastWritten) throw stopped("before a checkpoint was written");
      throw stopped(
        `in ${describePosition(c)}: checkpoint written to ${checkpointPath}\n` +
          `resume with: ${PROG} --resume ${shellQuote(checkpointPath)}`,
      );
    }
    if (e instanceof TrainingDiverged && lastWritten !== undefined) {
      throw new Error(
        `${e.message}. The last good checkpoint (${describePosition(lastWritten)}) is kept ` +
          `in ${checkpointPath}: delete it to start again with a lower --lr`,
      );
    }
    throw e;
  } finally {
    stopTrap?.();
    if (drawn) io.err("\n");
  }

  const s = model.stats;
  io.out(
    `trained ${config.model} on ${corpus.name}: ${formatCount(model.vocab.size)} words x ` +
      `${config.dim}, ${config.epochs} epoch${config.epochs === 1 ? "" : "s"} over ` +
      `${formatCount(s.corpusTokens / config.epochs)} words in ${formatSeconds(s.seconds)} ` +
      `(${formatRate(s.wordsPerSecond)} words/s), final loss ${formatLoss(s.finalLoss)}\n`,
  );
  for (const path of outputs) {
    const bytes = encodeModelFile(model, path);
    await writeFileAtomic(path, bytes);
    const format = formatFromPath(path);
    const what = format === "native"
      ? "model: vocabulary, settings, input and output vectors"
      : `${formatCount(model.vocab.size)} vectors, ${
        format === "bin"
          ? "word2vec binary"
          : format === "quantized"
          ? "int8 quantized"
          : "word2vec text"
      }`;
    io.out(`wrote ${path} (${formatSize(bytes.length)}; ${what})\n`);
  }
  // The run is complete and its outputs are safely written: its checkpoint has served.
  if (lastWritten !== undefined || saved !== undefined) {
    try {
      await Deno.remove(checkpointPath);
      status(`removed the checkpoint ${checkpointPath} (the run is complete)`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        status(`warning: cannot remove the checkpoint ${checkpointPath}: ${(e as Error).message}`);
      }
    }
  }

  if (inputPath === undefined) {
    const vectors = await model.vectors();
    showNeighbours(vectors, io);
    await showEvaluation(vectors, io);
    io.out(
      "  (750k words is little text for word2vec: these scores are a smoke test, not a " +
        "benchmark)\n",
    );
  }
  const query = outputs.length === 1 && outputs[0] !== DEFAULT_OUTPUTS[1]
    ? ` --model ${outputs[0]}`
    : "";
  const example = PROBES.find((w) => model.vocab.id(w) >= 0) ?? model.vocab.words[0];
  status(`query it: ${PROG} similar ${example}${query}`);
}

/** Refuses to resume on a corpus other than the one the checkpoint was trained on. */
function checkSameCorpus(
  saved: CheckpointFile,
  path: string,
  now: CorpusFingerprint,
  vocab: Vocab,
  status: (text: string) => void,
): void {
  const was = saved.corpus;
  const describe = (f: CorpusFingerprint) =>
    `${f.name} (${formatCount(f.tokens)} words in ${formatCount(f.sentences)} sentences, ` +
    `${formatCount(f.distinct)} distinct)`;
  const differs = was !== undefined &&
    (was.tokens !== now.tokens || was.sentences !== now.sentences ||
      was.distinct !== now.distinct);
  if (differs || !sameVocab(vocab, saved.checkpoint.vocab)) {
    throw new Error(
      `--resume: ${path} was trained on ${was ? describe(was) : "another corpus"}, but ` +
        `${describe(now)} differs` + (differs ? "" : " in its vocabulary") +
        `; resume with the same corpus and settings`,
    );
  }
  if (was !== undefined && was.name !== now.name) {
    status(`the corpus ${now.name} has the same words as ${was.name}, which it was trained on`);
  }
}

function showNeighbours(vectors: Vectors, io: CliIO): void {
  const probes = PROBES.filter((w) => vectors.has(w));
  if (probes.length === 0) return;
  io.out("\nnearest neighbours (cosine similarity):\n");
  const width = Math.max(...probes.map((w) => w.length));
  for (const word of probes) {
    const list = vectors.mostSimilar(word, [], 5)
      .map((n) => `${n.word} ${n.score.toFixed(2)}`)
      .join(", ");
    io.out(`  ${word.padEnd(width)}  ${list}\n`);
  }
}

async function readText(path: string): Promise<string> {
  return new TextDecoder().decode(await readFileBytes(path));
}

async function showEvaluation(vectors: Vectors, io: CliIO): Promise<void> {
  io.out("\nevaluation:\n");
  const root = repoRoot();
  if (root === undefined) {
    io.out("  skipped: the program is not running from a local checkout\n");
    return;
  }
  const mini = root + "data/mini-analogies.txt";
  if (await fileExists(mini)) {
    const shown = displayPath(mini, io.cwd);
    const r = evaluateAnalogies(vectors, await readText(mini), { name: shown });
    io.out(
      `  built-in analogy check (${shown}): ${r.correct}/${r.total} correct ` +
        `(${formatPercent(r.accuracy)})` + (r.skipped > 0 ? `, ${r.skipped} skipped` : "") + "\n",
    );
  } else io.out(`  built-in analogy check skipped: ${displayPath(mini, io.cwd)} is missing\n`);

  const evalDir = root + "../shared/data/eval/";
  const shownDir = displayPath(evalDir, io.cwd);
  if (!(await fileExists(evalDir))) {
    io.out(
      `  WordSim-353 and Google analogies skipped: ${shownDir} does not exist (the shared ` +
        `evaluation data is not part of the repository; run "${PROG} eval pairs FILE" and ` +
        `"${PROG} eval analogies FILE" on your own copies)\n`,
    );
    return;
  }
  const pairsPath = evalDir + "wordsim353.tsv";
  if (await fileExists(pairsPath)) {
    const shown = displayPath(pairsPath, io.cwd);
    const r = evaluateWordPairs(vectors, await readText(pairsPath), { name: shown });
    io.out(
      `  WordSim-353 (${shown}): Spearman ${r.spearman.toFixed(3)} over ${r.used} of ` +
        `${r.pairs} pairs (${formatPercent(r.oovRatio)} out of vocabulary)\n`,
    );
  } else io.out(`  WordSim-353 skipped: ${displayPath(pairsPath, io.cwd)} is missing\n`);
  const analogyPath = evalDir + "questions-words.txt";
  if (await fileExists(analogyPath)) {
    const shown = displayPath(analogyPath, io.cwd);
    const r = evaluateAnalogies(vectors, await readText(analogyPath), { name: shown });
    io.out(
      `  Google analogies (${shown}): ${formatPercent(r.accuracy)} (${formatCount(r.correct)}/` +
        `${formatCount(r.total)}; semantic ${formatPercent(r.semantic.accuracy)}, syntactic ` +
        `${formatPercent(r.syntactic.accuracy)}; ${formatCount(r.skipped)} of ` +
        `${formatCount(r.questions)} questions skipped for a word outside the vocabulary)\n`,
    );
  } else io.out(`  Google analogies skipped: ${displayPath(analogyPath, io.cwd)} is missing\n`);
}

export const trainCommand: Command = {
  name: "train",
  summary: "train a model on a corpus (the default command)",
  help: trainHelp,
  run,
};
