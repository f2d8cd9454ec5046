// Tests for src/vectors.ts: keyed vectors over the kernel's search exports, checked
// against a plain-JS scalar reference computed here on small hand-made tables.
import { assert, assertClose, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { type Neighbor, UnknownWordError, Vectors } from "../src/vectors.ts";
import { mulberry32 as rng } from "../src/random.ts";

// ---------- helpers ----------

/** Asserts that fn throws an instance of `type` whose message contains every part. */

/** Same words in the same order, scores within tol (relative to the score when it exceeds 1:
 *  3CosMul scores divide by shifted cosines near 0, where float32 keeps few digits). */
function assertNeighbors(actual: Neighbor[], expected: Neighbor[], tol = 1e-5, msg = ""): void {
  assertEquals(actual.map((n) => n.word), expected.map((n) => n.word), `${msg} words:`);
  actual.forEach((n, i) => {
    const e = expected[i].score;
    assertClose(n.score, e, tol * Math.max(1, Math.abs(e)), `${msg} score of ${n.word}:`);
  });
}

// ---------- scalar reference (plain JS, float64) ----------

class Reference {
  readonly unit: number[][];
  readonly index: Map<string, number>;

  constructor(readonly words: string[], readonly dim: number, data: Float32Array) {
    this.unit = words.map((_, r) => {
      const row = Array.from(data.subarray(r * dim, (r + 1) * dim));
      const norm = Math.sqrt(row.reduce((s, x) => s + x * x, 0));
      return row.map((x) => (norm > 0 ? x / norm : 0));
    });
    this.index = new Map(words.map((w, i) => [w, i]));
  }

  id(w: string): number {
    const i = this.index.get(w);
    if (i === undefined) throw new Error(`reference: no ${w}`);
    return i;
  }

  static dot(a: number[], b: number[]): number {
    return a.reduce((s, x, i) => s + x * b[i], 0);
  }

  static normalize(v: number[]): number[] {
    const n = Math.sqrt(Reference.dot(v, v));
    return v.map((x) => (n > 0 ? x / n : 0));
  }

  /** Sort by score (best first), ties by lower id; drop excluded ids; keep k. */
  top(scores: number[], k: number, exclude: Set<number>, rows = scores.length): Neighbor[] {
    const ids = [...Array(rows).keys()].filter((i) => !exclude.has(i));
    ids.sort((a, b) => scores[b] - scores[a] || a - b);
    return ids.slice(0, k).map((i) => ({ word: this.words[i], score: scores[i] }));
  }

  mostSimilar(pos: string[], neg: string[], k: number, restrict = this.words.length): Neighbor[] {
    const mean = new Array(this.dim).fill(0);
    for (const w of pos) this.unit[this.id(w)].forEach((x, i) => (mean[i] += x));
    for (const w of neg) this.unit[this.id(w)].forEach((x, i) => (mean[i] -= x));
    const q = Reference.normalize(mean);
    const scores = this.unit.map((u) => Reference.dot(q, u));
    const exclude = new Set([...pos, ...neg].map((w) => this.id(w)));
    return this.top(scores, k, exclude, Math.min(restrict, this.words.length));
  }

  cosmul(pos: string[], neg: string[], k: number, restrict = this.words.length): Neighbor[] {
    const shifted = (w: string) =>
      this.unit.map((u) => (1 + Reference.dot(u, this.unit[this.id(w)])) / 2);
    const num = this.unit.map(() => 1);
    const den = this.unit.map(() => 1);
    for (const w of pos) shifted(w).forEach((c, i) => (num[i] *= c));
    for (const w of neg) shifted(w).forEach((c, i) => (den[i] *= c));
    const scores = num.map((n, i) => n / (den[i] + 1e-6));
    const exclude = new Set([...pos, ...neg].map((w) => this.id(w)));
    return this.top(scores, k, exclude, Math.min(restrict, this.words.length));
  }

  doesntMatch(words: string[]): string {
    const mean = new Array(this.dim).fill(0);
    for (const w of words) this.unit[this.id(w)].forEach((x, i) => (mean[i] += x));
    const q = Reference.normalize(mean);
    let worst = words[0];
    for (const w of words) {
      if (Reference.dot(q, this.unit[this.id(w)]) < Reference.dot(q, this.unit[this.id(worst)])) {
        worst = w;
      }
    }
    return worst;
  }

  /** argmax over the first `rows` rows of (b - a + c) . row, excluding a, b, c (-1 if none). */
  analogy(a: number, b: number, c: number, rows: number): number {
    const q = this.unit[b].map((x, i) => x - this.unit[a][i] + this.unit[c][i]);
    let best = -1, bestScore = -Infinity;
    for (let r = 0; r < rows; r++) {
      if (r === a || r === b || r === c) continue;
      const s = Reference.dot(q, this.unit[r]);
      if (s > bestScore) {
        bestScore = s;
        best = r;
      }
    }
    return best;
  }
}

function randomTable(
  rows: number,
  dim: number,
  seed: number,
): { words: string[]; data: Float32Array } {
  const next = rng(seed);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
  const words = Array.from({ length: rows }, (_, i) => `r${i}`);
  return { words, data };
}

// ---------- the hand-made table ----------

// dim 3 (padded to 4 in kernel memory): (royalty, gender, fruitiness).
const HAND: Record<string, number[]> = {
  man: [0.1, 1, 0],
  woman: [0.1, -1, 0],
  king: [1, 1, 0],
  queen: [1, -1, 0],
  prince: [0.8, 1.2, 0.1],
  apple: [0.1, 0, 1],
  banana: [0.2, 0.1, 1],
  cherry: [0, 0.3, 1],
  durian: [0.3, -0.2, 2],
};
const HAND_WORDS = Object.keys(HAND);
const HAND_DATA = new Float32Array(HAND_WORDS.flatMap((w) => HAND[w]));

function hand(): Promise<Vectors> {
  return Vectors.create(HAND_WORDS, 3, HAND_DATA);
}
const REF = new Reference(HAND_WORDS, 3, HAND_DATA);

// ---------- creation and accessors ----------

Deno.test("create: shape, lookups, raw and unit vectors", async () => {
  const v = await hand();
  assertEquals(v.size, 9);
  assertEquals(v.dim, 3);
  assertEquals(v.words, HAND_WORDS);
  assert(v.has("queen") && !v.has("Queen") && !v.has(""));
  assertEquals(v.index("man"), 0);
  assertEquals(v.index("durian"), 8);
  assertEquals(v.index("nope"), -1);
  assertEquals(Array.from(v.get("durian")), Array.from(new Float32Array([0.3, -0.2, 2])));
  // get returns a copy: changing it changes nothing inside.
  const g = v.get("king");
  g[0] = 99;
  assertEquals(v.get("king")[0], 1);
  const u = v.unitVector("king");
  assertEquals(u.length, 3);
  assertClose(u[0], Math.SQRT1_2, 1e-6);
  assertClose(u[1], Math.SQRT1_2, 1e-6);
  assertEquals(u[2], 0);
});

Deno.test("create: the input array is copied", async () => {
  const data = HAND_DATA.slice();
  const v = await Vectors.create(HAND_WORDS, 3, data);
  data.fill(0);
  assertEquals(v.get("queen")[1], -1);
  assertEquals(
    v.mostSimilar("apple", [], 2).map((n) => n.word),
    REF.mostSimilar(["apple"], [], 2).map((n) => n.word),
  );
});

Deno.test("create: validation errors", async () => {
  await assertRejects(
    () => Vectors.create(["a", "b"], 3, new Float32Array(5)),
    RangeError,
    "data has 5 floats, expected 2 words x 3 = 6",
  );
  await assertRejects(
    () => Vectors.create(["a", "b", "a"], 2, new Float32Array(6)),
    Error,
    'duplicate word "a" at rows 0 and 2',
  );
  await assertRejects(
    () => Vectors.create(["a"], 0, new Float32Array(0)),
    RangeError,
    "dim must be a positive integer, got 0",
  );
  await assertRejects(
    () => Vectors.create(["a"], 1.5, new Float32Array(1)),
    RangeError,
    "dim must be a positive integer",
  );
  await assertRejects(
    () => Vectors.create([], 4, new Float32Array(0)),
    RangeError,
    "vocabulary is empty",
  );
  await assertRejects(
    () => Vectors.create(["a", "b"], 2, new Float32Array([1, 2, 3, NaN])),
    RangeError,
    '"b" (row 1) holds NaN at component 1',
  );
  await assertRejects(
    () => Vectors.create(["a", 7 as unknown as string], 1, new Float32Array(2)),
    TypeError,
    "word 1 is not a string",
  );
});

Deno.test("UnknownWordError names the word, from every query", async () => {
  const v = await hand();
  const e = assertThrows(
    () => v.get("zebra"),
    UnknownWordError,
    '"zebra"',
    "not in the vocabulary",
  );
  assertEquals((e as UnknownWordError).word, "zebra");
  assertEquals(e.name, "UnknownWordError");
  assertThrows(() => v.unitVector("zebra"), UnknownWordError, '"zebra"');
  assertThrows(() => v.similarity("king", "zebra"), UnknownWordError, '"zebra"');
  assertThrows(() => v.mostSimilar("zebra"), UnknownWordError, '"zebra"');
  assertThrows(() => v.mostSimilar(["king"], ["zebra"]), UnknownWordError, '"zebra"');
  assertThrows(() => v.mostSimilarCosmul(["king"], ["zebra"]), UnknownWordError, '"zebra"');
  assertThrows(
    () => v.mostSimilarToVector(v.get("king"), 3, { exclude: ["zebra"] }),
    UnknownWordError,
    '"zebra"',
  );
  assertThrows(() => v.doesntMatch(["king", "zebra"]), UnknownWordError, '"zebra"');
  assertThrows(() => v.analogy("man", "king", "zebra"), UnknownWordError, '"zebra"');
});

// ---------- similarity and neighbours ----------

Deno.test("similarity is the cosine", async () => {
  const v = await hand();
  for (const a of HAND_WORDS) {
    for (const b of HAND_WORDS) {
      assertClose(
        v.similarity(a, b),
        Reference.dot(REF.unit[REF.id(a)], REF.unit[REF.id(b)]),
        1e-6,
        `${a}/${b}`,
      );
    }
  }
  assertClose(v.similarity("king", "queen"), 0, 1e-7);
  assertClose(v.similarity("apple", "apple"), 1, 1e-6);
});

Deno.test("mostSimilar: known neighbours, matches the reference", async () => {
  const v = await hand();
  const fruit = v.mostSimilar("apple", [], 3);
  assertEquals(fruit.map((n) => n.word), ["durian", "banana", "cherry"]);
  assertNeighbors(fruit, REF.mostSimilar(["apple"], [], 3));
  assertEquals(v.mostSimilar("king", [], 1)[0].word, "prince");
  // A list and a string give the same answer.
  assertNeighbors(v.mostSimilar(["king"]), v.mostSimilar("king"));
  for (const w of HAND_WORDS) {
    assertNeighbors(v.mostSimilar(w), REF.mostSimilar([w], [], 10), 1e-5, w);
  }
  // Several positives and negatives.
  assertNeighbors(
    v.mostSimilar(["apple", "king"], ["woman"], 4),
    REF.mostSimilar(["apple", "king"], ["woman"], 4),
  );
  // Only negatives (allowed, as gensim).
  assertNeighbors(v.mostSimilar([], ["apple"], 3), REF.mostSimilar([], ["apple"], 3));
});

Deno.test("analogy: king - man + woman = queen (3CosAdd)", async () => {
  const v = await hand();
  const [best] = v.analogy("man", "king", "woman");
  assertEquals(best.word, "queen");
  assertNeighbors(
    v.analogy("man", "king", "woman", 3),
    REF.mostSimilar(["king", "woman"], ["man"], 3),
  );
  // queen - woman + man lands nearer prince than king on this table: the reference agrees.
  assertNeighbors(
    v.analogy("woman", "queen", "man", 2),
    REF.mostSimilar(["queen", "man"], ["woman"], 2),
  );
  assertEquals(v.analogy("man", "king", "woman", 2).length, 2);
});

Deno.test("mostSimilarCosmul: known answer, matches the reference", async () => {
  const v = await hand();
  const r = v.mostSimilarCosmul(["king", "woman"], ["man"], 4);
  assertEquals(r[0].word, "queen");
  assertNeighbors(r, REF.cosmul(["king", "woman"], ["man"], 4));
  // No negatives: gensim divides by (1 + 1e-6); the kernel does not, a 1e-6 relative difference.
  assertNeighbors(v.mostSimilarCosmul("apple", [], 5), REF.cosmul(["apple"], [], 5), 1e-5);
  // With one positive, the ranking is that of mostSimilar.
  assertEquals(
    v.mostSimilarCosmul("apple", [], 8).map((n) => n.word),
    v.mostSimilar("apple", [], 8).map((n) => n.word),
  );
  assertNeighbors(
    v.mostSimilarCosmul(["apple", "king"], ["queen"], 8, { restrict: 6 }),
    REF.cosmul(["apple", "king"], ["queen"], 8, 6),
  );
});

Deno.test("doesntMatch: the odd one out", async () => {
  const v = await hand();
  assertEquals(v.doesntMatch(["apple", "banana", "king", "cherry"]), "king");
  assertEquals(v.doesntMatch(["king", "prince", "man", "durian"]), "durian");
  // Not always the "obvious" one: queen is further than durian from this mean.
  assertEquals(v.doesntMatch(["king", "queen", "prince", "durian"]), "queen");
  assertEquals(v.doesntMatch(["apple"]), "apple");
  const lists = [
    ["man", "woman", "king", "queen", "apple"],
    ["banana", "cherry", "durian", "prince"],
    ["man", "king", "prince", "woman"],
  ];
  for (const l of lists) assertEquals(v.doesntMatch(l), REF.doesntMatch(l), l.join(","));
});

Deno.test("top-k: best first, input words excluded, k beyond the vocabulary", async () => {
  const v = await hand();
  const all = v.mostSimilar("king", [], 100);
  assertEquals(all.length, 8); // 9 words minus the query
  assert(!all.some((n) => n.word === "king"), "the query word is returned");
  for (let i = 1; i < all.length; i++) assert(all[i - 1].score >= all[i].score, "not sorted");
  assertNeighbors(all, REF.mostSimilar(["king"], [], 100));
  const two = v.mostSimilar(["king", "apple"], ["man"], 9);
  assertEquals(two.length, 6);
  assert(!two.some((n) => ["king", "apple", "man"].includes(n.word)), "an input word is returned");
  assertEquals(v.mostSimilarCosmul(["king", "apple"], ["man"], 50).length, 6);
  // The k best are a prefix of the k+1 best.
  const durian = v.mostSimilar("durian", [], 8);
  for (let k = 1; k <= 8; k++) assertNeighbors(v.mostSimilar("durian", [], k), durian.slice(0, k));
});

Deno.test("restrict: only the first rows are searched", async () => {
  const v = await hand();
  const r = v.mostSimilar("apple", [], 10, { restrict: 4 });
  assertEquals(r.map((n) => n.word).sort(), ["king", "man", "queen", "woman"]);
  assertNeighbors(r, REF.mostSimilar(["apple"], [], 10, 4));
  // The query word itself may lie beyond the restriction.
  assertEquals(
    v.mostSimilar("durian", [], 2, { restrict: 7 }).map((n) => n.word),
    REF.mostSimilar(["durian"], [], 2, 7).map((n) => n.word),
  );
  // Larger than the vocabulary = everything.
  assertNeighbors(
    v.mostSimilar("apple", [], 10, { restrict: 1000 }),
    v.mostSimilar("apple", [], 10),
  );
  // restrict 1 with the only row excluded: nothing left.
  assertEquals(v.mostSimilar("man", [], 5, { restrict: 1 }), []);
  assertEquals(v.mostSimilarToVector(v.get("queen"), 5, { restrict: 2 }).map((n) => n.word), [
    "woman",
    "man",
  ]);
});

Deno.test("mostSimilarToVector: cosine to any vector, with exclusions", async () => {
  const v = await hand();
  const r = v.mostSimilarToVector(new Float32Array([0.1, 0, 1]), 3);
  assertEquals(r[0].word, "apple");
  assertClose(r[0].score, 1, 1e-6);
  // Scale does not matter; exclusions do.
  const scaled = v.mostSimilarToVector([10, 0, 100], 3, { exclude: ["apple"] });
  assertNeighbors(scaled, REF.mostSimilar(["apple"], [], 3));
  assertThrows(
    () => v.mostSimilarToVector(new Float32Array(4)),
    RangeError,
    "the vector has 4 components, expected 3",
  );
  assertThrows(
    () => v.mostSimilarToVector([1, NaN, 0]),
    RangeError,
    "component 1 of the vector is NaN",
  );
  // A zero vector scores 0 everywhere: ties resolved by row (most frequent first).
  assertEquals(v.mostSimilarToVector([0, 0, 0], 2).map((n) => [n.word, n.score]), [["man", 0], [
    "woman",
    0,
  ]]);
});

Deno.test("zero vectors stay zero (similarity 0, never NaN)", async () => {
  const v = await Vectors.create(["a", "zero", "b"], 2, new Float32Array([1, 0, 0, 0, 0.6, 0.8]));
  assertEquals(v.similarity("a", "zero"), 0);
  assertEquals(Array.from(v.unitVector("zero")), [0, 0]);
  assertEquals(v.mostSimilar("a").map((n) => n.word), ["b", "zero"]);
});

Deno.test("argument errors have clear messages", async () => {
  const v = await hand();
  for (const k of [0, -1, 1.5, NaN]) {
    assertThrows(
      () => v.mostSimilar("king", [], k),
      RangeError,
      `mostSimilar: k must be an integer >= 1, got ${k}`,
    );
    assertThrows(
      () => v.mostSimilarCosmul("king", [], k),
      RangeError,
      "mostSimilarCosmul: k must be an integer >= 1",
    );
    assertThrows(
      () => v.mostSimilarToVector(v.get("king"), k),
      RangeError,
      "mostSimilarToVector: k must be an integer >= 1",
    );
    assertThrows(
      () => v.analogy("man", "king", "woman", k),
      RangeError,
      "k must be an integer >= 1",
    );
  }
  for (const restrict of [0, -5, 2.5]) {
    assertThrows(
      () => v.mostSimilar("king", [], 3, { restrict }),
      RangeError,
      `mostSimilar: restrict must be an integer >= 1, got ${restrict}`,
    );
    assertThrows(
      () => v.mostSimilarCosmul("king", [], 3, { restrict }),
      RangeError,
      "restrict must be an integer >= 1",
    );
    assertThrows(
      () => v.mostSimilarToVector(v.get("king"), 3, { restrict }),
      RangeError,
      "restrict must be an integer >= 1",
    );
    assertThrows(
      () => v.analogyBatch(new Int32Array([0, 1, 2]), restrict),
      RangeError,
      "analogyBatch: restrict must be an integer >= 1",
    );
  }
  assertThrows(() => v.mostSimilar([], []), RangeError, "positive and negative are both empty");
  assertThrows(
    () => v.mostSimilarCosmul([], ["king"]),
    RangeError,
    "mostSimilarCosmul: positive is empty",
  );
  assertThrows(() => v.doesntMatch([]), RangeError, "doesntMatch: the word list is empty");
  assertThrows(
    () => v.analogyBatch(new Int32Array(4)),
    RangeError,
    "triples holds 4 ids, not a multiple of 3",
  );
  assertThrows(
    () => v.analogyBatch(new Int32Array([0, 1, 9])),
    RangeError,
    "triples[2] = 9 is not a row id (0..8)",
  );
  assertThrows(
    () => v.analogyBatch(new Int32Array([0, -1, 2])),
    RangeError,
    "triples[1] = -1 is not a row id",
  );
});

// ---------- random tables against the reference ----------

Deno.test("random table: every query matches the scalar reference", async () => {
  // (dim 1 or 2: unit vectors on a circle, full of near-ties and near-opposites.)
  // 3CosMul tolerances are relative 1e-3: a negative word almost opposite a row makes
  // (1 + cos) / 2 ~ 1e-4, where a float32 cosine keeps only ~3 significant digits.
  for (const dim of [3, 4, 7, 16]) {
    const { words, data } = randomTable(60, dim, 1000 + dim);
    const v = await Vectors.create(words, dim, data);
    const ref = new Reference(words, dim, data);
    for (let i = 0; i < 60; i += 7) {
      const w = words[i];
      assertNeighbors(
        v.mostSimilar(w, [], 12),
        ref.mostSimilar([w], [], 12),
        1e-5,
        `dim ${dim} ${w}`,
      );
      assertNeighbors(
        v.mostSimilar(w, [], 5, { restrict: 20 }),
        ref.mostSimilar([w], [], 5, 20),
        1e-5,
        `restrict ${w}`,
      );
      const pos = [w, words[(i + 11) % 60]], neg = [words[(i + 23) % 60]];
      assertNeighbors(
        v.mostSimilar(pos, neg, 10),
        ref.mostSimilar(pos, neg, 10),
        1e-5,
        `3CosAdd ${pos}`,
      );
      assertNeighbors(
        v.mostSimilarCosmul(pos, neg, 10),
        ref.cosmul(pos, neg, 10),
        1e-3,
        `3CosMul ${pos}`,
      );
      assertNeighbors(
        v.mostSimilarCosmul(pos, neg, 6, { restrict: 30 }),
        ref.cosmul(pos, neg, 6, 30),
        1e-3,
        `3CosMul restrict ${pos}`,
      );
      const list = [0, 5, 9, 13, 17].map((d) => words[(i + d) % 60]);
      assertEquals(v.doesntMatch(list), ref.doesntMatch(list), `doesntMatch ${list}`);
    }
  }
});

Deno.test("many input words (beyond the initial id buffer)", async () => {
  const { words, data } = randomTable(300, 8, 77);
  const v = await Vectors.create(words, 8, data);
  const ref = new Reference(words, 8, data);
  const pos = words.slice(0, 100), neg = words.slice(100, 180);
  const r = v.mostSimilar(pos, neg, 500);
  assertEquals(r.length, 120);
  assertNeighbors(r, ref.mostSimilar(pos, neg, 500), 1e-5);
  const scores = ref.unit.map((u) => Reference.dot(ref.unit[0], u));
  const excluded = new Set([...Array(150).keys()]);
  assertNeighbors(
    v.mostSimilarToVector(v.get("r0"), 5, { exclude: words.slice(0, 150) }),
    ref.top(scores, 5, excluded),
  );
});

Deno.test("analogyBatch: matches the reference, across batches, with restrict", async () => {
  const { words, data } = randomTable(80, 12, 4242);
  const v = await Vectors.create(words, 12, data);
  const ref = new Reference(words, 12, data);
  const next = rng(9);
  const count = 2500; // more than one kernel batch (1024)
  const triples = new Int32Array(count * 3);
  for (let i = 0; i < triples.length; i++) triples[i] = Math.floor(next() * 80);
  for (const restrict of [80, 40, 1000]) {
    const got = v.analogyBatch(triples, restrict);
    assertEquals(got.length, count);
    const rows = Math.min(restrict, 80);
    for (let q = 0; q < count; q++) {
      const [a, b, c] = triples.subarray(q * 3, q * 3 + 3);
      assertEquals(
        got[q],
        ref.analogy(a, b, c, rows),
        `question ${q} (${a}, ${b}, ${c}), restrict ${restrict}`,
      );
    }
  }
  // The default is the whole vocabulary; the word API agrees with the id API.
  const [a, b, c] = [3, 17, 42];
  assertEquals(
    words[v.analogyBatch(new Int32Array([a, b, c]))[0]],
    v.analogy(words[a], words[b], words[c])[0].word,
  );
  // Every row excluded -> -1.
  assertEquals(Array.from(v.analogyBatch(new Int32Array([0, 1, 2]), 3)), [-1]);
  assertEquals(v.analogyBatch(new Int32Array(0)).length, 0);
});

Deno.test("kernel variants agree", async () => {
  const { words, data } = randomTable(50, 10, 5);
  const simd = await Vectors.create(words, 10, data, { kernel: "simd" });
  const relaxed = await Vectors.create(words, 10, data, { kernel: "relaxed" });
  for (const w of ["r0", "r7", "r33"]) {
    assertNeighbors(simd.mostSimilar(w, [], 8), relaxed.mostSimilar(w, [], 8), 1e-5, w);
    assertNeighbors(
      simd.mostSimilarCosmul([w, "r1"], ["r2"], 8),
      relaxed.mostSimilarCosmul([w, "r1"], ["r2"], 8),
      1e-5,
      w,
    );
  }
});
