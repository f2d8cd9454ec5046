// `analogy A B C`: A is to B as C is to ? (3CosAdd: the words closest to B - A + C).
import { loadVectors } from "../model.ts";
import {
  type CliIO,
  type Command,
  describeVectors,
  expectPositionals,
  findModel,
  findWord,
  formatNeighbours,
  HELP_FLAG,
  kSpec,
  kValue,
  MODEL_FLAG,
  PROG,
} from "./common.ts";
import { type FlagSpec, formatFlags, parseArgs } from "./flags.ts";

const K = 5;
const FLAGS: FlagSpec[] = [MODEL_FLAG, kSpec(K, "how many answers to show"), HELP_FLAG];

function help(): string {
  return [
    `Usage: ${PROG} analogy A B C [-k N] [--model PATH]`,
    "",
    'Completes "A is to B as C is to ?" (e.g. man woman king -> queen): the words whose',
    "vectors are closest to B - A + C (3CosAdd, on unit vectors), leaving out A, B and C.",
    "",
    "Flags:",
    ...formatFlags(FLAGS),
    "",
  ].join("\n");
}

async function run(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(args, FLAGS, "analogy");
  if (flags.get("help")) {
    io.out(help());
    return;
  }
  expectPositionals(positionals, ["A", "B", "C"], "analogy");
  const k = kValue(flags.get("k"), K, "analogy");
  const path = await findModel(flags.get("model") as string | undefined);
  const vectors = await loadVectors(path);
  const [a, b, c] = positionals.map((w) => findWord(vectors, w, path));
  io.out(`${a} : ${b} :: ${c} : ?  (${describeVectors(path, vectors)})\n`);
  io.out(formatNeighbours(vectors.analogy(a, b, c, k)));
}

export const analogyCommand: Command = {
  name: "analogy",
  summary: "A is to B as C is to ?",
  help,
  run,
};
