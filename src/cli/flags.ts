// A small command-line flag parser (no dependencies): `--name value`, `--name=value`,
// `-k value`, bare boolean flags, `--` to end the flags. Values are checked as they are
// read, so every error names the flag: `--dim: "abc" is not a number`.

/** A mistake in the command line: the CLI prints it with a hint and exits with code 2. */
export class UsageError extends Error {
  /** `command` names the subcommand whose --help the message points to. */
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type FlagKind = "string" | "int" | "number" | "boolean" | "choice";

export interface FlagSpec {
  /** Long name without the dashes: "min-count". */
  name: string;
  /** One-letter alias without the dash: "k". */
  short?: string;
  kind: FlagKind;
  /** Allowed values of a "choice" flag. */
  choices?: readonly string[];
  /** Placeholder in the help: "N", "FILE". */
  metavar?: string;
  /** One-line description (wrapped in the help). */
  help: string;
  /** The default as shown in the help; omitted when there is none. */
  default?: string;
}

export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  /** Values of the flags given, by long name, already converted to their kind. */
  flags: Map<string, FlagValue>;
  positionals: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a number flag value; `integer` also requires a whole number. */
export function parseNumber(flag: string, raw: string, integer: boolean): number {
  if (!NUMBER.test(raw.trim())) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not a number`);
  }
  const value = Number(raw);
  if (integer && !Number.isSafeInteger(value)) {
    throw new UsageError(
      Number.isInteger(value)
        ? `${flag}: ${raw} is too large`
        : `${flag}: ${JSON.stringify(raw)} is not a whole number`,
    );
  }
  return value;
}

const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

function convert(spec: FlagSpec, flag: string, raw: string): FlagValue {
  switch (spec.kind) {
    case "string":
      if (raw === "") throw new UsageError(`${flag}: the value is empty`);
      return raw;
    case "int":
      return parseNumber(flag, raw, true);
    case "number":
      return parseNumber(flag, raw, false);
    case "boolean": {
      const v = raw.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not true or false`);
    }
    case "choice": {
      const choices = spec.choices ?? [];
      if (choices.includes(raw)) return raw;
      const hint = closest(raw, choices);
      throw new UsageError(
        `${flag}: ${JSON.stringify(raw)} is not one of ${choices.join(", ")}` +
          (hint ? ` (did you mean ${hint}?)` : ""),
      );
    }
  }
}

/** True for an argument that is a flag (not a value such as "-0.5" or "-"). */
function looksLikeFlag(arg: string): boolean {
  return arg.startsWith("-") && arg !== "-" && !NUMBER.test(arg);
}

/**
 * Parses `args` against `specs`. Unknown flags, missing or bad values and repeated flags
 * throw UsageError naming the flag (with a "did you mean" for a near miss).
 */
export function parseArgs(
  args: readonly string[],
  specs: readonly FlagSpec[],
  command?: string,
): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.flatMap((s) => s.short ? [[s.short, s] as const] : []));
  const flags = new Map<string, FlagValue>();
  const positionals: string[] = [];
  function fail(message: string): never {
    throw new UsageError(message, command);
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!looksLikeFlag(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const written = eq >= 0 ? arg.slice(0, eq) : arg;
    const long = written.startsWith("--");
    const name = written.slice(long ? 2 : 1);
    const spec = long ? byLong.get(name) : byShort.get(name);
    if (!spec) {
      if (!long && byLong.has(name)) {
        fail(`unknown flag ${written}; long flags take two dashes: --${name}`);
      }
      const all = specs.flatMap((s) =>
        s.short === s.name
          ? [`-${s.short}`]
          : s.short
          ? [`--${s.name}`, `-${s.short}`]
          : [`--${s.name}`]
      );
      const hint = closest(written, all);
      fail(`unknown flag ${written}` + (hint ? `; did you mean ${hint}?` : ""));
    }
    if (flags.has(spec.name)) fail(`${written}: given more than once`);
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (spec.kind === "boolean") raw = "true";
    else {
      const next = args[i + 1];
      if (next === undefined || (looksLikeFlag(next) && next.startsWith("--"))) {
        fail(`${written}: needs a value (${spec.metavar ?? spec.kind})`);
      }
      raw = next;
      i++;
    }
    try {
      flags.set(spec.name, convert(spec, written, raw));
    } catch (e) {
      if (e instanceof UsageError) fail(e.message);
      throw e;
    }
  }
  return { flags, positionals };
}

/** Edit distance counting insertions, deletions, substitutions and swaps of two adjacent
 *  characters (optimal string alignment), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate nearest to `word` when it is close enough to be a likely typo (or `word` is
 * the start of it), else undefined. Ties go to the earliest candidate.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const core = word.replace(/^-+/, "");
  if (core.length < 3) return undefined; // too short for a guess to mean anything
  const allowed = Math.ceil(core.length / 3);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const prefix = word.length >= 3 && c.startsWith(word);
    // The lengths alone bound the distance: skip what cannot be close enough (this keeps an
    // absurdly long word from costing length x length per candidate).
    if (!prefix && Math.abs(c.length - word.length) > allowed) continue;
    const d = prefix ? 0.5 : editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** How a flag is written in the help: "-h, --help", "--dim N", "-k N". */
export function flagSynopsis(s: FlagSpec): string {
  const names = s.short === s.name
    ? `-${s.short}`
    : (s.short ? `-${s.short}, ` : "") + `--${s.name}`;
  if (s.kind === "boolean") return names;
  return `${names} ${s.metavar ?? (s.kind === "choice" ? (s.choices ?? []).join("|") : "VALUE")}`;
}

/** The column where descriptions start so that every flag of `specs` fits before it. */
export function flagColumn(specs: readonly FlagSpec[]): number {
  return Math.min(32, Math.max(...specs.map((s) => flagSynopsis(s).length)) + 4);
}

/**
 * Help lines for `specs`: two spaces, the flag, then its description (and default) from
 * `column`, wrapped to `width`. A flag too long for the column gets a line of its own.
 */
export function formatFlags(
  specs: readonly FlagSpec[],
  width = 80,
  column: number = flagColumn(specs),
): string[] {
  const lines: string[] = [];
  const indent = " ".repeat(column);
  for (const s of specs) {
    // The default is not split across lines when it is short (\u0001 holds it together).
    const shown = s.default === undefined
      ? ""
      : s.default.length <= 16
      ? ` (default:\u0001${s.default.replaceAll(" ", "\u0001")})`
      : ` (default: ${s.default})`;
    const wrapped = wrap(s.help + shown, Math.max(30, width - column))
      .map((line) => line.replaceAll("\u0001", " "));
    const head = `  ${flagSynopsis(s)}`;
    if (head.length + 2 > column) {
      lines.push(head);
      for (const w of wrapped) lines.push(indent + w);
    } else {
      lines.push(head.padEnd(column) + wrapped[0]);
      for (const w of wrapped.slice(1)) lines.push(indent + w);
    }
  }
  return lines;
}

/** Greedy word wrap. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/[ \t\n]+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}
