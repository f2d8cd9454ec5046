// Per-request CPU time of the Cloudflare Worker example (examples/worker/) in workerd
// (Miniflare), for top-10 neighbours over a 30,000-word, 100-dim quantized model, next to the
// same query in Deno.
//
// Workers bill CPU time, not wall time, and a busy machine inflates wall time, so the main
// figures come from the kernel's own accounting: the workerd process's user + system CPU
// (/proc/PID/stat, all its threads) over N requests of GET /similar, minus the same over N
// requests the Worker answers without touching the model (a 404) — what is left is the search
// and its JSON. Start-up (the Worker decodes the model in its global scope) is measured the
// same way against a 10-word model. Loopback latencies are printed too. Linux only.
//   deno run -A bench/worker.ts [--words 30000] [--dim 100] [--requests 1000] [--model m.nsq]
import { Miniflare } from "miniflare";
import { encodeQuantized, vectorsFromBytes } from "../src/mod.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const words = Number(flag("words", "30000"));
const dim = Number(flag("dim", "100"));
const requests = Number(flag("requests", "1000"));
const modelPath = flag("model", "");
const root = new URL("../", import.meta.url).pathname;
/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** Random vectors (the cost of a search does not depend on the values). */
function syntheticModel(rows: number): Uint8Array {
  let s = 0x9e3779b9;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32 - 0.5;
  };
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = rand() + rand() + rand();
  const list = Array.from({ length: rows }, (_, i) => `w${i}`);
  return encodeQuantized({ words: list, dim, data }, { producer: "bench/worker.ts" });
}

async function sh(program: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(program, { args, cwd: root, stderr: "inherit" }).output();
  if (out.code !== 0) throw new Error(`${program} ${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}

/** CPU milliseconds (user + system, all threads) a process has used so far. */
function cpuMs(pid: number | "self"): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS;
}

/** Resident memory of a process, in MB. */
function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** The workerd process Miniflare started (a child of this process). */
function workerdPid(): number {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (cmd.includes("workerd") && cmd.includes("serve") && ppid === Deno.pid) {
        return Number(entry.name);
      }
    } catch {
      // the process went away
    }
  }
  throw new Error("cannot find the workerd process");
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = await Deno.makeTempDir({ prefix: "negsamp-bench-worker-" });
const running: Miniflare[] = [];
try {
  const bytes = modelPath ? await Deno.readFile(modelPath) : syntheticModel(words);
  await Deno.writeFile(`${dir}/model.nsq`, bytes);
  await sh("node", ["build/bundle.mjs"]);
  const build = async (model: string, out: string) => {
    const text = await sh("node", [
      "examples/worker/build.mjs",
      "--model",
      model,
      "--out",
      out,
      "--minify",
    ]);
    const lines = text.trim().split("\n");
    const info = JSON.parse(lines.pop()!) as {
      out: string;
      modules: [string, "ESModule" | "CompiledWasm" | "Data"][];
    };
    return { info, lines };
  };
  const big = await build(`${dir}/model.nsq`, `${dir}/worker`);
  await Deno.writeFile(`${dir}/tiny.nsq`, syntheticModel(10));
  const tiny = await build(`${dir}/tiny.nsq`, `${dir}/tiny`);
  console.log("Worker upload (minified, as wrangler deploy would send it):");
  for (const l of big.lines) console.log(`  ${l}`);

  /** Starts workerd; returns it once the first request is answered, with the CPU it used. */
  const start = async (info: typeof big.info) => {
    const t0 = performance.now();
    const mf = new Miniflare({
      modules: info.modules.map(([name, type]) => ({ type, path: `${info.out}/${name}` })),
      modulesRoot: info.out,
      compatibilityDate: "2026-04-01",
      host: "127.0.0.1",
      port: 0,
    });
    running.push(mf);
    const url = await mf.ready;
    const r = await fetch(new URL("/nothing", url)); // waits for the global scope to finish
    await r.arrayBuffer();
    const pid = workerdPid();
    return { mf, url, pid, cpu: cpuMs(pid), rss: rssMb(pid), wall: performance.now() - t0 };
  };
  const tinyRun = await start(tiny.info);
  await tinyRun.mf.dispose();
  running.length = 0;
  const run = await start(big.info);
  const base = run.url;
  const vectors = await vectorsFromBytes(bytes, "model.nsq", { kernel: "simd" });
  const pick = (i: number) => vectors.words[(i * 7919) % vectors.size];

  const get = async (path: string): Promise<number> => {
    const t0 = performance.now();
    const r = await fetch(new URL(path, base));
    await r.arrayBuffer();
    if (r.status !== 200 && r.status !== 404) throw new Error(`${path}: HTTP ${r.status}`);
    return performance.now() - t0;
  };
  /** N requests: workerd CPU ms per request, and the median loopback latency. */
  const measure = async (path: (i: number) => string) => {
    const c0 = cpuMs(run.pid);
    const wall: number[] = [];
    for (let i = 0; i < requests; i++) wall.push(await get(path(i)));
    return { cpu: (cpuMs(run.pid) - c0) / requests, wall: median(wall) };
  };
  for (let i = 0; i < 100; i++) await get(`/similar?word=${pick(i)}&k=10`); // warm up (JIT)
  const nothing = await measure(() => "/nothing");
  const similar = await measure((i) => `/similar?word=${pick(i + 100)}&k=10`);
  const nothing2 = await measure(() => "/nothing");
  const baseline = (nothing.cpu + nothing2.cpu) / 2;

  const c0 = cpuMs("self");
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    JSON.stringify({ neighbors: vectors.mostSimilar(pick(i + 100), [], 10) });
  }
  const denoCpu = (cpuMs("self") - c0) / requests;
  const denoWall = (performance.now() - t0) / requests;

  const f = (x: number) => x.toFixed(2);
  const load = Deno.loadavg().map((x) => x.toFixed(1)).join(" ");
  console.log(
    `\nModel: ${vectors.size} words x ${vectors.dim} (${(bytes.length / 1e6).toFixed(2)} MB .nsq)` +
      `; ${requests} sequential keep-alive requests per row; ${navigator.hardwareConcurrency} ` +
      `cores, load average ${load}`,
  );
  console.log(`| per request | workerd CPU ms | loopback latency ms (median) |`);
  console.log(`| --- | ---: | ---: |`);
  console.log(`| GET /similar?word=W&k=10 | ${f(similar.cpu)} | ${f(similar.wall)} |`);
  console.log(
    `| GET /nothing (404, no search) | ${f(baseline)} | ${f((nothing.wall + nothing2.wall) / 2)} |`,
  );
  console.log(`| **search + JSON (difference)** | **${f(similar.cpu - baseline)}** | |`);
  console.log(`| Deno in-process mostSimilar k=10 + JSON | ${f(denoCpu)} | ${f(denoWall)} |`);
  console.log(
    `\nStart-up (workerd boot + the Worker's global scope, until its first answer): ` +
      `${run.cpu.toFixed(0)} ms CPU (${run.wall.toFixed(0)} ms wall) with this model, ` +
      `${tinyRun.cpu.toFixed(0)} ms CPU (${tinyRun.wall.toFixed(0)} ms wall) with a 10-word ` +
      `one: decoding the model costs about ${(run.cpu - tinyRun.cpu).toFixed(0)} ms CPU.`,
  );
  console.log(
    `Memory (workerd resident set): ${rssMb(run.pid).toFixed(0)} MB after the requests with ` +
      `this model, ${tinyRun.rss.toFixed(0)} MB at start with the 10-word one: the model ` +
      `takes about ${(rssMb(run.pid) - tinyRun.rss).toFixed(0)} MB (Workers allow 128 MB per ` +
      `isolate).`,
  );
} finally {
  for (const mf of running) await mf.dispose();
  await Deno.remove(dir, { recursive: true });
}
