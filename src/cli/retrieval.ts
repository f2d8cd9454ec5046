// Retrieval commands: `pairs` trains a query-document model on `query<TAB>document` lines,
// `search` ranks a document collection for queries (or, with --eval, scores held-out pairs:
// Recall@k and MRR of the model beside BM25).
import { readLines } from "../corpus/lines.ts";
import { writeFileAtomic } from "../io/files.ts";
import { BM25 } from "../retrieval/bm25.ts";
import { evaluateRanking } from "../retrieval/metrics.ts";
import { type PairConfig, PairModel } from "../retrieval/model.ts";
import { fileLines, readPairs } from "../retrieval/pairs.ts";
import { splitTokens } from "../supervised/labels.ts";
import { ConfigError } from "../train/config.ts";
import { type CliIO, type Command, denoIO, HELP_FLAG, PROG } from "./common.ts";
import { type FlagSpec, type FlagValue, formatFlags, parseArgs, UsageError } from "./flags.ts";
import { normalizeFlags, runCommand, threeDigits } from "./supervised.ts";

const PAIRS_FLAGS: FlagSpec[] = [
  { name: "input", kind: "string", metavar: "FILE", help: "query<TAB>document lines" },
  {
    name: "output",
    kind: "string",
    metavar: "PREFIX",
    help: "writes PREFIX.nsm",
  },
  { name: "dim", kind: "int", metavar: "N", help: "vector size", default: "100" },
  { name: "epochs", kind: "int", metavar: "N", help: "passes over the pairs", default: "10" },
  { name: "lr", kind: "number", metavar: "X", help: "initial learning rate", default: "2" },
  {
    name: "negative",
    kind: "int",
    metavar: "N",
    help: "other documents (of the same batch) each query is contrasted with",
    default: "10",
  },
  {
    name: "min-count",
    kind: "int",
    metavar: "N",
    help: "drop tokens seen fewer times (both sides)",
    default: "1",
  },
  {
    name: "tables",
    kind: "choice",
    choices: ["separate", "shared"],
    help: "separate: queries and documents have a table each; shared: one for both",
    default: "separate",
  },
  {
    name: "batch",
    kind: "int",
    metavar: "N",
    help: "pairs per kernel call, the pool of negatives",
    default: "1024",
  },
  { name: "seed", kind: "int", metavar: "N", help: "random seed", default: "1" },
  { name: "verbose", kind: "int", metavar: "N", help: "0: no messages", default: "1" },
  HELP_FLAG,
];

function pairsHelp(): string {
  return [
    `Usage: ${PROG} pairs --input PAIRS.tsv --output PREFIX [flags]`,
    "",
    "Trains a StarSpace-like retrieval model: a query and a document are the mean of their",
    "token vectors; the true document must score (dot product) above other documents of",
    "the batch. Lines are query<TAB>document, tokens separated by spaces.",
    "",
    "Flags:",
    ...formatFlags(PAIRS_FLAGS),
    "",
  ].join("\n");
}

function pairSettings(flags: Map<string, FlagValue>): Partial<PairConfig> {
  const num = (name: string) => flags.get(name) as number | undefined;
  return {
    dim: num("dim"),
    epochs: num("epochs"),
    lr: num("lr"),
    negative: num("negative"),
    minCount: num("min-count"),
    batch: num("batch"),
    seed: num("seed"),
    shared: flags.get("tables") === undefined ? undefined : flags.get("tables") === "shared",
  };
}

async function pairs(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(normalizeFlags(args), PAIRS_FLAGS, "pairs");
  if (flags.get("help")) {
    io.out(pairsHelp());
    return;
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, "pairs");
  }
  const input = flags.get("input") as string | undefined;
  const output = flags.get("output") as string | undefined;
  if (input === undefined) throw new UsageError("--input FILE is required", "pairs");
  if (output === undefined) throw new UsageError("--output PREFIX is required", "pairs");
  const data = await readPairs(input);
  let model: PairModel;
  try {
    model = await PairModel.train(data, pairSettings(flags));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message, "pairs");
    throw e;
  }
  const path = output.endsWith(".nsm") ? output : `${output}.nsm`;
  await writeFileAtomic(path, model.encode());
  if (((flags.get("verbose") as number | undefined) ?? 1) > 0) {
    const s = model.stats!;
    io.err(
      `${s.pairs} pairs${s.skipped ? ` (${s.skipped} skipped: a side with no known token)` : ""}` +
        `, ${model.vocab.size} tokens, ${model.config.shared ? "one table" : "two tables"}\n` +
        `Trained in ${s.trainSeconds.toFixed(2)} s, final loss ${s.finalLoss.toFixed(4)}\n` +
        `Saved ${path}\n`,
    );
  }
}

const SEARCH_FLAGS: FlagSpec[] = [
  { name: "model", kind: "string", metavar: "PATH", help: "a pair model (.nsm) from `pairs`" },
  {
    name: "documents",
    kind: "string",
    metavar: "FILE",
    help: "the collection, one document per line (text after a tab, if any)",
  },
  {
    name: "eval",
    kind: "string",
    metavar: "PAIRS",
    help: "instead of searching: rank each pair's document among all the file's documents " +
      "and print Recall@k and MRR, for the model and for BM25",
  },
  { name: "k", short: "k", kind: "int", metavar: "N", help: "results per query", default: "10" },
  HELP_FLAG,
];

function searchHelp(): string {
  return [
    `Usage: ${PROG} search --model M.nsm --documents DOCS.txt [-k N] [QUERY ...]`,
    `       ${PROG} search --model M.nsm --eval PAIRS.tsv [-k N]`,
    "",
    "The k documents that score highest for each query (the arguments, else one query per",
    "line of stdin): rank, score, line number and text. With --eval, held-out pairs are",
    "scored instead: N, Recall@k and MRR of the model, then of BM25 on the same collection.",
    "",
    "Flags:",
    ...formatFlags(SEARCH_FLAGS),
    "",
  ].join("\n");
}

async function search(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(args, SEARCH_FLAGS, "search");
  if (flags.get("help")) {
    io.out(searchHelp());
    return;
  }
  const modelPath = flags.get("model") as string | undefined;
  if (modelPath === undefined) throw new UsageError("--model PATH is required", "search");
  const k = (flags.get("k") as number | undefined) ?? 10;
  if (k < 1) throw new UsageError(`-k: ${k} is out of range (at least 1)`, "search");
  const evalPath = flags.get("eval") as string | undefined;
  const docsPath = flags.get("documents") as string | undefined;
  if ((evalPath === undefined) === (docsPath === undefined)) {
    throw new UsageError("give either --documents FILE or --eval PAIRS", "search");
  }
  const model = await PairModel.load(modelPath);
  if (evalPath !== undefined) {
    if (positionals.length > 0) throw new UsageError("--eval takes no query", "search");
    const test = await readPairs(evalPath);
    const docs = test.map((p) => p.document);
    const queries = test.map((p, i) => ({ query: p.query, target: i }));
    const index = model.index(docs);
    const ours = evaluateRanking(queries, (q) => index.scores(q), k);
    const bm25 = new BM25(docs);
    const base = evaluateRanking(queries, (q) => bm25.scores(q), k);
    io.out(
      `N\t${ours.queries}\n` +
        `Recall@${k}\t${threeDigits(ours.recall)}\tBM25\t${threeDigits(base.recall)}\n` +
        `MRR\t${threeDigits(ours.mrr)}\tBM25\t${threeDigits(base.mrr)}\n`,
    );
    return;
  }
  const texts: string[] = [];
  const docs: string[][] = [];
  for await (const { text } of fileLines(docsPath!)) {
    const tab = text.indexOf("\t");
    const doc = tab >= 0 ? text.slice(tab + 1) : text;
    texts.push(doc);
    docs.push(splitTokens(doc));
  }
  const index = model.index(docs);
  const answer = (query: string) => {
    const hits = index.search(splitTokens(query), k);
    let out = `query: ${query}\n`;
    hits.forEach((h, i) => {
      out += `${String(i + 1).padStart(4)}. ${h.score.toFixed(4)}  line ${h.doc + 1}: ` +
        `${texts[h.doc]}\n`;
    });
    return out;
  };
  if (positionals.length > 0) {
    io.out(answer(positionals.join(" ")));
    return;
  }
  for await (const piece of readLines(Deno.stdin.readable)) {
    if (piece.text.trim() !== "") io.out(answer(piece.text));
  }
}

export const pairsCommand: Command = {
  name: "pairs",
  summary: "train a query-document retrieval model (StarSpace-like)",
  help: pairsHelp,
  run: pairs,
};

export const searchCommand: Command = {
  name: "search",
  summary: "rank documents for queries with a pair model (or evaluate it)",
  help: searchHelp,
  run: search,
};

export function runPairs(args: string[], io: CliIO = denoIO()): Promise<number> {
  return runCommand(pairsCommand, args, io);
}

export function runSearch(args: string[], io: CliIO = denoIO()): Promise<number> {
  return runCommand(searchCommand, args, io);
}
