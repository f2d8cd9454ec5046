// Recommendations: the interactions parser, sessions, the evaluation metrics and baselines,
// the item recommender on planted clusters, titles, and the item commands.
import {
  assert,
  assertClose,
  assertEquals,
  assertGreater,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "./assert.ts";
import {
  buildSessions,
  CoOccurrence,
  CsvError,
  CsvParser,
  encodeItemModel,
  type EvalCase,
  evaluateScorer,
  type Interaction,
  ItemRecommender,
  itemRecommenderFromBytes,
  leaveLastOut,
  MostPopular,
  parseCsv,
  parseInteractions,
  parseSessions,
  parseTimestamp,
  parseTitles,
  rankMetrics,
  recommenderScorer,
  type Scorer,
  sessionCorpus,
  splitSession,
  trainItems,
  UnknownItemError,
  userHistories,
} from "../src/recsys/mod.ts";
import { runItems } from "../src/cli/recsys.ts";
import { captureIO } from "./support/cli.ts";

// ---------- CSV and interactions ----------

Deno.test("csv: quoted fields with delimiters, escaped quotes, line breaks; CRLF; BOM", () => {
  const text = '\uFEFFid,title\r\n1,"Cry, the Beloved Country (1995)"\r\n2,"Say ""hi"""\r\n' +
    '3,"two\r\nlines"\r\n\r\n4,plain "inch" mark\r\n';
  const { records, delimiter } = parseCsv(text, "t.csv");
  assertEquals(delimiter, ",");
  assertEquals(records.map((r) => r.fields), [
    ["id", "title"],
    ["1", "Cry, the Beloved Country (1995)"],
    ["2", 'Say "hi"'],
    ["3", "two\r\nlines"],
    ["4", 'plain "inch" mark'],
  ]);
  // Lines are those of the file: the quoted line break counts, the blank line is skipped.
  assertEquals(records.map((r) => r.line), [1, 2, 3, 4, 7]);
});

Deno.test("csv: the same records whatever the chunking", () => {
  const text = 'u\tv\r\n"a\tb"\t"x""y"\r\nc\td\re\tf\n"\r\n"\tg';
  const whole = parseCsv(text, "t.tsv").records;
  assertEquals(whole.map((r) => r.fields), [
    ["u", "v"],
    ["a\tb", 'x"y'],
    ["c", "d"],
    ["e", "f"],
    ["\r\n", "g"],
  ]);
  for (let cut = 1; cut < text.length; cut++) {
    const parser = new CsvParser("t.tsv", "auto");
    const records = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    records.push(...parser.finish());
    assertEquals(records, whole, `cut at ${cut}`);
  }
});

Deno.test("csv: an unclosed quote and garbage after a closing quote are errors with a line", () => {
  const e1 = assertThrows(() => parseCsv('a,b\n1,"open\n2,3\n', "f.csv"), CsvError) as CsvError;
  assertStringIncludes(e1.message, "f.csv:2:");
  assertStringIncludes(e1.message, "never closed");
  const e2 = assertThrows(() => parseCsv('a,b\n1,"x"y\n', "f.csv"), CsvError);
  assertStringIncludes(e2.message, "f.csv:2:");
  assertStringIncludes(e2.message, "after the closing quote");
});

Deno.test("interactions: MovieLens-style header found automatically", () => {
  const t = parseInteractions(
    "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n",
    {},
    "ratings.csv",
  );
  assertEquals(t.header, ["userId", "movieId", "rating", "timestamp"]);
  assertEquals(t.columns.user, { index: 0, name: "userId" });
  assertEquals(t.columns.item, { index: 1, name: "movieId" });
  assertEquals(t.columns.time, { index: 3, name: "timestamp" });
  assertEquals(t.columns.rating, { index: 2, name: "rating" });
  assertEquals(t.rows[1], { user: "1", item: "1029", time: 1260759179, rating: 3, line: 3 });
});

Deno.test("interactions: header auto-detection without usual names, and without a header", () => {
  // Line 1's time field does not parse: a header.
  const a = parseInteractions("who\twhat\twhen\nu1\ti1\t10\n", {}, "a.tsv");
  assertEquals(a.delimiter, "\t");
  assertEquals(a.header, ["who", "what", "when"]);
  assertEquals(a.rows.length, 1);
  assertEquals(a.columns.time?.index, 2);
  // Three fields that parse: no header; user, item, time by position.
  const b = parseInteractions("u1,i1,10\nu1,i2,2024-01-01\n", {}, "b.csv");
  assertEquals(b.header, null);
  assertEquals(b.rows.map((r) => r.time), [10, Date.UTC(2024, 0, 1) / 1000]);
  // Explicit positions and header "no".
  const c = parseInteractions("5;x;u9;7\n", {
    header: "no",
    user: 2,
    item: 1,
    time: 0,
    rating: 3,
  });
  assertEquals(c.rows[0], { user: "u9", item: "x", time: 5, rating: 7, line: 1 });
  // Named columns, case-insensitive, with whitespace around values.
  const d = parseInteractions("Visitor , Product, At\n a , b , 3\n", {
    user: "visitor",
    item: "PRODUCT",
    time: "at",
  });
  assertEquals(d.rows[0], { user: "a", item: "b", time: 3, line: 2 });
});

Deno.test("interactions: clear errors for missing columns, bad timestamps and ratings", () => {
  const missing = assertThrows(
    () => parseInteractions("userId,movieId,rating,timestamp\n1,2,3.0,4\n1,5\n", {}, "r.csv"),
    CsvError,
  ) as CsvError;
  assertEquals(missing.line, 3);
  assertStringIncludes(missing.message, "r.csv:3:");
  assertStringIncludes(missing.message, '"rating" (field 3)');
  assertStringIncludes(missing.message, '"timestamp" (field 4)');

  const badTime = assertThrows(
    () => parseInteractions("userId,movieId,timestamp\n1,2,4\n1,3,yesterday\n", {}, "r.csv"),
    CsvError,
  ) as CsvError;
  assertEquals([badTime.line, badTime.column], [3, 3]);
  assertStringIncludes(badTime.message, 'r.csv:3: column "timestamp" (field 3)');
  assertStringIncludes(badTime.message, '"yesterday" is not a timestamp');

  const badDate = assertThrows(
    () => parseInteractions("user,item,time\n1,2,2023-02-30\n", {}, "r.csv"),
    CsvError,
  );
  assertStringIncludes(badDate.message, '"2023-02-30" is not a timestamp');

  const badRating = assertThrows(
    () => parseInteractions("user,item,rating,time\n1,2,five,3\n", {}, "r.csv"),
    CsvError,
  );
  assertStringIncludes(badRating.message, 'r.csv:2: column "rating" (field 3): "five" is not a');

  const noSuch = assertThrows(
    () => parseInteractions("user,item,time\n1,2,3\n", { rating: "stars" }, "r.csv"),
    CsvError,
  );
  assertStringIncludes(noSuch.message, 'r.csv:1: no column named "stars"');
  assertStringIncludes(noSuch.message, '"user", "item", "time"');

  const noItem = assertThrows(
    () => parseInteractions("user,thing,stuff,timestamp\n1,2,3,4\n", {}, "r.csv"),
    CsvError,
  );
  assertStringIncludes(noItem.message, "no item column found");

  const ambiguous = assertThrows(() => parseInteractions("1,2,3,4\n", {}, "r.csv"), CsvError);
  assertStringIncludes(ambiguous.message, "say which is the timestamp");

  const empty = assertThrows(() => parseInteractions("user,item\n1, \n", {}, "r.csv"), CsvError);
  assertStringIncludes(empty.message, "r.csv:2:");
  assertStringIncludes(empty.message, "empty item id");

  assertThrows(() => parseInteractions("", {}, "e.csv"), Error, "e.csv: the file is empty");
});

Deno.test("interactions: timestamps as numbers and ISO 8601 dates", () => {
  assertEquals(parseTimestamp(" 964982703 "), 964982703);
  assertEquals(parseTimestamp("1.5e3"), 1500);
  assertEquals(parseTimestamp("2024-05-31"), Date.UTC(2024, 4, 31) / 1000);
  assertEquals(parseTimestamp("2024-05-31T12:00:00Z"), Date.UTC(2024, 4, 31, 12) / 1000);
  assertEquals(parseTimestamp("2024-05-31 12:00"), Date.UTC(2024, 4, 31, 12) / 1000); // UTC
  assertEquals(parseTimestamp("2024-05-31T12:00:00+02:00"), Date.UTC(2024, 4, 31, 10) / 1000);
  assertEquals(
    parseTimestamp("2024-05-31T12:00:00.250-0130"),
    Date.UTC(2024, 4, 31, 13, 30) / 1000 + 0.25,
  );
  for (const bad of ["", "abc", "2024-13-01", "2024-02-30", "31/05/2024", "12:00"]) {
    assert(Number.isNaN(parseTimestamp(bad)), bad);
  }
});

Deno.test("interactions: a time-less file keeps the file order; duplicate rows are kept", () => {
  const t = parseInteractions("user,item\na,x\na,x\na,y\n", {});
  assertEquals(t.columns.time, null);
  assertEquals(t.rows.map((r) => [r.item, r.time]), [["x", 2], ["x", 3], ["y", 4]]);
});

// ---------- sessions ----------

function rows(spec: [string, string, number, number?][]): Interaction[] {
  return spec.map(([user, item, time, rating], i) => ({
    user,
    item,
    time,
    line: i + 2,
    ...(rating === undefined ? {} : { rating }),
  }));
}

Deno.test("sessions: time order (stable), time-gap split, rating threshold", () => {
  const data = rows([
    ["u", "c", 300, 5],
    ["u", "a", 100, 4],
    ["v", "z", 5, 1],
    ["u", "b", 100, 2], // same time as "a": keeps the file order after it
    ["u", "d", 5000, 5],
    ["u", "e", 5100, 3],
  ]);
  const all = buildSessions(data);
  assertEquals(all.sessions.map((s) => [s.user, s.items]), [
    ["u", ["a", "b", "c", "d", "e"]],
    ["v", ["z"]],
  ]);
  assertEquals(all.sessions[0].times, [100, 100, 300, 5000, 5100]);
  const split = buildSessions(data, { sessionGap: 1000 });
  assertEquals(split.sessions.map((s) => s.items), [["a", "b", "c"], ["d", "e"], ["z"]]);
  // A gap equal to the limit does not split.
  assertEquals(buildSessions(data, { sessionGap: 4700 }).sessions.length, 2);
  const liked = buildSessions(data, { minRating: 4, sessionGap: 1000 });
  assertEquals(liked.sessions.map((s) => s.items), [["a", "c"], ["d"]]);
  assertEquals(liked.stats.belowRating, 3);
  assertEquals(liked.stats.users, 1);
  const long = buildSessions(data, { sessionGap: 1000, minLength: 3 });
  assertEquals(long.sessions.map((s) => s.items), [["a", "b", "c"]]);
  assertEquals(long.stats.short, 2);
  assertEquals(
    splitSession(all.sessions[0], 150).map((s) => s.items),
    [["a", "b"], ["c"], ["d", "e"]],
  );
  assertThrows(() => buildSessions(rows([["u", "a", 1]]), { minRating: 3 }), Error, "rating");
  assertThrows(() => buildSessions(data, { sessionGap: 0 }), RangeError, "sessionGap");
});

Deno.test("sessions: repeats (duplicate rows) collapse by dedupe mode", () => {
  const data = rows([["u", "a", 1], ["u", "a", 1], ["u", "b", 2], ["u", "a", 3], ["u", "a", 4]]);
  assertEquals(buildSessions(data).sessions[0].items, ["a", "b", "a"]);
  assertEquals(buildSessions(data).stats.repeats, 2);
  assertEquals(buildSessions(data, { dedupe: "all" }).sessions[0].items, ["a", "b"]);
  assertEquals(buildSessions(data, { dedupe: "none" }).sessions[0].items.length, 5);
  assertEquals(userHistories(data, { dedupe: "all" }), new Map([["u", ["a", "b"]]]));
});

Deno.test("sessions: session files and session corpora", async () => {
  assertEquals(parseSessions("a b  c\r\n\n d\te \n"), [["a", "b", "c"], ["d", "e"]]);
  const corpus = sessionCorpus([["item one", "item two"], { user: "u", items: ["x"], times: [1] }]);
  const out: string[][] = [];
  for await (const s of corpus.sentences()) out.push(s);
  assertEquals(out, [["item one", "item two"], ["x"]]);
});

// ---------- evaluation ----------

class FixedScorer implements Scorer {
  readonly name = "fixed";
  constructor(readonly lists: Map<string, string[]>) {}
  recommend(history: readonly string[], k: number): string[] {
    return (this.lists.get(history.join(" ")) ?? []).slice(0, k);
  }
}

Deno.test("evaluate: HitRate and NDCG on a hand-made case", () => {
  const ten = (target: string, at: number) =>
    Array.from({ length: 10 }, (_, i) => i === at ? target : `n${i}`);
  const cases: EvalCase[] = [
    { user: "1", history: ["h1"], target: "t1" }, // rank 1: gain 1
    { user: "2", history: ["h2"], target: "t2" }, // rank 3: gain 1/log2(4) = 0.5
    { user: "3", history: ["h3"], target: "t3" }, // missed: 0
    { user: "4", history: ["h4"], target: "t4" }, // rank 10: gain 1/log2(11)
  ];
  const scorer = new FixedScorer(
    new Map([
      ["h1", ten("t1", 0)],
      ["h2", ten("t2", 2)],
      ["h3", ten("zz", 0)],
      ["h4", ten("t4", 9)],
    ]),
  );
  const m = evaluateScorer(scorer, cases, 10);
  assertEquals([m.users, m.hits], [4, 3]);
  assertClose(m.hitRate, 0.75);
  assertClose(m.ndcg, (1 + 0.5 + 1 / Math.log2(11)) / 4); // 0.447265...
  assertClose(m.ndcg, 0.4472662, 1e-6);
  // At K = 3 only the first two count.
  const m3 = evaluateScorer(scorer, cases, 3);
  assertClose(m3.hitRate, 0.5);
  assertClose(m3.ndcg, 1.5 / 4);
  assertEquals(rankMetrics([0, -1], 10), { hitRate: 0.5, ndcg: 0.5 });
  assertEquals(rankMetrics([], 10), { hitRate: 0, ndcg: 0 });
  // A scorer that recommends a seen item breaks the protocol.
  const cheat = new FixedScorer(new Map([["h1", ["h1", "t1"]]]));
  assertThrows(() => evaluateScorer(cheat, cases.slice(0, 1)), Error, "already seen");
});

Deno.test("evaluate: leave-last-out split", () => {
  const split = leaveLastOut(
    new Map([
      ["a", ["x", "y", "z"]],
      ["b", ["x"]], // too short to test
      ["c", ["y", "x", "y"]], // target already seen
    ]),
  );
  assertEquals(split.cases, [{ user: "a", history: ["x", "y"], target: "z" }]);
  assertEquals(split.skipped, 2);
  assertEquals(split.train, new Map([["a", ["x", "y"]], ["c", ["y", "x"]]]));
  assertEquals(leaveLastOut(new Map([["a", ["x", "y", "z"]]]), { minHistory: 3 }).cases, []);
});

Deno.test("evaluate: baselines most-popular and co-occurrence cosine", () => {
  const train = [["a", "b"], ["a", "b", "c"], ["a", "c"], ["d"]];
  const pop = new MostPopular(train);
  assertEquals(pop.recommend([], 3), ["a", "b", "c"]);
  assertEquals(pop.recommend(["a"], 2), ["b", "c"]);
  const co = new CoOccurrence(train);
  // n(a) = 3, n(b) = 2, n(c) = 2; C(a, b) = 2, C(b, c) = 1, C(a, c) = 2.
  assertClose(co.similarity("a", "b"), 2 / Math.sqrt(6));
  assertClose(co.similarity("b", "c"), 0.5);
  assertEquals(co.similarity("a", "d"), 0);
  assertEquals(co.recommend(["b"], 5), ["a", "c"]); // 0.816 > 0.5; d never co-occurs
  // History {b, c}: a = 2/sqrt(6) + 2/sqrt(6) beats everything; b, c are seen.
  assertEquals(co.recommend(["b", "c"], 5), ["a"]);
  assertEquals(co.recommend(["unknown"], 5), []);
  const cases: EvalCase[] = [{ user: "1", history: ["b"], target: "c" }];
  const m = evaluateScorer(co, cases, 10);
  assertClose(m.ndcg, 1 / Math.log2(3)); // c is second
  // Recency: x goes with p, y with q (cosine 2/sqrt(6) both); the later item wins.
  const pairs = [["x", "p"], ["x", "p"], ["y", "q"], ["y", "q"], ["x", "y"]];
  assertEquals(new CoOccurrence(pairs).recommend(["x", "y"], 2), ["p", "q"]); // tie: first seen
  const recent = new CoOccurrence(pairs, { recencyWeighting: 1 });
  assertEquals(recent.name, "co-occurrence, recency 1");
  assertEquals(recent.recommend(["x", "y"], 2), ["q", "p"]);
  assertEquals(recent.recommend(["y", "x"], 2), ["p", "q"]);
});

// ---------- the recommender on planted clusters ----------

const CLUSTERS = 4;
const PER_CLUSTER = 10;
const clusterOf = (item: string) => Number(item.split("-")[0].slice(1));

/** Users who each consume items of one cluster (with 5% noise from anywhere). */
function plantedSessions(users: number, seed = 7): string[][] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: string[][] = [];
  for (let u = 0; u < users; u++) {
    const c = u % CLUSTERS;
    const session: string[] = [];
    for (let i = 0; i < 12; i++) {
      const cluster = rand() < 0.05 ? Math.floor(rand() * CLUSTERS) : c;
      session.push(`c${cluster}-${Math.floor(rand() * PER_CLUSTER)}`);
    }
    out.push(session);
  }
  return out;
}

let planted: Promise<ItemRecommender> | undefined;
function plantedModel(): Promise<ItemRecommender> {
  planted ??= trainItems(plantedSessions(400), {
    dim: 24,
    epochs: 10,
    threads: 1,
    seed: 3,
    minCount: 1,
    context: "session",
    nsExponent: 0.75,
  }, { onProgress: () => {} });
  return planted;
}

Deno.test("recommender: similarItems recovers the planted clusters", async () => {
  const rec = await plantedModel();
  assertEquals(rec.size, CLUSTERS * PER_CLUSTER);
  let same = 0, total = 0;
  for (const item of rec.items) {
    const list = rec.similarItems(item, 5);
    assertEquals(list.length, 5);
    assert(!list.some((s) => s.item === item), "an item is not similar to itself");
    for (const s of list) {
      total++;
      if (clusterOf(s.item) === clusterOf(item)) same++;
    }
  }
  assertGreater(same / total, 0.9, "share of similar items in the same cluster");
  assert(rec.popularity(rec.items[0]) >= rec.popularity(rec.items[rec.size - 1]));
  assertThrows(() => rec.similarItems("nope"), UnknownItemError, '"nope"');
});

Deno.test("recommender: recommend returns the history's cluster; excludeSeen works", async () => {
  const rec = await plantedModel();
  for (let c = 0; c < CLUSTERS; c++) {
    const history = [`c${c}-1`, `c${c}-4`, `c${c}-7`];
    for (const scoring of ["output", "input"] as const) {
      for (const recencyWeighting of [false, true, 1]) {
        const list = rec.recommend(history, 7, { scoring, recencyWeighting });
        assertEquals(list.length, 7);
        const inCluster = list.filter((s) => clusterOf(s.item) === c).length;
        assertGreater(inCluster, 5, `cluster ${c}, ${scoring}, recency ${recencyWeighting}`);
        assert(!list.some((s) => history.includes(s.item)), "seen items are excluded");
        for (let i = 1; i < list.length; i++) assert(list[i - 1].score >= list[i].score);
      }
    }
    // With excludeSeen false the history's own items come back near the top.
    const withSeen = rec.recommend(history, 10, { excludeSeen: false, scoring: "input" });
    assertGreater(withSeen.filter((s) => history.includes(s.item)).length, 1);
    const extra = rec.recommend(history, 5, { exclude: [`c${c}-0`, `c${c}-2`] });
    assert(!extra.some((s) => s.item === `c${c}-0` || s.item === `c${c}-2`));
  }
  // Unknown items are ignored; nothing known: the most popular items.
  const a = rec.recommend(["c2-3", "what"], 3);
  assertEquals(a, rec.recommend(["c2-3"], 3));
  const popular = rec.recommend(["what"], 3);
  assertEquals(popular.map((s) => s.item), rec.mostPopular(3).map((s) => s.item));
  assertEquals(popular[0].score, 1);
  assertThrows(() => rec.recommend(["c0-1"], 0), RangeError, "k must be");
  assertThrows(() => rec.recommend(["c0-1"], 3, { recencyWeighting: -1 }), RangeError);
});

Deno.test("recommender: item2vec beats most-popular on planted next items", async () => {
  const rec = await plantedModel();
  const sessions = plantedSessions(80, 99);
  const { cases } = leaveLastOut(sessions.map((s, i) => [`u${i}`, s] as [string, string[]]));
  const ours = evaluateScorer(recommenderScorer(rec), cases, 10);
  const pop = evaluateScorer(new MostPopular(plantedSessions(400)), cases, 10);
  assertGreater(ours.hitRate, pop.hitRate);
  assertGreater(ours.hitRate, 0.6);
});

Deno.test("recommender: save and load as .nsm (both tables, counts) and .vec", async () => {
  const rec = await plantedModel();
  const history = ["c1-2", "c1-5"];
  const nsm = await itemRecommenderFromBytes(encodeItemModel(rec, "m.nsm"), "m.nsm");
  assertEquals(nsm.items, rec.items);
  assertEquals(nsm.counts, rec.counts);
  assert(nsm.outputVectors !== null);
  assertEquals(nsm.recommend(history, 5), rec.recommend(history, 5));
  const vec = await itemRecommenderFromBytes(encodeItemModel(rec, "m.vec"), "m.vec");
  assertEquals(vec.outputVectors, null);
  assertEquals(vec.counts, null);
  assertEquals(
    vec.recommend(history, 5).map((s) => s.item),
    rec.recommend(history, 5, { scoring: "input" }).map((s) => s.item),
  );
  assertThrows(() => vec.recommend(history, 5, { scoring: "output" }), Error, "output vectors");
  // Ids with spaces fit .nsm but not the word2vec formats.
  const spaced = await ItemRecommender.create(["a b", "c"], 2, new Float32Array([1, 0, 0, 1]));
  assertEquals((await itemRecommenderFromBytes(encodeItemModel(spaced, "s.nsm"), "s.nsm")).items, [
    "a b",
    "c",
  ]);
  assertThrows(() => encodeItemModel(spaced, "s.vec"));
});

// ---------- titles ----------

Deno.test("titles: MovieLens movies.csv with quoted commas; header auto", () => {
  const t = parseTitles(
    'movieId,title,genres\n11,"American President, The (1995)",Comedy|Drama\n' +
      '29,"City of Lost Children, The (Cité des enfants perdus, La) (1995)",Adventure\n' +
      '7,"Say ""Anything"" (1989)",Comedy\n',
  );
  assertEquals(t.size, 3);
  assertEquals(t.get("11"), "American President, The (1995)");
  assertEquals(t.display("7"), 'Say "Anything" (1989)');
  assertEquals(t.display("404"), "404");
  assertEquals(t.search("city")[0].item, "29");
  const plain = parseTitles("a\tAlpha\nb\tBeta\n");
  assertEquals(plain.get("a"), "Alpha");
  const named = parseTitles("name;sku\nAlpha;a1\n", { id: "sku", title: "name" });
  assertEquals(named.get("a1"), "Alpha");
  assertThrows(() => parseTitles("id,title\n1\n", {}, "m.csv"), CsvError, "m.csv:2:");
});

// ---------- the commands ----------

Deno.test("cli: train-items, similar-items and recommend", async () => {
  const dir = await Deno.makeTempDir({ prefix: "negsamp-recsys-" });
  try {
    const lines = ["user_id,item_id,stars,ts"];
    plantedSessions(200).forEach((s, u) =>
      s.forEach((item, i) => lines.push(`${u},${item},${i % 5 === 4 ? 1 : 5},${1000 * u + i}`))
    );
    await Deno.writeTextFile(`${dir}/log.csv`, lines.join("\r\n") + "\r\n");
    await Deno.writeTextFile(
      `${dir}/titles.csv`,
      'id,title\n"c0-1","Zero one, the item"\nc3-3,Three three\n',
    );
    const model = `${dir}/items.nsm`;
    let io = captureIO({ cwd: dir });
    const code = await runItems([
      "train-items",
      "--interactions",
      `${dir}/log.csv`,
      "--min-rating",
      "3",
      "--dim",
      "16",
      "--epochs",
      "30",
      "--ns-exponent",
      "0.5",
      "-o",
      model,
    ], io);
    assertEquals(code, 0, io.stderr);
    assertStringIncludes(io.stderr, 'user "user_id", item "item_id", time "ts", rating "stars"');
    assertStringIncludes(io.stderr, "below --min-rating");
    assertStringIncludes(io.stderr, "wrote items.nsm");

    io = captureIO({ cwd: dir });
    assertEquals(
      await runItems([
        "similar-items",
        "zero one",
        "--titles",
        `${dir}/titles.csv`,
        "--model",
        model,
        "-k",
        "3",
      ], io),
      0,
      io.stderr,
    );
    assertStringIncludes(io.stdout, "similar to c0-1  Zero one, the item");
    assertEquals(io.stdout.trim().split("\n").length, 4);

    io = captureIO({ cwd: dir });
    assertEquals(
      await runItems(["recommend", "c3-1", "c3-2", "bogus", "--model", model, "-k", "4"], io),
      0,
      io.stderr,
    );
    assertStringIncludes(io.stderr, "skipping unknown item: bogus");
    const recs = io.stdout.trim().split("\n").slice(1);
    assertEquals(recs.length, 4);
    assert(recs.every((l) => /\bc3-\d/.test(l)), io.stdout);
    assert(!recs.some((l) => /\bc3-[12]\b/.test(l)), "seen items excluded");

    io = captureIO({ cwd: dir });
    assertEquals(await runItems(["recommend", "--model", model, "c3-1", "--recency", "-2"], io), 2);
    io = captureIO({ cwd: dir });
    assertEquals(await runItems(["train-items", "--sessions", "x", "--min-rating", "3"], io), 2);
    assertStringIncludes(io.stderr, "--min-rating applies to --interactions");
    io = captureIO({ cwd: dir });
    assertEquals(await runItems(["similar-items", "nope", "--model", model], io), 1);
    assertStringIncludes(io.stderr, 'unknown item "nope"');
    io = captureIO({ cwd: dir });
    assertEquals(await runItems(["train-item"], io), 2);
    assertStringIncludes(io.stderr, "did you mean train-items?");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: train-items on a sessions file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "negsamp-recsys-" });
  try {
    await Deno.writeTextFile(
      `${dir}/sessions.txt`,
      plantedSessions(100).map((s) => s.join(" ")).join("\n"),
    );
    const io = captureIO({ cwd: dir });
    const code = await runItems([
      "train-items",
      "--sessions",
      `${dir}/sessions.txt`,
      "--output",
      `${dir}/items.vec`,
      "--epochs",
      "2",
      "--dim",
      "8",
      "--context",
      "window",
    ], io);
    assertEquals(code, 0, io.stderr);
    const text = await Deno.readTextFile(`${dir}/items.vec`);
    assertEquals(text.split("\n")[0], "40 8");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recommender: errors", async () => {
  await assertRejects(
    () => ItemRecommender.create(["a"], 2, new Float32Array(2), { counts: new Float64Array(2) }),
    RangeError,
    "counts",
  );
  await assertRejects(
    () => ItemRecommender.create(["a"], 2, new Float32Array(2), { output: new Float32Array(4) }),
    RangeError,
    "output table",
  );
});
