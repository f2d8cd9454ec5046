// Query-document pairs for the retrieval (StarSpace-like) mode: one pair per line,
// `query<TAB>document`, each side a bag of whitespace-separated tokens. Also the seeded
// shuffling and splitting the trainer and the benchmark use, and a way to derive pairs
// from plain text (the first half of a line is the query, the second half its document).
import { readLines } from "../corpus/lines.ts";
import { FormatError } from "../formats/errors.ts";
import { readFileBytes } from "../io/files.ts";
import { splitTokens } from "../supervised/labels.ts";
import { mulberry32 } from "../random.ts";

export interface Pair {
  query: string[];
  document: string[];
  /** 1-based line number in its source (0 when made in memory). */
  line: number;
}

/** Parses one `query<TAB>document` line; undefined for a blank line. Throws FormatError
 *  naming the source and line when there is no tab or a side has no token. */
export function parsePairLine(text: string, source: string, lineNo: number): Pair | undefined {
  if (splitTokens(text).length === 0) return undefined;
  const tab = text.indexOf("\t");
  if (tab < 0) {
    throw new FormatError(
      source,
      "no tab on this line: a pair is written query<TAB>document (tokens separated by spaces)",
      { line: lineNo },
    );
  }
  const query = splitTokens(text.slice(0, tab));
  const document = splitTokens(text.slice(tab + 1));
  if (query.length === 0) {
    throw new FormatError(source, "the query (before the tab) is empty", { line: lineNo });
  }
  if (document.length === 0) {
    throw new FormatError(source, "the document (after the tab) is empty", { line: lineNo });
  }
  return { query, document, line: lineNo };
}

/** Every pair of a text. */
export function parsePairs(text: string, source = "<text>"): Pair[] {
  const out: Pair[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const p = parsePairLine(lines[i], source, i + 1);
    if (p) out.push(p);
  }
  return out;
}

/** Lines of a file (1-based numbers), decoded as UTF-8 with U+FFFD for invalid bytes. */
export async function* fileLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  let line = 0;
  let pending: string | undefined;
  for await (const piece of readLines(stream)) {
    if (piece.continued && pending !== undefined) {
      pending += piece.text;
      continue;
    }
    if (pending !== undefined) yield { text: pending, line };
    line++;
    pending = piece.text;
  }
  if (pending !== undefined) yield { text: pending, line };
}

/** Every pair of a `query<TAB>document` file. */
export async function readPairs(path: string): Promise<Pair[]> {
  const out: Pair[] = [];
  for await (const { text, line } of fileLines(path)) {
    const p = parsePairLine(text, path, line);
    if (p) out.push(p);
  }
  return out;
}

/**
 * Pairs from plain sentences: the first half of each line's tokens (rounded down) is the
 * query, the rest its document. Lines shorter than `minTokens` are skipped, and so are
 * repeated lines (so that a test query never has its twin in training).
 */
export function halvesOf(lines: Iterable<readonly string[]>, minTokens = 8): Pair[] {
  const out: Pair[] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const tokens of lines) {
    n++;
    if (tokens.length < minTokens) continue;
    const key = tokens.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    const half = Math.floor(tokens.length / 2);
    out.push({ query: tokens.slice(0, half), document: tokens.slice(half), line: n });
  }
  return out;
}

/** A seeded generator of floats in [0, 1) (mulberry32): shuffles that a seed reproduces. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed ^ 0x9E3779B9);
}

/** Fisher-Yates in place. */
export function shuffleInPlace<T>(items: T[] | Uint32Array, rand: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/** A seeded split: `test` items drawn at random for testing, the rest for training (both
 *  keep their original order). */
export function splitHoldout<T>(
  items: readonly T[],
  test: number,
  seed: number,
): { train: T[]; test: T[] } {
  const order = Uint32Array.from(items.keys());
  shuffleInPlace(order, seededRandom(seed));
  const held = new Set(order.subarray(0, Math.min(test, items.length)));
  const out = { train: [] as T[], test: [] as T[] };
  items.forEach((item, i) => (held.has(i) ? out.test : out.train).push(item));
  return out;
}
