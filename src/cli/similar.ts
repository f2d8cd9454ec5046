// `similar WORD`: the nearest neighbours of a word by cosine similarity.
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

const K = 10;
const FLAGS: FlagSpec[] = [MODEL_FLAG, kSpec(K, "how many neighbours to show"), HELP_FLAG];

function help(): string {
  return [
    `Usage: ${PROG} similar WORD [-k N] [--model PATH]`,
    "",
    "The words closest to WORD by cosine similarity of their vectors, best first.",
    "A word not found as written is looked up in lowercase.",
    "",
    "Flags:",
    ...formatFlags(FLAGS),
    "",
  ].join("\n");
}

async function run(args: string[], io: CliIO): Promise<void> {
  const { flags, positionals } = parseArgs(args, FLAGS, "similar");
  if (flags.get("help")) {
    io.out(help());
    return;
  }
  expectPositionals(positionals, ["WORD"], "similar");
  const k = kValue(flags.get("k"), K, "similar");
  const path = await findModel(flags.get("model") as string | undefined);
  const vectors = await loadVectors(path);
  const word = findWord(vectors, positionals[0], path);
  io.out(`nearest to ${JSON.stringify(word)} (${describeVectors(path, vectors)}):\n`);
  io.out(formatNeighbours(vectors.mostSimilar(word, [], k)));
}

export const similarCommand: Command = {
  name: "similar",
  summary: "nearest neighbours of a word",
  help,
  run,
};
