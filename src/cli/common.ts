// What the subcommands share: where output goes, how files are named in messages, finding
// and loading the model to query, and looking words up with a "did you mean".
import { fileExists } from "../io/files.ts";
import { quoteWord, type Vectors } from "../vectors.ts";
import { closest, type FlagSpec, UsageError } from "./flags.ts";
import { formatCount } from "./progress.ts";

/** How the help and messages name the program. */
export const PROG = "deno task train";

/** Where a command writes; the real one is Deno's stdout/stderr, tests capture it. */
export interface CliIO {
  /** Results (stdout). */
  out(text: string): void;
  /** Progress and status (stderr). */
  err(text: string): void;
  /** stderr is a terminal: progress is a bar redrawn in place. */
  errIsTerminal: boolean;
  /** Width of the terminal (80 when unknown). */
  columns: number;
  /** The current directory, to show paths relative to it. */
  cwd: string;
  /** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM until the returned function is called. */
  onInterrupt?(handler: (signal?: StopSignal) => void): () => void;
}

/** The signals that stop a run cleanly. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** The exit status after a stop signal: 128 + its number, as shells report it. */
export function signalExitCode(signal: StopSignal = "SIGINT"): number {
  return signal === "SIGTERM" ? 143 : 130;
}

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let off = 0; off < bytes.length;) off += file.writeSync(bytes.subarray(off));
}

/** The process's own stdout and stderr. */
export function denoIO(): CliIO {
  let columns = 80;
  let errIsTerminal = false;
  try {
    errIsTerminal = Deno.stderr.isTerminal();
    if (errIsTerminal) columns = Deno.consoleSize().columns || 80;
  } catch {
    // not a terminal after all: keep the defaults
  }
  return {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    errIsTerminal,
    columns,
    cwd: Deno.cwd(),
    onInterrupt(handler) {
      let pressed = false;
      const added: [StopSignal, () => void][] = [];
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        const listener = () => {
          if (pressed) Deno.exit(signalExitCode(signal)); // a second signal does not wait
          pressed = true;
          handler(signal);
        };
        try {
          Deno.addSignalListener(signal, listener);
          added.push([signal, listener]);
        } catch {
          // not supported here (SIGTERM on Windows): that signal just ends the process
        }
      }
      return () => {
        for (const [signal, listener] of added) Deno.removeSignalListener(signal, listener);
      };
    },
  };
}

/** A command's entry point: parses its own arguments and does the work. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  help(): string;
  run(args: string[], io: CliIO): Promise<void>;
}

/** The --help flag every command takes. */
export const HELP_FLAG: FlagSpec = {
  name: "help",
  short: "h",
  kind: "boolean",
  help: "show this help and exit",
};

/** A local path from a file: URL (also Windows drive paths). */
export function urlToPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:/.test(path) ? path.slice(1).replaceAll("/", "\\") : path;
}

/** The repository root (two levels above src/cli/), as a directory path ending in "/". */
export function repoRoot(): string | undefined {
  const url = new URL("../../", import.meta.url);
  return url.protocol === "file:" ? urlToPath(url) : undefined;
}

/** `path` relative to `cwd` when it is inside it or a sibling of it, else as is. */
export function displayPath(path: string, cwd: string): string {
  const norm = (p: string) => p.replaceAll("\\", "/");
  const p = norm(path);
  const base = norm(cwd).replace(/\/+$/, "");
  if (p.startsWith(base + "/")) return p.slice(base.length + 1);
  const parent = base.slice(0, base.lastIndexOf("/"));
  if (parent !== "" && p.startsWith(parent + "/")) return "../" + p.slice(parent.length + 1);
  return path;
}

/** The model file queries use by default, in order of preference. */
export const DEFAULT_MODEL_PATHS = ["out/model.nsm", "out/vectors.vec"] as const;

/** The --model flag of the query commands. */
export const MODEL_FLAG: FlagSpec = {
  name: "model",
  kind: "string",
  metavar: "PATH",
  help: "model or vectors to query: .nsm, .vec, .bin or .nsq",
  default: `${DEFAULT_MODEL_PATHS[0]}, else ${DEFAULT_MODEL_PATHS[1]}`,
};

/** The model path to use: the one given, or the first default that exists. */
export async function findModel(given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (!(await fileExists(given))) throw new Error(`--model: ${given}: no such file`);
    return given;
  }
  for (const path of DEFAULT_MODEL_PATHS) if (await fileExists(path)) return path;
  throw new Error(
    `no model found: neither ${DEFAULT_MODEL_PATHS.join(" nor ")} exists here; ` +
      `train one first (${PROG}) or pass --model PATH`,
  );
}

/** A short description of loaded vectors: "out/model.nsm, 8,204 words, dim 100". */
export function describeVectors(path: string, v: Vectors): string {
  return `${path}, ${formatCount(v.size)} words, dim ${v.dim}`;
}

/** The vocabulary word for `word`: itself, else its lowercase form; else an error that
 *  suggests the nearest word among the most frequent ones. */
export function findWord(vectors: Vectors, word: string, modelPath: string): string {
  if (vectors.has(word)) return word;
  const lower = word.toLowerCase();
  if (vectors.has(lower)) return lower;
  const words = vectors.words;
  const hint = closest(lower, words.length > 100000 ? words.slice(0, 100000) : words);
  throw new Error(
    `unknown word ${quoteWord(word)}: it is not in the vocabulary of ${modelPath} ` +
      `(${formatCount(vectors.size)} words)` +
      (hint ? `; did you mean ${JSON.stringify(hint)}?` : ""),
  );
}

/** Checks the number of positional arguments of a command. */
export function expectPositionals(
  positionals: string[],
  names: string[],
  command: string,
): void {
  if (positionals.length < names.length) {
    const missing = names.slice(positionals.length).join(" ");
    throw new UsageError(`${command}: missing ${missing}`, command);
  }
  if (positionals.length > names.length) {
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(positionals[names.length])} ` +
        `(expected ${names.join(" ")})`,
      command,
    );
  }
}

/** The -k flag of the query commands. */
export function kSpec(fallback: number, what: string): FlagSpec {
  return {
    name: "k",
    short: "k",
    kind: "int",
    metavar: "N",
    help: what,
    default: String(fallback),
  };
}

/** The -k value, checked: a whole number (already checked by the parser) of at least 1. */
export function kValue(value: unknown, fallback: number, command: string): number {
  if (value === undefined) return fallback;
  const k = value as number;
  if (k < 1) throw new UsageError(`-k: ${k} is out of range (at least 1)`, command);
  return k;
}

/** Numbered "word  score" lines with the scores aligned. */
export function formatNeighbours(list: readonly { word: string; score: number }[]): string {
  const width = Math.max(0, ...list.map((n) => n.word.length));
  return list.map((n, i) =>
    `${String(i + 1).padStart(4)}. ${n.word.padEnd(width)}  ${n.score.toFixed(4)}\n`
  ).join("");
}
