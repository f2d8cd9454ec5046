// `deno task bench:supervised`: negsamp's classifier next to `fasttext supervised` on the
// shared classification sets (sentence polarity, subjectivity), same settings, for
// --loss ns and softmax: test accuracy (fastText's P@1) and training time, one training at
// a time. fastText runs as a subprocess (`fasttext supervised ... -thread 1`, then
// `fasttext test`); a missing fasttext is skipped with a notice. Run with --help for flags.
import { Classifier, type LossKind } from "../src/supervised/classifier.ts";
import { fileExamples } from "../src/supervised/labels.ts";
import { useKernelModule } from "../src/kernel/module.ts";
import { parseChoices, parseFlags, parseList, parseNumber, UsageError } from "./args.ts";
import { writeFileAtomic } from "../src/io/files.ts";

const USAGE = `deno task bench:supervised [flags]

Trains text classifiers with negsamp ("ours") and fastText on the same files and settings and
prints a markdown table: test accuracy (= P@1 for these single-label sets), the difference
to fastText, and the training time.

  --datasets sentence-polarity,subjectivity   classify/NAME.{train,test}.txt (list)
  --losses ns,softmax          (list)
  --dim 100  --epochs 5  --lr 0.1  --word-ngrams 2  --bucket 2000000  --negative 5
                               the same for both tools
  --seeds 1,2,3                ours: one run per seed (mean and min-max); fastText runs
                               once (-thread 1 is deterministic)
  --tools ours,fasttext        (a missing fasttext is skipped with a notice)
  --data DIR                   shared data folder (default ../shared/data from the repo root)
  --wasm PATH                  ours: use this kernel build instead of build/ (e.g. a patch)
  --json PATH                  also write every run as JSON
  --help                       this text
`;

type Tool = "ours" | "fasttext";

interface Options {
  datasets: string[];
  losses: LossKind[];
  dim: number;
  epochs: number;
  lr: number;
  wordNgrams: number;
  bucket: number;
  negative: number;
  seeds: number[];
  tools: Tool[];
  data: string;
  wasm?: string;
  json?: string;
}

function options(args: string[]): Options | undefined {
  const f = parseFlags(args, {
    values: {
      datasets: "sentence-polarity,subjectivity",
      losses: "ns,softmax",
      dim: "100",
      epochs: "5",
      lr: "0.1",
      "word-ngrams": "2",
      bucket: "2000000",
      negative: "5",
      seeds: "1,2,3",
      tools: "ours,fasttext",
      data: undefined,
      wasm: undefined,
      json: undefined,
    },
    booleans: ["help"],
  });
  if (f.booleans.has("help")) return undefined;
  const v = f.values;
  const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
  return {
    datasets: parseList("datasets", v.datasets!, (s) => s),
    losses: parseChoices("losses", v.losses!, ["ns", "softmax"] as const),
    dim: parseNumber("dim", v.dim!, true),
    epochs: parseNumber("epochs", v.epochs!, true),
    lr: parseNumber("lr", v.lr!),
    wordNgrams: parseNumber("word-ngrams", v["word-ngrams"]!, true),
    bucket: parseNumber("bucket", v.bucket!, true),
    negative: parseNumber("negative", v.negative!, true),
    seeds: parseList("seeds", v.seeds!, (s) => parseNumber("seeds", s, true)),
    tools: parseChoices("tools", v.tools!, ["ours", "fasttext"] as const),
    data: v.data ?? `${root}/../shared/data`,
    wasm: v.wasm,
    json: v.json,
  };
}

interface Run {
  dataset: string;
  loss: LossKind;
  tool: Tool;
  seed?: number;
  examples: number;
  accuracy: number;
  /** Training loop only (ours) / estimated from fastText's words/sec/thread. */
  trainSeconds: number;
  /** Ours: reading + dictionary + training; fastText: the whole process (it also
   *  allocates and saves its full bucket table). */
  wallSeconds: number;
}

async function fastTextAvailable(): Promise<boolean> {
  try {
    const out = await new Deno.Command("fasttext", { stdout: "null", stderr: "null" }).output();
    return out.code === 0 || out.code === 1; // usage message
  } catch {
    return false;
  }
}

/** fastText's ntokens: every token of every line (labels included) plus one "</s>". */
async function countTokens(path: string): Promise<number> {
  const text = await Deno.readTextFile(path);
  let n = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    n += line.split(/[ \t\v\f\r]+/).filter((t) => t !== "").length + 1;
  }
  return n;
}

async function runFastText(o: Options, dataset: string, loss: LossKind, dir: string) {
  const train = `${o.data}/classify/${dataset}.train.txt`;
  const test = `${o.data}/classify/${dataset}.test.txt`;
  const prefix = `${dir}/${dataset}-${loss}`;
  const args = [
    "supervised",
    "-input",
    train,
    "-output",
    prefix,
    "-dim",
    String(o.dim),
    "-epoch",
    String(o.epochs),
    "-lr",
    String(o.lr),
    "-wordNgrams",
    String(o.wordNgrams),
    "-bucket",
    String(o.bucket),
    "-neg",
    String(o.negative),
    "-loss",
    loss,
    "-thread",
    "1",
    "-verbose",
    "2",
  ];
  const t0 = performance.now();
  const out = await new Deno.Command("fasttext", { args, stdout: "piped", stderr: "piped" })
    .output();
  const wall = (performance.now() - t0) / 1000;
  const log = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`fasttext ${args.join(" ")} failed:\n${log}`);
  const rates = [...log.matchAll(/words\/sec\/thread:\s*(\d+)/g)].map((m) => Number(m[1]));
  const rate = rates[rates.length - 1];
  const tokens = await countTokens(train);
  const trainSeconds = rate ? o.epochs * tokens / rate : NaN;
  const t = await new Deno.Command("fasttext", {
    args: ["test", `${prefix}.bin`, test],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(t.stdout);
  const n = Number(/N\s+(\d+)/.exec(text)?.[1]);
  const p = Number(/P@1\s+([\d.e-]+)/.exec(text)?.[1]);
  await Deno.remove(`${prefix}.bin`).catch(() => {});
  await Deno.remove(`${prefix}.vec`).catch(() => {});
  return { examples: n, accuracy: p, trainSeconds, wallSeconds: wall };
}

async function runOurs(o: Options, dataset: string, loss: LossKind, seed: number) {
  const train = `${o.data}/classify/${dataset}.train.txt`;
  const test = `${o.data}/classify/${dataset}.test.txt`;
  const model = await Classifier.train(fileExamples(train), {
    dim: o.dim,
    epochs: o.epochs,
    lr: o.lr,
    wordNgrams: o.wordNgrams,
    bucket: o.bucket,
    negative: o.negative,
    loss,
    seed,
  });
  const r = await model.test(fileExamples(test, { requireLabels: false }));
  return {
    examples: r.examples,
    accuracy: r.accuracy,
    trainSeconds: model.stats!.trainSeconds,
    wallSeconds: model.stats!.totalSeconds,
  };
}

const pct = (x: number) => (100 * x).toFixed(2);
/** A difference in points, with its sign ("0.00" when it rounds to zero). */
const signed = (x: number) => {
  const text = pct(Math.abs(x));
  return text === "0.00" ? text : `${x > 0 ? "+" : "-"}${text}`;
};

function table(o: Options, runs: Run[]): string {
  const lines = [
    "| dataset | loss | tool | test accuracy % (P@1) | vs fastText | train s | wall s |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const dataset of o.datasets) {
    for (const loss of o.losses) {
      const ft = runs.find((r) =>
        r.dataset === dataset && r.loss === loss && r.tool === "fasttext"
      );
      for (const tool of o.tools) {
        const rs = runs.filter((r) => r.dataset === dataset && r.loss === loss && r.tool === tool);
        if (rs.length === 0) continue;
        const mean = (f: (r: Run) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
        const acc = mean((r) => r.accuracy);
        const accs = rs.map((r) => r.accuracy);
        const spread = rs.length > 1
          ? ` (${pct(Math.min(...accs))}-${pct(Math.max(...accs))})`
          : "";
        const delta = ft && tool !== "fasttext" ? signed(acc - ft.accuracy) : "";
        const name = tool === "ours"
          ? `negsamp (${rs.length} seed${rs.length > 1 ? "s" : ""})`
          : "fastText";
        lines.push(
          `| ${dataset} | ${loss} | ${name} | ${pct(acc)}${spread} | ${delta} | ` +
            `${mean((r) => r.trainSeconds).toFixed(2)} | ${
              mean((r) => r.wallSeconds).toFixed(2)
            } |`,
        );
      }
    }
  }
  return lines.join("\n");
}

async function main(args: string[]): Promise<number> {
  let o: Options | undefined;
  try {
    o = options(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!o) {
    console.log(USAGE);
    return 0;
  }
  if (o.wasm) useKernelModule(await WebAssembly.compile(await Deno.readFile(o.wasm)));
  if (o.tools.includes("fasttext") && !(await fastTextAvailable())) {
    console.error("notice: fasttext is not installed (Debian: apt install fasttext); skipping it");
    o.tools = o.tools.filter((t) => t !== "fasttext");
  }
  const dir = await Deno.makeTempDir({ prefix: "bench-supervised-" });
  const runs: Run[] = [];
  try {
    for (const dataset of o.datasets) {
      for (const loss of o.losses) {
        if (o.tools.includes("fasttext")) {
          const r = await runFastText(o, dataset, loss, dir);
          runs.push({ dataset, loss, tool: "fasttext", ...r });
          console.error(
            `fasttext ${dataset} ${loss}: ${pct(r.accuracy)}% in ${r.wallSeconds.toFixed(1)} s`,
          );
        }
        if (o.tools.includes("ours")) {
          for (const seed of o.seeds) {
            const r = await runOurs(o, dataset, loss, seed);
            runs.push({ dataset, loss, tool: "ours", seed, ...r });
            console.error(
              `ours ${dataset} ${loss} seed ${seed}: ${pct(r.accuracy)}% in ` +
                `${r.trainSeconds.toFixed(2)} s (${r.wallSeconds.toFixed(2)} s)`,
            );
          }
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  const settings = `dim ${o.dim}, epoch ${o.epochs}, lr ${o.lr}, wordNgrams ${o.wordNgrams}, ` +
    `bucket ${o.bucket}, neg ${o.negative}, 1 thread` + (o.wasm ? `, kernel ${o.wasm}` : "");
  const md = `Settings: ${settings}.\n\n${table(o, runs)}\n`;
  console.log(md);
  if (o.json) {
    const json = JSON.stringify({ settings: o, runs }, null, 2) + "\n";
    await writeFileAtomic(o.json, new TextEncoder().encode(json));
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
