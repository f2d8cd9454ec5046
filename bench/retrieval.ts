// `deno task bench:retrieval`: the pair model (StarSpace-like retrieval) against BM25 on
// query-document pairs derived from the shared corpus: each line of at least --min-tokens
// tokens gives a pair, query = its first half, document = its second half (repeated lines
// dropped). A seeded --test pairs are held out; their documents are the collection every
// test query is ranked against. Reported: Recall@10 and MRR of the model (one table, and
// separate tables), of BM25 computed by the same ranking code, and of a hybrid (BM25 plus
// the model, each z-scored over the collection), with training time. Run with --help.
import { BM25 } from "../src/retrieval/bm25.ts";
import { evaluateRanking, type RankingMetrics } from "../src/retrieval/metrics.ts";
import { PairModel } from "../src/retrieval/model.ts";
import { halvesOf, type Pair, splitHoldout } from "../src/retrieval/pairs.ts";
import { useKernelModule } from "../src/kernel/module.ts";
import { parseChoices, parseFlags, parseNumber, UsageError } from "./args.ts";
import { writeFileAtomic } from "../src/io/files.ts";

const USAGE = `deno task bench:retrieval [flags]

  --corpus PATH        lines to derive pairs from (default DATA/corpus/en-mixed.txt)
  --data DIR           shared data folder (default ../shared/data from the repo root)
  --min-tokens 16      shortest line used
  --test 2000          held-out pairs (their documents are the collection)
  --max-train 0        cap on training pairs (0 = all the others)
  --split-seed 7       seed of the held-out split
  --dim 100  --epochs 10  --lr 2  --negative 10  --min-count 3  --batch 1024  --seed 1
                       pair model settings
  --tables shared,separate   one table for both sides and/or a table per side
  --k 10               Recall@k
  --write-pairs DIR    also write DIR/train.tsv and DIR/test.tsv (for the CLI)
  --wasm PATH          use this kernel build instead of build/
  --json PATH          also write the results as JSON
  --help
`;

type Tables = "shared" | "separate";

function zscores(s: ArrayLike<number>): Float64Array {
  let mean = 0;
  for (let i = 0; i < s.length; i++) mean += s[i];
  mean /= s.length;
  let v = 0;
  for (let i = 0; i < s.length; i++) v += (s[i] - mean) ** 2;
  const sd = Math.sqrt(v / s.length) || 1;
  return Float64Array.from(s, (x) => (x - mean) / sd);
}

function tsv(pairs: Pair[]): string {
  return pairs.map((p) => `${p.query.join(" ")}\t${p.document.join(" ")}`).join("\n") + "\n";
}

async function main(args: string[]): Promise<number> {
  let f;
  try {
    f = parseFlags(args, {
      values: {
        corpus: undefined,
        data: undefined,
        "min-tokens": "16",
        test: "2000",
        "max-train": "0",
        "split-seed": "7",
        dim: "100",
        epochs: "10",
        lr: "2",
        negative: "10",
        "min-count": "3",
        batch: "1024",
        seed: "1",
        tables: "shared,separate",
        k: "10",
        "write-pairs": undefined,
        wasm: undefined,
        json: undefined,
      },
      booleans: ["help"],
    });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (f.booleans.has("help")) {
    console.log(USAGE);
    return 0;
  }
  const v = f.values;
  const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
  const data = v.data ?? `${root}/../shared/data`;
  const corpus = v.corpus ?? `${data}/corpus/en-mixed.txt`;
  const num = (name: string, integer = true) => parseNumber(name, v[name]!, integer);
  const k = num("k");
  const tables = parseChoices("tables", v.tables!, ["shared", "separate"] as const);
  if (v.wasm) useKernelModule(await WebAssembly.compile(await Deno.readFile(v.wasm)));

  const lines = (await Deno.readTextFile(corpus)).split("\n").map((l) =>
    l.split(/\s+/).filter((t) => t !== "")
  );
  const pairs = halvesOf(lines, num("min-tokens"));
  const split = splitHoldout(pairs, num("test"), num("split-seed"));
  const maxTrain = num("max-train");
  const train = maxTrain > 0 ? split.train.slice(0, maxTrain) : split.train;
  const test = split.test;
  if (v["write-pairs"]) {
    await Deno.mkdir(v["write-pairs"], { recursive: true });
    const enc = new TextEncoder();
    await writeFileAtomic(`${v["write-pairs"]}/train.tsv`, enc.encode(tsv(train)));
    await writeFileAtomic(`${v["write-pairs"]}/test.tsv`, enc.encode(tsv(test)));
  }
  const docs = test.map((p) => p.document);
  const queries = test.map((p, i) => ({ query: p.query, target: i }));
  console.error(
    `${corpus}: ${pairs.length} pairs (lines of >= ${num("min-tokens")} tokens), ` +
      `${train.length} for training, ${test.length} held out`,
  );

  const rows: { name: string; metrics: RankingMetrics; seconds?: number }[] = [];
  const bm25 = new BM25(docs);
  const t0 = performance.now();
  rows.push({ name: "BM25", metrics: evaluateRanking(queries, (q) => bm25.scores(q), k) });
  console.error(`BM25 ranked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const settings = {
    dim: num("dim"),
    epochs: num("epochs"),
    lr: num("lr", false),
    negative: num("negative"),
    minCount: num("min-count"),
    batch: num("batch"),
    seed: num("seed"),
  };
  for (const t of tables as Tables[]) {
    const model = await PairModel.train(train, { ...settings, shared: t === "shared" });
    const index = model.index(docs);
    const s = model.stats!;
    const name = `negsamp pairs, ${t === "shared" ? "one table" : "separate tables"}`;
    rows.push({
      name,
      metrics: evaluateRanking(queries, (q) => index.scores(q), k),
      seconds: s.trainSeconds,
    });
    const hybrid = evaluateRanking(queries, (q) => {
      const a = zscores(bm25.scores(q));
      const b = zscores(index.scores(q));
      return a.map((x, i) => x + b[i]);
    }, k);
    rows.push({ name: `BM25 + ${name} (z-scores summed)`, metrics: hybrid });
    console.error(
      `${name}: trained in ${s.trainSeconds.toFixed(1)} s, loss ${s.finalLoss.toFixed(3)}`,
    );
  }
  const md = [
    `Pairs from ${corpus.replace(`${data}/`, "")}: query = first half of a line, document = ` +
    `second half; ${train.length} training pairs, ${test.length} held-out queries ranked ` +
    `against their ${test.length} documents. Model: dim ${settings.dim}, ${settings.epochs} ` +
    `epochs, lr ${settings.lr}, ${settings.negative} in-batch negatives, min count ` +
    `${settings.minCount}, 1 thread.`,
    "",
    `| ranker | Recall@${k} | MRR | train s |`,
    "| --- | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.name} | ${(100 * r.metrics.recall).toFixed(2)}% | ${r.metrics.mrr.toFixed(4)} | ` +
      `${r.seconds === undefined ? "" : r.seconds.toFixed(1)} |`
    ),
  ].join("\n");
  console.log(md + "\n");
  if (v.json) {
    const json =
      JSON.stringify({ corpus, settings, train: train.length, test: test.length, rows }, null, 2) +
      "\n";
    await writeFileAtomic(v.json, new TextEncoder().encode(json));
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
