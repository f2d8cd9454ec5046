// The recommendation subcommands:
//   train-items    item2vec on interactions (CSV/TSV) or sessions (one per line) -> item model
//   similar-items  the items closest to an item
//   recommend      next items for a history
// Each is a Command for main.ts's COMMANDS; runItems runs one on its own (args[0] names it).
import { fileCorpus } from "../corpus/source.ts";
import { formatFromPath } from "../formats/detect.ts";
import { fileExists } from "../io/files.ts";
import { type InteractionOptions, readInteractions } from "../recsys/interactions.ts";
import {
  DEFAULT_RECENCY_HALF_LIFE,
  ITEM2VEC_DEFAULTS,
  type ItemRecommender,
  loadItemRecommender,
  saveItemModel,
  trainItems,
} from "../recsys/recommender.ts";
import { buildSessions, type DedupeMode } from "../recsys/sessions.ts";
import { readTitles, type Titles } from "../recsys/titles.ts";
import type { TrainedModel } from "../train/trainer.ts";
import { ConfigError, DEFAULTS, type TrainConfig } from "../train/config.ts";
import {
  type CliIO,
  type Command,
  denoIO,
  displayPath,
  HELP_FLAG,
  kSpec,
  kValue,
  PROG,
} from "./common.ts";
import {
  closest,
  type FlagSpec,
  type FlagValue,
  formatFlags,
  parseArgs,
  UsageError,
} from "./flags.ts";
import { formatCount, formatSeconds, formatSize, progressLine } from "./progress.ts";
import { Interrupted } from "./train.ts";

/** Where train-items writes and the query commands read by default. */
export const DEFAULT_ITEM_MODEL = "out/items.nsm";

const DELIMITERS: Record<string, InteractionOptions["delimiter"]> = {
  auto: "auto",
  comma: ",",
  ",": ",",
  tab: "\t",
  "\t": "\t",
  "\\t": "\t",
  semicolon: ";",
  ";": ";",
  pipe: "|",
  "|": "|",
};

function delimiterOf(value: string | undefined, command: string): InteractionOptions["delimiter"] {
  if (value === undefined) return "auto";
  const d = DELIMITERS[value.toLowerCase()] ?? DELIMITERS[value];
  if (d === undefined) {
    throw new UsageError(
      `--delimiter: ${JSON.stringify(value)} is not one of auto, comma, tab, semicolon, pipe`,
      command,
    );
  }
  return d;
}

const show = (v: unknown) => v === undefined ? undefined : String(v);

const TRAIN_FLAGS: FlagSpec[] = [
  {
    name: "interactions",
    kind: "string",
    metavar: "FILE",
    help: "CSV/TSV of interactions: user, item, timestamp and optional rating columns " +
      "(gzip is fine); one session per user, in time order",
  },
  {
    name: "sessions",
    kind: "string",
    metavar: "FILE",
    help: "instead of --interactions: one session per line, item ids separated by spaces",
  },
  {
    name: "output",
    short: "o",
    kind: "string",
    metavar: "FILE",
    help: "where to write the item model: .nsm (both tables and popularity; needed for the " +
      "best recommendations), .vec or .bin (input vectors only)",
    default: DEFAULT_ITEM_MODEL,
  },
  {
    name: "user-col",
    kind: "string",
    metavar: "COL",
    help: "user column: header name or 0-based position",
    default: "userId/user/...; else 0",
  },
  {
    name: "item-col",
    kind: "string",
    metavar: "COL",
    help: "item column: header name or 0-based position",
    default: "movieId/item/...; else 1",
  },
  {
    name: "time-col",
    kind: "string",
    metavar: "COL",
    help: "timestamp column (numbers, or ISO 8601 dates): header name, 0-based position, or " +
      "none to keep the file order",
    default: "timestamp/time/...",
  },
  {
    name: "rating-col",
    kind: "string",
    metavar: "COL",
    help: "rating column: header name, 0-based position or none",
    default: "rating/score/...",
  },
  {
    name: "min-rating",
    kind: "number",
    metavar: "X",
    help: "keep only interactions rated at least X",
  },
  {
    name: "session-gap",
    kind: "number",
    metavar: "SECONDS",
    help: "start a new session when a user is idle longer than this (in the time column's " +
      "unit: seconds for Unix times and ISO dates)",
  },
  {
    name: "delimiter",
    kind: "string",
    metavar: "SEP",
    help: "field separator: auto, comma, tab, semicolon or pipe (or , ; | \\t)",
    default: "auto",
  },
  {
    name: "header",
    kind: "choice",
    choices: ["auto", "yes", "no"],
    help: "whether line 1 is a header (auto: it names a usual column, or its timestamp " +
      "does not parse)",
    default: "auto",
  },
  {
    name: "dedupe",
    kind: "choice",
    choices: ["consecutive", "all", "none"],
    help: "repeats of an item within a session: collapse consecutive repeats, keep only the " +
      "first of each item, or keep every row",
    default: "consecutive",
  },
  {
    name: "context",
    kind: "choice",
    choices: ["window", "session"],
    help: "context of an item: its neighbours within --window (word2vec), or the whole " +
      "session (item2vec; sampled down to 2 x window items in long sessions)",
    default: show(ITEM2VEC_DEFAULTS.context),
  },
  {
    name: "ns-exponent",
    kind: "number",
    metavar: "X",
    help: "noise items are drawn with probability proportional to count^X (1: by " +
      "popularity, 0: uniformly, negative: favouring rare items)",
    default: show(ITEM2VEC_DEFAULTS.nsExponent),
  },
  {
    name: "epochs",
    kind: "int",
    metavar: "N",
    help: "passes over the sessions",
    default: show(ITEM2VEC_DEFAULTS.epochs),
  },
  {
    name: "dim",
    kind: "int",
    metavar: "N",
    help: "dimension of the item vectors",
    default: show(ITEM2VEC_DEFAULTS.dim ?? DEFAULTS.dim),
  },
  {
    name: "window",
    kind: "int",
    metavar: "N",
    help: "largest distance to a context item (session context: 2N items sampled per item)",
    default: show(ITEM2VEC_DEFAULTS.window),
  },
  {
    name: "negative",
    kind: "int",
    metavar: "N",
    help: "noise items per positive pair",
    default: show(ITEM2VEC_DEFAULTS.negative ?? DEFAULTS.negative),
  },
  {
    name: "min-count",
    kind: "int",
    metavar: "N",
    help: "drop items with fewer interactions",
    default: show(ITEM2VEC_DEFAULTS.minCount),
  },
  {
    name: "sample",
    kind: "number",
    metavar: "X",
    help: "subsampling threshold of popular items (0 = off; use 0 on small logs, where " +
      "every item counts as frequent)",
    default: show(ITEM2VEC_DEFAULTS.sample ?? DEFAULTS.sample),
  },
  { name: "lr", kind: "number", metavar: "X", help: "initial learning rate", default: "0.025" },
  {
    name: "seed",
    kind: "int",
    metavar: "N",
    help: "random seed (with 1 thread, the same seed gives the same model)",
    default: String(DEFAULTS.seed),
  },
  {
    name: "threads",
    kind: "int",
    metavar: "N",
    help: "training threads",
    default: String(DEFAULTS.threads),
  },
  HELP_FLAG,
];

const ITEM_MODEL_FLAG: FlagSpec = {
  name: "model",
  kind: "string",
  metavar: "PATH",
  help: "item model to query (.nsm from train-items; .vec/.bin work with input vectors only)",
  default: DEFAULT_ITEM_MODEL,
};
const TITLES_FLAG: FlagSpec = {
  name: "titles",
  kind: "string",
  metavar: "FILE",
  help: "CSV/TSV of display names (id in the first column, title in a column named " +
    "title/name or the second), e.g. MovieLens movies.csv; items may then be given by title",
};
const K = 10;
const SIMILAR_FLAGS: FlagSpec[] = [
  ITEM_MODEL_FLAG,
  TITLES_FLAG,
  kSpec(K, "how many items to show"),
  HELP_FLAG,
];
const RECOMMEND_FLAGS: FlagSpec[] = [
  ITEM_MODEL_FLAG,
  TITLES_FLAG,
  kSpec(K, "how many items to recommend"),
  {
    name: "include-seen",
    kind: "boolean",
    help: "allow the history's own items in the recommendations",
  },
  {
    name: "recency",
    kind: "string",
    metavar: "N|off",
    help: "weight recent items more: the item N places before the last counts half as much " +
      "(off: a plain mean, for an unordered set of items)",
    default: String(DEFAULT_RECENCY_HALF_LIFE),
  },
  {
    name: "scoring",
    kind: "choice",
    choices: ["output", "input"],
    help: "score items by their output vectors (what tends to come with the history) or by " +
      "their input vectors (similar items)",
    default: "output if the model has them",
  },
  HELP_FLAG,
];

function trainHelp(): string {
  return [
    `Usage: ${PROG} train-items (--interactions FILE | --sessions FILE) [flags]`,
    "",
    "Trains item vectors with negative sampling on sessions of item ids (item2vec): each",
    "user's interactions in time order (split on --session-gap), or the lines of a sessions",
    "file. Defaults come from the MovieLens sweep of bench/recsys.ts. Query the result with",
    "similar-items and recommend.",
    "",
    "Flags:",
    ...formatFlags(TRAIN_FLAGS),
    "",
    "Example:",
    `  ${PROG} train-items --interactions ratings.csv --min-rating 3.5 -o out/items.nsm`,
    "",
  ].join("\n");
}

function similarHelp(): string {
  return [
    `Usage: ${PROG} similar-items ITEM [--model PATH] [--titles FILE] [-k N]`,
    "",
    "The items closest to ITEM (cosine of the item vectors), best first. With --titles, ITEM",
    "may also be a title or part of one.",
    "",
    "Flags:",
    ...formatFlags(SIMILAR_FLAGS),
    "",
  ].join("\n");
}

function recommendHelp(): string {
  return [
    `Usage: ${PROG} recommend ITEM [ITEM ...] [--model PATH] [--titles FILE] [-k N]`,
    "",
    "Recommendations for a history of items, oldest first: every item is scored against the",
    "recency-weighted mean of the history's vectors; the history's items are left out unless",
    "--include-seen. Unknown items are skipped; with none known, the most popular items.",
    "",
    "Flags:",
    ...formatFlags(RECOMMEND_FLAGS),
    "",
  ].join("\n");
}

// ---------- train-items ----------

function columnSpec(
  flag: string,
  value: FlagValue | undefined,
  allowNone: boolean,
): string | number | null | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (allowNone && text.toLowerCase() === "none") return null;
  if (/^\d+$/.test(text)) return Number(text);
  if (/^-\d+$/.test(text)) {
    throw new UsageError(`--${flag}: ${text} is not a column (positions start at 0)`);
  }
  return text;
}

const TRAIN_SETTING_FLAGS: [string, keyof TrainConfig][] = [
  ["context", "context"],
  ["ns-exponent", "nsExponent"],
  ["epochs", "epochs"],
  ["dim", "dim"],
  ["window", "window"],
  ["negative", "negative"],
  ["min-count", "minCount"],
  ["sample", "sample"],
  ["lr", "lr"],
  ["seed", "seed"],
  ["threads", "threads"],
];

async function runTrain(args: string[], io: CliIO): Promise<void> {
  const command = "train-items";
  const { flags, positionals } = parseArgs(args, TRAIN_FLAGS, command);
  if (flags.get("help")) {
    io.out(trainHelp());
    return;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(positionals[0])}; give the data with ` +
        `--interactions FILE or --sessions FILE`,
      command,
    );
  }
  const interactions = flags.get("interactions") as string | undefined;
  const sessionsFile = flags.get("sessions") as string | undefined;
  if ((interactions === undefined) === (sessionsFile === undefined)) {
    throw new UsageError(
      `${command}: give exactly one of --interactions FILE and --sessions FILE`,
      command,
    );
  }
  const csvOnly = [
    "user-col",
    "item-col",
    "time-col",
    "rating-col",
    "min-rating",
    "session-gap",
    "delimiter",
    "header",
    "dedupe",
  ];
  if (sessionsFile !== undefined) {
    const given = csvOnly.find((f) => flags.has(f));
    if (given) {
      throw new UsageError(
        `${command}: --${given} applies to --interactions, not to --sessions`,
        command,
      );
    }
  }
  const output = (flags.get("output") as string | undefined) ?? DEFAULT_ITEM_MODEL;
  try {
    formatFromPath(output);
  } catch (e) {
    throw new UsageError(`--output: ${(e as Error).message}`, command);
  }
  const settings: Partial<TrainConfig> = {};
  for (const [flag, field] of TRAIN_SETTING_FLAGS) {
    const v = flags.get(flag);
    if (v !== undefined) (settings as Record<string, unknown>)[field] = v;
  }
  const start = performance.now();
  let corpus;
  if (interactions !== undefined) {
    const input = interactions;
    if (!(await fileExists(input))) throw new Error(`--interactions: ${input}: no such file`);
    const table = await readInteractions(input, {
      delimiter: delimiterOf(flags.get("delimiter") as string | undefined, command),
      header: (flags.get("header") as "auto" | "yes" | "no" | undefined) ?? "auto",
      user: columnSpec("user-col", flags.get("user-col"), false) ?? undefined,
      item: columnSpec("item-col", flags.get("item-col"), false) ?? undefined,
      time: columnSpec("time-col", flags.get("time-col"), true),
      rating: columnSpec("rating-col", flags.get("rating-col"), true),
    });
    const minRating = flags.get("min-rating") as number | undefined;
    if (minRating !== undefined && table.columns.rating === null) {
      throw new UsageError(
        `--min-rating: ${displayPath(input, io.cwd)} has no rating column; name it with ` +
          `--rating-col`,
        command,
      );
    }
    const gap = flags.get("session-gap") as number | undefined;
    if (gap !== undefined && !(gap > 0)) {
      throw new UsageError(`--session-gap: ${gap} is not a positive number of seconds`, command);
    }
    const { sessions, stats } = buildSessions(table.rows, {
      minRating,
      sessionGap: gap,
      dedupe: (flags.get("dedupe") as DedupeMode | undefined) ?? "consecutive",
    });
    const c = table.columns;
    io.err(
      `${displayPath(input, io.cwd)}: ${formatCount(table.rows.length)} rows (user ` +
        `${JSON.stringify(c.user.name)}, item ${JSON.stringify(c.item.name)}, ` +
        (c.time ? `time ${JSON.stringify(c.time.name)}` : "no time column: file order") +
        (c.rating ? `, rating ${JSON.stringify(c.rating.name)}` : "") + `)\n`,
    );
    const dropped = [
      stats.belowRating > 0 ? `${formatCount(stats.belowRating)} below --min-rating` : "",
      stats.repeats > 0 ? `${formatCount(stats.repeats)} repeats` : "",
    ].filter((s) => s !== "").join(", ");
    io.err(
      `${formatCount(stats.sessions)} sessions of ${formatCount(stats.users)} users, ` +
        `${formatCount(stats.interactions)} interactions with ${formatCount(stats.items)} items` +
        (dropped ? ` (dropped ${dropped})` : "") + "\n",
    );
    if (stats.interactions === 0) throw new Error("no interactions left to train on");
    corpus = sessions;
  } else {
    const input = sessionsFile!;
    if (!(await fileExists(input))) throw new Error(`--sessions: ${input}: no such file`);
    corpus = fileCorpus(input);
  }
  const controller = new AbortController();
  const stopTrap = io.onInterrupt?.(() => controller.abort());
  let trained: TrainedModel | undefined;
  let rec: ItemRecommender;
  let lastDraw = 0;
  try {
    rec = await trainItems(corpus, settings, {
      signal: controller.signal,
      onNotice: (m) => io.err(m + "\n"),
      onTrained: (m) => trained = m,
      onProgress: (p) => {
        if (!io.errIsTerminal) return;
        io.err(`\r${progressLine(p, io.columns)}\x1b[K`);
        lastDraw = performance.now();
      },
    });
  } catch (e) {
    if (controller.signal.aborted) throw new Interrupted("interrupted; nothing was written");
    if (e instanceof ConfigError) throw new UsageError(e.message, command);
    throw e;
  } finally {
    stopTrap?.();
    if (lastDraw > 0) io.err("\n");
  }
  const config = trained!.config;
  await ensureDir(output);
  await saveItemModel(rec, output, { config });
  const size = (await Deno.stat(output)).size;
  io.err(
    `trained ${formatCount(rec.size)} items (dim ${config.dim}, ${config.context} context, ` +
      `ns_exponent ${config.nsExponent}, ${config.epochs} epochs) in ` +
      `${formatSeconds((performance.now() - start) / 1000)}; wrote ` +
      `${displayPath(output, io.cwd)} (${formatSize(size)})\n`,
  );
}

async function ensureDir(path: string): Promise<void> {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (i > 0) await Deno.mkdir(path.slice(0, i), { recursive: true });
}

// ---------- queries ----------

async function openModel(
  given: string | undefined,
): Promise<{ path: string; rec: ItemRecommender }> {
  const path = given ?? DEFAULT_ITEM_MODEL;
  if (!(await fileExists(path))) {
    throw new Error(
      given === undefined
        ? `no item model at ${path}: train one first (${PROG} train-items ...) or pass --model PATH`
        : `--model: ${path}: no such file`,
    );
  }
  return { path, rec: await loadItemRecommender(path) };
}

/** The item an argument names: an id, or with titles an exact title or a unique part of one. */
function resolveItem(arg: string, rec: ItemRecommender, titles: Titles | undefined, path: string) {
  if (rec.has(arg)) return arg;
  if (titles) {
    const needle = arg.toLowerCase();
    const known = [...titles.names].filter(([id]) => rec.has(id));
    const exact = known.filter(([, t]) => t.toLowerCase() === needle);
    if (exact.length === 1) return exact[0][0];
    const prefix = known.filter(([, t]) => t.toLowerCase().startsWith(needle));
    if (exact.length === 0 && prefix.length === 1) return prefix[0][0];
    const partial = exact.length > 1
      ? exact
      : prefix.length > 1
      ? prefix
      : known.filter(([, t]) => t.toLowerCase().includes(needle));
    if (partial.length === 1) return partial[0][0];
    if (partial.length > 1) {
      const shown = partial.slice(0, 8).map(([id, t]) => `${id} (${t})`).join(", ");
      throw new Error(
        `${JSON.stringify(arg)} matches ${partial.length} titles: ${shown}` +
          (partial.length > 8 ? ", ..." : "") + `; give the item id`,
      );
    }
  }
  const hint = closest(arg, rec.items.length > 100000 ? rec.items.slice(0, 100000) : rec.items);
  throw new Error(
    `unknown item ${JSON.stringify(arg)}: it is not among the ${formatCount(rec.size)} items of ` +
      `${path}` + (titles ? " and no title matches it" : "") +
      (hint ? `; did you mean ${JSON.stringify(hint)}?` : ""),
  );
}

function label(item: string, titles: Titles | undefined): string {
  const t = titles?.get(item);
  return t === undefined ? item : `${item}  ${t}`;
}

function formatList(list: { item: string; score: number }[], titles: Titles | undefined): string {
  const idWidth = Math.max(0, ...list.map((s) => s.item.length));
  const labels = list.map((s) => {
    const t = titles?.get(s.item);
    return t === undefined ? s.item : `${s.item.padEnd(idWidth)}  ${t}`;
  });
  const width = Math.max(0, ...labels.map((l) => l.length));
  return list.map((s, i) =>
    `${String(i + 1).padStart(4)}. ${labels[i].padEnd(width)}  ${s.score.toFixed(4)}\n`
  ).join("");
}

async function loadTitles(flags: Map<string, FlagValue>): Promise<Titles | undefined> {
  const path = flags.get("titles") as string | undefined;
  if (path === undefined) return undefined;
  if (!(await fileExists(path))) throw new Error(`--titles: ${path}: no such file`);
  return await readTitles(path);
}

async function runSimilar(args: string[], io: CliIO): Promise<void> {
  const command = "similar-items";
  const { flags, positionals } = parseArgs(args, SIMILAR_FLAGS, command);
  if (flags.get("help")) {
    io.out(similarHelp());
    return;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `${command}: missing ITEM`
        : `${command}: expected one ITEM, got ${positionals.length} (for a history, use recommend)`,
      command,
    );
  }
  const k = kValue(flags.get("k"), K, command);
  const { path, rec } = await openModel(flags.get("model") as string | undefined);
  const titles = await loadTitles(flags);
  const item = resolveItem(positionals[0], rec, titles, path);
  io.out(
    `similar to ${label(item, titles)} (${displayPath(path, io.cwd)}, ` +
      `${formatCount(rec.size)} items, dim ${rec.dim}):\n`,
  );
  io.out(formatList(rec.similarItems(item, k), titles));
}

async function runRecommend(args: string[], io: CliIO): Promise<void> {
  const command = "recommend";
  const { flags, positionals } = parseArgs(args, RECOMMEND_FLAGS, command);
  if (flags.get("help")) {
    io.out(recommendHelp());
    return;
  }
  if (positionals.length === 0) throw new UsageError(`${command}: missing ITEM`, command);
  const k = kValue(flags.get("k"), K, command);
  const recencyText = (flags.get("recency") as string | undefined) ?? String(
    DEFAULT_RECENCY_HALF_LIFE,
  );
  let recency: number | false;
  if (["off", "none", "0"].includes(recencyText.toLowerCase())) recency = false;
  else {
    recency = Number(recencyText);
    if (!/^\d*\.?\d+(e[+-]?\d+)?$/i.test(recencyText) || !(recency > 0)) {
      throw new UsageError(
        `--recency: ${JSON.stringify(recencyText)} is not a positive number of items or off`,
        command,
      );
    }
  }
  const { path, rec } = await openModel(flags.get("model") as string | undefined);
  const titles = await loadTitles(flags);
  const history: string[] = [];
  const unknown: string[] = [];
  for (const arg of positionals) {
    try {
      history.push(resolveItem(arg, rec, titles, path));
    } catch (e) {
      if (positionals.length === 1) throw e;
      unknown.push(arg);
    }
  }
  if (unknown.length > 0) {
    io.err(`skipping unknown item${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}\n`);
  }
  const scoring = flags.get("scoring") as "output" | "input" | undefined;
  if (scoring === "output" && !rec.outputVectors) {
    throw new Error(
      `--scoring output: ${path} holds only input vectors (train-items writes both to .nsm)`,
    );
  }
  const list = rec.recommend(history, k, {
    excludeSeen: !flags.get("include-seen"),
    recencyWeighting: recency,
    scoring,
  });
  io.out(
    history.length === 0
      ? `no item of the history is known: the most popular items:\n`
      : `recommended after ${history.length} item${history.length > 1 ? "s" : ""} ` +
        `(${displayPath(path, io.cwd)}, ${formatCount(rec.size)} items):\n`,
  );
  io.out(formatList(list, titles));
}

export const trainItemsCommand: Command = {
  name: "train-items",
  summary: "train item vectors (item2vec) on interactions or sessions",
  help: trainHelp,
  run: runTrain,
};

export const similarItemsCommand: Command = {
  name: "similar-items",
  summary: "items closest to an item",
  help: similarHelp,
  run: runSimilar,
};

export const recommendCommand: Command = {
  name: "recommend",
  summary: "next items for a history of items",
  help: recommendHelp,
  run: runRecommend,
};

export const ITEM_COMMANDS: readonly Command[] = [
  trainItemsCommand,
  similarItemsCommand,
  recommendCommand,
];

/**
 * Runs one of the item commands on its own: `args[0]` is its name (train-items,
 * similar-items, recommend), the rest its arguments. Resolves to the exit status: 0, 1 for
 * an error, 2 for a bad command line, 130 when interrupted.
 */
export async function runItems(args: string[], io: CliIO = denoIO()): Promise<number> {
  const [name, ...rest] = args;
  const command = ITEM_COMMANDS.find((c) => c.name === name);
  try {
    if (!command) {
      const names = ITEM_COMMANDS.map((c) => c.name);
      const hint = name === undefined ? undefined : closest(name, names);
      throw new UsageError(
        `${name === undefined ? "missing command" : `unknown command ${JSON.stringify(name)}`} ` +
          `(commands: ${names.join(", ")})` + (hint ? `; did you mean ${hint}?` : ""),
      );
    }
    await command.run(rest, io);
    return 0;
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof UsageError) {
      const which = error.command ?? command?.name;
      io.err(
        `error: ${error.message}\nrun "${PROG}${which ? ` ${which}` : ""} --help" for usage\n`,
      );
      return 2;
    }
    if (error instanceof Interrupted) {
      io.err(`${error.message}\n`);
      return 130;
    }
    io.err(`error: ${error.message}\n`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await runItems(Deno.args));
