// item2vec in a few lines: interactions -> sessions -> item vectors -> similar items and
// next-item recommendations, then a leave-last-out check against the most-popular baseline.
//
//   deno run --allow-read examples/recsys/recommend.ts [ratings.csv [movies.csv]]
//
// With no arguments it uses MovieLens ml-latest-small from ../shared/data/recsys/ when that
// is there (it is not part of this repo), else a small made-up shop log.
//
// The recommendation API is in src/recsys/mod.ts (src/mod.ts does not re-export it yet).
import {
  buildSessions,
  evaluateScorer,
  leaveLastOut,
  MostPopular,
  parseInteractions,
  readInteractions,
  readTitles,
  recommenderScorer,
  type Titles,
  trainItems,
} from "../../src/recsys/mod.ts";

const shared = new URL("../../../shared/data/recsys/", import.meta.url);
const exists = async (path: string) => {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
};

let ratings = Deno.args[0];
let movies = Deno.args[1];
if (ratings === undefined) {
  const path = decodeURIComponent(new URL("ml-latest-small-ratings.csv", shared).pathname);
  if (await exists(path)) {
    ratings = path;
    movies = decodeURIComponent(new URL("ml-latest-small-movies.csv", shared).pathname);
  }
}

// 1. Interactions: a CSV/TSV with user, item, timestamp (and rating) columns, found by name.
const table = ratings ? await readInteractions(ratings) : parseInteractions(shopLog(), {}, "shop");
const titles: Titles | undefined = movies ? await readTitles(movies) : undefined;
const name = (item: string) => titles?.display(item) ?? item;

// 2. Sessions: each user's items in time order; hold out each user's last item for a check.
const { sessions, stats } = buildSessions(table.rows);
console.log(
  `${table.source}: ${stats.users} users, ${stats.items} items, ${stats.interactions} rows`,
);
const split = leaveLastOut(sessions.map((s) => [s.user, s.items] as [string, string[]]));
const train = [...split.train.values()];

// 3. Train (defaults from the MovieLens sweep; threads: 1 makes the run reproducible). In a
// tiny log every item is "frequent" for the subsampling (sample 1e-3 of the whole log), which
// would drop most rows: turn it off and make more passes.
const small = stats.interactions < 50_000;
const rec = await trainItems(train, {
  threads: 1,
  seed: 1,
  ...(small ? { sample: 0, epochs: 50 } : {}),
});
console.log(`trained ${rec.size} items, dim ${rec.dim}`);

// 4. Use the vectors.
const probe = rec.items[0]; // the most popular item
console.log(`\nitems similar to ${name(probe)}:`);
for (const s of rec.similarItems(probe, 5)) console.log(`  ${s.score.toFixed(3)}  ${name(s.item)}`);
const history = split.cases[0].history.slice(-5);
console.log(`\nafter ${history.map(name).join(", ")}:`);
for (const s of rec.recommend(history, 5, { recencyWeighting: true })) {
  console.log(`  ${s.score.toFixed(3)}  ${name(s.item)}`);
}

// 5. Next-item check: HitRate@10 and NDCG@10 of the held-out items, against most-popular.
const item2vec = recommenderScorer(rec, "item2vec", { recencyWeighting: true });
for (const scorer of [item2vec, new MostPopular(train)]) {
  const m = evaluateScorer(scorer, split.cases, 10);
  console.log(
    `${scorer.name.padEnd(14)} HR@10 ${m.hitRate.toFixed(3)}  NDCG@10 ${m.ndcg.toFixed(3)}`,
  );
}

/** A made-up log: shoppers who each stick to one department, one visit a day. */
function shopLog(): string {
  const departments = {
    garden: ["hose", "rake", "seeds", "gloves", "shears", "pots", "compost", "trowel"],
    kitchen: ["pan", "whisk", "knife", "kettle", "grater", "ladle", "mugs", "apron"],
    office: ["stapler", "pens", "paper", "folders", "tape", "lamp", "chair", "notebook"],
  };
  const names = Object.keys(departments) as (keyof typeof departments)[];
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const lines = ["user,item,date"];
  for (let user = 0; user < 300; user++) {
    const items = departments[names[user % names.length]];
    for (let day = 1; day <= 10; day++) {
      lines.push(`u${user},${items[rand(items.length)]},2024-03-${String(day).padStart(2, "0")}`);
    }
  }
  return lines.join("\n");
}
