// `eval analogies FILE` and `eval pairs FILE`: intrinsic evaluation of a model on an
// analogy set (Google format) or a word-pair similarity set (WordSim-353 format).
import { evaluateAnalogies } from "../eval/analogies.ts";
import { evaluateWordPairs } from "../eval/wordpairs.ts";
import { fileExists, readFileBytes } from "../io/files.ts";
import { loadVectors } from "../model.ts";
import {
  type CliIO,
  type Command,
  describeVectors,
  expectPositionals,
  findModel,
  HELP_FLAG,
  MODEL_FLAG,
  PROG,
} from "./common.ts";
import { closest, type FlagSpec, formatFlags, parseArgs, UsageError } from "./flags.ts";
import { formatCount, formatPercent } from "./progress.ts";

const RESTRICT = 30000;
const FLAGS: FlagSpec[] = [
  MODEL_FLAG,
  {
    name: "restrict",
    kind: "int",
    metavar: "N",
    help: "analogies only: use only the N most frequent words; questions with another word " +
      "are skipped",
    default: String(RESTRICT),
  },
  HELP_FLAG,
];

const KINDS = ["analogies", "pairs"];

function help(): string {
  return [
    `Usage: ${PROG} eval analogies FILE [--restrict N] [--model PATH]`,
    `       ${PROG} eval pairs FILE [--model PATH]`,
    "",
    "analogies: accuracy on analogy questions in the Google format (questions-words.txt:",
    '  ": section" lines, then "a b c d" meaning a : b :: c : d), answered by 3CosAdd among',
    "  the --restrict most frequent words, leaving out a, b and c. Words compare in lowercase.",
    "pairs: Spearman (and Pearson) correlation between human scores and cosine similarities",
    '  on "word1<TAB>word2<TAB>score" lines (WordSim-353, SimLex-999, MEN; "#" comments).',
    "  Pairs with an unknown word are skipped and counted as out of vocabulary.",
    "",
    "Flags:",
    ...formatFlags(FLAGS),
    "",
  ].join("\n");
}

async function readText(path: string): Promise<string> {
  if (!(await fileExists(path))) throw new Error(`${path}: no such file`);
  return new TextDecoder().decode(await readFileBytes(path));
}

async function run(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(args, FLAGS, "eval");
  if (flags.get("help")) {
    io.out(help());
    return;
  }
  const kind = positionals[0];
  if (kind === undefined) {
    throw new UsageError("eval: missing what to evaluate: analogies FILE or pairs FILE", "eval");
  }
  if (!KINDS.includes(kind)) {
    const hint = closest(kind, KINDS);
    throw new UsageError(
      `eval: unknown evaluation ${JSON.stringify(kind)}; use analogies or pairs` +
        (hint ? ` (did you mean ${hint}?)` : ""),
      "eval",
    );
  }
  expectPositionals(positionals.slice(1), ["FILE"], `eval ${kind}`);
  const file = positionals[1];
  if (kind === "pairs" && flags.has("restrict")) {
    throw new UsageError("--restrict: only eval analogies takes it", "eval");
  }
  const restrict = (flags.get("restrict") as number | undefined) ?? RESTRICT;
  if (restrict < 1) {
    throw new UsageError(`--restrict: ${restrict} is out of range (at least 1)`, "eval");
  }
  const text = await readText(file);
  const path = await findModel(flags.get("model") as string | undefined);
  const vectors = await loadVectors(path);
  const model = describeVectors(path, vectors);

  if (kind === "pairs") {
    const r = evaluateWordPairs(vectors, text, { name: file });
    io.out(`word pairs ${file} (${model}):\n`);
    io.out(`  pairs      ${formatCount(r.pairs)}\n`);
    io.out(`  used       ${formatCount(r.used)}\n`);
    io.out(
      `  skipped    ${formatCount(r.skipped)} (${formatPercent(r.oovRatio)} out of vocabulary)\n`,
    );
    io.out(`  Spearman   ${r.spearman.toFixed(4)}\n`);
    io.out(`  Pearson    ${r.pearson.toFixed(4)}\n`);
    return;
  }

  const r = evaluateAnalogies(vectors, text, { name: file, restrict });
  io.out(
    `analogies ${file} (${model}; restricted to the ${formatCount(r.restrict)} most frequent):\n`,
  );
  const width = Math.max(8, ...r.sections.map((s) => s.section.length));
  const row = (name: string, correct: string, total: string, skipped: string, acc: string) =>
    `  ${name.padEnd(width)}  ${correct.padStart(8)}  ${total.padStart(8)}  ${
      skipped.padStart(8)
    }  ${acc.padStart(8)}\n`;
  io.out(row("section", "correct", "answered", "skipped", "accuracy"));
  for (const s of r.sections) {
    io.out(
      row(
        s.section,
        formatCount(s.correct),
        formatCount(s.total),
        formatCount(s.skipped),
        s.total > 0 ? formatPercent(s.accuracy) : "-",
      ),
    );
  }
  const sum = (name: string, c: { correct: number; total: number; accuracy: number }) =>
    row(
      name,
      formatCount(c.correct),
      formatCount(c.total),
      "",
      c.total > 0 ? formatPercent(c.accuracy) : "-",
    );
  io.out(sum("semantic", r.semantic));
  io.out(sum("syntactic", r.syntactic));
  io.out(
    row(
      "total",
      formatCount(r.correct),
      formatCount(r.total),
      formatCount(r.skipped),
      r.total > 0 ? formatPercent(r.accuracy) : "-",
    ),
  );
  io.out(
    `accuracy ${formatPercent(r.accuracy)}: ${formatCount(r.correct)} of ${formatCount(r.total)} ` +
      `answered questions (${formatCount(r.skipped)} of ${
        formatCount(r.questions)
      } skipped for a ` +
      `word outside the ${formatCount(r.restrict)} most frequent)\n`,
  );
}

export const evalCommand: Command = {
  name: "eval",
  summary: "evaluate on analogies or word-pair similarities",
  help,
  run,
};
