// Word analogy evaluation on the Google analogy set format (questions-words.txt):
// `: section` header lines, then `a b c d` lines meaning a : b :: c : d.
// The protocol is the usual one (word2vec's compute-accuracy, gensim's
// evaluate_word_analogies): only the `restrict` most frequent words count, a
// question with a word outside them is skipped, the three question words are
// never an answer, and the answer is the 3CosAdd argmax.
import { FormatError } from "../formats/errors.ts";
import type { Vectors } from "../vectors.ts";

export interface AnalogyQuestion {
  /** Lowercased words: a : b :: c : d. */
  a: string;
  b: string;
  c: string;
  d: string;
  /** 1-based line in the file. */
  line: number;
}

export interface AnalogySection {
  name: string;
  questions: AnalogyQuestion[];
}

/** Parses the Google analogy format. Words are lowercased; blank lines are ignored.
 *  Throws FormatError (`name:line: ...`) on a question before any section header
 *  or a line that does not have exactly four words. */
export function parseAnalogies(text: string, name = "analogies"): AnalogySection[] {
  const sections: AnalogySection[] = [];
  let current: AnalogySection | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    if (line.startsWith(":")) {
      const section = line.slice(1).trim();
      if (section === "") {
        throw new FormatError(name, "section header without a name", { line: i + 1 });
      }
      current = { name: section, questions: [] };
      sections.push(current);
      continue;
    }
    const words = line.split(/\s+/);
    if (words.length !== 4) {
      throw new FormatError(
        name,
        `expected 4 words "a b c d", got ${words.length}: ${JSON.stringify(line)}`,
        { line: i + 1 },
      );
    }
    if (!current) {
      throw new FormatError(name, 'question before the first ": section" header', { line: i + 1 });
    }
    const [a, b, c, d] = words.map((w) => w.toLowerCase());
    current.questions.push({ a, b, c, d, line: i + 1 });
  }
  return sections;
}

export interface AnalogyOptions {
  /** Only the first (most frequent) `restrict` words are used. Default 30,000. */
  restrict?: number;
  /** Names the file in error messages. Default "analogies". */
  name?: string;
}

export interface AccuracyCount {
  correct: number;
  /** Questions evaluated (skipped ones are not counted). */
  total: number;
  /** correct / total, 0 when nothing was evaluated (as gensim). */
  accuracy: number;
}

export interface AnalogySectionResult extends AccuracyCount {
  section: string;
  /** Questions of this section skipped for a word outside the restricted vocabulary. */
  skipped: number;
}

export interface AnalogyResult extends AccuracyCount {
  name: string;
  /** The number of rows actually searched (`restrict` clamped to the vocabulary size). */
  restrict: number;
  sections: AnalogySectionResult[];
  /** Questions in the file. */
  questions: number;
  /** Questions skipped because a word is outside the restricted vocabulary. */
  skipped: number;
  /** Sections whose name does not start with "gram". */
  semantic: AccuracyCount;
  /** Sections whose name starts with "gram". */
  syntactic: AccuracyCount;
}

function accuracy(correct: number, total: number): AccuracyCount {
  return { correct, total, accuracy: total > 0 ? correct / total : 0 };
}

/** Evaluates 3CosAdd analogies (a : b :: c : ?) on the text of an analogy file. */
export function evaluateAnalogies(
  vectors: Vectors,
  text: string,
  options: AnalogyOptions = {},
): AnalogyResult {
  const name = options.name ?? "analogies";
  const restrict = options.restrict ?? 30000;
  if (!Number.isInteger(restrict) || restrict < 1) {
    throw new RangeError(`evaluateAnalogies: restrict must be an integer >= 1, got ${restrict}`);
  }
  const rows = Math.min(restrict, vectors.size);
  const sections = parseAnalogies(text, name);
  if (!sections.some((s) => s.questions.length > 0)) {
    throw new FormatError(name, "no analogy questions found");
  }

  // Lowercase word -> its first (most frequent) row among the allowed ones.
  const ok = new Map<string, number>();
  const words = vectors.words;
  for (let r = 0; r < rows; r++) {
    const w = words[r].toLowerCase();
    if (!ok.has(w)) ok.set(w, r);
  }

  let questions = 0;
  for (const s of sections) questions += s.questions.length;
  const triples = new Int32Array(questions * 3);
  const expected: string[] = [];
  const sectionOf: number[] = [];
  const skippedBySection = new Array<number>(sections.length).fill(0);
  let n = 0;
  sections.forEach((s, si) => {
    for (const q of s.questions) {
      const a = ok.get(q.a), b = ok.get(q.b), c = ok.get(q.c);
      if (a === undefined || b === undefined || c === undefined || !ok.has(q.d)) {
        skippedBySection[si]++;
        continue;
      }
      triples[n * 3] = a;
      triples[n * 3 + 1] = b;
      triples[n * 3 + 2] = c;
      expected.push(q.d);
      sectionOf.push(si);
      n++;
    }
  });

  const answers = n > 0 ? vectors.analogyBatch(triples.subarray(0, n * 3), rows) : new Int32Array();
  const correctBySection = new Array<number>(sections.length).fill(0);
  for (let i = 0; i < n; i++) {
    const id = answers[i];
    // Compared by lowercase word (as gensim compares case-folded words).
    if (id >= 0 && words[id].toLowerCase() === expected[i]) correctBySection[sectionOf[i]]++;
  }

  const results: AnalogySectionResult[] = sections.map((s, si) => ({
    section: s.name,
    ...accuracy(correctBySection[si], s.questions.length - skippedBySection[si]),
    skipped: skippedBySection[si],
  }));
  const sum = (pick: (r: AnalogySectionResult) => boolean) => {
    let correct = 0, total = 0;
    for (const r of results) {
      if (!pick(r)) continue;
      correct += r.correct;
      total += r.total;
    }
    return accuracy(correct, total);
  };
  const isSyntactic = (r: AnalogySectionResult) => r.section.startsWith("gram");
  return {
    name,
    restrict: rows,
    ...sum(() => true),
    sections: results,
    questions,
    skipped: questions - n,
    semantic: sum((r) => !isSyntactic(r)),
    syntactic: sum(isSyntactic),
  };
}
