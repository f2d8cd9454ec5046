// The command-line entry point: picks the subcommand, runs it, and turns errors into a
// one-line message on stderr and an exit status (2 for a bad command line, 1 for anything
// else that failed, 130 when interrupted by Ctrl-C, 143 by SIGTERM). Set NEGSAMP_DEBUG=1 to also see stack traces.
import { analogyCommand } from "./analogy.ts";
import { type CliIO, type Command, denoIO, PROG } from "./common.ts";
import { evalCommand } from "./eval.ts";
import { closest, UsageError } from "./flags.ts";
import { similarCommand } from "./similar.ts";
import { Interrupted, trainCommand } from "./train.ts";
import {
  predictCommand,
  predictProbCommand,
  supervisedCommand,
  testCommand,
} from "./supervised.ts";
import { pairsCommand, searchCommand } from "./retrieval.ts";
import { recommendCommand, similarItemsCommand, trainItemsCommand } from "./recsys.ts";

export const COMMANDS: readonly Command[] = [
  trainCommand,
  similarCommand,
  analogyCommand,
  evalCommand,
  supervisedCommand,
  predictCommand,
  predictProbCommand,
  testCommand,
  pairsCommand,
  searchCommand,
  trainItemsCommand,
  similarItemsCommand,
  recommendCommand,
];

/** Exit statuses. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

function commandNamed(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

async function dispatch(args: string[], io: CliIO): Promise<void> {
  const first = args[0];
  if (first === undefined || first.startsWith("-")) return await trainCommand.run(args, io);
  if (first === "help") {
    const topic = args[1];
    const command = topic === undefined ? trainCommand : commandNamed(topic);
    if (!command) throw unknownCommand(String(topic));
    io.out(command.help());
    return;
  }
  const command = commandNamed(first);
  if (!command) throw unknownCommand(first);
  await command.run(args.slice(1), io);
}

function unknownCommand(name: string): UsageError {
  const names = COMMANDS.map((c) => c.name);
  const hint = closest(name, [...names, "help"]);
  const looksLikeFile = /[./\\]/.test(name);
  return new UsageError(
    `unknown command ${JSON.stringify(name)} (commands: ${names.join(", ")}, help)` +
      (hint ? `; did you mean ${hint}?` : "") +
      (looksLikeFile ? `; to train on a file, use --input ${name}` : ""),
  );
}

function debugEnabled(): boolean {
  try {
    const v = Deno.env.get("NEGSAMP_DEBUG");
    return v !== undefined && v !== "" && v !== "0";
  } catch {
    return false; // no --allow-env
  }
}

/** Runs the CLI with `args` (without the program name); resolves to the exit status. */
export async function main(args: string[], io: CliIO = denoIO()): Promise<number> {
  try {
    await dispatch(args, io);
    return EXIT_OK;
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: CliIO): number {
  if (e instanceof Deno.errors.BrokenPipe) return EXIT_OK; // e.g. piped into `head`
  const error = e instanceof Error ? e : new Error(String(e));
  try {
    if (error instanceof UsageError) {
      const command = error.command && error.command !== "train" ? ` ${error.command}` : "";
      io.err(`error: ${error.message}\nrun "${PROG}${command} --help" for usage\n`);
      return EXIT_USAGE;
    }
    if (error instanceof Interrupted) {
      io.err(`${error.message}\n`);
      return error.exitCode;
    }
    io.err(`error: ${error.message}\n`);
    if (debugEnabled() && error.stack) io.err(error.stack + "\n");
  } catch {
    // stderr is gone too: nothing more to say
  }
  return EXIT_ERROR;
}
