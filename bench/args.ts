// A tiny flag parser for the bench scripts: `--name value`, `--name=value` and bare
// boolean flags. Unknown flags are an error that lists the known ones.

export interface FlagSpec {
  /** Flags that take a value, with their defaults (undefined = no default). */
  values: Record<string, string | undefined>;
  /** Flags that take no value. */
  booleans?: readonly string[];
}

export interface ParsedFlags {
  values: Record<string, string | undefined>;
  booleans: Set<string>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags {
  const values: Record<string, string | undefined> = { ...spec.values };
  const booleans = new Set<string>();
  const boolNames = new Set(spec.booleans ?? []);
  const known = () =>
    [...Object.keys(spec.values), ...boolNames].map((n) => `--${n}`).sort().join(", ");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (boolNames.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      booleans.add(name);
      continue;
    }
    if (!(name in spec.values)) {
      throw new UsageError(`unknown flag --${name} (known: ${known()})`);
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      i++;
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  return { values, booleans };
}

/** The value of a flag that must be set. */
export function required(flags: ParsedFlags, name: string): string {
  const v = flags.values[name];
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

export function parseNumber(name: string, text: string, integer = false): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name}: ${JSON.stringify(text)} is not a${integer ? " whole" : ""} number`,
    );
  }
  return n;
}

/** A comma-separated list, each item checked by `parse`. */
export function parseList<T>(name: string, text: string, parse: (item: string) => T): T[] {
  const items = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new UsageError(`--${name}: the list is empty`);
  return items.map(parse);
}

/** A comma-separated list of choices among `allowed`. */
export function parseChoices<T extends string>(
  name: string,
  text: string,
  allowed: readonly T[],
): T[] {
  return parseList(name, text, (item) => {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(
        `--${name}: ${JSON.stringify(item)} is not one of ${allowed.join(", ")}`,
      );
    }
    return item as T;
  });
}
