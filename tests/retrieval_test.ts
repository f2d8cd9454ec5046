// Retrieval (pair) mode: the pair parser, seeded splits, BM25 against hand-computed scores,
// the ranking metrics, the kernel's pair step against finite differences of its loss,
// learning planted query-document topics (one table and two), seeded determinism,
// save/load, search, and the CLI commands.
import { Kernel } from "../src/kernel/kernel.ts";
import { LABELS_MARK, SENTENCE_END } from "../src/kernel/exports.ts";
import { FormatError } from "../src/formats/errors.ts";
import { aliasTable } from "../src/train/noise.ts";
import { BM25 } from "../src/retrieval/bm25.ts";
import { evaluateRanking, rankingMetrics, rankOf } from "../src/retrieval/metrics.ts";
import { PairModel } from "../src/retrieval/model.ts";
import {
  halvesOf,
  type Pair,
  parsePairLine,
  parsePairs,
  readPairs,
  seededRandom,
  splitHoldout,
} from "../src/retrieval/pairs.ts";
import { runPairs, runSearch } from "../src/cli/retrieval.ts";
import {
  assert,
  assertClose,
  assertEquals,
  assertGreater,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";
import { captureIO } from "./support/cli.ts";

Deno.test("pairs: query<TAB>document; errors name the file and line", async () => {
  assertEquals(parsePairLine("a b\tc  d e\r", "p.tsv", 1), {
    query: ["a", "b"],
    document: ["c", "d", "e"],
    line: 1,
  });
  assertEquals(parsePairLine("   ", "p.tsv", 2), undefined);
  assertThrows(() => parsePairs("a\tb\nno tab here\n", "p.tsv"), FormatError, "p.tsv:2: no tab");
  assertThrows(() => parsePairs("\tb", "p.tsv"), FormatError, "p.tsv:1: the query");
  assertThrows(() => parsePairs("a\t  ", "p.tsv"), FormatError, "p.tsv:1: the document");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/p.tsv`, "x y\tz\n\nq\tr s\nbroken\n");
    const e = await readPairs(`${dir}/p.tsv`).then(() => undefined, (e) => e);
    assert(e instanceof FormatError);
    assertStringIncludes(e.message, `${dir}/p.tsv:4: no tab`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pairs: halves of lines, duplicates dropped; seeded holdout split", () => {
  const lines = [
    "a b c d e f g h i".split(" "),
    "short line".split(" "),
    "a b c d e f g h i".split(" "),
    "1 2 3 4 5 6 7 8".split(" "),
  ];
  const pairs = halvesOf(lines, 8);
  assertEquals(pairs.map((p) => [p.query.join(""), p.document.join(""), p.line]), [
    ["abcd", "efghi", 1],
    ["1234", "5678", 4],
  ]);
  const items = Array.from({ length: 50 }, (_, i) => i);
  const a = splitHoldout(items, 10, 3);
  const b = splitHoldout(items, 10, 3);
  const c = splitHoldout(items, 10, 4);
  assertEquals(a, b);
  assert(a.test.join() !== c.test.join());
  assertEquals(a.test.length + a.train.length, 50);
  assertEquals([...a.test, ...a.train].sort((x, y) => x - y), items);
});

Deno.test("BM25: scores by hand (Lucene idf, k1 1.2, b 0.75), ties by lower id", () => {
  const docs = [["a", "b", "a"], ["b", "c"], ["c", "d", "e", "f"]];
  const bm = new BM25(docs);
  const avg = 3;
  const idf = (df: number) => Math.log(1 + (3 - df + 0.5) / (df + 0.5));
  const term = (tf: number, len: number, df: number) =>
    idf(df) * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * len / avg));
  const s = bm.scores(["a", "b", "zzz", "a"]); // a repeated query term counts once
  assertClose(s[0], term(2, 3, 1) + term(1, 3, 2), 1e-12);
  assertClose(s[1], term(1, 2, 2), 1e-12);
  assertEquals(s[2], 0);
  assertEquals(bm.search(["c"], 2).map((h) => h.doc), [1, 2]); // shorter doc wins
  assertEquals(bm.search(["zzz"], 2).map((h) => h.doc), [0, 1]); // all tied: by id
});

Deno.test("metrics: rank with ties (lower ids first), Recall@k and MRR", () => {
  assertEquals(rankOf([0.5, 0.9, 0.5, 0.1], 2), 3); // 0.9 above, doc 0 ties and comes first
  assertEquals(rankOf([0.5, 0.9, 0.5, 0.1], 1), 1);
  const m = rankingMetrics([1, 2, 11, 4], 10);
  assertEquals([m.queries, m.recall], [4, 0.75]);
  assertClose(m.mrr, (1 + 1 / 2 + 1 / 11 + 1 / 4) / 4, 1e-12);
  const scores: Record<string, number[]> = { q0: [3, 1, 2], q1: [3, 1, 2] };
  const r = evaluateRanking(
    [{ query: ["q0"], target: 0 }, { query: ["q1"], target: 2 }],
    (q) => scores[q[0]],
    1,
  );
  assertEquals([r.recall, r.mrr], [0.5, 0.75]);
});

// ---------- the kernel's pair step vs finite differences ----------

Deno.test("trainPairs: the step is -lr x the gradient of the pair loss (both table layouts)", async () => {
  const dim = 5;
  const vocab = 8;
  // Example 0: query [0, 1, 1], document [2, 3]; example 1 (the only negative): query [4],
  // document [5, 6, 0]. Word 0 is on both sides, so the shared table sees it twice.
  const chunk = [0, 1, 1, LABELS_MARK, 2, 3, SENTENCE_END, 4, LABELS_MARK, 5, 6, 0, SENTENCE_END];
  for (const shared of [true, false]) {
    const kernel = await Kernel.create({ variant: "simd" });
    const k = kernel.exports;
    const a = kernel.arena;
    const rowFloats = Kernel.rowFloats(dim);
    const rowBytes = rowFloats * 4;
    const qTable = a.alloc(vocab * rowBytes, "q");
    const dTable = shared ? qTable : a.alloc(vocab * rowBytes, "d");
    const alias = a.alloc(vocab * 8, "alias");
    a.u32(alias, 2 * vocab).set(aliasTable(new Float64Array(vocab).fill(1)));
    const keep = a.alloc(vocab * 4, "keep");
    a.u32(keep, vocab).fill(0xFFFFFFFF);
    k.setTables(qTable, dTable, alias, keep, vocab, rowFloats);
    k.setScratch(a.alloc(k.scratchBytes(rowFloats), "scratch"));
    k.setPairs(
      qTable,
      dTable,
      a.alloc(16 * 4, "offsets"),
      4,
      a.alloc(k.pairScratchBytes(rowFloats), "ps"),
    );
    k.setExact(1);
    const rand = seededRandom(shared ? 1 : 2);
    const view = (t: number, w: number) => a.f32(t + w * rowBytes, rowFloats);
    const tables = shared ? [qTable] : [qTable, dTable];
    for (const t of tables) {
      for (let w = 0; w < vocab; w++) {
        const r = view(t, w);
        r.fill(0);
        for (let i = 0; i < dim; i++) r[i] = (2 * rand() - 1) * 0.7;
      }
    }
    const mean = (t: number, ids: number[]) => {
      const h = new Float64Array(dim);
      for (const id of ids) for (let i = 0; i < dim; i++) h[i] += view(t, id)[i] / ids.length;
      return h;
    };
    const dotH = (x: Float64Array, y: Float64Array) => x.reduce((s, v, i) => s + v * y[i], 0);
    const ls = (x: number) => x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
    // The loss of example 0: its document positive, example 1's document negative.
    const loss = () => {
      const h = mean(qTable, [0, 1, 1]);
      return -ls(dotH(h, mean(dTable, [2, 3]))) - ls(-dotH(h, mean(dTable, [5, 6, 0])));
    };
    const fd: number[][][] = tables.map((t) =>
      Array.from({ length: vocab }, (_, w) =>
        Array.from({ length: dim }, (_, i) => {
          const r = view(t, w);
          const x = r[i];
          const delta = 1e-3 * Math.max(Math.abs(x), 0.1);
          r[i] = Math.fround(x + delta);
          const up = loss();
          const xu = r[i];
          r[i] = Math.fround(x - delta);
          const down = loss();
          const xd = r[i];
          r[i] = x;
          return (up - down) / (xu - xd);
        }))
    );
    const before = tables.map((t) => Float32Array.from(a.f32(t, vocab * rowFloats)));
    const lr = 0.3;
    // The rate reaches 0 after example 0's 5 tokens, so example 1 changes nothing.
    k.setParams(1, 1, lr, 0, 5);
    const tokens = a.alloc(4 * chunk.length, "chunk");
    a.u32(tokens, chunk.length).set(chunk);
    const seen = k.trainPairs(tokens, chunk.length, 0);
    assertEquals(seen, 5 + 4);
    tables.forEach((t, ti) => {
      const after = a.f32(t, vocab * rowFloats);
      for (let w = 0; w < vocab; w++) {
        for (let i = 0; i < dim; i++) {
          const step = (after[w * rowFloats + i] - before[ti][w * rowFloats + i]) / lr;
          assertClose(step, -fd[ti][w][i], 2e-4, `shared ${shared} table ${ti} word ${w}[${i}]`);
        }
      }
    });
  }
});

// ---------- learning ----------

/** Topic t: queries of words q{t}_*, documents of words d{t}_*, plus common words. */
function topics(n: number, seed: number, count = 12): Pair[] {
  const rand = seededRandom(seed);
  const pick = (p: string, t: number, k: number) =>
    Array.from({ length: k }, () => `${p}${t}_${Math.floor(rand() * 8)}`);
  return Array.from({ length: n }, (_, i) => {
    const t = i % count;
    return {
      query: [...pick("q", t, 4), "the"],
      document: [...pick("d", t, 6), "the", "of"],
      line: i + 1,
    };
  });
}

Deno.test("pair model: learns planted topics with one table and with two", async () => {
  const train = topics(3000, 1);
  const docs = Array.from(
    { length: 12 },
    (_, t) => Array.from({ length: 8 }, (_, j) => `d${t}_${j}`),
  );
  const queries = topics(120, 2).map((p, i) => ({ query: p.query, target: i % 12 }));
  for (const shared of [true, false]) {
    const model = await PairModel.train(train, { shared, dim: 16, epochs: 5, lr: 0.5 });
    const index = model.index(docs);
    const m = evaluateRanking(queries, (q) => index.scores(q), 1);
    assertEquals(m.recall, 1, `shared ${shared}: Recall@1`);
    const hits = index.search(queries[5].query, 3);
    assertEquals(hits[0].doc, 5);
    assert(hits[0].score >= hits[1].score && hits[1].score >= hits[2].score);
    assertEquals(model.stats!.pairs, 3000);
  }
});

Deno.test("pair model: same seed -> identical tables, another seed -> different; save/load", async () => {
  const train = topics(400, 3);
  const settings = { dim: 8, epochs: 2, lr: 0.3, shared: false };
  const a = await PairModel.train(train, { ...settings, seed: 7 });
  const b = await PairModel.train(train, { ...settings, seed: 7 });
  const c = await PairModel.train(train, { ...settings, seed: 8 });
  assertEquals(a.tables(), b.tables());
  assert(!a.tables()[1].every((v, i) => v === c.tables()[1][i]));
  const back = await PairModel.decode(a.encode(), "m.nsm");
  assertEquals(back.tables(), a.tables());
  assertEquals(back.config.shared, false);
  const docs = [["d1_1", "d1_2"], ["d2_3"], ["nothing", "known"]];
  assertEquals(back.index(docs).search(["q2_1"], 3), a.index(docs).search(["q2_1"], 3));
  const e = await PairModel.decode(new Uint8Array(10), "x.nsm").then(() => 0, (e) => e);
  assert(e instanceof FormatError);
});

// ---------- the CLI ----------

Deno.test("CLI: pairs trains a model; search ranks documents and evaluates held-out pairs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tsv = (pairs: Pair[]) =>
      pairs.map((p) => `${p.query.join(" ")}\t${p.document.join(" ")}`).join("\n") + "\n";
    await Deno.writeTextFile(`${dir}/train.tsv`, tsv(topics(1500, 4)));
    await Deno.writeTextFile(`${dir}/test.tsv`, tsv(topics(12, 5)));
    let io = captureIO();
    const code = await runPairs(
      [
        "--input",
        `${dir}/train.tsv`,
        "--output",
        `${dir}/m`,
        "--dim",
        "12",
        "--lr",
        "0.5",
        "--tables",
        "separate",
        "--epoch",
        "4",
      ],
      io,
    );
    assertEquals(code, 0, io.stderr);
    assertStringIncludes(io.stderr, "1500 pairs");
    assertStringIncludes(io.stderr, "two tables");
    io = captureIO();
    assertEquals(await runSearch(["--model", `${dir}/m.nsm`, "--eval", `${dir}/test.tsv`], io), 0);
    const lines = io.stdout.trim().split("\n");
    assertEquals(lines[0], "N\t12");
    assert(lines[1].startsWith("Recall@10\t1\tBM25\t"), lines[1]);
    assert(lines[2].startsWith("MRR\t1\tBM25\t"), lines[2]);
    io = captureIO();
    assertEquals(
      await runSearch(
        ["--model", `${dir}/m.nsm`, "--documents", `${dir}/test.tsv`, "-k", "2", "q3_1", "q3_2"],
        io,
      ),
      0,
      io.stderr,
    );
    const out = io.stdout.split("\n");
    assertEquals(out[0], "query: q3_1 q3_2");
    assert(/^ {3}1\. -?\d+\.\d{4} {2}line 4: d3_/.test(out[1]), out[1]);
    io = captureIO();
    assertEquals(await runSearch(["--model", `${dir}/m.nsm`], io), 2);
    assertStringIncludes(io.stderr, "either --documents FILE or --eval PAIRS");
    io = captureIO();
    assertEquals(await runPairs(["--input", `${dir}/missing.tsv`, "--output", `${dir}/x`], io), 1);
    assertGreater(io.stderr.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
