// fastText's input format for classification: one example per line, whitespace-separated
// tokens, every token that starts with the label prefix (`__label__` by default) is a label
// of the line, wherever it stands, and the others are its words:
//
//   __label__pos __label__short a fine film
//
// Tokens are split on the bytes fastText splits on (space, tab, CR, LF, VT, FF, NUL), not on
// Unicode spaces, so the same line gives the same tokens (and the same hashes) as in fastText.
import { readLines } from "../corpus/lines.ts";
import { FormatError } from "../formats/errors.ts";
import { readFileBytes } from "../io/files.ts";

export const DEFAULT_LABEL_PREFIX = "__label__";
/** fastText's end-of-line token: a word of every line (it acts as a bias row). */
export const EOS = "</s>";

/** One labelled line. `line` is its 1-based line number in its source. */
export interface Example {
  labels: string[];
  tokens: string[];
  line: number;
}

/** A re-readable collection of examples (read once to count, once to encode). */
export interface ExampleSource {
  /** Names the source in messages (a file path or a description). */
  readonly name: string;
  examples(): AsyncIterable<Example>;
}

export interface ParseOptions {
  /** Label prefix (fastText's -label); default "__label__". */
  labelPrefix?: string;
  /** Every non-blank line must have a label (training and test files). Default true. */
  requireLabels?: boolean;
}

const SEPARATOR = /[ \t\n\v\f\r\0]+/;

/** Splits a line on fastText's separators, dropping empty tokens. */
export function splitTokens(line: string): string[] {
  const parts = line.split(SEPARATOR);
  if (parts.length > 0 && parts[0] === "") parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/**
 * Splits one line into labels and words. Throws FormatError (naming `source` and `lineNo`)
 * for a label with no name, and for a non-blank line without labels when they are required.
 * Returns undefined for a blank line.
 */
export function parseExampleLine(
  text: string,
  source: string,
  lineNo: number,
  options: ParseOptions = {},
): Example | undefined {
  const prefix = options.labelPrefix ?? DEFAULT_LABEL_PREFIX;
  const all = splitTokens(text);
  if (all.length === 0) return undefined;
  const labels: string[] = [];
  const tokens: string[] = [];
  for (const t of all) {
    if (t.startsWith(prefix)) {
      if (t.length === prefix.length) {
        throw new FormatError(
          source,
          `label ${JSON.stringify(t)} has no name (write ${prefix}NAME, e.g. ${prefix}pos)`,
          { line: lineNo },
        );
      }
      labels.push(t.slice(prefix.length));
    } else tokens.push(t);
  }
  if (labels.length === 0 && (options.requireLabels ?? true)) {
    throw new FormatError(source, noLabelMessage(text, prefix), { line: lineNo });
  }
  return { labels, tokens, line: lineNo };
}

function noLabelMessage(text: string, prefix: string): string {
  const shown = text.length > 40 ? text.slice(0, 40) + "..." : text;
  let hint = `every line needs at least one ${prefix}NAME token (fastText format: ` +
    `"${prefix}pos a fine film")`;
  const tab = text.indexOf("\t");
  if (tab > 0 && tab < 40 && !text.slice(0, tab).includes(" ")) {
    hint += `; the line starts with a tab-separated field ${JSON.stringify(text.slice(0, tab))}` +
      ` (a TSV file?): write it as ${prefix}${text.slice(0, tab)}`;
  } else if (!text.includes(prefix)) {
    hint += "; if your labels use another prefix, pass --label PREFIX";
  }
  return `no label on this line: ${JSON.stringify(shown)}; ${hint}`;
}

/** Examples of a text held in memory. */
export function* parseExamples(
  text: string,
  source = "<text>",
  options: ParseOptions = {},
): Generator<Example> {
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lineNo++;
    const e = parseExampleLine(text.slice(start, end), source, lineNo, options);
    if (e) yield e;
    start = end + 1;
  }
}

/** A source over a string (e.g. a test fixture or text fetched by the caller). */
export function textExamples(
  name: string,
  text: string,
  options: ParseOptions = {},
): ExampleSource {
  return { name, examples: () => toAsync(parseExamples(text, name, options)) };
}

/** A source over examples already parsed. */
export function arrayExamples(name: string, examples: readonly Example[]): ExampleSource {
  return { name, examples: () => toAsync(examples) };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * A source over a file in fastText format. The bytes are read once (they are smaller than
 * the decoded strings) and each pass decodes them line by line; invalid UTF-8 becomes
 * U+FFFD, as in the corpus reader.
 */
export function fileExamples(path: string, options: ParseOptions = {}): ExampleSource {
  let bytes: Promise<Uint8Array> | undefined;
  return {
    name: path,
    async *examples() {
      bytes ??= readFileBytes(path).catch((e) => {
        bytes = undefined;
        throw new Error(`cannot read ${path}: ${(e as Error).message}`);
      });
      yield* examplesOfBytes(await bytes, path, options);
    },
  };
}

/** Examples of UTF-8 bytes, decoded line by line. */
export async function* examplesOfBytes(
  bytes: Uint8Array,
  source: string,
  options: ParseOptions = {},
): AsyncGenerator<Example> {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      // Hand the bytes over in slices so that decoding keeps its memory bounded.
      const SLICE = 1 << 20;
      for (let at = 0; at < bytes.length; at += SLICE) {
        controller.enqueue(bytes.subarray(at, Math.min(bytes.length, at + SLICE)));
      }
      controller.close();
    },
  });
  let lineNo = 0;
  let pending: string | undefined;
  for await (const piece of readLines(stream)) {
    // A very long line arrives in pieces: join them back into one example.
    if (piece.continued && pending !== undefined) {
      pending += piece.text;
      continue;
    }
    if (pending !== undefined) {
      const e = parseExampleLine(pending, source, lineNo, options);
      if (e) yield e;
    }
    lineNo++;
    pending = piece.text;
  }
  if (pending !== undefined) {
    const e = parseExampleLine(pending, source, lineNo, options);
    if (e) yield e;
  }
}

/** All examples of a source, in order. */
export async function collectExamples(source: ExampleSource): Promise<Example[]> {
  const out: Example[] = [];
  for await (const e of source.examples()) out.push(e);
  return out;
}
