// Tests for src/eval (analogies, word pairs, correlation statistics), plus a
// cross-check of src/vectors.ts and src/eval against gensim 4.2 on committed
// fixtures (made by tests/fixtures/make_eval_expected.py; no Python needed here).
import { assert, assertClose, assertEquals, assertThrows } from "./assert.ts";
import { Vectors } from "../src/vectors.ts";
import { evaluateAnalogies, parseAnalogies } from "../src/eval/analogies.ts";
import { evaluateWordPairs, parseWordPairs } from "../src/eval/wordpairs.ts";
import { pearson, ranks, spearman } from "../src/eval/stats.ts";
import { FormatError } from "../src/formats/errors.ts";
import { mulberry32 as rng } from "../src/random.ts";

// ---------- helpers ----------

// ---------- stats ----------

Deno.test("ranks: 1-based, ties averaged", () => {
  assertEquals(Array.from(ranks([10, 20, 20, 30])), [1, 2.5, 2.5, 4]);
  assertEquals(Array.from(ranks([3, 1, 2])), [3, 1, 2]);
  assertEquals(Array.from(ranks([5, 5, 5])), [2, 2, 2]);
  assertEquals(Array.from(ranks([2, -1, 2, 7, -1, 2])), [4, 1.5, 4, 6, 1.5, 4]);
  assertEquals(Array.from(ranks([])), []);
  assertEquals(Array.from(ranks(new Float32Array([0.5, 0.25]))), [2, 1]);
});

Deno.test("pearson and spearman: scipy's example, worked by hand", () => {
  // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233 (its docs);
  // by hand: ranks of y = [1, 2, 3.5, 5, 3.5], r = 8 / sqrt(10 * 9.5) = 8 / sqrt(95).
  const x = [1, 2, 3, 4, 5], y = [5, 6, 7, 8, 7];
  assertClose(spearman(x, y), 8 / Math.sqrt(95), 1e-12);
  assertClose(spearman(x, y), 0.8207826816681233, 1e-12);
  // pearsonr: sxy = 6, sxx = 10, syy = 5.2 -> 6 / sqrt(52) = 0.8320502943378436 (scipy).
  assertClose(pearson(x, y), 6 / Math.sqrt(52), 1e-12);
  assertClose(pearson(x, y), 0.8320502943378436, 1e-12);
  // Symmetric.
  assertClose(spearman(y, x), spearman(x, y), 1e-12);
  assertClose(pearson(y, x), pearson(x, y), 1e-12);
});

Deno.test("spearman: monotone = 1, reversed = -1, ties averaged", () => {
  const x = [0.1, 0.5, 0.2, 0.9, 0.7];
  const cubed = x.map((v) => v ** 3);
  assertClose(spearman(x, cubed), 1, 1e-12);
  assert(pearson(x, cubed) < 1, "pearson of a non-linear relation is below 1");
  assertClose(spearman(x, cubed.map((v) => -v)), -1, 1e-12);
  assertClose(pearson(x, x.map((v) => 3 * v - 2)), 1, 1e-12);
  assertClose(pearson(x, x.map((v) => -v)), -1, 1e-12);
  // Ties: ranks [1.5, 1.5, 3, 4] vs [1, 2, 3, 4] -> 4.5 / sqrt(4.5 * 5).
  assertClose(spearman([1, 1, 2, 3], [10, 20, 30, 40]), 4.5 / Math.sqrt(22.5), 1e-12);
  assertClose(spearman([1, 1, 2, 3], [10, 20, 30, 40]), 0.9486832980505138, 1e-12);
});

Deno.test("stats: degenerate samples and errors", () => {
  assert(Number.isNaN(pearson([1, 2, 3], [4, 4, 4])), "a constant sample gives NaN");
  assert(Number.isNaN(spearman([7, 7], [1, 2])), "a constant sample gives NaN");
  assert(Number.isNaN(pearson([1], [2])), "one value gives NaN");
  assert(Number.isNaN(spearman([], [])), "no values give NaN");
  assertThrows(
    () => pearson([1, 2], [1]),
    RangeError,
    "pearson: the samples differ in length (2 and 1)",
  );
  assertThrows(
    () => spearman([1], [1, 2, 3]),
    RangeError,
    "spearman: the samples differ in length (1 and 3)",
  );
  assertThrows(() => pearson([1, NaN], [1, 2]), RangeError, "pearson: value 1 is NaN");
  assertThrows(() => spearman([1, 2], [NaN, 2]), RangeError, "spearman: value 0 is NaN");
});

// ---------- analogies ----------

// Countries on axes 0-3, capital = country + e4; cat/dog on axes 5-6, plural = word + e7.
// Rows in "frequency" order: spain and madrid last, so restrict 10 drops them.
const E = (...axes: number[]) => {
  const v = new Array(8).fill(0);
  for (const a of axes) v[a] = 1;
  return v;
};
const ANALOGY_TABLE: [string, number[]][] = [
  ["france", E(0)],
  ["paris", E(0, 4)],
  ["germany", E(1)],
  ["berlin", E(1, 4)],
  ["italy", E(2)],
  ["rome", E(2, 4)],
  ["cat", E(5)],
  ["cats", E(5, 7)],
  ["dog", E(6)],
  ["dogs", E(6, 7)],
  ["spain", E(3)],
  ["madrid", E(3, 4)],
];

function analogyVectors(): Promise<Vectors> {
  return Vectors.create(
    ANALOGY_TABLE.map(([w]) => w),
    8,
    new Float32Array(ANALOGY_TABLE.flatMap(([, v]) => v)),
  );
}

const QUESTIONS = [
  ": capital-common-countries",
  "france paris germany berlin", // correct
  "germany berlin italy rome", // correct
  "ITALY Rome france PARIS", // correct (case-insensitive)
  "france paris italy berlin", // wrong: the answer is rome
  "france paris atlantis xyz", // skipped: unknown words
  "france paris spain madrid", // correct; skipped with restrict 10
  "",
  ": gram8-plural",
  "cat cats dog dogs", // correct
  "dog dogs cat cats", // correct
  "cat cats dog cat", // wrong (and "cat" is a question word: never an answer)
  "cats cat dogs dog", // correct
  ": family",
  "king queen man woman", // skipped
].join("\n");

Deno.test("parseAnalogies: sections, lowercase, blank lines, CRLF", () => {
  const sections = parseAnalogies(QUESTIONS.replaceAll("\n", "\r\n"), "q.txt");
  assertEquals(sections.map((s) => [s.name, s.questions.length]), [
    ["capital-common-countries", 6],
    ["gram8-plural", 4],
    ["family", 1],
  ]);
  assertEquals(sections[0].questions[2], {
    a: "italy",
    b: "rome",
    c: "france",
    d: "paris",
    line: 4,
  });
  assertEquals(sections[1].questions[0].line, 10);
  // Tabs and repeated spaces separate words too; a header may omit the space.
  assertEquals(parseAnalogies(":x\na\tb  c d\n")[0], {
    name: "x",
    questions: [{ a: "a", b: "b", c: "c", d: "d", line: 2 }],
  });
});

Deno.test("parseAnalogies: malformed lines name the file and line", () => {
  const e = assertThrows(
    () => parseAnalogies(": s\na b c d\na b c\n", "questions.txt"),
    FormatError,
    'questions.txt:3: expected 4 words "a b c d", got 3: "a b c"',
  );
  assertEquals((e as FormatError).line, 3);
  assertThrows(
    () => parseAnalogies(": s\na b c d e"),
    FormatError,
    "analogies:2: expected 4 words",
    "got 5",
  );
  assertThrows(
    () => parseAnalogies("\na b c d\n", "q.txt"),
    FormatError,
    'q.txt:2: question before the first ": section" header',
  );
  assertThrows(
    () => parseAnalogies(": s\n:  \n", "q.txt"),
    FormatError,
    "q.txt:2: section header without a name",
  );
});

Deno.test("evaluateAnalogies: per-section and overall accuracy, skipped questions", async () => {
  const v = await analogyVectors();
  const r = evaluateAnalogies(v, QUESTIONS, { name: "tiny" });
  assertEquals(r.name, "tiny");
  assertEquals(r.restrict, 12); // 30,000 clamped to the vocabulary
  assertEquals(r.sections, [
    { section: "capital-common-countries", correct: 4, total: 5, accuracy: 0.8, skipped: 1 },
    { section: "gram8-plural", correct: 3, total: 4, accuracy: 0.75, skipped: 0 },
    { section: "family", correct: 0, total: 0, accuracy: 0, skipped: 1 },
  ]);
  assertEquals([r.correct, r.total, r.questions, r.skipped], [7, 9, 11, 2]);
  assertClose(r.accuracy, 7 / 9, 1e-12);
  assertEquals(r.semantic, { correct: 4, total: 5, accuracy: 0.8 });
  assertEquals(r.syntactic, { correct: 3, total: 4, accuracy: 0.75 });
  // The same answers through the word API.
  assertEquals(v.analogy("france", "paris", "italy")[0].word, "rome");
  assertEquals(v.analogy("cat", "cats", "dog")[0].word, "dogs");
});

Deno.test("evaluateAnalogies: restrict drops rare words from questions and answers", async () => {
  const v = await analogyVectors();
  const r = evaluateAnalogies(v, QUESTIONS, { restrict: 10 });
  assertEquals(r.restrict, 10);
  assertEquals(r.sections[0], {
    section: "capital-common-countries",
    correct: 3,
    total: 4,
    accuracy: 0.75,
    skipped: 2,
  });
  assertEquals([r.correct, r.total, r.skipped], [6, 8, 3]);
  // With only the countries and capitals of france/germany left (restrict 4), the answer
  // to "france paris germany ?" is still berlin; to "germany berlin france ?" paris.
  const small = evaluateAnalogies(
    v,
    ": s\nfrance paris germany berlin\ngermany berlin france paris\n",
    {
      restrict: 4,
    },
  );
  assertEquals([small.correct, small.total], [2, 2]);
  // restrict 3: berlin (row 3) is out, so the first question is skipped.
  const tiny = evaluateAnalogies(v, ": s\nfrance paris germany berlin\n", { restrict: 3 });
  assertEquals([tiny.total, tiny.skipped], [0, 1]);
});

Deno.test("evaluateAnalogies: a case variant maps to its most frequent row", async () => {
  // "Paris" (row 1) and "paris" (row 5): the question's "paris" means row 1.
  const v = await Vectors.create(
    ["france", "Paris", "germany", "berlin", "x", "paris"],
    3,
    new Float32Array([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0.2, 0.3, -1, -1, 0, 0]),
  );
  const r = evaluateAnalogies(v, ": s\ngermany berlin france paris\nfrance paris germany berlin\n");
  assertEquals([r.correct, r.total, r.skipped], [2, 2, 0]);
});

Deno.test("evaluateAnalogies: errors", async () => {
  const v = await analogyVectors();
  assertThrows(
    () => evaluateAnalogies(v, QUESTIONS, { restrict: 0 }),
    RangeError,
    "restrict must be an integer >= 1, got 0",
  );
  assertThrows(() => evaluateAnalogies(v, QUESTIONS, { restrict: 1.5 }), RangeError, "got 1.5");
  assertThrows(
    () => evaluateAnalogies(v, "", { name: "empty.txt" }),
    FormatError,
    "empty.txt: no analogy questions found",
  );
  assertThrows(() => evaluateAnalogies(v, ": a\n: b\n"), FormatError, "no analogy questions found");
  assertThrows(
    () => evaluateAnalogies(v, ": s\nfrance paris\n", { name: "bad.txt" }),
    FormatError,
    "bad.txt:2: expected 4 words",
  );
});

// ---------- word pairs ----------

Deno.test("parseWordPairs: comments, tabs or spaces, lowercase", () => {
  const text =
    "# WordSim\n# Word 1\tWord 2\tHuman\n\nTiger\tcat\t7.35\r\nnew york\tcity\t5\nbook paper  7.46\nA b -1e-1\n";
  assertEquals(parseWordPairs(text), [
    { a: "tiger", b: "cat", score: 7.35, line: 4 },
    { a: "new york", b: "city", score: 5, line: 5 },
    { a: "book", b: "paper", score: 7.46, line: 6 },
    { a: "a", b: "b", score: -0.1, line: 7 },
  ]);
  assertEquals(parseWordPairs("# only comments\n"), []);
});

Deno.test("parseWordPairs: bad rows name the file and line", () => {
  assertThrows(
    () => parseWordPairs("# c\ntiger\tcat\n", "ws.tsv"),
    FormatError,
    'ws.tsv:2: expected "word1<TAB>word2<TAB>score", got 2 fields: "tiger\\tcat"',
  );
  assertThrows(() => parseWordPairs("a b c d"), FormatError, "pairs:1: expected", "got 4 fields");
  assertThrows(
    () => parseWordPairs("a\tb\t7.3x\n", "ws.tsv"),
    FormatError,
    'ws.tsv:1: the score "7.3x" is not a number',
  );
  assertThrows(
    () => parseWordPairs("x y 1\na\tb\t\n"),
    FormatError,
    'pairs:2: expected "word1<TAB>word2<TAB>score", got 2 fields',
  );
  assertThrows(() => parseWordPairs("a\t\t3\n"), FormatError, "pairs:1: expected");
  assertThrows(() => parseWordPairs("a b NaN\n"), FormatError, 'the score "NaN" is not a number');
});

/** 20 random words x 8 dims, with the float64 cosines of some pairs. */
async function pairVectors() {
  const next = rng(31);
  const words = Array.from({ length: 20 }, (_, i) => `w${i}`);
  const data = new Float32Array(20 * 8).map(() => next() * 2 - 1);
  const v = await Vectors.create(words, 8, data);
  const row = (i: number) => Array.from(data.subarray(i * 8, i * 8 + 8));
  const cos = (i: number, j: number) => {
    const a = row(i), b = row(j);
    const d = (x: number[], y: number[]) => x.reduce((s, t, k) => s + t * y[k], 0);
    return d(a, b) / Math.sqrt(d(a, a) * d(b, b));
  };
  const pairs: [number, number][] = [];
  for (let i = 0; i < 15; i++) pairs.push([i, (i * 7 + 3) % 20]);
  return { v, cos, pairs };
}

Deno.test("evaluateWordPairs: monotone human scores -> Spearman 1, reversed -> -1", async () => {
  const { v, cos, pairs } = await pairVectors();
  const lines = (f: (c: number) => number) =>
    pairs.map(([i, j]) => `w${i}\tW${j}\t${f(cos(i, j))}`).join("\n") + "\n";
  const up = evaluateWordPairs(v, "# monotone\n" + lines((c) => Math.exp(3 * c)), { name: "up" });
  assertClose(up.spearman, 1, 1e-12);
  assert(up.pearson > 0.8 && up.pearson < 1, `pearson ${up.pearson}`);
  const humans = pairs.map(([i, j]) => Math.exp(3 * cos(i, j)));
  assertClose(up.pearson, pearson(humans, pairs.map(([i, j]) => cos(i, j))), 1e-6);
  assertEquals([up.name, up.pairs, up.used, up.skipped, up.oovRatio], ["up", 15, 15, 0, 0]);
  const down = evaluateWordPairs(v, lines((c) => 10 - 5 * c));
  assertClose(down.spearman, -1, 1e-12);
  assertClose(down.pearson, -1, 1e-6);
});

Deno.test("evaluateWordPairs: OOV share and tied human scores", async () => {
  const { v, cos, pairs } = await pairVectors();
  // Four pairs ranked by cosine; human scores 1, 1, 2, 3 in that order (a tie at the bottom).
  const ranked = pairs.slice(0, 4).sort((p, q) => cos(p[0], p[1]) - cos(q[0], q[1]));
  const text = [
    ...ranked.map(([i, j], n) => `w${i} w${j} ${[1, 1, 2, 3][n]}`),
    "w1\tunknown\t5",
    "missing\tw2\t5",
  ].join("\n");
  const r = evaluateWordPairs(v, text);
  assertEquals([r.pairs, r.used, r.skipped, r.oovRatio], [6, 4, 2, 2 / 6]);
  assertClose(r.spearman, 4.5 / Math.sqrt(22.5), 1e-12);
  // restrict: w15..w19 count as unknown.
  const restricted = evaluateWordPairs(v, "w1 w2 1\nw3 w16 2\nw4 w5 3\nw17 w0 4\n", {
    restrict: 15,
  });
  assertEquals([restricted.used, restricted.skipped, restricted.oovRatio], [2, 2, 0.5]);
});

Deno.test("evaluateWordPairs: errors", async () => {
  const { v } = await pairVectors();
  assertThrows(
    () => evaluateWordPairs(v, "# nothing\n", { name: "e.tsv" }),
    FormatError,
    "e.tsv: no word pairs found",
  );
  assertThrows(
    () => evaluateWordPairs(v, "a b 1\nc d 2\n", { name: "oov.tsv" }),
    Error,
    "oov.tsv: none of the 2 pairs has both words in the vocabulary",
  );
  assertThrows(
    () => evaluateWordPairs(v, "w1 w2 x\n", { name: "bad.tsv" }),
    FormatError,
    'bad.tsv:1: the score "x" is not a number',
  );
  assertThrows(
    () => evaluateWordPairs(v, "w1 w2 1\n", { restrict: -2 }),
    RangeError,
    "restrict must be an integer >= 1, got -2",
  );
  // One usable pair: no correlation (NaN), not an error.
  const one = evaluateWordPairs(v, "w1 w2 1\n");
  assert(Number.isNaN(one.spearman) && Number.isNaN(one.pearson), "one pair gives NaN");
});

// ---------- cross-check against gensim ----------

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** word2vec text format: "count dim" then "word v1 ... vdim" lines. */
function parseVec(text: string): { words: string[]; dim: number; data: Float32Array } {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const [count, dim] = lines[0].trim().split(/\s+/).map(Number);
  const words: string[] = [];
  const data = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const parts = lines[i + 1].trim().split(" ");
    assertEquals(parts.length, dim + 1, `eval_vectors.vec line ${i + 2}:`);
    words.push(parts[0]);
    for (let j = 0; j < dim; j++) data[i * dim + j] = Number(parts[j + 1]);
  }
  return { words, dim, data };
}

interface Expected {
  gensim_version: string;
  restrict: number;
  most_similar: {
    positive: string[];
    negative: string[];
    k: number;
    restrict: number | null;
    result: [string, number][];
  }[];
  most_similar_cosmul: {
    positive: string[];
    negative: string[];
    k: number;
    result: [string, number][];
  }[];
  doesnt_match: { words: string[]; result: string }[];
  similarity: [string, string, number][];
  word_pairs: { pearson: number; spearman: number; oov_percent: number };
  analogies: {
    accuracy: number;
    sections: { section: string; correct: number; incorrect: number }[];
  };
}

async function gensimFixtures() {
  const vec = parseVec(await Deno.readTextFile(new URL("eval_vectors.vec", FIXTURES)));
  const expected: Expected = JSON.parse(
    await Deno.readTextFile(new URL("eval_expected.json", FIXTURES)),
  );
  const v = await Vectors.create(vec.words, vec.dim, vec.data);
  return { v, expected };
}

Deno.test("gensim: most_similar, most_similar_cosmul, doesnt_match, similarity", async () => {
  const { v, expected } = await gensimFixtures();
  assertEquals([v.size, v.dim], [200, 16]);
  assert(expected.most_similar.length >= 30, "fixture has most_similar queries");
  for (const q of expected.most_similar) {
    const got = v.mostSimilar(q.positive, q.negative, q.k, { restrict: q.restrict ?? undefined });
    const what = `most_similar(${q.positive}; ${q.negative}; restrict ${q.restrict})`;
    assertEquals(got.map((n) => n.word), q.result.map(([w]) => w), what);
    got.forEach((n, i) => assertClose(n.score, q.result[i][1], 1e-5, `${what} ${n.word}`));
  }
  assert(expected.most_similar_cosmul.length >= 15, "fixture has most_similar_cosmul queries");
  for (const q of expected.most_similar_cosmul) {
    const got = v.mostSimilarCosmul(q.positive, q.negative, q.k);
    const what = `most_similar_cosmul(${q.positive}; ${q.negative})`;
    assertEquals(got.map((n) => n.word), q.result.map(([w]) => w), what);
    got.forEach((n, i) => {
      const e = q.result[i][1];
      assertClose(n.score, e, 1e-4 * Math.max(1, Math.abs(e)), `${what} ${n.word}`);
    });
  }
  assert(expected.doesnt_match.length >= 15, "fixture has doesnt_match queries");
  for (const q of expected.doesnt_match) {
    assertEquals(v.doesntMatch(q.words), q.result, q.words.join(" "));
  }
  for (const [a, b, s] of expected.similarity) {
    assertClose(v.similarity(a, b), s, 1e-6, `${a}/${b}`);
  }
});

Deno.test("gensim: evaluate_word_pairs and evaluate_word_analogies", async () => {
  const { v, expected } = await gensimFixtures();
  const pairs = evaluateWordPairs(v, await Deno.readTextFile(new URL("eval_pairs.tsv", FIXTURES)));
  assertClose(pairs.spearman, expected.word_pairs.spearman, 1e-9);
  assertClose(pairs.pearson, expected.word_pairs.pearson, 1e-6);
  assertClose(pairs.oovRatio * 100, expected.word_pairs.oov_percent, 1e-9);

  const analogies = evaluateAnalogies(
    v,
    await Deno.readTextFile(new URL("eval_analogies.txt", FIXTURES)),
    { restrict: expected.restrict },
  );
  const gensimSections = expected.analogies.sections.filter((s) => s.section !== "Total accuracy");
  assertEquals(
    analogies.sections.map((s) => [s.section, s.correct, s.total - s.correct]),
    gensimSections.map((s) => [s.section, s.correct, s.incorrect]),
  );
  assertClose(analogies.accuracy, expected.analogies.accuracy, 1e-12);
  assert(
    analogies.skipped > 0 && analogies.correct > 0 && analogies.correct < analogies.total,
    "fixture mixes outcomes",
  );
});
