// Next-item recommendation benchmark on MovieLens ml-latest-small (not in the repo: it is
// read from ../shared/data/recsys/, see ../shared/data/README.md).
//
// Protocol (leave-last-out): each user's ratings in time order are a history; the last item
// is the test target, the model is trained on the rest, and every scorer ranks all the items
// the user has not seen: HitRate@10 and NDCG@10. Settings are chosen on a validation split
// made the same way one step earlier (train on all but the last two items, target the
// second-to-last), then reported on the test split, next to two baselines computed by the
// same code: most-popular and item-item co-occurrence cosine.
//
// The sweep goes in stages, each keeping the best of the one before (by validation NDCG@10):
//   A. context (window, session) x ns_exponent (-0.5, 0, 0.5, 0.75, 1)
//   B. epochs   C. window   D. min_count   E. recency half-life and scoring table (no training)
//   F. training sessions cut at an idle gap (1 hour, 1 day), window and session context
//      (reported only: the gap is a property of the input data, not a model default)
// Then the pick is trained with several seeds on the test split.
//
//   deno task bench:recsys [--data DIR] [--seeds N] [--quick] [--out FILE.md]
import { parseFlags, UsageError } from "./args.ts";
import { fileExists, writeFileAtomic } from "../src/io/files.ts";
import {
  buildSessions,
  CoOccurrence,
  DEFAULT_RECENCY_HALF_LIFE,
  type EvalCase,
  evaluateScorer,
  ITEM2VEC_DEFAULTS,
  type ItemRecommender,
  leaveLastOut,
  MostPopular,
  readInteractions,
  recommenderScorer,
  type Scorer,
  type ScoringTable,
  type Session,
  splitSession,
  trainItems,
} from "../src/recsys/mod.ts";
import type { ContextKind } from "../src/train/config.ts";

const K = 10;

interface Split {
  name: "val" | "test";
  train: string[][];
  /** The same histories with their timestamps (for the session-gap stage). */
  trainSessions: Session[];
  cases: EvalCase[];
  known: Set<string>;
}

interface Setting {
  context: ContextKind;
  nsExponent: number;
  epochs: number;
  window: number;
  minCount: number;
  /** Recency half-life in items (Infinity = plain mean). */
  halfLife: number;
  scoring: ScoringTable;
  /** Training sessions cut where a user was idle longer than this (seconds; Infinity =
   *  a user's whole history is one session). */
  gap: number;
}

interface Score {
  hr: number;
  ndcg: number;
  seconds: number;
}

interface Row {
  stage: string;
  setting: Setting;
  val: Score;
  test: Score;
}

function usage(): never {
  console.error(
    "usage: deno task bench:recsys [--data DIR] [--seeds N] [--quick] [--out FILE.md]",
  );
  Deno.exit(2);
}

let flags;
try {
  flags = parseFlags(Deno.args, {
    values: { data: undefined, seeds: "3", out: undefined },
    booleans: ["quick", "help"],
  });
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}`);
    usage();
  }
  throw e;
}
if (flags.booleans.has("help")) usage();
const seeds = Number(flags.values.seeds);
if (!Number.isSafeInteger(seeds) || seeds < 1) {
  console.error(`error: --seeds: ${flags.values.seeds} is not a whole number >= 1`);
  Deno.exit(2);
}
const quick = flags.booleans.has("quick");
const dataDir = flags.values.data ??
  decodeURIComponent(new URL("../../shared/data/recsys/", import.meta.url).pathname);
const ratingsPath = `${dataDir.replace(/\/$/, "")}/ml-latest-small-ratings.csv`;
if (!(await fileExists(ratingsPath))) {
  console.error(
    `error: MovieLens ml-latest-small not found: ${ratingsPath} does not exist.\n` +
      `This benchmark needs the shared data set (see ../shared/data/README.md; it is not ` +
      `redistributable, so it is not in the repo). Pass --data DIR to point at the folder ` +
      `holding ml-latest-small-ratings.csv.`,
  );
  Deno.exit(1);
}

const log = (s: string) => console.error(s);
const f4 = (x: number) => x.toFixed(4);

// ---------- data and splits ----------

const table = await readInteractions(ratingsPath);
// Every rating is an interaction; a history is the user's movies in time order (ties keep
// the file order), consecutive repeats collapsed (MovieLens has none).
const { sessions, stats } = buildSessions(table.rows);
const histories = new Map(sessions.map((s) => [s.user, s.items]));
const testSplit = leaveLastOut(histories);
const valSplit = leaveLastOut(testSplit.train);
const timesOf = new Map(sessions.map((s) => [s.user, s.times]));
function split(name: "val" | "test", s: typeof testSplit): Split {
  const train = [...s.train.values()];
  const trainSessions = [...s.train].map(([user, items]) => ({
    user,
    items,
    times: timesOf.get(user)!.slice(0, items.length),
  }));
  return { name, train, trainSessions, cases: s.cases, known: new Set(train.flat()) };
}
const splits = { val: split("val", valSplit), test: split("test", testSplit) };
log(
  `${table.rows.length} ratings, ${stats.users} users, ${stats.items} items; ` +
    `test users ${splits.test.cases.length}, validation users ${splits.val.cases.length}`,
);

// ---------- scorers ----------

function measure(scorer: Scorer, s: Split): Score {
  const m = evaluateScorer(scorer, s.cases, K, s.known);
  return { hr: m.hitRate, ndcg: m.ndcg, seconds: m.seconds };
}

async function trainOn(s: Split, setting: Setting, seed: number) {
  const start = performance.now();
  const data = setting.gap === Infinity
    ? s.train
    : s.trainSessions.flatMap((x) => splitSession(x, setting.gap));
  const rec = await trainItems(data, {
    context: setting.context,
    nsExponent: setting.nsExponent,
    epochs: setting.epochs,
    window: setting.window,
    minCount: setting.minCount,
    sample: 1e-3,
    dim: 100,
    negative: 5,
    threads: 1,
    seed,
  }, { onProgress: () => {} });
  return { rec, seconds: (performance.now() - start) / 1000 };
}

function scoreWith(rec: ItemRecommender, s: Split, setting: Setting): Score {
  const scorer = recommenderScorer(rec, "item2vec", {
    recencyWeighting: setting.halfLife === Infinity ? false : setting.halfLife,
    scoring: setting.scoring,
  });
  return measure(scorer, s);
}

async function evaluateSetting(setting: Setting, seed = 1): Promise<{ val: Score; test: Score }> {
  const out: Partial<Record<"val" | "test", Score>> = {};
  for (const s of [splits.val, splits.test]) {
    const { rec, seconds } = await trainOn(s, setting, seed);
    out[s.name] = { ...scoreWith(rec, s, setting), seconds };
  }
  return out as { val: Score; test: Score };
}

const baselines: { name: string; val: Score; test: Score }[] = [];
for (
  const make of [(t: string[][]) => new MostPopular(t), (t: string[][]) => new CoOccurrence(t)]
) {
  const val = measure(make(splits.val.train), splits.val);
  const scorer = make(splits.test.train);
  const test = measure(scorer, splits.test);
  baselines.push({ name: scorer.name, val, test });
  log(`${scorer.name}: val ${f4(val.hr)}/${f4(val.ndcg)}  test ${f4(test.hr)}/${f4(test.ndcg)}`);
}

// ---------- the sweep ----------

const rows: Row[] = [];
let best: Row | undefined;

function describe(s: Setting): string {
  const hl = s.halfLife === Infinity ? "off" : String(s.halfLife);
  return `${s.context} ns=${s.nsExponent} epochs=${s.epochs} window=${s.window} ` +
    `min_count=${s.minCount} recency=${hl} scoring=${s.scoring}` +
    (s.gap === Infinity ? "" : ` session_gap=${s.gap}s`);
}

function consider(row: Row, select = true): void {
  rows.push(row);
  log(
    `[${row.stage}] ${describe(row.setting)}: val ${f4(row.val.hr)}/${f4(row.val.ndcg)}  ` +
      `test ${f4(row.test.hr)}/${f4(row.test.ndcg)}  (${row.val.seconds.toFixed(1)} s + ` +
      `${row.test.seconds.toFixed(1)} s)`,
  );
  // Selection on the validation split only: NDCG@10, then HitRate@10.
  if (!select) return;
  if (
    !best || row.val.ndcg > best.val.ndcg ||
    (row.val.ndcg === best.val.ndcg && row.val.hr > best.val.hr)
  ) best = row;
}

async function stage(name: string, settings: Setting[], select = true): Promise<Setting> {
  for (const setting of settings) {
    if (rows.some((r) => sameTraining(r.setting, setting) && sameScoring(r.setting, setting))) {
      continue; // already measured in an earlier stage
    }
    consider({ stage: name, setting, ...(await evaluateSetting(setting)) }, select);
  }
  return best!.setting;
}

const sameTraining = (a: Setting, b: Setting) =>
  a.context === b.context && a.nsExponent === b.nsExponent && a.epochs === b.epochs &&
  a.window === b.window && a.minCount === b.minCount && a.gap === b.gap;
const sameScoring = (a: Setting, b: Setting) =>
  a.halfLife === b.halfLife && a.scoring === b.scoring;

const start: Setting = {
  context: "window",
  nsExponent: 0.75,
  epochs: quick ? 10 : 20,
  window: 5,
  minCount: 1,
  halfLife: 2,
  scoring: "output",
  gap: Infinity,
};

let pick = start;
const grid: Setting[] = [];
for (const context of ["window", "session"] as const) {
  for (const nsExponent of [-0.5, 0, 0.5, 0.75, 1]) grid.push({ ...pick, context, nsExponent });
}
pick = await stage("A", grid);
pick = await stage("B", (quick ? [5, 10] : [5, 10, 20, 40]).map((epochs) => ({ ...pick, epochs })));
pick = await stage("C", [2, 5, 10, 20].map((window) => ({ ...pick, window })));
pick = await stage("D", [1, 3, 5].map((minCount) => ({ ...pick, minCount })));

// Stage E: scoring choices on the models of the pick (trained once per split).
{
  const models = {
    val: await trainOn(splits.val, pick, 1),
    test: await trainOn(splits.test, pick, 1),
  };
  for (const scoring of ["output", "input"] as const) {
    for (const halfLife of [1, 2, 3, 5, 10, Infinity]) {
      const setting = { ...pick, scoring, halfLife };
      if (rows.some((r) => sameTraining(r.setting, setting) && sameScoring(r.setting, setting))) {
        continue;
      }
      consider({
        stage: "E",
        setting,
        val: { ...scoreWith(models.val.rec, splits.val, setting), seconds: models.val.seconds },
        test: {
          ...scoreWith(models.test.rec, splits.test, setting),
          seconds: models.test.seconds,
        },
      });
    }
  }
  pick = best!.setting;
}
// Stage F, shown but not selected (a gap belongs to the input, train-items --session-gap,
// not to the model's defaults): training sessions cut at an idle gap of an hour or a day.
await stage(
  "F",
  [3600, 86400].flatMap((gap) =>
    (["window", "session"] as const).map((context) => ({ ...pick, context, gap }))
  ),
  false,
);

// ---------- the pick with several seeds, and a reference ----------

async function seeded(setting: Setting): Promise<{ mean: Score; sd: Score }> {
  const scores: Score[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const { rec, seconds } = await trainOn(splits.test, setting, seed);
    scores.push({ ...scoreWith(rec, splits.test, setting), seconds });
  }
  const stat = (key: keyof Score) => {
    const xs = scores.map((s) => s[key]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return { mean, sd };
  };
  const hr = stat("hr"), ndcg = stat("ndcg"), sec = stat("seconds");
  return {
    mean: { hr: hr.mean, ndcg: ndcg.mean, seconds: sec.mean },
    sd: { hr: hr.sd, ndcg: ndcg.sd, seconds: sec.sd },
  };
}

log(`pick: ${describe(pick)}; ${seeds} seed(s) on the test split`);
const picked = await seeded(pick);
// word2vec's settings as they come (window context, ns 0.75, 5 epochs, min_count 5) with
// the item-item cosine to the plain mean: what item2vec gives without this sweep.
const naive: Setting = {
  context: "window",
  nsExponent: 0.75,
  epochs: 5,
  window: 5,
  minCount: 5,
  halfLife: Infinity,
  scoring: "input",
  gap: Infinity,
};
const reference = await seeded(naive);
// Not a baseline of the protocol, but fair to show: co-occurrence with the same recency
// weighting as the pick, to separate what the weighting and what the embedding brings.
const extras: { name: string; val: Score; test: Score }[] = [];
if (pick.halfLife !== Infinity) {
  const options = { recencyWeighting: pick.halfLife };
  const val = measure(new CoOccurrence(splits.val.train, options), splits.val);
  const scorer = new CoOccurrence(splits.test.train, options);
  extras.push({ name: scorer.name, val, test: measure(scorer, splits.test) });
}

// ---------- report ----------

const hl = (x: number) => x === Infinity ? "off" : String(x);
const lines: string[] = [];
const p = (s = "") => lines.push(s);
p(`# item2vec next-item benchmark: MovieLens ml-latest-small`);
p();
p(
  `${table.rows.length} ratings, ${stats.users} users, ${stats.items} movies. Leave-last-out: ` +
    `each user's last rating (by timestamp) is the target, ranked among all the movies the ` +
    `user has not rated; HitRate@${K} and NDCG@${K} over ${splits.test.cases.length} users ` +
    `(test), and the same one step earlier for validation ` +
    `(train on all but the last two). Settings were picked on validation NDCG@${K}, stage by ` +
    `stage. Skip-gram, dim 100, negative 5, sample 1e-3, 1 thread, seed 1. Targets never ` +
    `seen in training (no scorer can rank them): ` +
    `${splits.test.cases.filter((c) => !splits.test.known.has(c.target)).length} test, ` +
    `${splits.val.cases.filter((c) => !splits.val.known.has(c.target)).length} validation.`,
);
p();
p(`## Result (test split)`);
p();
p(`| scorer | HR@${K} | NDCG@${K} |`);
p(`| --- | --- | --- |`);
const pm = (m: number, sd: number) => seeds > 1 ? `${f4(m)} ± ${f4(sd)}` : f4(m);
p(
  `| item2vec, chosen defaults (${seeds} seed${seeds > 1 ? "s" : ""}) | ` +
    `${pm(picked.mean.hr, picked.sd.hr)} | ${pm(picked.mean.ndcg, picked.sd.ndcg)} |`,
);
p(
  `| item2vec, word2vec settings, plain mean, input vectors | ` +
    `${pm(reference.mean.hr, reference.sd.hr)} | ${pm(reference.mean.ndcg, reference.sd.ndcg)} |`,
);
for (const b of baselines) p(`| ${b.name} | ${f4(b.test.hr)} | ${f4(b.test.ndcg)} |`);
for (const b of extras) p(`| (${b.name}) | ${f4(b.test.hr)} | ${f4(b.test.ndcg)} |`);
p();
p(`Chosen defaults: ${describe(pick)}.`);
const beats = baselines.every((b) => picked.mean.hr > b.test.hr && picked.mean.ndcg > b.test.ndcg);
p(
  beats
    ? `item2vec with the chosen defaults beats both baselines on HR@${K} and NDCG@${K}.`
    : `item2vec with the chosen defaults does NOT beat both baselines on HR@${K} and NDCG@${K}.`,
);
const current = ITEM2VEC_DEFAULTS;
const matches = current.context === pick.context && current.nsExponent === pick.nsExponent &&
  current.epochs === pick.epochs && current.window === pick.window &&
  current.minCount === pick.minCount && pick.gap === Infinity &&
  (pick.halfLife === Infinity || pick.halfLife === DEFAULT_RECENCY_HALF_LIFE);
p(
  matches
    ? `ITEM2VEC_DEFAULTS and DEFAULT_RECENCY_HALF_LIFE (src/recsys/recommender.ts) are this pick.`
    : `Note: ITEM2VEC_DEFAULTS / DEFAULT_RECENCY_HALF_LIFE in src/recsys/recommender.ts ` +
      `(${JSON.stringify(current)}, half-life ${DEFAULT_RECENCY_HALF_LIFE}) differ from this pick.`,
);
p();
p(`## Baselines`);
p();
p(`| scorer | val HR@${K} | val NDCG@${K} | test HR@${K} | test NDCG@${K} |`);
p(`| --- | --- | --- | --- | --- |`);
for (const b of [...baselines, ...extras]) {
  p(`| ${b.name} | ${f4(b.val.hr)} | ${f4(b.val.ndcg)} | ${f4(b.test.hr)} | ${f4(b.test.ndcg)} |`);
}
p();
p(`## Sweep (seed 1; selection on validation NDCG@${K})`);
p();
p(
  `| stage | context | ns_exponent | epochs | window | min_count | recency half-life | ` +
    `scoring | session gap | val HR@${K} | val NDCG@${K} | test HR@${K} | test NDCG@${K} | ` +
    `train s |`,
);
p(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const r of rows) {
  const s = r.setting;
  const mark = r === best ? " **(pick)**" : "";
  p(
    `| ${r.stage}${mark} | ${s.context} | ${s.nsExponent} | ${s.epochs} | ${s.window} | ` +
      `${s.minCount} | ${hl(s.halfLife)} | ${s.scoring} | ` +
      `${s.gap === Infinity ? "none" : `${s.gap} s`} | ${f4(r.val.hr)} | ${f4(r.val.ndcg)} | ` +
      `${f4(r.test.hr)} | ${f4(r.test.ndcg)} | ${r.test.seconds.toFixed(1)} |`,
  );
}
p();
p(
  `Stages: A context x ns_exponent; B epochs; C window; D min_count; E recency half-life ` +
    `(in items) and scoring table ("output": history mean of input vectors against the items' ` +
    `output vectors; "input": against the input vectors), on the stage-D pick's models; F ` +
    `training sessions cut at an idle gap (1 hour, 1 day; a user's whole history otherwise), ` +
    `reported but not selected from. ` +
    `"train s" is the test-split training time on a shared 2-core machine (noisy).`,
);
const report = lines.join("\n") + "\n";
console.log(report);
if (flags.values.out) {
  await writeFileAtomic(flags.values.out, new TextEncoder().encode(report));
  log(`wrote ${flags.values.out}`);
}
