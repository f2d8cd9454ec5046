// Word-pair similarity evaluation (WordSim-353, SimLex-999, MEN ...): the rank
// correlation between human scores and the cosine similarity of the vectors, over
// the pairs whose two words are both known, as gensim's evaluate_word_pairs.
import { FormatError } from "../formats/errors.ts";
import type { Vectors } from "../vectors.ts";
import { pearson, spearman } from "./stats.ts";

export interface WordPair {
  /** Lowercased words. */
  a: string;
  b: string;
  /** The human score. */
  score: number;
  /** 1-based line in the file. */
  line: number;
}

/** Parses `word1<TAB>word2<TAB>score` lines (or space-separated), skipping blank
 *  lines and `#` comments. Throws FormatError (`name:line: ...`) on a bad row. */
export function parseWordPairs(text: string, name = "pairs"): WordPair[] {
  const pairs: WordPair[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.includes("\t") ? line.split("\t").map((f) => f.trim()) : line.split(/\s+/);
    if (fields.length !== 3 || fields[0] === "" || fields[1] === "") {
      throw new FormatError(
        name,
        `expected "word1<TAB>word2<TAB>score", got ${fields.length} fields: ${
          JSON.stringify(line)
        }`,
        { line: i + 1 },
      );
    }
    const score = fields[2] === "" ? NaN : Number(fields[2]);
    if (!Number.isFinite(score)) {
      throw new FormatError(name, `the score ${JSON.stringify(fields[2])} is not a number`, {
        line: i + 1,
      });
    }
    pairs.push({ a: fields[0].toLowerCase(), b: fields[1].toLowerCase(), score, line: i + 1 });
  }
  return pairs;
}

export interface WordPairOptions {
  /** Names the file in error messages. Default "pairs". */
  name?: string;
  /** Only the first (most frequent) `restrict` words are used. Default: all. */
  restrict?: number;
}

export interface WordPairResult {
  name: string;
  /** Pairs in the file. */
  pairs: number;
  /** Pairs with both words known (the ones correlated). */
  used: number;
  /** Pairs skipped for an unknown word. */
  skipped: number;
  /** skipped / pairs. */
  oovRatio: number;
  /** Spearman's rank correlation (ties averaged); NaN if fewer than 2 pairs or constant. */
  spearman: number;
  pearson: number;
}

/** Correlates human scores with cosine similarities (words compared lowercase). */
export function evaluateWordPairs(
  vectors: Vectors,
  text: string,
  options: WordPairOptions = {},
): WordPairResult {
  const name = options.name ?? "pairs";
  const restrict = options.restrict ?? vectors.size;
  if (!Number.isInteger(restrict) || restrict < 1) {
    throw new RangeError(`evaluateWordPairs: restrict must be an integer >= 1, got ${restrict}`);
  }
  const pairs = parseWordPairs(text, name);
  if (pairs.length === 0) throw new FormatError(name, "no word pairs found");

  // Lowercase word -> the word of its first (most frequent) row.
  const known = new Map<string, string>();
  const words = vectors.words;
  const rows = Math.min(restrict, vectors.size);
  for (let r = 0; r < rows; r++) {
    const w = words[r].toLowerCase();
    if (!known.has(w)) known.set(w, words[r]);
  }

  const human: number[] = [];
  const model: number[] = [];
  for (const p of pairs) {
    const a = known.get(p.a), b = known.get(p.b);
    if (a === undefined || b === undefined) continue;
    human.push(p.score);
    model.push(vectors.similarity(a, b));
  }
  if (human.length === 0) {
    throw new Error(`${name}: none of the ${pairs.length} pairs has both words in the vocabulary`);
  }
  const skipped = pairs.length - human.length;
  return {
    name,
    pairs: pairs.length,
    used: human.length,
    skipped,
    oovRatio: skipped / pairs.length,
    spearman: spearman(human, model),
    pearson: pearson(human, model),
  };
}
