// `deno task bench`: training speed, peak memory and embedding quality of negsamp next to
// gensim and fastText, on the shared corpus, one training at a time.
//
// Every training runs in its own process under `/usr/bin/time -v` (peak RSS); ours runs in a
// fresh Deno process (bench/train_one.ts). Every tool's vectors are saved as word2vec text and
// scored by the same code (bench/eval_vec.ts: negsamp's evaluator). Run with --help for flags.
import type { KernelVariant } from "../src/kernel/module.ts";
import type { ModelKind } from "../src/train/config.ts";
import type { ThreadTimes } from "../src/train/pool.ts";
import { median } from "./stats.ts";
import {
  parseChoices,
  type ParsedFlags,
  parseFlags,
  parseList,
  parseNumber,
  UsageError,
} from "./args.ts";
import { fileExists, writeFileAtomic } from "../src/io/files.ts";

// ---------------------------------------------------------------------------------------------
// Options

type Tool = "ours" | "gensim" | "fasttext";
const TOOLS: readonly Tool[] = ["ours", "gensim", "fasttext"];
type SharedMode = "both" | "on" | "off";

const USAGE = `deno task bench [flags]

Trains word embeddings with negsamp ("ours"), gensim and fastText on the same corpus and
settings, one training at a time, and prints a markdown table: training words/s, the ratio to
gensim's words/s, peak RSS, analogy accuracy and WordSim-353 Spearman.

  --models skipgram,cbow       models (list)
  --threads 1                  training threads (list)
  --dims 100                   vector sizes (list)
  --negatives 5                negative samples (list)
  --epochs 5                   epochs (list; --quick: 1)
  --window 5  --min-count 5  --sample 1e-3  --seed 1
                               fixed for every run; lr is 0.025 (skip-gram) / 0.05 (CBOW),
                               decaying linearly to 0.0001, for every tool
  --repeat 1                   runs per tool and setting (mean and min-max are printed); the
                               repeats alternate the thread counts of a shape (every second
                               repeat in reverse order), and the scaling table gives each
                               repeat's speed-up over one thread
  --tools ours,gensim,fasttext tools (a missing one is skipped with a notice)
  --shared-negatives both      ours, skip-gram: shared negatives on, off or both
  --kernel relaxed             ours: kernel builds (list of relaxed, simd)
  --corpus PATH                corpus (default ../shared/data/corpus/en-mixed.txt)
  --data DIR                   shared data folder (default ../shared/data from the repo root)
  --json PATH                  also write every run and the table as JSON
  --wait-idle SECONDS          before each training, wait up to SECONDS for the machine to be
                               idle (under 0.25 busy cores for 3 s); default 0 (no wait)
  --quick                      smoke run: the first ~500k words of the corpus, 1 epoch
  --help                       this text
`;

interface Options {
  models: ModelKind[];
  threads: number[];
  dims: number[];
  negatives: number[];
  epochs: number[];
  window: number;
  minCount: number;
  sample: number;
  seed: number;
  repeat: number;
  tools: Tool[];
  shared: SharedMode;
  kernels: KernelVariant[];
  corpus?: string;
  data?: string;
  json?: string;
  waitIdle: number;
  quick: boolean;
}

function positiveInt(name: string) {
  return (s: string): number => {
    const n = parseNumber(name, s, true);
    if (n < 1) throw new UsageError(`--${name}: ${n} must be at least 1`);
    return n;
  };
}

function readOptions(flags: ParsedFlags): Options {
  const v = flags.values;
  const one = (name: string) => v[name] as string;
  const quick = flags.booleans.has("quick");
  const sample = parseNumber("sample", one("sample"));
  if (sample < 0) throw new UsageError(`--sample: ${sample} must not be negative`);
  return {
    models: parseChoices<ModelKind>("models", one("models"), ["skipgram", "cbow"]),
    threads: parseList("threads", one("threads"), positiveInt("threads")),
    dims: parseList("dims", one("dims"), positiveInt("dims")),
    negatives: parseList("negatives", one("negatives"), positiveInt("negatives")),
    epochs: parseList("epochs", v.epochs ?? (quick ? "1" : "5"), positiveInt("epochs")),
    window: positiveInt("window")(one("window")),
    minCount: positiveInt("min-count")(one("min-count")),
    sample,
    seed: parseNumber("seed", one("seed"), true),
    repeat: positiveInt("repeat")(one("repeat")),
    tools: parseChoices<Tool>("tools", one("tools"), TOOLS),
    shared: parseChoices<SharedMode>("shared-negatives", one("shared-negatives"), [
      "both",
      "on",
      "off",
    ])[0],
    kernels: parseChoices<KernelVariant>("kernel", one("kernel"), ["relaxed", "simd"]),
    corpus: v.corpus,
    data: v.data,
    json: v.json,
    waitIdle: parseNumber("wait-idle", one("wait-idle")),
    quick,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings and variants

interface Setting {
  model: ModelKind;
  threads: number;
  dim: number;
  negative: number;
  epochs: number;
}

interface Variant {
  tool: Tool;
  /** ours only */
  kernel?: KernelVariant;
  /** ours, skip-gram only */
  sharedNegatives?: boolean;
  label: string;
}

function settingKey(s: Setting): string {
  return `${s.model} t${s.threads} d${s.dim} n${s.negative} e${s.epochs}`;
}

/** A setting without its thread count: the runs a speed-up compares. */
function shapeKey(s: Setting): string {
  return `${s.model} d${s.dim} n${s.negative} e${s.epochs}`;
}

/** Settings grouped by shape, in order. */
function byShape(settings: Setting[]): Setting[][] {
  const groups = new Map<string, Setting[]>();
  for (const s of settings) {
    const g = groups.get(shapeKey(s));
    if (g) g.push(s);
    else groups.set(shapeKey(s), [s]);
  }
  return [...groups.values()];
}

function lrFor(model: ModelKind): number {
  return model === "cbow" ? 0.05 : 0.025;
}

const MIN_LR = 0.0001;

function settingsOf(o: Options): Setting[] {
  const out: Setting[] = [];
  for (const model of o.models) {
    for (const threads of o.threads) {
      for (const dim of o.dims) {
        for (const negative of o.negatives) {
          for (const epochs of o.epochs) out.push({ model, threads, dim, negative, epochs });
        }
      }
    }
  }
  return out;
}

/** gensim first (the reference), then fastText, then ours. */
function variantsOf(o: Options, s: Setting, available: Set<Tool>): Variant[] {
  const out: Variant[] = [];
  if (available.has("gensim")) out.push({ tool: "gensim", label: "corpus_file" });
  if (available.has("fasttext")) out.push({ tool: "fasttext", label: "minn=maxn=0" });
  if (available.has("ours")) {
    const sharedModes = s.model === "cbow"
      ? [undefined]
      : o.shared === "both"
      ? [false, true]
      : [o.shared === "on"];
    for (const kernel of o.kernels) {
      for (const shared of sharedModes) {
        out.push({
          tool: "ours",
          kernel,
          sharedNegatives: shared,
          label: shared === undefined ? kernel : `${kernel}, shared-neg ${shared ? "on" : "off"}`,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  /** Max RSS from /usr/bin/time -v, MiB. */
  peakMB?: number;
  /** User + system CPU seconds of the process, from /usr/bin/time -v. */
  cpuSeconds?: number;
  /** Busy cores of the whole machine while the process ran (it included). */
  machineBusyCores?: number;
}

const TIME = "/usr/bin/time";
let haveTime = false;

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const p = `${dir}/${name}`;
    try {
      const st = await Deno.stat(p);
      if (st.isFile && st.mode !== null && (st.mode & 0o111) !== 0) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface CpuSample {
  busy: number;
  total: number;
}

/** Machine-wide CPU ticks from /proc/stat (undefined where there is none). */
async function cpuSample(): Promise<CpuSample | undefined> {
  try {
    const line = (await Deno.readTextFile("/proc/stat")).split("\n")[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const idle = f[3] + (f[4] ?? 0);
    const busy = f[0] + f[1] + f[2] + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
    return { busy, total: busy + idle };
  } catch {
    return undefined;
  }
}

/** Cores the whole machine kept busy between two samples. */
function busyCores(a: CpuSample | undefined, b: CpuSample | undefined): number | undefined {
  if (!a || !b || b.total <= a.total) return undefined;
  return (b.busy - a.busy) / (b.total - a.total) * navigator.hardwareConcurrency;
}

/** Waits until the machine looks idle (under 0.25 busy cores for 3 s), at most `seconds`. */
async function waitForIdle(seconds: number): Promise<number> {
  const start = performance.now();
  let quiet = 0;
  while ((performance.now() - start) / 1000 < seconds) {
    const a = await cpuSample();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = busyCores(a, await cpuSample());
    if (busy === undefined) return 0;
    quiet = busy < 0.25 ? quiet + 1 : 0;
    if (quiet >= 3) break;
  }
  return (performance.now() - start) / 1000;
}

interface RunOptions {
  /** Variables to set. */
  env?: Record<string, string>;
  /** Variables to remove from the inherited environment. */
  unset?: string[];
  /** Measure peak RSS with /usr/bin/time -v (when installed). */
  measure?: boolean;
  tmp: string;
}

async function run(cmd: string[], opts: RunOptions): Promise<Measured> {
  const env = Deno.env.toObject();
  for (const k of opts.unset ?? []) delete env[k];
  Object.assign(env, opts.env ?? {});
  const timeFile = `${opts.tmp}/time-${crypto.randomUUID()}.txt`;
  const measure = (opts.measure ?? false) && haveTime;
  const argv = measure ? [TIME, "-v", "-o", timeFile, ...cmd] : cmd;
  const before = await cpuSample();
  const start = performance.now();
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallSeconds = (performance.now() - start) / 1000;
  const machineBusyCores = busyCores(before, await cpuSample());
  const dec = new TextDecoder();
  let peakMB: number | undefined;
  let cpuSeconds: number | undefined;
  if (measure) {
    try {
      const report = await Deno.readTextFile(timeFile);
      const m = report.match(/Maximum resident set size \(kbytes\):\s*(\d+)/);
      if (m) peakMB = Number(m[1]) / 1024;
      const user = report.match(/User time \(seconds\):\s*([\d.]+)/);
      const sys = report.match(/System time \(seconds\):\s*([\d.]+)/);
      if (user && sys) cpuSeconds = Number(user[1]) + Number(sys[1]);
      await Deno.remove(timeFile);
    } catch {
      // no report: the command could not start
    }
  }
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    wallSeconds,
    peakMB,
    cpuSeconds,
    machineBusyCores,
  };
}

function lastJsonLine(text: string): Record<string, unknown> {
  const lines = text.trim().split("\n").filter((l) => l.trim().startsWith("{"));
  if (lines.length === 0) throw new Error("no JSON in the output");
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

function failure(what: string, m: Measured): Error {
  // fastText's stderr is full of \r progress lines: keep the last meaningful lines.
  const tail = m.stderr.replaceAll("\r", "\n").split("\n").map((l) => l.trim()).filter((l) =>
    l !== ""
  ).slice(-3).join(" | ");
  return new Error(`${what} exited with ${m.code}: ${tail || "(no message)"}`);
}

// ---------------------------------------------------------------------------------------------
// One training

interface Quality {
  analogy: number;
  analogyCorrect: number;
  analogyTotal: number;
  spearman: number;
  wsOov: number;
  vocabSize: number;
}

interface RunRecord {
  setting: Setting;
  variant: Variant;
  rep: number;
  ok: boolean;
  error?: string;
  /** Timed training seconds (see DEFINITIONS). */
  seconds?: number;
  /** The training alone (see DEFINITIONS): without the vocabulary pass. */
  loopSeconds?: number;
  /** epochs x corpus tokens / seconds */
  wordsPerSecond?: number;
  /** CPU time of the timed part (see DEFINITIONS). */
  cpuSeconds?: number;
  /** epochs x corpus tokens / cpuSeconds: much less sensitive to a busy machine. */
  wordsPerCpuSecond?: number;
  peakMB?: number;
  /** Wall time of the whole process (start-up, saving the vectors included). */
  processSeconds?: number;
  /** CPU time of the process over its wall time, %: well under 100 × threads means the
   *  training was starved by other work on the machine. */
  cpuPercent?: number;
  /** Average cores other processes kept busy during the training: the noise. */
  otherLoad?: number;
  /** Seconds spent waiting for an idle machine first (--wait-idle). */
  waitedSeconds?: number;
  quality?: Quality;
  details?: Record<string, unknown>;
}

interface Paths {
  root: string;
  corpus: string;
  questions: string;
  wordsim: string;
  tmp: string;
  trainOne: string;
  evalVec: string;
  gensimScript: string;
}

const DENO_RUN = ["run", "--allow-read", "--allow-write", "--allow-env"];

async function trainOnce(
  o: Options,
  s: Setting,
  v: Variant,
  paths: Paths,
): Promise<{
  seconds: number;
  loopSeconds?: number;
  cpuSeconds?: number;
  m: Measured;
  vec: string;
  details: Record<string, unknown>;
}> {
  const vec = `${paths.tmp}/${v.tool}-${crypto.randomUUID()}.vec`;
  const lr = lrFor(s.model);
  if (v.tool === "ours") {
    const args = [
      ...DENO_RUN,
      paths.trainOne,
      "--corpus",
      paths.corpus,
      "--model",
      s.model,
      "--dim",
      String(s.dim),
      "--window",
      String(o.window),
      "--negative",
      String(s.negative),
      "--min-count",
      String(o.minCount),
      "--sample",
      String(o.sample),
      "--epochs",
      String(s.epochs),
      "--lr",
      String(lr),
      "--min-lr",
      String(MIN_LR),
      "--threads",
      String(s.threads),
      "--seed",
      String(o.seed),
      "--kernel",
      v.kernel ?? "relaxed",
      "--shared-negatives",
      v.sharedNegatives ? "on" : "off",
      "--vec",
      vec,
      "--no-eval",
    ];
    const m = await run([Deno.execPath(), ...args], { measure: true, tmp: paths.tmp });
    if (m.code !== 0) throw failure("train_one.ts", m);
    const out = lastJsonLine(m.stdout);
    return {
      seconds: out.seconds as number,
      loopSeconds: out.trainSeconds as number,
      cpuSeconds: out.cpuSeconds as number,
      m,
      vec,
      details: {
        trainLoopSeconds: out.trainSeconds,
        corpusTokensSeen: out.corpusTokens,
        finalLoss: out.finalLoss,
        vocabSize: out.vocabSize,
        rssAfterTrainMB: out.rssAfterTrainMB,
        threadTimes: out.threadTimes,
      },
    };
  }
  if (v.tool === "gensim") {
    const m = await run([
      "/usr/bin/python3",
      paths.gensimScript,
      "train",
      "--corpus",
      paths.corpus,
      "--vec",
      vec,
      "--model",
      s.model,
      "--dim",
      String(s.dim),
      "--window",
      String(o.window),
      "--negative",
      String(s.negative),
      "--min-count",
      String(o.minCount),
      "--sample",
      String(o.sample),
      "--epochs",
      String(s.epochs),
      "--lr",
      String(lr),
      "--min-lr",
      String(MIN_LR),
      "--workers",
      String(s.threads),
      "--seed",
      String(o.seed),
    ], {
      measure: true,
      tmp: paths.tmp,
      // Forcing a core type / L2 size slows numpy's and scipy's OpenBLAS down here.
      unset: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"],
      // gensim seeds each initial vector from hash(word): fix the str hash.
      env: { PYTHONHASHSEED: "0" },
    });
    if (m.code !== 0) throw failure("gensim_run.py", m);
    const out = lastJsonLine(m.stdout);
    return {
      seconds: out.seconds as number,
      loopSeconds: out.trainSeconds as number,
      cpuSeconds: out.cpuSeconds as number,
      m,
      vec,
      details: out,
    };
  }
  // fastText: the process is the training; nothing is subtracted from its wall time.
  const prefix = vec.slice(0, -".vec".length);
  const m = await run([
    "fasttext",
    s.model,
    "-input",
    paths.corpus,
    "-output",
    prefix,
    "-dim",
    String(s.dim),
    "-ws",
    String(o.window),
    "-neg",
    String(s.negative),
    "-minCount",
    String(o.minCount),
    "-t",
    String(o.sample),
    "-epoch",
    String(s.epochs),
    "-lr",
    String(lr),
    "-thread",
    String(s.threads),
    "-minn",
    "0",
    "-maxn",
    "0",
    "-seed",
    String(o.seed),
  ], { measure: true, tmp: paths.tmp });
  if (m.code !== 0) throw failure("fasttext", m);
  await Deno.remove(`${prefix}.bin`).catch(() => {});
  const rates = [...m.stderr.matchAll(/words\/sec\/thread:\s*(\d+)/g)];
  const details: Record<string, unknown> = {};
  if (rates.length > 0) {
    details.ownWordsPerSecPerThread = Number(rates[rates.length - 1][1]);
  }
  return { seconds: m.wallSeconds, cpuSeconds: m.cpuSeconds, m, vec, details };
}

async function evaluateVec(vec: string, paths: Paths): Promise<Quality> {
  const m = await run([
    Deno.execPath(),
    "run",
    "--allow-read",
    paths.evalVec,
    "--vec",
    vec,
    "--questions",
    paths.questions,
    "--wordsim",
    paths.wordsim,
  ], { tmp: paths.tmp });
  if (m.code !== 0) throw failure("eval_vec.ts", m);
  const out = lastJsonLine(m.stdout) as {
    analogy: { accuracy: number; correct: number; total: number };
    wordsim: { spearman: number; oovRatio: number };
    vocabSize: number;
  };
  return {
    analogy: out.analogy.accuracy,
    analogyCorrect: out.analogy.correct,
    analogyTotal: out.analogy.total,
    spearman: out.wordsim.spearman,
    wsOov: out.wordsim.oovRatio,
    vocabSize: out.vocabSize,
  };
}

// ---------------------------------------------------------------------------------------------
// Corpus helpers

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Whitespace-separated tokens in a file (the corpus is pre-tokenised). */
async function countTokens(path: string): Promise<number> {
  const file = await Deno.open(path);
  let count = 0;
  let inWord = false;
  for await (const chunk of file.readable) {
    for (let i = 0; i < chunk.length; i++) {
      const space = isSpace(chunk[i]);
      if (!space && !inWord) count++;
      inWord = !space;
    }
  }
  return count;
}

/** The first whole lines of `path` holding at least `words` tokens, written to `out`. */
async function writeHead(path: string, out: string, words: number): Promise<void> {
  const text = await Deno.readTextFile(path);
  let n = 0;
  let end = 0;
  while (end < text.length && n < words) {
    let nl = text.indexOf("\n", end);
    if (nl === -1) nl = text.length;
    n += text.slice(end, nl).split(/\s+/).filter((t) => t !== "").length;
    end = nl + 1;
  }
  await Deno.writeTextFile(out, text.slice(0, Math.min(end, text.length)));
}

// ---------------------------------------------------------------------------------------------
// Summary and table

interface Spread {
  mean: number;
  min: number;
  max: number;
  n: number;
}

function spread(xs: (number | undefined)[]): Spread | undefined {
  const ys = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (ys.length === 0) return undefined;
  return {
    mean: ys.reduce((a, b) => a + b, 0) / ys.length,
    min: Math.min(...ys),
    max: Math.max(...ys),
    n: ys.length,
  };
}

interface Row {
  setting: Setting;
  variant: Variant;
  runs: number;
  failed: number;
  error?: string;
  seconds?: Spread;
  loopSeconds?: Spread;
  wordsPerSecond?: Spread;
  wordsPerCpuSecond?: Spread;
  peakMB?: Spread;
  cpuPercent?: Spread;
  otherLoad?: Spread;
  analogy?: Spread;
  spearman?: Spread;
  /** mean words/s over gensim's mean words/s, same setting */
  ratioToGensim?: number;
  /** the same with words per CPU second */
  cpuRatioToGensim?: number;
  /** analogy accuracy minus gensim's, percentage points */
  deltaAnalogyPP?: number;
  deltaSpearman?: number;
}

function summarise(records: RunRecord[]): Row[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = `${settingKey(r.setting)}|${r.variant.tool}|${r.variant.label}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const rows: Row[] = [];
  for (const g of groups.values()) {
    const ok = g.filter((r) => r.ok);
    rows.push({
      setting: g[0].setting,
      variant: g[0].variant,
      runs: g.length,
      failed: g.length - ok.length,
      error: g.find((r) => !r.ok)?.error,
      seconds: spread(ok.map((r) => r.seconds)),
      loopSeconds: spread(ok.map((r) => r.loopSeconds)),
      wordsPerSecond: spread(ok.map((r) => r.wordsPerSecond)),
      wordsPerCpuSecond: spread(ok.map((r) => r.wordsPerCpuSecond)),
      peakMB: spread(ok.map((r) => r.peakMB)),
      cpuPercent: spread(ok.map((r) => r.cpuPercent)),
      otherLoad: spread(ok.map((r) => r.otherLoad)),
      analogy: spread(ok.map((r) => r.quality?.analogy)),
      spearman: spread(ok.map((r) => r.quality?.spearman)),
    });
  }
  for (const row of rows) {
    const ref = rows.find((r) =>
      r.variant.tool === "gensim" && settingKey(r.setting) === settingKey(row.setting)
    );
    if (!ref || row === ref) continue;
    if (ref.wordsPerSecond && row.wordsPerSecond) {
      row.ratioToGensim = row.wordsPerSecond.mean / ref.wordsPerSecond.mean;
    }
    if (ref.wordsPerCpuSecond && row.wordsPerCpuSecond) {
      row.cpuRatioToGensim = row.wordsPerCpuSecond.mean / ref.wordsPerCpuSecond.mean;
    }
    if (ref.analogy && row.analogy) {
      row.deltaAnalogyPP = 100 * (row.analogy.mean - ref.analogy.mean);
    }
    if (ref.spearman && row.spearman) row.deltaSpearman = row.spearman.mean - ref.spearman.mean;
  }
  return rows;
}

function fmtRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`;
}

function fmtSpread(s: Spread | undefined, f: (x: number) => string): string {
  if (!s) return "–";
  if (s.n === 1) return f(s.mean);
  return `${f(s.mean)} (${f(s.min)}–${f(s.max)})`;
}

function signed(x: number | undefined, f: (x: number) => string): string {
  if (x === undefined) return "–";
  return `${x >= 0 ? "+" : "−"}${f(Math.abs(x))}`;
}

function table(rows: Row[]): string {
  const header = [
    "setting",
    "tool",
    "variant",
    "train s",
    "words/s",
    "× gensim",
    "words/CPU-s",
    "CPU × gensim",
    "peak MB",
    "CPU %",
    "other load",
    "analogy %",
    "WS353 ρ",
    "Δ analogy (pp)",
    "Δ WS353",
  ];
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, i) => i < 3 ? "---" : "---:").join(" | ")} |`,
  ];
  for (const r of rows) {
    const cells: string[] = r.wordsPerSecond === undefined
      ? [
        settingKey(r.setting),
        r.variant.tool,
        r.variant.label,
        `failed: ${(r.error ?? "").replaceAll("|", "/").slice(0, 120)}`,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
      ]
      : [
        settingKey(r.setting),
        r.variant.tool,
        r.variant.label,
        fmtSpread(r.seconds, (x) => x.toFixed(1)),
        fmtSpread(r.wordsPerSecond, fmtRate),
        r.variant.tool === "gensim"
          ? "1.00"
          : r.ratioToGensim === undefined
          ? "–"
          : r.ratioToGensim.toFixed(2),
        fmtSpread(r.wordsPerCpuSecond, fmtRate),
        r.variant.tool === "gensim"
          ? "1.00"
          : r.cpuRatioToGensim === undefined
          ? "–"
          : r.cpuRatioToGensim.toFixed(2),
        fmtSpread(r.peakMB, (x) => x.toFixed(0)),
        fmtSpread(r.cpuPercent, (x) => x.toFixed(0)),
        fmtSpread(r.otherLoad, (x) => x.toFixed(1)),
        fmtSpread(r.analogy, (x) => (100 * x).toFixed(1)),
        fmtSpread(r.spearman, (x) => x.toFixed(3)),
        r.variant.tool === "gensim" ? "ref" : signed(r.deltaAnalogyPP, (x) => x.toFixed(1)),
        r.variant.tool === "gensim" ? "ref" : signed(r.deltaSpearman, (x) => x.toFixed(3)),
      ];
    if (r.failed > 0 && r.wordsPerSecond !== undefined) {
      cells[2] = `${cells[2]} (${r.failed}/${r.runs} failed)`;
    }
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Whether two runs (or rows) are of the same shape, tool and variant (thread counts aside). */
function sameRun(a: RunRecord | Row, b: RunRecord | Row): boolean {
  return shapeKey(a.setting) === shapeKey(b.setting) && a.variant.tool === b.variant.tool &&
    a.variant.label === b.variant.label;
}

/** Speed-up of each tool's multi-thread rows over its one-thread row of the same shape,
 *  for the whole timed part and for the training alone: mean one-thread seconds / mean
 *  seconds, and the same for each repeat's pair of runs, which ran side by side in time
 *  (median, min–max): on a machine whose speed drifts, the pairs say more. */
function scalingTable(rows: Row[], records: RunRecord[]): string | undefined {
  const ratio = (one: Spread | undefined, many: Spread | undefined) =>
    one && many ? `${(one.mean / many.mean).toFixed(2)}x` : "–";
  const paired = (many: Row, time: (r: RunRecord) => number | undefined): string => {
    const ratios: number[] = [];
    for (const r of records) {
      if (!r.ok || r.setting.threads !== many.setting.threads || !sameRun(r, many)) continue;
      const one = records.find((q) =>
        q.ok && q.setting.threads === 1 && q.rep === r.rep && sameRun(q, r)
      );
      const a = one && time(one);
      const b = time(r);
      if (a !== undefined && b !== undefined && b > 0) ratios.push(a / b);
    }
    if (ratios.length === 0) return "–";
    const mid = median(ratios).toFixed(2);
    return ratios.length === 1
      ? `${mid}x (1 pair)`
      : `${mid}x (${Math.min(...ratios).toFixed(2)}–${
        Math.max(...ratios).toFixed(2)
      }, ${ratios.length} pairs)`;
  };
  /** The one-thread runs' slowest words per CPU-second over their fastest. */
  const steadiness = (many: Row): string => {
    const speeds = records.flatMap((r) =>
      r.ok && r.setting.threads === 1 && sameRun(r, many) && r.wordsPerCpuSecond
        ? [r.wordsPerCpuSecond]
        : []
    );
    return speeds.length < 2 ? "–" : (Math.min(...speeds) / Math.max(...speeds)).toFixed(2);
  };
  const lines: string[] = [];
  for (const many of rows) {
    if (many.setting.threads < 2) continue;
    const one = rows.find((r) => r.setting.threads === 1 && sameRun(r, many));
    if (!one) continue;
    lines.push(
      `| ${shapeKey(many.setting)} | ${many.setting.threads} | ${many.variant.tool} | ` +
        `${many.variant.label} | ${ratio(one.seconds, many.seconds)} | ` +
        `${paired(many, (r) => r.seconds)} | ${ratio(one.loopSeconds, many.loopSeconds)} | ` +
        `${paired(many, (r) => r.loopSeconds)} | ${steadiness(many)} |`,
    );
  }
  if (lines.length === 0) return undefined;
  return [
    "| setting | threads | tool | variant | × one thread, whole | paired runs, median " +
    "(min–max) | × one thread, training alone | paired runs, median (min–max) | " +
    "one thread's steadiness |",
    "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...lines,
  ].join("\n");
}

/** Where our multi-thread trainings' time went (train()'s stats.threads): seconds per
 *  worker, mean over its runs and workers, beside the training alone of the
 *  one-thread row of the same shape. */
function threadTimesTable(rows: Row[], records: RunRecord[]): string | undefined {
  const lines: string[] = [];
  for (const many of rows) {
    if (many.variant.tool !== "ours" || many.setting.threads < 2) continue;
    const times = records.flatMap((r) =>
      r.ok && r.setting.threads === many.setting.threads && sameRun(r, many)
        ? (r.details?.threadTimes as ThreadTimes[] | undefined) ?? []
        : []
    );
    if (times.length === 0) continue;
    const mean = (f: (t: ThreadTimes) => number) =>
      (times.reduce((sum, t) => sum + f(t), 0) / times.length).toFixed(2);
    const one = rows.find((r) => r.setting.threads === 1 && sameRun(r, many))?.loopSeconds;
    lines.push(
      `| ${shapeKey(many.setting)} | ${many.setting.threads} | ${many.variant.label} | ` +
        `${mean((t) => t.startSeconds)} | ${mean((t) => t.kernelSeconds)} | ` +
        `${mean((t) => t.mergeSeconds)} | ${mean((t) => t.idleSeconds)} | ` +
        `${one ? one.mean.toFixed(2) : "–"} |`,
    );
  }
  if (lines.length === 0) return undefined;
  return [
    "Where our threads' time went (seconds per thread, mean; train()'s stats.threads): " +
    "starting, in the kernel, merging local rows, waiting for chunks; beside one thread's " +
    "training alone.",
    "",
    "| setting | threads | variant | start | kernel | merge | idle | one thread, training |",
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ...lines,
  ].join("\n");
}

const DEFINITIONS = [
  "words/s = epochs × corpus tokens (whitespace-separated, counted once by the bench) / timed " +
  "seconds, for every tool.",
  "Timed seconds: ours = the whole train() call (vocabulary pass, kernel set-up, training) in " +
  "a fresh Deno process (Deno start-up, saving and evaluation not timed); gensim = the " +
  "Word2Vec(...), build_vocab(corpus_file=...) and train(corpus_file=...) calls (vocabulary " +
  "pass + training; interpreter start-up, imports and saving not timed); fastText = the wall time of the whole fasttext process, nothing " +
  "subtracted (it includes its vocabulary pass, start-up, and writing its .bin and .vec).",
  "Training alone (the scaling table): ours = the epochs' loop, from the workers' start-up " +
  "(instantiating the kernel and copying their local rows) to the last chunk (train()'s own " +
  "stats.seconds); gensim = its train() call, timed apart from build_vocab. The vocabulary " +
  "pass runs on one thread in both. Paired runs: each repeat runs the one-thread and " +
  "multi-thread trainings of a shape one after the other (every second repeat in the " +
  "reverse order), and each pair gives its own speed-up. One thread's steadiness = its " +
  "slowest run's words/CPU-s over its fastest: one thread runs at ~100% CPU, so this tracks " +
  "the speed of the machine's cores; well under 0.9, they changed speed during the run and " +
  "the paired speed-ups moved with them.",
  "words/CPU-s = the same tokens / CPU seconds (user + system, all threads) of the same " +
  "timed part (fastText: of its whole process); it is much less disturbed by other work on " +
  "a busy machine than wall time, but with several threads it measures efficiency, not speed.",
  "peak MB = max RSS of the training process (/usr/bin/time -v), MiB; each training runs " +
  "alone in its own process (ours: bench/train_one.ts, which also writes its .vec).",
  "CPU % = (user + system CPU time) / wall time of the training process: well under " +
  "100 × threads means other work on the machine starved it (the timing is then too slow).",
  "other load = average cores other processes kept busy while the training ran " +
  "(/proc/stat minus the training's own CPU time); on a 2-core machine anything above ~0.3 " +
  "makes the timing of that row unreliable (use --wait-idle and --repeat).",
  "analogy = Google analogies, 3CosAdd over the 30,000 most frequent words, questions with an " +
  "unknown word skipped; WS353 = Spearman ρ on WordSim-353 (pairs with an unknown word " +
  "skipped). Every tool's saved .vec is scored by the same code (bench/eval_vec.ts, negsamp's " +
  "evaluator). fastText's .vec also holds </s>, one row among the 30,000.",
  "× gensim and Δ compare with gensim's mean for the same setting; with --repeat, cells show " +
  "mean (min–max).",
];

// ---------------------------------------------------------------------------------------------
// Main

function log(message: string): void {
  console.error(message);
}

async function gensimAvailable(tmp: string): Promise<string | undefined> {
  if (!(await fileExists("/usr/bin/python3"))) return "/usr/bin/python3 not found";
  const m = await run(["/usr/bin/python3", "-c", "import gensim; print(gensim.__version__)"], {
    tmp,
  });
  return m.code === 0 ? undefined : "gensim does not import in /usr/bin/python3";
}

/** Short SHA-256 of each kernel build, so a rebuild during the run is noticed. */
async function kernelHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ["negsamp.wasm", "negsamp-relaxed.wasm"]) {
    try {
      const bytes = await Deno.readFile(`${root}/build/${name}`);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      out[name] = [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
    } catch {
      out[name] = "missing";
    }
  }
  return out;
}

async function loadAverage(): Promise<string> {
  try {
    return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

async function cpuModel(): Promise<string> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return info.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(Deno.args, {
    values: {
      models: "skipgram,cbow",
      threads: "1",
      dims: "100",
      negatives: "5",
      epochs: undefined,
      window: "5",
      "min-count": "5",
      sample: "1e-3",
      seed: "1",
      repeat: "1",
      tools: "ours,gensim,fasttext",
      "shared-negatives": "both",
      kernel: "relaxed",
      corpus: undefined,
      data: undefined,
      json: undefined,
      "wait-idle": "0",
    },
    booleans: ["quick", "help"],
  });
  if (flags.booleans.has("help")) {
    console.log(USAGE);
    return;
  }
  const o = readOptions(flags);
  const benchStart = performance.now();

  const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
  const dataDir = o.data ?? `${root}/../shared/data`;
  if (!(await fileExists(dataDir))) {
    throw new Error(
      `the shared data folder ${dataDir} is missing: the bench needs its corpus and evaluation ` +
        `sets (corpus/en-mixed.txt, eval/questions-words.txt, eval/wordsim353.tsv); ` +
        `give its place with --data DIR`,
    );
  }
  const questions = `${dataDir}/eval/questions-words.txt`;
  const wordsim = `${dataDir}/eval/wordsim353.tsv`;
  const fullCorpus = o.corpus ?? `${dataDir}/corpus/en-mixed.txt`;
  for (const p of [questions, wordsim, fullCorpus]) {
    if (!(await fileExists(p))) throw new Error(`${p} is missing: the bench needs it`);
  }
  const fullCorpusReal = await Deno.realPath(fullCorpus);

  const tmp = await Deno.makeTempDir({ prefix: "negsamp-bench-" });
  try {
    let corpus = fullCorpusReal;
    if (o.quick) {
      corpus = `${tmp}/quick-corpus.txt`;
      await writeHead(fullCorpusReal, corpus, 500_000);
    }
    const corpusTokens = await countTokens(corpus);
    const kernelsBefore = await kernelHashes(root);
    const loadBefore = await loadAverage();
    const paths: Paths = {
      root,
      corpus,
      questions,
      wordsim,
      tmp,
      trainOne: `${root}/bench/train_one.ts`,
      evalVec: `${root}/bench/eval_vec.ts`,
      gensimScript: `${root}/bench/gensim_run.py`,
    };

    // Which tools can run.
    haveTime = await fileExists(TIME);
    if (!haveTime) {
      log(
        `notice: ${TIME} is missing, so peak memory is not measured ` +
          `(install it with: apt-get install -y time)`,
      );
    }
    const available = new Set<Tool>();
    for (const tool of o.tools) {
      if (tool === "ours") available.add(tool);
      else if (tool === "fasttext") {
        if (await onPath("fasttext")) available.add(tool);
        else log("notice: fasttext is not installed (apt-get install -y fasttext): skipped");
      } else {
        const why = await gensimAvailable(tmp);
        if (why === undefined) available.add(tool);
        else log(`notice: ${why} (apt-get install -y python3-gensim): gensim skipped`);
      }
    }

    const settings = settingsOf(o);
    const plan: { setting: Setting; variant: Variant; rep: number }[] = [];
    // Repeats interleave the tools, and the thread counts of one shape, so slow drifts of
    // a noisy machine hit all of them alike, and each multi-thread run has a one-thread
    // run of its repeat next to it (the paired speed-ups of the scaling table). Every
    // second repeat runs them in the reverse order (ABBA), so a drift within a repeat
    // does not always favour the same thread count.
    for (const group of byShape(settings)) {
      for (let rep = 1; rep <= o.repeat; rep++) {
        for (const setting of rep % 2 === 0 ? [...group].reverse() : group) {
          for (const variant of variantsOf(o, setting, available)) {
            plan.push({ setting, variant, rep });
          }
        }
      }
    }
    log(
      `bench: ${plan.length} trainings, one at a time, on ${corpus} ` +
        `(${corpusTokens.toLocaleString("en-US")} tokens${o.quick ? ", --quick" : ""})`,
    );

    const records: RunRecord[] = [];
    let crossCheck: Record<string, unknown> | undefined;
    let blas: unknown;
    for (const [i, item] of plan.entries()) {
      const { setting, variant, rep } = item;
      const name = `[${i + 1}/${plan.length}] ${settingKey(setting)} · ${variant.tool} ` +
        `${variant.label}${o.repeat > 1 ? ` · run ${rep}` : ""}`;
      const record: RunRecord = { setting, variant, rep, ok: false };
      records.push(record);
      let vec: string | undefined;
      if (o.waitIdle > 0) record.waitedSeconds = await waitForIdle(o.waitIdle);
      try {
        const t = await trainOnce(o, setting, variant, paths);
        vec = t.vec;
        record.seconds = t.seconds;
        record.loopSeconds = t.loopSeconds;
        record.wordsPerSecond = setting.epochs * corpusTokens / t.seconds;
        record.peakMB = t.m.peakMB;
        if (t.cpuSeconds !== undefined && t.cpuSeconds > 0) {
          record.cpuSeconds = t.cpuSeconds;
          record.wordsPerCpuSecond = setting.epochs * corpusTokens / t.cpuSeconds;
        }
        record.processSeconds = t.m.wallSeconds;
        if (t.m.cpuSeconds !== undefined) {
          record.cpuPercent = 100 * t.m.cpuSeconds / t.m.wallSeconds;
          if (t.m.machineBusyCores !== undefined) {
            record.otherLoad = Math.max(0, t.m.machineBusyCores - t.m.cpuSeconds / t.m.wallSeconds);
          }
        }
        record.details = t.details;
        if (variant.tool === "gensim" && blas === undefined) blas = t.details.blas;
        record.quality = await evaluateVec(vec, paths);
        record.ok = true;
        log(
          `${name}: ${t.seconds.toFixed(1)} s, ${fmtRate(record.wordsPerSecond)} words/s, ` +
            `${
              record.wordsPerCpuSecond === undefined ? "?" : fmtRate(record.wordsPerCpuSecond)
            } words/CPU-s, ${record.peakMB?.toFixed(0) ?? "?"} MB, other load ${
              record.otherLoad?.toFixed(1) ?? "?"
            }, analogy ${(100 * record.quality.analogy).toFixed(1)}%, WS353 ${
              record.quality.spearman.toFixed(3)
            }`,
        );
        if (variant.tool === "gensim" && crossCheck === undefined) {
          // gensim's own evaluator on the same file, once: a check of ours.
          const m = await run([
            "/usr/bin/python3",
            paths.gensimScript,
            "check",
            "--vec",
            vec,
            "--questions",
            questions,
            "--wordsim",
            wordsim,
          ], { tmp, unset: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] });
          if (m.code === 0) {
            crossCheck = {
              setting: settingKey(setting),
              gensim: lastJsonLine(m.stdout),
              ours: record.quality,
            };
          } else {
            crossCheck = {
              setting: settingKey(setting),
              error: failure("gensim check", m).message,
            };
          }
        }
      } catch (e) {
        record.error = e instanceof Error ? e.message : String(e);
        log(`${name}: FAILED: ${record.error}`);
      } finally {
        if (vec !== undefined) await Deno.remove(vec).catch(() => {});
      }
    }

    const rows = summarise(records);
    const kernelsAfter = await kernelHashes(root);
    const loadAfter = await loadAverage();
    const kernelChanged = JSON.stringify(kernelsBefore) !== JSON.stringify(kernelsAfter);
    const benchSeconds = (performance.now() - benchStart) / 1000;
    const cpu = await cpuModel();
    const out: string[] = [];
    out.push(
      `## negsamp bench — ${o.quick ? `the first lines of ${fullCorpusReal}` : corpus} ` +
        `(${corpusTokens.toLocaleString("en-US")} tokens)` + (o.quick ? " — QUICK smoke run" : ""),
    );
    out.push("");
    out.push(
      `window ${o.window}, min_count ${o.minCount}, sample ${o.sample}, lr 0.025 skip-gram / ` +
        `0.05 CBOW → ${MIN_LR}, seed ${o.seed}; repeat ${o.repeat}. ` +
        `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), ${cpu}, ` +
        `${navigator.hardwareConcurrency} cores, load average ${loadBefore} at the start, ` +
        `${loadAfter} at the end` +
        (blas && typeof blas === "object" && "core" in blas
          ? `; gensim's OpenBLAS core: ${(blas as { core: string }).core}`
          : "") +
        ". Kernel builds: " +
        Object.entries(kernelsBefore).map(([k, h]) => `${k} ${h}`).join(", ") +
        (kernelChanged
          ? ` — WARNING: build/ changed during the run (now ${
            Object.entries(kernelsAfter).map(([k, h]) => `${k} ${h}`).join(", ")
          }): our rows may mix kernel versions`
          : "") +
        ".",
    );
    out.push("");
    out.push(table(rows));
    const scaling = scalingTable(rows, records);
    if (scaling) {
      out.push("");
      out.push(scaling);
    }
    const threadTimes = threadTimesTable(rows, records);
    if (threadTimes) {
      out.push("");
      out.push(threadTimes);
    }
    out.push("");
    for (const d of DEFINITIONS) out.push(`- ${d}`);
    if (crossCheck) {
      out.push("");
      if ("error" in crossCheck) {
        out.push(`Cross-check of the evaluator failed: ${crossCheck.error}`);
      } else {
        const g = crossCheck.gensim as {
          analogy: { accuracy: number; correct: number; total: number };
          wordsim: { spearman: number; oovRatio: number };
        };
        const q = crossCheck.ours as Quality;
        out.push(
          `Evaluator cross-check on gensim's ${crossCheck.setting} vectors: gensim's ` +
            `evaluate_word_analogies(restrict_vocab=30000) ${
              (100 * g.analogy.accuracy).toFixed(2)
            }% ` +
            `(${g.analogy.correct}/${g.analogy.total}) vs ours ${(100 * q.analogy).toFixed(2)}% ` +
            `(${q.analogyCorrect}/${q.analogyTotal}); evaluate_word_pairs Spearman ` +
            `${g.wordsim.spearman.toFixed(4)} vs ours ${q.spearman.toFixed(4)} ` +
            `(OOV ${(100 * g.wordsim.oovRatio).toFixed(1)}% vs ${(100 * q.wsOov).toFixed(1)}%).`,
        );
      }
    }
    out.push("");
    out.push(
      `Bench wall time: ${(benchSeconds / 60).toFixed(1)} min (${benchSeconds.toFixed(0)} s).`,
    );
    console.log(out.join("\n"));

    if (o.json) {
      const json = JSON.stringify(
        {
          meta: {
            date: new Date().toISOString(),
            corpus,
            corpusTokens,
            quick: o.quick,
            options: o,
            deno: Deno.version,
            cpu,
            cores: navigator.hardwareConcurrency,
            gensimBlas: blas ?? null,
            kernelsBefore,
            kernelsAfter,
            loadBefore,
            loadAfter,
            benchSeconds,
          },
          definitions: DEFINITIONS,
          rows,
          runs: records,
          evaluatorCrossCheck: crossCheck ?? null,
        },
        null,
        2,
      ) + "\n";
      await writeFileAtomic(o.json, new TextEncoder().encode(json));
      log(`wrote ${o.json}`);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

try {
  await main();
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e instanceof UsageError ? `bench: ${message}\n\n${USAGE}` : `bench: ${message}`);
  Deno.exit(e instanceof UsageError ? 2 : 1);
}
